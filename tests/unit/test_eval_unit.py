"""The evaluation harness's own parts: the question-file reader, the metrics, and the dev set's labels."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from eval.common import DATA, QuestionFileError, load_questions, metrics, norm


REPO = Path(__file__).resolve().parents[2]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_metrics_follow_their_definitions():
    # question 1: first relevant at rank 2 of 10, 1 relevant passage in the collection
    # question 2: relevant at ranks 1 and 3, 2 relevant in the collection
    # question 3: nothing relevant retrieved
    ranked = [
        [False, True] + [False] * 8,
        [True, False, True] + [False] * 7,
        [False] * 10,
    ]
    m = metrics(ranked, [1, 2, 1])
    assert m["R@1"] == pytest.approx(1 / 3) and m["R@5"] == pytest.approx(2 / 3) and m["R@10"] == pytest.approx(2 / 3)
    assert m["MRR@10"] == pytest.approx((1 / 2 + 1 + 0) / 3)
    ndcg_1 = (1 / math.log2(3)) / 1.0
    ndcg_2 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert m["nDCG@10"] == pytest.approx((ndcg_1 + ndcg_2 + 0) / 3)


def test_a_minimal_held_out_file_gets_defaults(tmp_path):
    f = _write(tmp_path / "held_out.jsonl", [
        json.dumps({"question": "预备期多长？", "evidence": "预备期为一年", "gold_source": "regulations/党章.md"}, ensure_ascii=False),
        "",
        json.dumps({"id": "x7", "question": "案例里怎么定性？", "evidence": ["违反廉洁纪律"], "doc_type": "案例"}, ensure_ascii=False),
        json.dumps({"question": "别的问题", "evidence": ["某句话"], "gold_source": "elsewhere/a.md"}, ensure_ascii=False),
        json.dumps({"question": "第四个", "evidence": ["某句"], "gold_source": "corpus/cases/ccdi/a.md"}, ensure_ascii=False),
    ])
    qs = load_questions(f)
    assert [q["id"] for q in qs] == ["held_out-1", "x7", "held_out-4", "held_out-5"]
    assert qs[0]["evidence"] == ["预备期为一年"] and qs[0]["doc_type"] == "法规"
    assert qs[1]["doc_type"] == "案例" and qs[2]["doc_type"] == "未标注" and qs[3]["doc_type"] == "案例"


@pytest.mark.parametrize(("line", "problem"), [
    ('{"question": "预备期多长？", "evidence": ["一年"]', "不是合法的 JSON"),
    ('{"question": "预备期多长？"}', "缺少 question 或 evidence"),
    ('{"question": "", "evidence": ["一年"]}', "缺少 question 或 evidence"),
    ('{"question": "预备期多长？", "evidence": []}', "缺少 question 或 evidence"),
    ('["预备期多长？"]', "缺少 question 或 evidence"),
])
def test_bad_question_lines_name_file_and_line(tmp_path, line, problem):
    f = _write(tmp_path / "bad.jsonl", ['{"question": "好的问题", "evidence": ["证据"]}', line])
    with pytest.raises(QuestionFileError) as e:
        load_questions(f)
    assert "bad.jsonl" in str(e.value) and "第 2 行" in str(e.value) and problem in str(e.value)


def test_retrieval_harness_refuses_a_bad_question_file_before_indexing(tmp_path):
    f = _write(tmp_path / "broken.jsonl", ["不是 JSON"])
    proc = subprocess.run(
        [sys.executable, "-m", "eval.retrieval", "--questions", str(f), "--corpus", str(tmp_path), "--data-dir", str(tmp_path / "data")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "broken.jsonl" in proc.stderr and "第 1 行" in proc.stderr
    assert not (tmp_path / "data").exists()  # nothing was indexed

