"""The CLI as a subprocess: stdout carries JSON only, progress and logs go to stderr."""

from __future__ import annotations

import json

from conftest import run_cli


def test_ask_json_contract(built):
    _, settings, _ = built
    r = run_cli("ask", "预备党员的预备期是多长时间？", "--json", env={"DANGJIAN_DATA_DIR": str(settings.data_dir)})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)  # stdout is exactly one JSON document
    assert set(out) >= {"answer", "grounded", "citations"}
    assert out["grounded"] is True and "一年" in out["answer"]
    c = out["citations"][0]
    assert set(c) == {"n", "title", "article", "doc_type", "source", "text"}
    assert (c["n"], c["title"], c["article"]) == (1, "中国共产党章程", "第七条")
    assert c["source"].endswith("中国共产党章程_2017十九大修改.md")


def test_ask_out_of_scope_json(built):
    _, settings, _ = built
    r = run_cli("--data-dir", str(settings.data_dir), "ask", "今天北京天气怎么样？", "--json")
    out = json.loads(r.stdout)
    assert out["grounded"] is False and out["citations"] == [] and "知识库中未找到依据" in out["answer"]


def test_ask_missing_article_json(built):
    _, settings, _ = built
    r = run_cli("--data-dir", str(settings.data_dir), "ask", "党章第五十六条规定了什么？", "--json")
    out = json.loads(r.stdout)
    assert out["grounded"] is False and out["citations"] == []
    assert out["answer"] == "知识库中的《中国共产党章程》没有第五十六条，该版本共五十五条。"


def test_retrieve_jsonl(built, tmp_path):
    _, settings, _ = built
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in [
            {"id": "a", "question": "党员有哪些权利"},
            {"id": 7, "question": "公民的选举权和被选举权"},
        ]),
        encoding="utf-8",
    )
    r = run_cli("retrieve", "--k", "3", "--input", str(questions), env={"DANGJIAN_DATA_DIR": str(settings.data_dir)})
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", 7]
    for line in lines:
        assert len(line["results"]) == 3
        assert [x["rank"] for x in line["results"]] == [1, 2, 3]
        assert set(line["results"][0]) == {"rank", "title", "article", "doc_type", "source", "text", "score"}
    assert lines[0]["results"][0]["article"] == "第四条"
    assert lines[1]["results"][0]["article"] == "第三十四条"


def test_retrieve_bad_input_is_a_clear_error(built, tmp_path):
    _, settings, _ = built
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    r = run_cli("retrieve", "--input", str(bad), env={"DANGJIAN_DATA_DIR": str(settings.data_dir)})
    assert r.returncode != 0 and "第 1 行" in r.stderr and r.stdout == ""


def test_ingest_then_noop_and_stats(tmp_path):
    kb = tmp_path / "kb" / "regulations"
    kb.mkdir(parents=True)
    (kb / "r.md").write_text("# 示例条例\n\n第一条 党员应当按月交纳党费。\n\n第二条 党员应当参加组织生活。\n", encoding="utf-8")
    env = {"DANGJIAN_DATA_DIR": str(tmp_path / "data")}
    first = run_cli("ingest", str(tmp_path / "kb"), env=env)
    assert first.returncode == 0, first.stderr
    assert "新增 1 篇" in first.stdout and "向量化" in first.stderr  # progress bar on stderr
    second = run_cli("ingest", str(tmp_path / "kb"), "--json", env=env)
    report = json.loads(second.stdout)
    assert report["unchanged"] == 1 and report["chunks_added"] == 0
    stats = json.loads(run_cli("stats", "--json", env=env).stdout)
    assert stats["documents"] == 1 and stats["chunks_by_type"] == {"法规": 2}
