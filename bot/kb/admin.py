"""Knowledge-base management shared by the app and the CLI: list, upload, delete, re-index, set a
document's status; every change is written to an audit log (``<data_dir>/audit.log``, JSON lines:
time, user, action, target, result).

Roles: ``admin`` may change the knowledge base; ``member`` may chat, practise and generate.
Users and bcrypt password hashes come from ``DANGJIAN_USERS`` (see :class:`bot.config.Settings`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

from bot.ingest.load import SUPPORTED_SUFFIXES, inside, key_path, sidecar_path
from bot.schema import STATUSES

TYPE_FOLDERS = {"法规": "regulations", "案例": "cases", "讲稿": "lectures", "资料": "materials"}


def empty_message(what: str) -> str:
    """The Chinese message of a request that needs documents when none is indexed: ``what`` could not
    be done (e.g. "出题"), and how an admin adds documents."""
    return (f"知识库为空：还没有索引任何文档，无法{what}。请管理员在“知识库（管理员）”标签上传党章党规等文档，"
            "或把文件放进知识库目录后运行 `dangjian ingest <目录>`（应用启动时也会在后台索引该目录）；"
            "若索引正在进行，请稍候再试。")


class PermissionDenied(PermissionError):
    """The user's role does not allow the action (Chinese message)."""


def role_of(settings, username: str | None) -> str:
    """'admin' or 'member'. Without configured users (a loopback-only, single-user set-up) everyone is admin."""
    if not settings.users:
        return "admin"
    return str((settings.users.get(username or "") or {}).get("role", "member"))


def require_admin(settings, username: str | None, action: str) -> None:
    if role_of(settings, username) != "admin":
        raise PermissionDenied(f"只有管理员可以{action}（当前用户：{username or '未登录'}）")


def check_password(settings, username: str, password: str) -> bool:
    """bcrypt check against the configured hash; False for unknown users."""
    import bcrypt

    entry = (settings.users or {}).get(username)
    if not entry or not entry.get("password_hash"):
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), str(entry["password_hash"]).encode("utf-8"))
    except ValueError:
        return False


