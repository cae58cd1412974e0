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


QUESTION = "预备党员的预备期是多长时间？"


RULE = """# 党费工作细则

第一条 党员每月按时交纳党费。

第二条 党费由党支部统一收缴，每季度公布一次收缴情况。
"""


def small_cases(n: int) -> list[Path]:
    """The ``n`` shortest case files of the corpus (short: the tests wait for them, not for embedding)."""
    return sorted(CASES.glob("*.md"), key=lambda p: (p.stat().st_size, p.name))[:n]


def status(client) -> dict:
    return client.predict(api_name="/ingest_status")


def wait_for(client, test, what: str, timeout: float = 600) -> dict:
    """Poll ``/ingest_status`` until ``test(status)``; fail with the last status after ``timeout`` s."""
    deadline = time.time() + timeout
    while True:
        s = status(client)
        if test(s):
            return s
        if time.time() > deadline:
            pytest.fail(f"{what}：{timeout:.0f} 秒内没有等到；最后状态 {s}")
        time.sleep(1)


def test_serves_while_indexing_and_answers_from_the_regulations_first(corpus, tmp_path):
    """The 2022 党章 and three case files: the page is served while the start-up ingest runs; the
    党章 (a regulation) is written first and the question on it is answered, with the note that
    indexing is still running, while the cases still wait; an upload meanwhile is queued behind the
    ingest and indexed after it; then everything is done."""
    from gradio_client import Client, handle_file

    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "cases").mkdir()
    for case in small_cases(3):  # cases are written first to disk: the order is the worker's, not the folder's
        shutil.copy(case, kb / "cases")
    shutil.copy(CORPUS / "regulations" / "中国共产党章程_2022.md", kb / "regulations")
    env = {"DANGJIAN_DATA_DIR": str(tmp_path / "data"), "DANGJIAN_KB_DIR": str(kb), "DANGJIAN_INGEST_ON_START": "1",
           "DANGJIAN_INGEST_THROTTLE_S": "6", "DANGJIAN_KB_JOB_WAIT_S": "1"}
    upload = tmp_path / "党费工作细则.md"
    upload.write_text(RULE, encoding="utf-8")
    started = time.perf_counter()
    with launch_app(env) as url:
        served = time.perf_counter() - started
        client = Client(url, verbose=False)
        s = wait_for(client, lambda s: s["running"], "启动时的后台索引开始")
        html = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
        assert "党建学习助手" in html
        s = status(client)
        assert s["running"] and s["docs_done"] < 4, s  # the page answered while the ingest was still running
        s = wait_for(client, lambda s: s["searchable"] >= 1, "法规写入并可按关键词检索")
        assert (s["docs_total"], s["regulations"]) == (4, 1) and s["chars_total"] > 20000, s
        answer = client.predict(QUESTION, api_name="/ask")
        assert "《中国共产党章程》第七条" in answer and "一年" in answer, answer[:300]
        assert "索引仍在进行" in answer and "/4 篇" in answer
        s = status(client)
        assert s["running"] and s["docs_done"] < s["docs_total"] == 4, s  # the cases were still being indexed
        message, _, _ = client.predict([handle_file(str(upload))], "法规", api_name="/kb_upload")
        assert "已加入后台任务队列" in message, message  # the upload waits for the running ingest
        assert status(client)["queued"] == 1
        s = wait_for(client, lambda s: not s["running"], "后台索引和上传完成", timeout=300)
        assert s["error"] == "" and s["failed_files"] == [], s
        after = client.predict(QUESTION, api_name="/ask")
        assert "第七条" in after and "索引仍在进行" not in after
        assert "《党费工作细则》第二条" in client.predict("党费多久公布一次收缴情况？", api_name="/ask")
    print(f"page served {served:.1f} s after start")


def test_failed_job_is_reported_and_the_app_keeps_serving(tmp_path):
    """A file that cannot be read is reported by the job that met it; a job that raises (the knowledge
    base folder is gone when the admin re-indexes) is reported as failed, and the app still answers."""
    from gradio_client import Client

    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "materials").mkdir()
    (kb / "regulations" / "党费工作细则.md").write_text(RULE, encoding="utf-8")
    (kb / "materials" / "损坏的文件.docx").write_bytes(b"this is not a zip archive" * 10)
    env = {"DANGJIAN_DATA_DIR": str(tmp_path / "data"), "DANGJIAN_KB_DIR": str(kb), "DANGJIAN_INGEST_ON_START": "1"}
    with launch_app(env) as url:
        client = Client(url, verbose=False)
        s = wait_for(client, lambda s: not s["running"] and s["failed_files"], "启动时的索引完成并报告读不了的文件",
                     timeout=300)
        assert s["error"] == "" and any("损坏的文件.docx" in f for f in s["failed_files"]), s
        assert "每季度公布一次" in client.predict("党费多久公布一次收缴情况？", api_name="/ask")
        shutil.move(kb, tmp_path / "elsewhere")
        message, _, _ = client.predict(api_name="/kb_reindex")
        assert "任务失败" in message and "找不到要索引的路径" in message, message
        s = status(client)
        assert not s["running"] and "找不到要索引的路径" in s["error"], s
        answer = client.predict("党费多久公布一次收缴情况？", api_name="/ask")  # the app still serves
        assert "《党费工作细则》第二条" in answer and "索引仍在进行" not in answer


def test_fallback_to_the_corpus_beside_an_empty_knowledge_base(tmp_path):
    from bot.kb.worker import fallback_kb_dir

    kb, corpus = tmp_path / "repo" / "knowledge_base", tmp_path / "shared" / "corpus"
    kb.mkdir(parents=True)
    (kb / "README.md").write_text("# 知识库\n", encoding="utf-8")  # a README is not a document
    assert fallback_kb_dir(kb, corpus, default=kb) is None  # no corpus beside it
    (corpus / "regulations").mkdir(parents=True)
    (corpus / "regulations" / "党费工作细则.md").write_text(RULE, encoding="utf-8")
    assert fallback_kb_dir(kb, corpus, default=kb) == corpus
    assert fallback_kb_dir(kb, "", default=kb) is None  # turned off
    assert fallback_kb_dir(tmp_path / "mine", corpus, default=kb) is None  # a folder named explicitly stays
    (kb / "我的文档.md").write_text(RULE, encoding="utf-8")
    assert fallback_kb_dir(kb, corpus, default=kb) is None  # knowledge_base/ has a document now


def test_quiz_on_an_empty_knowledge_base_says_so(tmp_path):
    r = run_cli("quiz", "--topic", "党的纪律", "--n", "4", env={"DANGJIAN_DATA_DIR": str(tmp_path / "data")})
    assert r.returncode == 1 and "知识库为空" in r.stderr and "换一个主题" not in r.stderr, r.stderr[-300:]
    assert not r.stdout.strip()

