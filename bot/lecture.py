"""Micro-lecture (微党课) drafting: outline with timings, a script sized to the duration, regulation
quotes word for word with citations, one or two real cases, discussion questions, references.

Offline mode (default) composes the talk from retrieved passages: regulation sentences quoted
verbatim, a case from the case library shortened extractively, and connecting sentences from the
templates in ``prompts/lecture_templates.yaml`` (varied by section, audience and topic).

Timing: the script is sized at ``rate`` characters a minute (default 220, a common estimate of
Mandarin speaking speed for prepared talks); each section gets a share of the duration
(:data:`SECTION_SHARES`) and its text is fitted to within ±15% of its budget.

Public API: :func:`draft_lecture`, :class:`Lecture`, :func:`export_docx`, :func:`export_pptx`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.prompts import PROMPTS_DIR
from bot.schema import Chunk

AUDIENCES = ("普通党员", "入党积极分子", "青年党员", "党务干部")
#: share of the duration per section (sums to 1).
SECTION_SHARES = {"开场导入": 0.12, "理论要点": 0.36, "案例剖析": 0.28, "实践要求": 0.16, "结语": 0.08}
TOLERANCE = 0.15
_SENT = re.compile(r"[^。！？；\n]+[。！？；]?")
_CASE_FACTS = re.compile(r"(基本案情|典型案例|案情简介|案例[一二三1-3]?[:：]?)")
_CASE_HEADING = re.compile(r"基本案情|典型案例|案情简介|案例[一二三]")
_CASE_VIEW = re.compile(r"(评析|处理建议|纪法解析|分析|处理结果|处理意见)")


def spoken_len(text: str) -> int:
    """Characters that are spoken: no whitespace, Markdown marks or citation markers."""
    text = re.sub(r"\[\d+\]", "", text)
    return len(re.sub(r"[\s#>*|`_]", "", text))


@dataclass
class Reference:
    n: int
    title: str
    article: str | None
    doc_type: str
    source: str
    quote: str

    def label(self) -> str:
        return f"《{self.title}》{self.article or ''}"


@dataclass
class Section:
    name: str
    minutes: float
    target_chars: int
    paragraphs: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)  # key points for slides
    quotes: list[tuple[int, str]] = field(default_factory=list)  # (reference n, verbatim quote)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def chars(self) -> int:
        return spoken_len(self.text)


@dataclass
class Lecture:
    title: str
    topic: str
    audience: str
    minutes: float
    rate: int
    sections: list[Section]
    discussion: list[str]
    references: list[Reference]
    notes: list[str] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return sum(s.chars for s in self.sections)

    def timing_rows(self) -> list[tuple[str, str, int, int, str]]:
        """(section, planned minutes, target chars, actual chars, estimated minutes at the rate)."""
        return [(s.name, f"{s.minutes:.1f}", s.target_chars, s.chars, f"{s.chars / self.rate:.1f}") for s in self.sections]

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", "",
                 f"**主题**：{self.topic}　**听众**：{self.audience}　**时长**：约 {self.minutes:g} 分钟"
                 f"（按每分钟 {self.rate} 字计，全文 {self.chars} 字，约 {self.chars / self.rate:.1f} 分钟）", "",
                 "## 时间安排", "", "| 环节 | 计划时长（分钟） | 目标字数 | 实际字数 | 预计用时（分钟） |", "|---|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in self.timing_rows()]
        for i, s in enumerate(self.sections):
            lines += ["", f"## {'一二三四五六'[i]}、{s.name}（约 {s.minutes:.1f} 分钟）", ""]
            for p in s.paragraphs:
                lines += [p, ""]
        lines += ["## 讨论题", ""] + [f"{i}. {q}" for i, q in enumerate(self.discussion, 1)]
        lines += ["", "## 参考依据", ""] + [f"[{r.n}] {r.label()}（{r.doc_type}，{r.source}）" for r in self.references]
        if self.notes:
            lines += ["", "> " + "；".join(self.notes)]
        return "\n".join(lines).strip() + "\n"


class _Templates:
    def __init__(self, topic: str, audience: str, path: Path):
        self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.audience = audience
        self.seed = int(hashlib.sha1(f"{topic}|{audience}".encode()).hexdigest(), 16)
        self.used: set[str] = set()

    def pool(self, section: str, *groups: str) -> list[str]:
        block = self.data.get(section, {})
        out: list[str] = []
        for g in groups:
            out += list(block.get(g, []) if isinstance(block, dict) else block)
        if any(re.match(r"[一二三四五]是", t) for t in out):
            return out  # numbered points keep their order
        k = self.seed % max(1, len(out))
        return out[k:] + out[:k]  # rotate by topic so different topics read differently

    def pick(self, section: str, group: str, **values) -> str:
        for t in self.pool(section, group):
            if t not in self.used:
                self.used.add(t)
                return t.format(**values)
        options = self.pool(section, group)
        return options[0].format(**values) if options else ""


def _fit(section: Section, required: list[str], optional: list[str], filler: list[str]) -> None:
    """Fill ``section`` to its target: required paragraphs, then optional and filler sentences
    while under the target; drop optional ones if over target + 15%."""
    lo, hi = section.target_chars * (1 - TOLERANCE), section.target_chars * (1 + TOLERANCE)
    paras = list(required)
    total = sum(spoken_len(p) for p in paras)
    for p in optional + filler:
        if total >= section.target_chars * 0.97:
            break
        if total + spoken_len(p) <= hi:
            paras.append(p)
            total += spoken_len(p)
    if total < lo and filler:  # still short: reuse filler once more, as a closing reminder
        for p in filler:
            if total >= lo:
                break
            if total + spoken_len(p) <= hi and p not in paras:
                paras.append(p)
                total += spoken_len(p)
    section.paragraphs = [p for p in paras if p]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(text) if len(s.strip()) >= 6]


def _quote_for(chunk: Chunk, budget: int, terms: list[str]) -> str:
    """Verbatim quote from an article: the whole article body when it fits ``budget`` characters,
    else its lead sentence plus the sentences covering most key terms, in original order."""
    body = re.sub(r"^第[^条]{1,8}条(（续）)?\s*", "", chunk.text).strip()
    if spoken_len(body) <= budget:
        return body
    sents = _sentences(body)
    if not sents:
        return body[:budget]
    scored = sorted(range(len(sents)), key=lambda i: (-sum(t in sents[i] for t in terms), i))
    keep = {0}
    total = spoken_len(sents[0])
    for i in scored:
        if i in keep:
            continue
        if total + spoken_len(sents[i]) > budget:
            continue
        keep.add(i)
        total += spoken_len(sents[i])
    return "……".join(_join_runs([sents[i] for i in sorted(keep)], sorted(keep)))


def _join_runs(sents: list[str], idx: list[int]) -> list[str]:
    """Join consecutive sentences; gaps become separate runs (joined by an ellipsis by the caller)."""
    runs, cur, last = [], "", None
    for s, i in zip(sents, idx):
        if last is not None and i == last + 1:
            cur += s
        else:
            if cur:
                runs.append(cur)
            cur = s
        last = i
    if cur:
        runs.append(cur)
    return runs


def _case_summary(text: str, budget: int, terms: list[str], title: str = "") -> tuple[list[str], list[str]]:
    """(facts, assessment) sentences of a case, shortened extractively to about ``budget`` chars:
    facts (基本案情) first, then the sentences of the assessment (评析意见/处理) that cover the
    topic best, then more facts, in document order; competing opinions (分歧意见) are left out."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and ln.strip().lstrip("# ") != title]
    facts: list[str] = []
    views: list[str] = []
    mode = "facts"
    for ln in lines:
        if len(ln) <= 20 and "分歧" in ln:
            mode = "skip"
            continue
        if len(ln) <= 20 and _CASE_VIEW.search(ln):
            mode = "views"
            continue
        if len(ln) <= 20 and (_CASE_FACTS.search(ln) or ln.startswith("【")):
            mode = "facts" if _CASE_FACTS.search(ln) else mode
            continue
        if mode == "facts":
            facts.extend(_sentences(ln))
        elif mode == "views":
            views.extend(_sentences(ln))
    facts = [x for x in facts if not x.startswith(("网友", "问："))] or facts
    keep_f: list[int] = []
    total = 0
    for i, x in enumerate(facts):
        if total + spoken_len(x) > budget * 0.5 and keep_f:
            break
        keep_f.append(i)
        total += spoken_len(x)
    keep_v: list[int] = []
    for i in sorted(range(len(views)), key=lambda i: (-sum(t in views[i] for t in terms), i)):
        if total + spoken_len(views[i]) <= budget * 1.05:
            keep_v.append(i)
            total += spoken_len(views[i])
        if total >= budget * 0.9:
            break
    for i in range(len(facts)):  # still short: more of the facts
        if total >= budget * 0.9:
            break
        if i not in keep_f and total + spoken_len(facts[i]) <= budget * 1.05:
            keep_f.append(i)
            total += spoken_len(facts[i])
    return [facts[i] for i in sorted(keep_f)], [views[i] for i in sorted(keep_v)]