def hash_password(password: str) -> str:
    import bcrypt

    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def audit(settings, user: str | None, action: str, target: str, result: str) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "user": user or "(本机)", "action": action,
             "target": target, "result": result}
    with open(settings.data_dir / "audit.log", "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def safe_name(name: str) -> str:
    """A file name safe to write inside the knowledge base: no folders, no ``..``, no control
    characters; Chinese and spaces kept. Raises ValueError when nothing usable is left."""
    base = re.split(r"[\\\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "", base).strip().lstrip(".")
    base = base.replace("..", "")
    if not base or not Path(base).suffix:
        raise ValueError(f"文件名不可用：{name!r}")
    return base


def indexed_document(pipe, key: str) -> dict:
    """The manifest entry of the indexed document whose key (``list_documents()[i]["path"]``) is
    ``key``. Admin operations name documents this way and no other: a path that is not an indexed
    document's key (``/tmp/x/secret.md``, ``../../etc``) is refused, whatever exists there.

    Raises:
        ValueError: ``key`` names no indexed document.
    """
    entry = pipe.index.manifest().get(str(key or ""))
    if entry is None:
        raise ValueError(f"知识库中没有这篇文档：{str(key)[:200]!r}（请从文档列表中选择）")
    return entry


def file_in_kb(pipe, key: str) -> Path | None:
    """The file of document ``key`` when it lies inside the knowledge-base folder (symbolic links
    resolved) — the only files the app may change or remove; None otherwise."""
    p = key_path(key, pipe.settings.kb_dir)
    return p if p.is_file() and inside(p, pipe.settings.kb_dir) else None


def list_documents(pipe) -> list[dict]:
    out = []
    for path, d in sorted(pipe.index.manifest().items(), key=lambda x: x[1]["source"]):
        out.append({"title": d["title"], "doc_type": d["doc_type"], "version": d["version"], "status": d["status"],
                    "chunks": sum(d["hashes"].values()), "source": d["source"], "path": path})
    return out


def upload(pipe, files: list[Path], doc_type: str, user: str | None, max_files: int = 50):
    """Copy uploaded files into the knowledge base folder of ``doc_type`` and index them
    (:func:`save_uploads`, then :func:`index_uploads`).

    Raises:
        PermissionDenied, ValueError (no files, unknown type, unsupported file type or name).
    """
    target, written = save_uploads(pipe, files, doc_type, user, max_files)
    return index_uploads(pipe, target, written, user)


def save_uploads(pipe, files: list[Path], doc_type: str, user: str | None,
                 max_files: int = 50) -> tuple[Path, list[Path]]:
    """Copy uploaded files into the knowledge base folder of ``doc_type`` (every name is checked
    before anything is written); returns (that folder, the files written). The app indexes them
    in its background worker (:func:`index_uploads`).

    Raises:
        PermissionDenied, ValueError (no files, unknown type, unsupported file type or name).
    """
    require_admin(pipe.settings, user, "上传文档")
    if doc_type not in TYPE_FOLDERS:
        raise ValueError(f"文档类型只能是：{'、'.join(TYPE_FOLDERS)}")
    if not files:
        raise ValueError("请选择要上传的文件")
    if len(files) > max_files:
        raise ValueError(f"一次最多上传 {max_files} 个文件")
    target = Path(pipe.settings.kb_dir) / TYPE_FOLDERS[doc_type]
    target.mkdir(parents=True, exist_ok=True)
    names = [safe_name(Path(f).name) for f in files]  # every name is checked before anything is written
    for name in names:
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise ValueError(f"{name}：不支持的文件类型（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
    written = []
    for f, name in zip(files, names):
        dest = target / name
        shutil.copyfile(f, dest)
        written.append(dest)
    return target, written


def index_uploads(pipe, target: Path, written: list[Path], user: str | None, tracker=None):
    """Index the folder ``target`` that :func:`save_uploads` wrote ``written`` into, and audit it;
    ``tracker``: an :class:`bot.ingest.report.IngestProgress` for live counters. Returns the IngestReport."""
    report = pipe.ingest(target, show_progress=False, tracker=tracker)
    audit(pipe.settings, user, "上传", ", ".join(p.name for p in written),
          f"新增 {report.added}，更新 {report.updated}，失败 {len(report.failed)}")
    return report


def delete(pipe, path: str, user: str | None) -> int:
    """Remove the indexed document with key ``path`` from the index, and its file when it lies inside
    the knowledge base.

    Raises:
        PermissionDenied, ValueError (``path`` is not an indexed document's key).
    """
    require_admin(pipe.settings, user, "删除文档")
    indexed_document(pipe, path)
    file = file_in_kb(pipe, path)
    n = pipe.index.delete_document(path)
    removed_file = False
    if file is not None:
        file.unlink()
        side = sidecar_path(file)
        if side.is_file():
            side.unlink()
        removed_file = True
    pipe.retriever.invalidate()
    audit(pipe.settings, user, "删除", path, f"删除 {n} 个片段{'和文件' if removed_file else ''}")
    return n


def reindex(pipe, user: str | None, path: Path | None = None, tracker=None):
    """Ingest the knowledge base again (or ``path``, which must lie inside it); ``tracker``: an
    :class:`bot.ingest.report.IngestProgress` for live counters.

    Raises:
        PermissionDenied, ValueError (``path`` outside the knowledge base).
    """
    require_admin(pipe.settings, user, "重新索引")
    if path is not None and not (inside(path, pipe.settings.kb_dir)
                                 or os.path.realpath(path) == os.path.realpath(pipe.settings.kb_dir)):
        raise ValueError(f"只能重新索引知识库目录中的内容：{str(path)[:200]!r}")
    report = pipe.ingest(path or pipe.settings.kb_dir, show_progress=False, tracker=tracker)
    audit(pipe.settings, user, "重新索引", str(path or pipe.settings.kb_dir),
          f"新增 {report.added}，更新 {report.updated}，删除 {report.removed}，失败 {len(report.failed)}")
    return report


def set_status(pipe, path: str, status: str, user: str | None) -> None:
    """Set the status of the indexed document with key ``path``; written to its sidecar when the file
    lies inside the knowledge base, else to the index alone.

    Raises:
        PermissionDenied, ValueError (unknown status; ``path`` is not an indexed document's key).
    """
    require_admin(pipe.settings, user, "修改文档状态")
    if status not in STATUSES:
        raise ValueError(f"状态只能是：{'、'.join(STATUSES)}")
    import yaml

    indexed_document(pipe, path)
    p = file_in_kb(pipe, path)
    if p is not None:
        side = sidecar_path(p)
        data = yaml.safe_load(side.read_text(encoding="utf-8")) if side.is_file() else {}
        data = {**(data or {}), "status": status}
        side.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        pipe.ingest(p.parent, show_progress=False)
    else:
        pipe.index.set_status(path, status)
    pipe.retriever.invalidate()
    audit(pipe.settings, user, "修改状态", path, status)


__all__ = ["PermissionDenied", "audit", "check_password", "delete", "empty_message", "file_in_kb", "hash_password",
           "index_uploads", "indexed_document", "list_documents", "reindex", "require_admin", "role_of", "safe_name",
           "save_uploads", "set_status", "upload"]
