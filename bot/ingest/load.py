"""Load stage: read a file (.txt .md .docx .pdf .html), detect its encoding, clean its text and
read its metadata (title, document type, version).

Public API:
    * :func:`load_document` — one file → :class:`~bot.schema.Document`, raises :class:`LoadError`.
    * :func:`iter_files` — the supported files below a folder, in a stable order.
    * :func:`doc_type_for` — document type from the folder a file lies in.
    * :func:`document_key` / :func:`key_path` — the key a file is indexed by (relative to the
      knowledge-base root, so a moved or copied knowledge base keeps its index) and back.
    * :class:`LoadLimits` — the bounds a file must stay within (size, text, pages, zip expansion,
      parser memory and time); .docx/.pdf/.html files are parsed in a separate process under them
      (:func:`bot.ingest.readers.parse_isolated`, :mod:`bot.ingest.parse`).

Cleaning lives in :mod:`bot.ingest.clean`, the file readers in :mod:`bot.ingest.readers`,
:class:`LoadError` and :class:`LoadLimits` in :mod:`bot.ingest.limits` (re-exported here, as are
:func:`clean_text`, :func:`check_container`, :func:`parse_isolated`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from bot.ingest.clean import clean_text
from bot.ingest.limits import LoadError, LoadLimits
from bot.ingest.readers import check_container, decode_bytes, parse_isolated, too_long
from bot.schema import Document

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")

#: Folder names (lower-cased) → document type. The top folder below the knowledge base decides.
FOLDER_TYPES = {
    "regulations": "法规", "regulation": "法规", "法规": "法规", "党内法规": "法规", "条例": "法规",
    "cases": "案例", "case": "案例", "案例": "案例", "典型案例": "案例",
    "lectures": "讲稿", "lecture": "讲稿", "讲稿": "讲稿", "党课": "讲稿", "微党课": "讲稿",
}
DEFAULT_DOC_TYPE = "资料"

#: File names that document a folder rather than hold knowledge; never indexed.
SKIPPED_NAMES = {"readme.md", "readme.txt", "manifest.md", "license", "license.md"}


def document_key(path: Path | str, kb_dir: Path | str) -> str:
    """The key a file is indexed by: its path relative to the knowledge-base root ``kb_dir``, with
    ``/`` separators (``regulations/党章.md``), when the file lies below it; else its absolute path.
    Keys relative to the root make an index portable: a knowledge base moved or copied together with
    its data directory is found unchanged. Symbolic links are not resolved (the link's place counts)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(kb_dir)).as_posix()
    except ValueError:
        return str(absolute)


def key_path(key: str, kb_dir: Path | str) -> Path:
    """The file a :func:`document_key` stands for (absolute)."""
    p = Path(key)
    return p if p.is_absolute() else Path(os.path.abspath(kb_dir)) / p


def inside(path: Path | str, folder: Path | str) -> bool:
    """Whether ``path``, with symbolic links resolved, lies inside ``folder`` (also resolved)."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real != root and real.startswith(root.rstrip(os.sep) + os.sep)


# --------------------------------------------------------------------------------------
# files and types
# --------------------------------------------------------------------------------------


def iter_files(root: Path) -> Iterator[Path]:
    """Yield supported files below ``root`` (or ``root`` itself if it is a file), sorted.

    Hidden files/folders, sidecar files and README/MANIFEST files are skipped, and so is a second
    path to the same file (a symbolic link to a file already yielded): it would be indexed twice.
    """
    root = Path(root)
    if root.is_file():
        yield root
        return
    seen: set[str] = set()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if not p.is_file() or p.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if p.name.lower() in SKIPPED_NAMES:
            continue
        real = os.path.realpath(p)
        if real in seen:
            continue
        seen.add(real)
        yield p


def doc_type_for(path: Path, root: Path) -> str:
    """Document type (法规/案例/讲稿/资料) from the folders between ``root`` and ``path``.

    The root's own name counts too, so ingesting ``corpus/regulations`` directly still gives 法规.
    The first folder, from the top, whose name is known decides.
    """
    path, root = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    folders = [root.name] if root.is_dir() else []
    try:
        folders += list(path.parent.relative_to(root if root.is_dir() else root.parent).parts)
    except ValueError:
        folders += list(path.parent.parts)
    for name in folders:
        t = FOLDER_TYPES.get(name.lower())
        if t:
            return t
    return DEFAULT_DOC_TYPE


# --------------------------------------------------------------------------------------
# metadata
# --------------------------------------------------------------------------------------

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_VERSION = re.compile(_DATE + r"[^\n。]{0,40}?(通过|修正|修订|修改|施行|发布|印发)")
_ISO_DATE = re.compile(r"发布时间[：:]\s*(\d{4}-\d{2}-\d{2})")


def extract_version(raw: str) -> str:
    """Version/date from the title block (first 2,000 characters).

    Returns the latest dated adoption/amendment mention, e.g. ``2017年10月24日通过`` or
    ``2018年3月11日通过`` for a constitution listing several amendments; a web article's
    ``发布时间：2017-03-26`` gives ``2017-03-26``; "" when none is found.
    """
    head = raw[:2000]
    found = []
    for m in _VERSION.finditer(head):
        y, mo, d, verb = m.groups()
        found.append(((int(y), int(mo), int(d)), f"{y}年{int(mo)}月{int(d)}日{verb}"))
    if found:
        return max(found)[1]
    m = _ISO_DATE.search(head)
    return m.group(1) if m else ""


def _unquoted_title(title: str) -> str:
    """A title without book-title marks around it: "《中国共产党党员教育管理工作条例》" is cited as
    《中国共产党党员教育管理工作条例》, not 《《…》》 (marks inside the title stay)."""
    m = re.fullmatch(r"《([^《》]+)》", title)
    return m.group(1).strip() if m else title


def extract_title(text: str, path: Path) -> str:
    """Title: the first Markdown heading, else a short first line that reads like a title,
    else the file name (without extension, ``_`` → space, issue prefixes kept)."""
    for line in text.split("\n")[:30]:
        m = re.match(r"^#{1,3}\s*(.+?)\s*#*$", line.strip())
        if m and m.group(1).strip():
            return _unquoted_title(m.group(1).strip())
    stem = path.stem
    if re.fullmatch(r"[\d_\-a-f]+", stem):  # hashed file names: look for a title-like first line
        for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:3]:
            if 4 <= len(line) <= 80 and line[-1] not in "。；，,.;" and not line.startswith(("[", "【")):
                return line
    return stem.replace("_", " ").strip()


# --------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------


def sidecar_path(path: Path) -> Path:
    """``<file>.meta.yaml`` beside a document."""
    return Path(path).with_name(Path(path).name + ".meta.yaml")


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes plus its sidecar's (a changed sidecar re-indexes the document)."""
    h = hashlib.sha256(Path(path).read_bytes())
    side = sidecar_path(path)
    if side.is_file():
        h.update(b"\0sidecar\0" + side.read_bytes())
    return h.hexdigest()


def read_sidecar(path: Path) -> dict:
    """Fields of ``<file>.meta.yaml`` (title, status, effective_date, version, doc_type); {} if none.

    Raises:
        LoadError: the sidecar is not valid YAML or names an unknown status.
    """
    import yaml

    from bot.schema import STATUSES

    side = sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise LoadError(side, f"元数据文件不是合法的 YAML（{e}）") from e
    if not isinstance(data, dict):
        raise LoadError(side, "元数据文件应为键值对（title/status/effective_date/version）")
    if data.get("status") and data["status"] not in STATUSES:
        raise LoadError(side, f"状态只能是 {'、'.join(STATUSES)}，实际为 {data['status']!r}")
    return data


def effective_date(version: str) -> str:
    """ISO date from a version string ("2017年10月24日通过" → "2017-10-24"), or ""."""
    m = re.search(_DATE, version or "")
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = re.search(r"\d{4}-\d{2}-\d{2}", version or "")
    return m.group(0) if m else ""


def _read_raw(path: Path, limits: LoadLimits) -> tuple[str, bool]:
    """The raw text of a supported file and whether its hard line wraps are to be repaired (PDF and
    .txt text). Raises LoadError as :func:`load_document` describes."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(path, f"不支持的文件类型 {suffix or '(无扩展名)'}；支持 {' '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise LoadError(path, f"文件过大（{size / 2**20:.1f} MB，上限 {limits.max_bytes / 2**20:.0f} MB）")
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(path, f"无法读取文件（{e.strerror or e}）", refused=False) from e
    if not data.strip():
        raise LoadError(path, "文件为空")

    if suffix in (".pdf", ".docx", ".html", ".htm"):
        if suffix == ".docx":
            check_container(path, limits)  # before the parser process: a bomb costs no parsing at all
        markup = data if suffix in (".html", ".htm") else b""  # the parser reads .pdf/.docx from the path
        return parse_isolated(suffix, path, markup, limits), suffix == ".pdf"
    if len(data) > limits.max_chars * 4:  # no encoding takes more than 4 bytes a character
        raise too_long(path, limits)
    return decode_bytes(data, path), suffix == ".txt"


def _source_of(path: Path, root: Path) -> str:
    """The ``source`` shown for a file: its path below the ingested folder, starting with that folder's
    name (``regulations/党章.md``); the file name when it lies elsewhere."""
    resolved = Path(os.path.abspath(path))
    root_resolved = Path(os.path.abspath(root))
    try:
        rel = resolved.relative_to(root_resolved if root_resolved.is_dir() else root_resolved.parent)
        return str(Path(root_resolved.name) / rel) if root_resolved.is_dir() else str(rel)
    except ValueError:
        return path.name


def load_document(path: Path, root: Path | None = None, *, max_bytes: int | None = None,
                  key: str | None = None, limits: LoadLimits | None = None) -> Document:
    """Load one file into a :class:`Document`.

    Args:
        path: the file.
        root: the folder being ingested (decides ``source`` and ``doc_type``); default: the file's folder.
        max_bytes: refuse files larger than this many bytes (overrides ``limits.max_bytes``).
        key: the document's key in the index (:func:`document_key`); default: the absolute path.
        limits: bounds on size, text length, pages and container expansion, and on the memory and time
            of the parser process that reads .docx/.pdf/.html files (:func:`parse_isolated`).

    Raises:
        LoadError: unsupported type, too large, too long, empty, undecodable or corrupt file, or a
            container that would expand too far; the message (Chinese) names the file and the problem.
            Nothing of a refused file is embedded.
    """
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    limits = limits or LoadLimits.default()
    if max_bytes is not None:
        limits = LoadLimits(**{**limits.__dict__, "max_bytes": max_bytes})
    raw, repair = _read_raw(path, limits)
    text = clean_text(raw, repair_wraps=repair)
    if len(re.sub(r"\s", "", text)) < 2:
        raise LoadError(path, "文件没有可用的文字内容（空白或只有格式标记）")
    if len(text) > limits.max_chars:
        raise too_long(path, limits)

    try:
        meta = read_sidecar(path)
    except LoadError as e:
        raise LoadError(e.path, e.reason, refused=False) from e
    resolved = Path(os.path.abspath(path))
    source = _source_of(path, root)
    version = str(meta.get("version") or extract_version(raw))
    return Document(
        text=text,
        path=key or str(resolved),
        source=source,
        title=str(meta.get("title") or extract_title(text, path)),
        doc_type=str(meta.get("doc_type") or doc_type_for(path, root)),
        version=version,
        sha256=content_hash(path),
        status=str(meta.get("status") or ""),
        effective=str(meta.get("effective_date") or effective_date(version)),
        status_source="sidecar" if meta.get("status") else "auto",
    )
