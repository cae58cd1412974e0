"""Papers from a blueprint (issue #19): docx paper and answer key open with python-docx and match
the blueprint's counts and points; a bad blueprint is refused with a message."""

from __future__ import annotations

import json
import re

import pytest

from bot.quiz import load_blueprint
from conftest import run_cli


BLUEPRINT = """\
title: 测试竞赛卷
minutes: 30
seed: 3
sections:
  - {type: 单选, count: 4, points: 2}
  - {type: 判断, count: 3, points: 1}
  - {type: 多选, count: 2, points: 3}
cover:
  - {source: 中国共产党纪律处分条例, articles: 第八条-第十四条}
  - {topic: 发展党员}
"""


def test_cli_paper_matches_blueprint(regulations_built, tmp_path):
    import docx

    bp = tmp_path / "paper.yaml"
    bp.write_text(BLUEPRINT, encoding="utf-8")
    out, xlsx = tmp_path / "试卷.docx", tmp_path / "题库.xlsx"
    r = run_cli("paper", "--blueprint", str(bp), "--output", str(out), "--xlsx", str(xlsx),
                env={"DANGJIAN_DATA_DIR": str(regulations_built.settings.data_dir)})
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    paper = [p.text for p in docx.Document(out).paragraphs]
    headings = [t for t in paper if re.match(r"^[一二三]、", t)]
    assert len(headings) == 3
    expected = {"单选": (4, 2), "判断": (3, 1), "多选": (2, 3)}
    for sec in summary["sections"]:
        asked, pts = expected[sec["type"]]
        assert sec["points"] == pts
        assert sec["count"] == asked or any(s["type"] == sec["type"] for s in summary["shortfall"] or [])
    numbered = [t for t in paper if re.match(r"^\d+\. ", t)]
    total = sum(s["count"] for s in summary["sections"])
    assert len(numbered) == total
    assert sum(int(re.search(r"（(\d+) 分）$", t).group(1)) for t in numbered) == sum(
        s["count"] * s["points"] for s in summary["sections"])
    assert "满分 17 分" in "\n".join(paper) and "答题卡" in paper
    key = [p.text for p in docx.Document(tmp_path / "试卷_答案.docx").paragraphs]
    assert sum(1 for t in key if re.match(r"^\d+\. 答案：", t)) == total
    assert sum(1 for t in key if t.startswith("解析：")) == total
    from openpyxl import load_workbook

    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("题型", "题干") and len(rows) == total + 1