def draft_lecture(pipeline, topic: str, minutes: float = 8, audience: str = "普通党员", rate: int = 220,
                  templates: Path | None = None, use_llm: bool | None = None) -> Lecture:
    """Draft a micro-lecture from the knowledge base: with the configured LLM when there is one
    (``use_llm`` None = when configured; verified, one repair round, offline fallback), else offline.

    Args:
        topic: e.g. "三会一课制度", "严守党的纪律".
        minutes: duration (default 8; micro-lecture contests cap talks at about 8 minutes).
        audience: one of :data:`AUDIENCES`.
        rate: speaking rate in characters per minute.

    Raises:
        ValueError: empty topic, unknown audience, non-positive duration or rate.
    """
    from bot.answer import key_terms

    if not topic.strip():
        raise ValueError("请给出微党课主题")
    if audience not in AUDIENCES:
        raise ValueError(f"听众只能是：{'、'.join(AUDIENCES)}")
    if minutes <= 0 or rate <= 0:
        raise ValueError("时长和语速必须大于 0")
    fallback_note = None
    if use_llm or (use_llm is None and getattr(pipeline, "generator", None) is not None):
        from bot.generate import LLMError, describe_error

        try:
            return draft_lecture_llm(pipeline, topic, minutes, audience, rate)
        except LLMError as e:
            fallback_note = f"{e}，已改用离线模板起草。"
        except Exception as e:
            fallback_note = f"{describe_error(e)}，已改用离线模板起草。"
    lecture = _draft_offline(pipeline, topic, minutes, audience, rate, templates)
    if fallback_note:
        lecture.notes.insert(0, fallback_note)
    return lecture


