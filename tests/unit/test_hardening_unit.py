"""Hardening (issue 22): bounded work per request, hostile files, paths confined to the knowledge base,
safe output, trust order in answers, sessions bound to users, a portable index and clear errors.

Every check runs on real components: files built here (a zip bomb, oversized PDFs, a hostile HTML
page), a real Chroma index on disk, the app over HTTP, the CLI as a subprocess.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from bot.config import Settings
from bot.guard import InputRejected, RateLimiter, check_question
from bot.pipeline import Pipeline
from conftest import REPO, launch_app, run_cli
from conftest import rss_mb, zip_bomb


def text_pdf(path: Path, pages: int, line: str = "Party members shall study the Party Constitution. ") -> Path:
    """A valid PDF of ``pages`` pages that all draw one shared content stream of ``line`` × 40, so the
    file stays small while its extracted text grows with the page count."""
    content = b"BT /F1 10 Tf 20 800 Td " + b" ".join(b"(" + line.encode("ascii") + b") Tj 0 -14 Td" for _ in range(40)) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(f"{5 + i} 0 R".encode() for i in range(pages)) + b"] /Count "
        + str(pages).encode() + b" >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                b"/Contents 4 0 R >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def test_question_bounds_and_rate_limits():
    settings = Settings(max_question_chars=50)
    assert check_question("  预备期多长？ ", settings) == "预备期多长？"
    for bad in ("", "   ", None, "党" * 51):
        with pytest.raises(InputRejected):
            check_question(bad, settings)
    limiter = RateLimiter({"ask": "3/minute"})
    for _ in range(3):
        limiter.hit("ask", "user:张三")
    with pytest.raises(InputRejected, match="请求过于频繁"):
        limiter.hit("ask", "user:张三")
    limiter.hit("ask", "user:李四")  # another user has a limit of their own


def test_zip_bomb_and_oversized_pdfs_are_refused_at_once_and_quarantined(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "keep.md").write_text("# 党费\n\n党员应当按月交纳党费。\n", encoding="utf-8")
    text_pdf(kb / "short.pdf", pages=2)
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb, max_document_chars=20_000, max_pdf_pages=1000))
    assert pipe.ingest(kb, show_progress=False).added == 2  # a PDF within the limits is read (by python -m bot.ingest.parse)
    bomb = zip_bomb(kb / "bomb.docx")
    assert bomb.stat().st_size < 1_000_000
    text_pdf(kb / "many-pages.pdf", pages=1500)  # over max_pdf_pages
    text_pdf(kb / "long-text.pdf", pages=40)  # about 80,000 characters, over the cap set above
    assert (kb / "long-text.pdf").stat().st_size < 200_000
    rss = rss_mb()
    started = time.perf_counter()
    report = pipe.ingest(kb, show_progress=False)
    seconds = time.perf_counter() - started
    failed = {Path(f["file"]).name: f for f in report.failed}
    assert set(failed) == {"bomb.docx", "many-pages.pdf", "long-text.pdf"}
    assert "压缩炸弹" in failed["bomb.docx"]["reason"]
    assert "页数过多" in failed["many-pages.pdf"]["reason"] and "文字过多" in failed["long-text.pdf"]["reason"]
    assert seconds < 10 and rss_mb() - rss < 100
    assert not any((kb / name).exists() for name in failed)  # gone from the knowledge base …
    quarantine = tmp_path / "data" / "quarantine"
    assert all(Path(f["quarantined"]).is_file() for f in failed.values()) and Path(failed["bomb.docx"]["quarantined"]).parent == quarantine
    again = pipe.ingest(kb, show_progress=False)
    assert again.failed == [] and again.unchanged == 2  # … and reported once
    assert pipe.stats()["documents"] == 2


def test_files_outside_the_knowledge_base_are_reported_but_never_moved(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "empty.md").write_bytes(b"")
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=tmp_path / "kb"))
    report = pipe.ingest(elsewhere, show_progress=False)
    assert report.failed[0]["reason"] == "文件为空" and "quarantined" not in report.failed[0]
    assert (elsewhere / "empty.md").exists()


def test_admin_operations_take_only_indexed_documents(tmp_path):
    from bot.kb import admin as kb_admin

    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "regulations" / "细则.md").write_text("# 党费细则\n\n第一条 党员每月交纳党费。\n", encoding="utf-8")
    secret = tmp_path / "x" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("# 机密\n\n服务器口令是 hunter2。\n", encoding="utf-8")
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb))
    pipe.ingest(kb, show_progress=False)
    for path in (str(secret), "../x/secret.md", str(kb / ".." / "x" / "secret.md")):
        with pytest.raises(ValueError, match="知识库中没有这篇文档"):
            kb_admin.set_status(pipe, path, "已废止", None)
        with pytest.raises(ValueError):
            kb_admin.delete(pipe, path, None)
    with pytest.raises(ValueError, match="只能重新索引"):
        kb_admin.reindex(pipe, None, secret.parent)
    assert not (secret.parent / "secret.md.meta.yaml").exists() and secret.exists()
    assert pipe.stats()["documents"] == 1 and "hunter2" not in pipe.ask("服务器口令是什么？").answer
    # a symbolic link inside the knowledge base that points outside it is not a file the app may change
    (kb / "link.md").symlink_to(secret)
    pipe.ingest(kb, show_progress=False)
    assert kb_admin.file_in_kb(pipe, "link.md") is None
    kb_admin.set_status(pipe, "link.md", "已废止", None)  # the index only; nothing written beside the target
    assert not (secret.parent / "secret.md.meta.yaml").exists()
    key = next(d["path"] for d in kb_admin.list_documents(pipe) if d["title"] == "党费细则")
    assert key == "regulations/细则.md"
    kb_admin.set_status(pipe, key, "已废止", None)
    assert (kb / "regulations" / "细则.md.meta.yaml").is_file()


def test_copied_knowledge_base_and_index_reingest_with_nothing_embedded(tmp_path):
    kb = tmp_path / "a" / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "regulations" / "细则.md").write_text("# 党费细则\n\n第一条 党员每月交纳党费。\n\n第二条 党费按季度公布。\n",
                                              encoding="utf-8")
    (kb / "体会.txt").write_text("学习党章要联系实际，做到学以致用。", encoding="utf-8")
    first = Pipeline(Settings(data_dir=tmp_path / "a" / "data", kb_dir=kb)).ingest(kb, show_progress=False)
    assert first.added == 2 and first.chars_embedded > 0
    shutil.copytree(tmp_path / "a", tmp_path / "b", symlinks=True)
    copy = Pipeline(Settings(data_dir=tmp_path / "b" / "data", kb_dir=tmp_path / "b" / "kb"))
    report = copy.ingest(tmp_path / "b" / "kb", show_progress=False)
    assert (report.unchanged, report.added, report.removed, report.chars_embedded) == (2, 0, 0, 0)
    assert copy.ask("党费多久公布一次？").citations[0].article == "第二条"


def test_an_index_keyed_by_absolute_paths_migrates_without_re_embedding(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "体会.txt").write_text("学习党章要联系实际，做到学以致用。", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", kb_dir=kb)
    pipe = Pipeline(settings)
    pipe.ingest(kb, show_progress=False)
    col, sentences = pipe.index.collection, pipe.index.sentences
    absolute = str((kb / "体会.txt").resolve())
    for c in (col, sentences):  # as an index written before keys were relative …
        got = c.get(include=["metadatas"])
        c.update(ids=got["ids"], metadatas=[{**m, "path": absolute} for m in got["metadatas"]])
    meta = {k: v for k, v in (col.metadata or {}).items() if not k.startswith("hnsw:")}
    col.modify(metadata={**meta, "keys_root": ""})  # … which never recorded a root its keys were checked against
    reopened = Pipeline(settings)
    assert set(reopened.index.manifest()) == {"体会.txt"}
    assert {m["path"] for m in reopened.index.sentences.get(include=["metadatas"])["metadatas"]} == {"体会.txt"}
    report = reopened.ingest(kb, show_progress=False)
    assert report.unchanged == 1 and report.chars_embedded == 0


def test_practice_state_is_bound_to_its_user():
    from bot.ui.study import practice_state_of

    state = {"keys": ["k1"], "i": 0, "score": 0, "owner": "user:张三"}
    assert practice_state_of(state, "user:张三") is state
    with pytest.raises(InputRejected, match="另一位用户"):
        practice_state_of(state, "user:李四")
    for empty in ({}, None, {"keys": []}):
        with pytest.raises(InputRejected, match="开始练习"):
            practice_state_of(empty, "user:张三")
    with pytest.raises(InputRejected, match="已经结束"):
        practice_state_of({**state, "i": 1}, "user:张三")


def test_loopback_check_reads_addresses_not_prefixes():
    import app as app_module

    assert all(app_module._is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"))
    assert not any(app_module._is_loopback(h) for h in ("127.example.org", "127.0.0.1.nip.io", "0.0.0.0", "10.0.0.1"))

