"""Micro-lecture drafting (issue #20) on real indexes: the subset (two constitutions, six cases) and all
ten regulations with six cases; quotes re-checked against the corpus files, the CLI run as a subprocess."""

from __future__ import annotations

import json
import re

import pytest

from bot.lecture import SECTION_SHARES, draft_lecture
from conftest import CASES, CORPUS, PARTY_CONSTITUTION, STATE_CONSTITUTION, run_cli

RATE = 220
_QUOTE = re.compile(r"“((?:[^“”]|“[^“”]*”)+)”\[(\d+)\]")


def _script_chars(md: str) -> int:
    """Spoken characters of the script, counted from the Markdown independently of the code."""
    body = md.split("## 一、", 1)[1].split("## 讨论题", 1)[0]
    body = "\n".join(ln for ln in body.splitlines() if not ln.startswith("## ") and not ln.startswith("开场导入（"))
    body = body.split("\n", 1)[1] if body.startswith("开场导入") else body
    body = re.sub(r"\[\d+\]", "", body)
    return len(re.sub(r"\s", "", body))


def _regulation_file(title: str):
    if title == "中国共产党章程":
        return [PARTY_CONSTITUTION, CORPUS / "regulations" / "中国共产党章程_2022.md"]
    if title == "中华人民共和国宪法":
        return [STATE_CONSTITUTION]
    return [p for p in (CORPUS / "regulations").glob("*.md") if p.name.startswith(title)]


def _article(title: str, article: str) -> list[str]:
    """The article's text in each edition of the regulation in the corpus (whitespace removed)."""
    out = []
    for path in _regulation_file(title):
        text = re.sub(r"\s", "", path.read_text(encoding="utf-8").replace("\u3000", ""))
        m = re.search(article + r"(?!之)", text)
        if not m:
            continue
        nxt = re.search(r"第[一二三四五六七八九十百]+条", text[m.end():])
        out.append(text[m.start(): m.end() + (nxt.start() if nxt else len(text))])
    return out


def _check_quotes(md: str) -> list[tuple[str, str]]:
    """Every quote of the 理论要点 section is verbatim in the cited article, in whole sentences; returns
    the (label, quote) pairs."""
    refs = dict(re.findall(r"^(?:- )?\[(\d+)\] (《[^》]+》\S*?)（", md, re.M))
    quotes = _QUOTE.findall(md.split("## 二、", 1)[1].split("## 三、", 1)[0])
    out = []
    for quote, n in quotes:
        label = refs[n]
        title, article = re.match(r"《([^》]+)》(.*)", label).groups()
        sources = _article(title, article)
        assert sources, label
        for piece in quote.split("……"):
            assert any(re.sub(r"\s", "", piece) in src for src in sources), (label, piece[:30])
            assert piece.endswith(("。", "！", "？")), (label, piece[-20:])  # never cut mid-sentence
            assert not re.match(r"\s*（[一二三四五六七八九十]+）", piece), (label, piece[:20])  # never mid-list
        out.append((label, quote))
    return out


def _spoken_sentences(lec) -> list[str]:
    text = "".join(p for s in lec.sections for p in s.paragraphs)
    text = _QUOTE.sub("", text)  # quotes are the articles' words, checked separately
    return [re.sub(r"\s", "", x) for x in re.findall(r"[^。！？]+[。！？]", re.sub(r"\[\d+\]", "", text)) if len(x.strip()) >= 6]


def test_sanhui_yike_quotes_the_education_regulation_first(regulations_built):
    lec = draft_lecture(regulations_built, "三会一课制度", audience="支部党员")
    first = lec.references[0]
    assert "党员教育管理工作条例" in first.title and first.article == "第十六条", first.label()
    md = lec.to_markdown()
    assert "三会一课" in _check_quotes(md)[0][1]
    assert lec.coverage in ("充分", "部分")
    # none of the six library cases is about 三会一课: no case, and the draft says so
    assert not any(r.doc_type == "案例" for r in lec.references)
    assert "身边事例与思考" in [s.name for s in lec.sections]
    assert "没有找到" in md
    assert lec.family == "组织生活"


def test_development_topic_quotes_the_development_rules(regulations_built):
    lec = draft_lecture(regulations_built, "做合格的入党积极分子", audience="入党积极分子")
    assert "发展党员工作细则" in lec.references[0].title, [r.label() for r in lec.references]
    _check_quotes(lec.to_markdown())
    assert lec.family == "发展党员"