def _draft_offline(pipeline, topic: str, minutes: float, audience: str, rate: int, templates: Path | None) -> Lecture:
    from bot.answer import key_terms

    tpl = _Templates(topic, audience, templates or PROMPTS_DIR / "lecture_templates.yaml")
    terms = key_terms(topic)
    total_chars = int(minutes * rate)
    sections = [Section(name, round(minutes * share, 1), int(total_chars * share)) for name, share in SECTION_SHARES.items()]
    by_name = {s.name: s for s in sections}
    references: list[Reference] = []
    notes: list[str] = []

    def ref(chunk: Chunk, quote: str) -> int:
        for r in references:
            if (r.title, r.article, r.source) == (chunk.title, chunk.article, chunk.source) and r.doc_type != "案例":
                return r.n
        references.append(Reference(len(references) + 1, chunk.title, chunk.article, chunk.doc_type, chunk.source, quote))
        return references[-1].n

    # ---------- passages
    from bot.quiz import QuizGenerator

    gen = QuizGenerator(pipeline)
    articles = [h.chunk for h in pipeline.retrieve(topic, k=6, doc_type="法规") if h.chunk.article]
    if not articles:
        articles = [c for c in gen.passages(topic, k=20, keep=0.5)]
    case_hits = pipeline.retrieve(topic, k=40, doc_type="案例")
    # prefer real cases (a 基本案情/典型案例 section) over commentary articles
    def is_case(chunk: Chunk) -> bool:
        got = pipeline.index.collection.get(where={"path": chunk.path}, include=["metadatas"])
        return any(_CASE_HEADING.search(str(m.get("heading", ""))) for m in got["metadatas"])

    case_hits = [h for h in case_hits if is_case(h.chunk)] or case_hits

    # ---------- 开场导入
    s = by_name["开场导入"]
    values = {"topic": topic, "audience": audience, "minutes": f"{minutes:g}"}
    _fit(s, [tpl.pick("开场导入", "通用", **values), tpl.pick("开场导入", audience, **values)], [],
         [t.format(**values) for t in tpl.pool("开场导入", "展开")])
    s.points = [f"主题：{topic}", f"听众：{audience}"]

    # ---------- 实践要求 and 结语
    s = by_name["实践要求"]
    _fit(s, [tpl.pick("实践要求", "引入")], tpl.pool("实践要求", audience), tpl.pool("实践要求", "通用"))
    s.points = [p[:30] for p in s.paragraphs[1:4]]
    s = by_name["结语"]
    _fit(s, [tpl.pick("结语", "通用", topic=topic)], [], [t.format(topic=topic) for t in tpl.pool("结语", "补充")])
    s.points = [s.paragraphs[0][:40]]

    # the template-built sections may fall short of their share: give the rest to the quotes and the case
    spare = sum(x.target_chars - x.chars for x in (by_name["开场导入"], by_name["实践要求"], by_name["结语"]))
    for name, part in (("理论要点", 0.55), ("案例剖析", 0.45)):
        by_name[name].target_chars += int(spare * part)
    for x in sections:  # the plan follows the text: minutes of each section at the speaking rate
        if x.name in ("开场导入", "实践要求", "结语"):
            x.target_chars = x.chars
        x.minutes = round(x.target_chars / rate, 1)

    # ---------- 理论要点: verbatim quotes
    s = by_name["理论要点"]
    required = [tpl.pick("理论要点", "引入")]
    optional: list[str] = []
    budget_left = s.target_chars - spoken_len(required[0])
    for i, chunk in enumerate(articles):
        lead = tpl.pick("理论要点", "条文前", title=chunk.title, article=chunk.article or "")
        after = tpl.pick("理论要点", "条文后")
        quote_budget = max(60, int((budget_left if i == 0 else budget_left * 0.8) - spoken_len(lead) - spoken_len(after)))
        if i > 0 and quote_budget < 60:
            break
        quote = _quote_for(chunk, min(quote_budget, int(s.target_chars * 0.6)), terms)
        n = ref(chunk, quote)
        para = f"{lead}“{quote}”[{n}]{after}"
        if i == 0:
            required.append(para)
        else:
            optional.append(para)
        s.quotes.append((n, quote))
        s.points.append(f"{chunk.title}{chunk.article or ''}：{quote[:40]}{'…' if len(quote) > 40 else ''}")
        budget_left -= spoken_len(para)
        if budget_left < s.target_chars * 0.15:
            break
    _fit(s, required, optional, tpl.pool("理论要点", "通用", audience))
    s.quotes = [(n, q) for n, q in s.quotes if any(q in p for p in s.paragraphs)]
    references[:] = [r for r in references if any(r.n == n for n, _ in s.quotes)]

    # ---------- 案例剖析
    s = by_name["案例剖析"]
    case_chunk = case_hits[0].chunk if case_hits else None
    if case_chunk is not None:
        doc = pipeline.index.collection.get(where={"path": case_chunk.path}, include=["documents", "metadatas"])
        parts = sorted(zip(doc["metadatas"], doc["documents"]), key=lambda x: int(x[0].get("index", 0)))
        full = "\n".join(d for _, d in parts)
        intro = tpl.pick("案例剖析", "引入")
        before = tpl.pick("案例剖析", "案例前", case_title=case_chunk.title)
        after = tpl.pick("案例剖析", "案例后")
        budget = s.target_chars - spoken_len(intro + before + after)
        facts, views = _case_summary(full, max(120, budget), terms, case_chunk.title)
        n = len(references) + 1
        references.append(Reference(n, case_chunk.title, None, "案例", case_chunk.source, "".join(facts + views)))
        required = [intro + before, "".join(facts) + f"[{n}]"]
        optional = ["".join(views) + f"[{n}]"] if views else []
        _fit(s, required, optional + [after], tpl.pool("案例剖析", "通用"))
        s.points = [f"案例：{case_chunk.title}", *(facts[:1] or [])]
    else:
        notes.append("知识库中没有找到与主题相关的案例（请在 cases/ 下添加典型案例）")
        _fit(s, ["知识库中暂未收录与本主题直接相关的案例，这里结合条文谈几点警示。"], [], tpl.pool("案例剖析", "通用"))

    # ---------- discussion questions (templates + one item from the quiz generator)
    first = articles[0] if articles else None
    discussion = [
        q.format(topic=topic, title=f"《{first.title}》" if first else "党章党规", article=(first.article or "") if first else "",
                 case_title=case_chunk.title if case_chunk else "相关案例")
        for q in tpl.data["讨论题"]
    ][: 2 if case_chunk else 1]
    discussion = [d for d in discussion if "相关案例" not in d]
    try:
        from bot.quiz import generate_quiz

        qs = generate_quiz(pipeline, topic, n=1, types=["填空"], use_llm=False)
        if qs.items:
            it = qs.items[0]
            discussion.append(f"小测：{it.stem}（答案：{'/'.join(it.answer) if isinstance(it.answer, list) else it.answer}）")
    except ValueError:
        pass
    title = f"微党课：{topic}"
    return Lecture(title, topic, audience, minutes, rate, sections, discussion, references, notes)


