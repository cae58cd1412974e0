"""Micro-lecture drafting on the real subset index; quotes re-checked against the corpus files."""

from __future__ import annotations

import json
import re

import pytest

from bot.lecture import SECTION_SHARES, draft_lecture
from conftest import PARTY_CONSTITUTION, STATE_CONSTITUTION, run_cli

RATE = 220


def _script_chars(md: str) -> int:
    """Spoken characters of the script, counted from the Markdown independently of the code."""
    body = md.split("## 一、", 1)[1].split("## 讨论题", 1)[0]
    body = "\n".join(ln for ln in body.splitlines() if not ln.startswith("## ") and not ln.startswith("开场导入（"))
    body = body.split("\n", 1)[1] if body.startswith("开场导入") else body
    body = re.sub(r"\[\d+\]", "", body)
    return len(re.sub(r"\s", "", body))


def _article(title: str, article: str) -> str:
    path = PARTY_CONSTITUTION if title == "中国共产党章程" else STATE_CONSTITUTION
    text = re.sub(r"\s", "", path.read_text(encoding="utf-8").replace("\u3000", ""))
    start = text.index(article)
    nxt = re.search(r"第[一二三四五六七八九十百]+条", text[start + len(article):])
    return text[start: start + len(article) + (nxt.start() if nxt else len(text))]


def test_cli_lecture_markdown(built):
    _, settings, _ = built
    env = {"DANGJIAN_DATA_DIR": str(settings.data_dir)}
    r = run_cli("lecture", "--topic", "严守党的纪律", "--minutes", "8", "--format", "md", env=env)
    assert r.returncode == 0, r.stderr
    md = r.stdout
    for name in ("开场导入", "理论要点", "案例剖析", "实践要求", "结语", "讨论题", "参考依据", "时间安排"):
        assert name in md
    chars = _script_chars(md)
    assert abs(chars - 8 * RATE) <= 0.10 * 8 * RATE, chars
    refs = dict(re.findall(r"^\[(\d+)\] (《[^》]+》\S*?)（", md, re.M))
    assert any("（案例，" in line and "/cases/" in line for line in md.splitlines() if line.startswith("["))
    quotes = re.findall(r"“((?:[^“”]|“[^“”]*”)+)”\[(\d+)\]", md.split("## 二、", 1)[1].split("## 三、", 1)[0])
    assert quotes
    for quote, n in quotes:
        label = refs[n]
        title, article = re.match(r"《([^》]+)》(.*)", label).groups()
        src = _article(title, article)
        for piece in quote.split("……"):
            assert re.sub(r"\s", "", piece) in src, (label, piece[:30])


def test_sections_fit_their_time(pipeline):
    for topic, audience in [("严守党的纪律", "普通党员"), ("预备党员的教育考察", "入党积极分子"), ("党员的权利", "青年党员")]:
        lec = draft_lecture(pipeline, topic, minutes=8, audience=audience)
        assert [s.name for s in lec.sections] == list(SECTION_SHARES)
        assert abs(lec.chars - 8 * RATE) <= 0.10 * 8 * RATE
        for s in lec.sections:
            assert abs(s.chars - s.minutes * RATE) <= 0.15 * s.minutes * RATE + 25, (topic, s.name, s.chars, s.minutes)
        assert any(r.doc_type == "案例" for r in lec.references)
        assert len(lec.discussion) >= 2


def test_audiences_read_differently(pipeline):
    import yaml

    from bot.prompts import PROMPTS_DIR

    templates = yaml.safe_load((PROMPTS_DIR / "lecture_templates.yaml").read_text(encoding="utf-8"))["开场导入"]
    for audience in ("入党积极分子", "党务干部", "青年党员"):
        text = draft_lecture(pipeline, "严守党的纪律", audience=audience).sections[0].text
        own = [t.format(topic="严守党的纪律") for t in templates[audience]]
        others = [t.format(topic="严守党的纪律") for a, ts in templates.items() if a in ("入党积极分子", "党务干部", "青年党员", "普通党员") and a != audience for t in ts]
        assert any(t in text for t in own) and not any(t in text for t in others), audience


def test_exports_open(built, tmp_path):
    _, settings, _ = built
    env = {"DANGJIAN_DATA_DIR": str(settings.data_dir)}
    d, p = tmp_path / "l.docx", tmp_path / "l.pptx"
    assert run_cli("lecture", "--topic", "严守党的纪律", "--format", "docx", "--output", str(d), env=env).returncode == 0
    assert run_cli("lecture", "--topic", "严守党的纪律", "--format", "pptx", "--output", str(p), env=env).returncode == 0
    import docx
    from pptx import Presentation

    doc = docx.Document(d)
    styles = {para.style.name for para in doc.paragraphs}
    assert "Intense Quote" in styles and "Heading 1" in styles
    assert "参考依据" in "\n".join(para.text for para in doc.paragraphs)
    slides = Presentation(p).slides
    assert len(slides) == 1 + len(SECTION_SHARES) + 1


def test_bad_arguments(pipeline):
    with pytest.raises(ValueError, match="听众"):
        draft_lecture(pipeline, "党的纪律", audience="外宾")
    with pytest.raises(ValueError, match="主题"):
        draft_lecture(pipeline, "  ")


def test_json_output(built):
    _, settings, _ = built
    r = run_cli("lecture", "--topic", "党的纪律", "--minutes", "5", "--format", "json",
                env={"DANGJIAN_DATA_DIR": str(settings.data_dir)})
    data = json.loads(r.stdout)
    assert data["minutes"] == 5 and abs(data["chars"] - 5 * RATE) <= 0.1 * 5 * RATE
