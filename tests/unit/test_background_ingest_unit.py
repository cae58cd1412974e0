"""The app serves at once and indexes its knowledge base behind it (issue #21), over HTTP.

The app runs as a subprocess (``python app.py``) that indexes its knowledge base at start-up; a
test-only pause after each written document (``DANGJIAN_INGEST_THROTTLE_S``) keeps the case files
waiting long enough to watch the app in between, without timing races: the tests poll
``/ingest_status`` for the state they need.
"""

from __future__ import annotations

import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CASES, CORPUS, launch_app, run_cli


def test_regulations_are_searchable_while_the_rest_is_indexed(tmp_path):
    """In process: regulations are written before a document the folder lists first, each is in the
    keyword index right after it is written, and while the ingest still holds its write lock another
    thread finds the first one by keyword and by meaning at once."""
    import threading

    from bot.config import Settings
    from bot.ingest.report import IngestProgress
    from bot.pipeline import Pipeline

    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "regulations" / "条例.md").write_text(
        "# 测试工作条例\n\n第一条 党小组每月至少开展一次活动。\n\n第二条 支部委员会每届任期三年。\n", encoding="utf-8")
    (kb / "regulations" / "条例二.md").write_text("# 测试学习条例\n\n第一条 党员每年参加集中学习不少于三十二学时。\n",
                                                 encoding="utf-8")
    (kb / "a-notes.txt").write_text("三会一课是党的组织生活的基本制度。", encoding="utf-8")  # listed first
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb))
    seen = []

    class Watch(IngestProgress):
        def checkpoint(self) -> None:  # in the ingesting thread, after each document
            found: dict = {}

            def search() -> None:
                found["hits"] = pipe.retrieve("支部委员会每届任期几年？", k=3)
                found["keyword"] = pipe.index.bm25_search("支部委员会 任期", 5)

            reader = threading.Thread(target=search)
            reader.start()
            reader.join(60)
            seen.append((self.current, self.docs_done, self.searchable, not reader.is_alive(), found))

    report = pipe.ingest(kb, show_progress=False, tracker=Watch())
    assert report.added == 3 and [s[0] for s in seen] == ["条例.md", "条例二.md", "a-notes.txt"]
    assert [s[1:3] for s in seen[:2]] == [(1, 1), (2, 2)]  # each regulation keyword-searchable once written
    _, _, _, answered, found = seen[0]
    assert answered, "a search waited for the running ingest"
    assert found["hits"][0].chunk.title == "测试工作条例" and found["hits"][0].chunk.article == "第二条"
    assert found["keyword"] and set(pipe.index.get([cid for cid, _ in found["keyword"]])) <= set(
        c.id for c in pipe.index.document_chunks(found["hits"][0].chunk.path, found["hits"][0].chunk.doc_hash))