# --------------------------------------------------------------------------------------
# LLM mode
# --------------------------------------------------------------------------------------

_QUOTED = re.compile(r"“((?:[^“”]|“[^“”]*”){6,})”\s*\[(\d{1,3})\]")


def check_generated(text: str, passages, pipeline, total_chars: int) -> tuple[list[str], list]:
    """Problems of a generated lecture (Chinese), and its verified citations: every [n] names a
    given passage, every 第X条 exists and is in the cited passage (:func:`bot.verify.verify_citations`),
    every quotation “…”[n] is verbatim in passage n, all five sections are present, and the spoken
    length is within ±10% of ``total_chars``."""
    from bot.verify import verify_citations

    index = pipeline.index
    v = verify_citations(text, passages, lambda titles, n: bool(index.find_article(titles, n)),
                         pipeline.retriever.known_titles())
    problems = list(v.reasons)
    for quote, n in _QUOTED.findall(text):
        k = int(n)
        if 1 <= k <= len(passages):
            src = re.sub(r"\s", "", passages[k - 1].chunk.text)
            if any(re.sub(r"\s", "", piece) not in src for piece in quote.split("……") if piece):
                problems.append(f"引文“{quote[:20]}…”与资料 [{k}] 原文不符")
    missing = [name for name in SECTION_SHARES if f"## {name}" not in text]
    if missing:
        problems.append("缺少环节：" + "、".join(missing))
    length = spoken_len(re.sub(r"^##.*$", "", text, flags=re.M))
    if abs(length - total_chars) > 0.10 * total_chars:
        problems.append(f"全文 {length} 字，应为约 {total_chars} 字（±10%）")
    return problems, v


