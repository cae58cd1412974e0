"""Regulation versions: the current text wins; answers from a superseded text say so."""

from __future__ import annotations

import shutil

from bot.config import Settings
from bot.pipeline import Pipeline
from conftest import PARTY_CONSTITUTION

NEWER = """# 中国共产党章程

（测试用新版本，2030年1月1日通过）

第一章 党员

第七条 预备党员的预备期为一年。测试新版规定：预备期内每季度向党组织书面汇报一次思想。

第八条 每个党员都必须编入党的一个支部、小组或其他特定组织，参加党的组织生活。
"""


def _kb(tmp_path, corpus):
    kb = tmp_path / "kb" / "regulations"
    kb.mkdir(parents=True)
    shutil.copy(PARTY_CONSTITUTION, kb / "党章2017.md")
    return kb


def test_newer_version_answers_and_older_is_revised(tmp_path, corpus):
    kb = _kb(tmp_path, corpus)
    pipe = Pipeline(Settings(data_dir=tmp_path / "data"))
    pipe.ingest(kb.parent, show_progress=False)
    (kb / "党章新版.md").write_text(NEWER, encoding="utf-8")
    pipe.ingest(kb.parent, show_progress=False)
    docs = pipe.index.manifest()
    status = {d["source"].split("/")[-1]: d["status"] for d in docs.values()}
    assert status == {"党章2017.md": "已修订", "党章新版.md": "现行有效"}

    ans = pipe.ask("预备党员的预备期是多长时间？")
    assert ans.citations[0].source.endswith("党章新版.md") and ans.citations[0].article == "第七条"
    direct = pipe.retrieve("党章第七条", k=3)
    assert direct[0].direct and direct[0].chunk.source.endswith("党章新版.md")

    # a question only the old text answers is answered, with a warning that the text was revised
    old_only = pipe.ask("党员有哪些权利？")
    assert old_only.citations[0].source.endswith("党章2017.md")
    assert "已修订" in old_only.answer and "现行有效版本为准" in old_only.answer


def test_sidecar_sets_status(tmp_path, corpus):
    kb = _kb(tmp_path, corpus)
    (kb / "党章2017.md.meta.yaml").write_text("status: 已废止\neffective_date: 2017-10-24\n", encoding="utf-8")
    pipe = Pipeline(Settings(data_dir=tmp_path / "data"))
    pipe.ingest(kb.parent, show_progress=False)
    (doc,) = pipe.index.manifest().values()
    assert doc["status"] == "已废止" and doc["effective"] == "2017-10-24"
    ans = pipe.ask("预备党员的预备期是多长时间？")
    assert "已废止" in ans.answer
    # editing the sidecar re-indexes the document
    (kb / "党章2017.md.meta.yaml").write_text("status: 现行有效\n", encoding="utf-8")
    report = pipe.ingest(kb.parent, show_progress=False)
    assert report.updated == 1 and next(iter(pipe.index.manifest().values()))["status"] == "现行有效"


def test_bad_sidecar_is_a_named_error(tmp_path, corpus):
    kb = _kb(tmp_path, corpus)
    (kb / "党章2017.md.meta.yaml").write_text("status: 作废了\n", encoding="utf-8")
    pipe = Pipeline(Settings(data_dir=tmp_path / "data"))
    report = pipe.ingest(kb.parent, show_progress=False)
    assert report.failed and "党章2017.md" in report.failed[0]["file"] and "状态只能是" in report.failed[0]["reason"]
