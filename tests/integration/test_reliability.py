"""Bad input, crash safety, hostile content and a Chroma server: the index is never damaged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.pipeline import Pipeline
from conftest import PARTY_CONSTITUTION, REPO, free_port



def test_kill_9_mid_ingest_then_rerun_is_consistent(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    text = PARTY_CONSTITUTION.read_text(encoding="utf-8") if PARTY_CONSTITUTION.exists() else "党员要学习党章。" * 400
    for i in range(6):  # 6 documents of ~20k characters (84 chunks each): about a minute of embedding
        (kb / f"doc{i:02d}.md").write_text(f"# 文档{i}\n\n" + text.replace("中国共产党章程", f"章程副本{i}"), encoding="utf-8")
    data = tmp_path / "data"
    env = {**os.environ, "DANGJIAN_DATA_DIR": str(data)}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ingest", str(kb)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait until a few documents are written, then kill -9
    pipe_probe = None
    deadline = time.time() + 240
    while time.time() < deadline:
        time.sleep(2)
        if (data / "chroma").exists():
            try:
                import chromadb

                client = chromadb.PersistentClient(str(data / "chroma"))
                if client.get_collection("dangjian").count() > 90:  # 2nd document under way
                    break
            except Exception:
                pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    pipe_probe = Pipeline(Settings(data_dir=data))
    report = pipe_probe.ingest(kb, show_progress=False)
    assert report.failed == []
    from bot.ingest.load import load_document
    from bot.ingest.split import split_document

    expected = {c.id for f in sorted(kb.iterdir()) for c in split_document(load_document(f, kb))}
    got = pipe_probe.index.records(["metadatas"])
    assert len(got["ids"]) == len(set(got["ids"]))  # no duplicates
    assert set(got["ids"]) == expected  # no orphans, nothing missing
    assert pipe_probe.index.ensure_bm25().ids and set(pipe_probe.index.bm25.ids) == expected
    sentences = pipe_probe.index.sentences.get(include=["metadatas"])
    assert len(sentences["ids"]) == len(set(sentences["ids"]))
    assert {m["chunk_id"] for m in sentences["metadatas"]} == expected  # sentences of every chunk, no orphans
    again = pipe_probe.ingest(kb, show_progress=False)
    assert again.chunks_added == 0 and again.unchanged == 6


@pytest.fixture()
def chroma_server(tmp_path):
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import socket

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_chroma_server_same_results_and_replicas_stay_consistent(chroma_server, tmp_path, subset_kb):
    regs = subset_kb / "regulations"
    embedded = Pipeline(Settings(data_dir=tmp_path / "embedded"))
    embedded.ingest(regs, show_progress=False)
    replica_a = Pipeline(Settings(data_dir=tmp_path / "replica-a", chroma_host="127.0.0.1", chroma_port=chroma_server))
    replica_b = Pipeline(Settings(data_dir=tmp_path / "replica-b", chroma_host="127.0.0.1", chroma_port=chroma_server))
    replica_a.ingest(regs, show_progress=False)
    for q in ["预备党员的预备期是多长时间？", "党员有哪些权利？", "公民的选举权", "党的纪律处分有几种", "宪法第34条"]:
        a = [(h.chunk.title, h.chunk.article, h.chunk.text) for h in embedded.retrieve(q, k=5)]
        b = [(h.chunk.title, h.chunk.article, h.chunk.text) for h in replica_b.retrieve(q, k=5)]
        assert a == b, q
    # replica A adds a document; replica B's keyword index follows the collection's revision
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "新规定.md").write_text("# 新规定\n\n主题党日活动每月开展一次，由支部书记主持。", encoding="utf-8")
    replica_a.ingest(extra, show_progress=False)
    time.sleep(2.1)
    assert "主题党日" in replica_b.retrieve("主题党日多久开展一次", k=1)[0].chunk.text
    assert replica_b.stats()["documents"] == 3