def draft_lecture_llm(pipeline, topic: str, minutes: float, audience: str, rate: int) -> Lecture:
    """Draft with the configured LLM from retrieved articles and cases; checked with
    :func:`check_generated`, one repair round; raises :class:`bot.generate.LLMError` if it still fails."""
    from langchain_core.messages import AIMessage, HumanMessage

    from bot.generate import LLMError, make_chat_model
    from bot.prompts import render
    from bot.schema import RetrievedChunk

    arts = [h for h in pipeline.retrieve(topic, k=4, doc_type="法规") if h.chunk.article][:3]
    cases = pipeline.retrieve(topic, k=2, doc_type="案例")[:2]
    passages: list[RetrievedChunk] = arts + cases
    if not passages:
        raise LLMError("知识库中没有与主题相关的资料")
    total = int(minutes * rate)
    blocks = "\n".join(render("passage", n=i, title=p.chunk.title, article=p.chunk.article or "", doc_type=p.chunk.doc_type,
                              text=p.chunk.text.replace("<<<", "‹‹‹").replace(">>>", "›››")) for i, p in enumerate(passages, 1))
    budget = "，".join(f"{name}约{int(total * share)}字" for name, share in SECTION_SHARES.items())
    messages = [HumanMessage(render("lecture", audience=audience, minutes=f"{minutes:g}", topic=topic, rate=rate,
                                    total=total, passages=blocks, budget=budget))]
    chat = make_chat_model(pipeline.settings, streaming=False)
    text = str(chat.invoke(messages).content)
    problems, v = check_generated(text, passages, pipeline, total)
    if problems:  # one repair round
        messages += [AIMessage(text), HumanMessage("讲稿有以下问题，请修改后重新输出全文：\n" + "\n".join(problems))]
        text = str(chat.invoke(messages).content)
        problems, v = check_generated(text, passages, pipeline, total)
    if problems:
        raise LLMError("大模型起草的讲稿未通过核验（" + "；".join(problems[:3]) + "）")
    sections = []
    for name in SECTION_SHARES:
        body = text.split(f"## {name}", 1)[1]
        body = re.split(r"^## ", body, flags=re.M)[0].strip()
        paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
        sec = Section(name, 0.0, 0, paragraphs)
        sec.minutes = round(sec.chars / rate, 1)
        sec.target_chars = int(total * SECTION_SHARES[name])
        sec.quotes = [(int(n), q) for q, n in _QUOTED.findall(body)]
        sec.points = [p[:40] for p in paragraphs[:3]]
        sections.append(sec)
    old_to_new = {}
    for c in v.citations:  # verify_citations renumbered the markers in v.text; keep the model's numbering here
        for i, p in enumerate(passages, 1):
            if p.chunk.text == c.text:
                old_to_new[i] = c.n
    references = [Reference(i, p.chunk.title, p.chunk.article, p.chunk.doc_type, p.chunk.source, p.chunk.text[:200])
                  for i, p in enumerate(passages, 1) if i in old_to_new]
    discussion = [f"结合本讲内容，谈谈你对“{topic}”的理解。", "对照讲稿中的案例，谈谈我们在日常工作中应当注意哪些问题。"]
    return Lecture(f"微党课：{topic}", topic, audience, minutes, rate, sections, discussion, references,
                   notes=["由大模型起草，引用与长度已核验"])