def test_relevant_case_told_with_its_endorsed_view(regulations_built):
    """The 两面人 case endorses the third of three views: the lecture tells the third, never the others."""
    lec = draft_lecture(regulations_built, "坚决反对“两面人”", audience="党务干部")
    case = [r for r in lec.references if r.doc_type == "案例"]
    assert case and "两面人" in case[0].title
    text = re.sub(r"\s", "", (CASES / "“两面人”违纪行为辨析.md").read_text(encoding="utf-8"))
    views = dict(re.findall(r"第([一二三])种意见认为：([^。]+)。", text))
    assert set(views) == {"一", "二", "三"} and "笔者赞同第三种意见" in text
    section = next(s for s in lec.sections if s.name == "案例剖析").text
    flat = re.sub(r"\s", "", section)
    assert views["三"] in flat
    assert views["一"] not in flat and views["二"] not in flat
    assert "第一种意见" not in flat and "第二种意见" not in flat
    facts = text.split("【典型案例】", 1)[1].split("【分歧意见】", 1)[0].strip("*")
    assert any(re.sub(r"\s", "", x) in flat for x in re.findall(r"[^。]+。", facts)[:2])  # 基本案情 told
    assert re.search(r"《[^》]+》第[一二三四五六七八九十百]+条", flat)  # the rule it turned on


@pytest.mark.parametrize("topic,audience", [("三会一课制度", "支部党员"), ("严守党的纪律", "普通党员"),
                                            ("发挥党员先锋模范作用", "青年党员"), ("坚持民主集中制", "社区党员")])
def test_script_reads_once_and_closes_once(regulations_built, topic, audience):
    lec = draft_lecture(regulations_built, topic, audience=audience)
    sentences = _spoken_sentences(lec)
    assert len(sentences) == len(set(sentences)), [x for x in sentences if sentences.count(x) > 1]
    script = "".join(p for s in lec.sections for p in s.paragraphs)
    assert script.count("谢谢大家") == 1 and script.endswith("谢谢大家！")
    assert not re.search(r"(强调|指出)[，：:]?“", _QUOTE.sub("", script))  # no unsourced quotation
    quotes = "".join(q for q, _ in _QUOTE.findall(script))
    if "不得" not in quotes:
        assert "不得" not in "".join(sentences)
    if lec.family != "纪律规矩" and "纪律" not in topic:
        outside = re.sub(r"《[^》]*》", "", "".join(x for x in sentences if x not in re.sub(r"\s", "", quotes)))
        case = next((s.text for s in lec.sections if s.name == "案例剖析"), "")
        assert "纪律和规矩" not in outside and ("纪律" not in outside or "纪律" in re.sub(r"\s", "", case)), outside
    assert audience in lec.sections[0].text or audience in ("普通党员", "支部党员", "青年党员")


def test_cli_lecture_markdown(regulations_built):
    env = {"DANGJIAN_DATA_DIR": str(regulations_built.settings.data_dir)}
    r = run_cli("lecture", "--topic", "严守党的纪律", "--minutes", "8", "--format", "md", env=env)
    assert r.returncode == 0, r.stderr
    md = r.stdout
    for name in ("开场导入", "理论要点", "实践要求", "结语", "讨论题", "参考依据", "时间安排"):
        assert name in md
    # the timing table is true to the speaking rate: actual characters per section at 220 a minute
    rows = re.findall(r"^\| (\S+) \| ([\d.]+) \| (\d+) \| (\d+) \| ([\d.]+) \|$", md, re.M)
    assert len(rows) == len(SECTION_SHARES)
    chars = _script_chars(md)
    assert abs(sum(int(r[3]) for r in rows) - chars) <= 10, (rows, chars)
    for _, _, _, actual, est in rows:
        assert abs(float(est) - int(actual) / RATE) <= 0.051
    assert abs(chars - 8 * RATE) <= 0.25 * 8 * RATE, chars
    labels = [label for label, _ in _check_quotes(md)]
    assert any("纪律处分条例" in label or "章程" in label for label in labels), labels


def test_sections_fit_their_time(pipeline):
    for topic, audience in [("严守党的纪律", "普通党员"), ("预备党员的教育考察", "入党积极分子"), ("党员的权利", "青年党员")]:
        lec = draft_lecture(pipeline, topic, minutes=8, audience=audience)
        assert [s.name for s in lec.sections][:2] == list(SECTION_SHARES)[:2]
        for s in lec.sections:
            assert abs(s.chars - s.minutes * RATE) <= 0.05 * RATE, (topic, s.name, s.chars, s.minutes)
        assert len(lec.discussion) >= 2


def test_audiences_read_differently(pipeline):
    import yaml

    from bot.llm.prompts import PROMPTS_DIR

    templates = yaml.safe_load((PROMPTS_DIR / "lecture_templates.yaml").read_text(encoding="utf-8"))["开场导入"]
    presets = ("入党积极分子", "党务干部", "青年党员", "普通党员", "支部党员")
    for audience in ("入党积极分子", "党务干部", "青年党员"):
        text = draft_lecture(pipeline, "严守党的纪律", audience=audience).sections[0].text
        own = [t.format(topic="严守党的纪律") for t in templates[audience]]
        others = [t.format(topic="严守党的纪律") for a, ts in templates.items() if a in presets and a != audience for t in ts]
        assert any(t in text for t in own) and not any(t in text for t in others), audience
    free = draft_lecture(pipeline, "严守党的纪律", audience="社区网格员党员").sections[0].text
    assert "社区网格员党员" in free


def test_pptx_has_one_slide_per_section_with_the_script_in_notes(regulations_built, tmp_path):
    env = {"DANGJIAN_DATA_DIR": str(regulations_built.settings.data_dir)}
    p, j = tmp_path / "l.pptx", tmp_path / "l.json"
    args = ("lecture", "--topic", "三会一课制度", "--minutes", "8", "--audience", "支部党员")
    r = run_cli(*args, "--format", "pptx", "--output", str(p), env=env)
    assert r.returncode == 0, r.stderr
    assert run_cli(*args, "--format", "json", "--output", str(j), env=env).returncode == 0
    data = json.loads(j.read_text(encoding="utf-8"))
    from pptx import Presentation

    slides = list(Presentation(p).slides)
    assert len(slides) == 1 + len(data["sections"]) + 1
    for slide, section in zip(slides[1:], data["sections"]):
        assert slide.shapes.title.text.startswith(section["name"])
        notes = re.sub(r"\s", "", slide.notes_slide.notes_text_frame.text)
        for para in section["paragraphs"]:
            assert re.sub(r"\s|\[\d+\]", "", para) in notes


def test_docx_opens(built, tmp_path):
    _, settings, _ = built
    d = tmp_path / "l.docx"
    r = run_cli("lecture", "--topic", "党员的权利", "--format", "docx", "--output", str(d), env={"DANGJIAN_DATA_DIR": str(settings.data_dir)})
    assert r.returncode == 0, r.stderr
    import docx

    doc = docx.Document(d)
    styles = {para.style.name for para in doc.paragraphs}
    assert "Intense Quote" in styles and "Heading 1" in styles
    assert "参考依据" in "\n".join(para.text for para in doc.paragraphs)


def test_bad_arguments(pipeline):
    with pytest.raises(ValueError, match="听众"):
        draft_lecture(pipeline, "党的纪律", audience="  ")
    with pytest.raises(ValueError, match="听众"):
        draft_lecture(pipeline, "党的纪律", audience="听" * 21)
    with pytest.raises(ValueError, match="主题"):
        draft_lecture(pipeline, "  ")


def test_uncovered_topic_exits_3_unless_forced(regulations_built):
    env = {"DANGJIAN_DATA_DIR": str(regulations_built.settings.data_dir)}
    r = run_cli("lecture", "--topic", "足球比赛战术", "--format", "json", env=env)
    assert r.returncode == 3 and "覆盖不足" in r.stderr and not r.stdout.strip()
    r = run_cli("lecture", "--topic", "足球比赛战术", "--format", "json", "--force", env=env)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["coverage"] == "不足" and "覆盖不足" in data["markdown"]
    assert not any(ref["doc_type"] == "案例" for ref in data["references"])


def test_empty_knowledge_base_is_an_error(tmp_path):
    r = run_cli("lecture", "--topic", "三会一课制度", "--format", "md", env={"DANGJIAN_DATA_DIR": str(tmp_path / "data")})
    assert r.returncode == 1, (r.returncode, r.stdout[:200])
    assert "知识库为空" in r.stderr and not r.stdout.strip()


def test_json_output(built):
    _, settings, _ = built
    r = run_cli("lecture", "--topic", "党员的权利", "--minutes", "5", "--format", "json",
                env={"DANGJIAN_DATA_DIR": str(settings.data_dir)})
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["minutes"] == 5 and data["coverage"] in ("充分", "部分")
    assert abs(data["chars"] - sum(len(re.sub(r"\s|\[\d+\]", "", p)) for s in data["sections"] for p in s["paragraphs"])) <= 5