# --------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------


def export_docx(lecture: Lecture, path: Path) -> None:
    """Word document: title, timing table, sections with time marks, quotes styled as quotes, references."""
    import docx

    d = docx.Document()
    d.add_heading(lecture.title, level=0)
    d.add_paragraph(f"听众：{lecture.audience}　时长：约 {lecture.minutes:g} 分钟（每分钟 {lecture.rate} 字，全文 {lecture.chars} 字）")
    table = d.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["环节", "计划时长（分钟）", "目标字数", "实际字数", "预计用时（分钟）"]):
        cell.text = text
    for row in lecture.timing_rows():
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = str(value)
    refs = {r.n: r for r in lecture.references}
    for i, s in enumerate(lecture.sections):
        d.add_heading(f"{'一二三四五六'[i]}、{s.name}【约 {s.minutes:.1f} 分钟】", level=1)
        for p in s.paragraphs:
            quote = next(((n, q) for n, q in s.quotes if f"“{q}”[{n}]" in p), None)
            if quote is None:
                d.add_paragraph(p)
                continue
            n, q = quote
            before, after = p.split(f"“{q}”[{n}]", 1)
            if before:
                d.add_paragraph(before)
            d.add_paragraph(f"“{q}”——{refs[n].label() if n in refs else ''}", style="Intense Quote")
            if after:
                d.add_paragraph(after)
    d.add_heading("讨论题", level=1)
    for q in lecture.discussion:
        d.add_paragraph(q, style="List Number")
    d.add_heading("参考依据", level=1)
    for r in lecture.references:
        d.add_paragraph(f"[{r.n}] {r.label()}（{r.doc_type}，{r.source}）")
    d.save(path)


def export_pptx(lecture: Lecture, path: Path) -> None:
    """Slides: a title slide, one slide per section (key points, the cited article), references."""
    from pptx import Presentation
    from pptx.util import Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = lecture.title
    slide.placeholders[1].text = f"{lecture.audience} · 约 {lecture.minutes:g} 分钟"
    refs = {r.n: r for r in lecture.references}
    for s in lecture.sections:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"{s.name}（{s.minutes:.1f} 分钟）"
        body = slide.placeholders[1].text_frame
        body.clear()
        points = s.points or [s.paragraphs[0][:40]] if s.paragraphs else []
        for j, point in enumerate(points[:5]):
            para = body.paragraphs[0] if j == 0 else body.add_paragraph()
            para.text = point
            para.font.size = Pt(18)
        for n, _ in s.quotes[:2]:
            para = body.add_paragraph()
            para.text = f"出处：{refs[n].label()}" if n in refs else ""
            para.font.size = Pt(14)
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "参考依据"
    body = slide.placeholders[1].text_frame
    body.text = "\n".join(f"[{r.n}] {r.label()}" for r in lecture.references) or "（无）"
    prs.save(path)
