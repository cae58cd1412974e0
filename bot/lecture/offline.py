"""The offline (extractive) draft: regulation sentences quoted verbatim, a library case told from its own
sentences, and connecting sentences from the templates (:mod:`bot.lecture.frames`), each section fitted
to its share of the duration. :func:`draft_offline` runs the steps in order; the order matters, because
a template sentence used by one section is never used again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.lecture.extract import LIST_ITEM, case_story, quote_for
from bot.lecture.frames import TEMPLATES_PATH, Templates, topic_family
from bot.lecture.model import SECTION_SHARES, TOLERANCE, Lecture, Reference, Section, coverage_level, spoken_len
from bot.lecture.select import document_text, select_articles, select_case, whole_article
from bot.schema import Chunk
from bot.text.zh import CN_STOPS, sentence_pieces

_NO_RULES = re.compile(r"不得|禁止|严禁|不准|不允许")
_MUST = re.compile(r"应当|必须")
#: a section is filled with optional sentences until it reaches this share of its target
FILL_SHARE = 0.97
#: neighbours of the best article tried, in this order (same chapter only)
NEIGHBOUR_OFFSETS = (1, -1, 2, -2, 3, -3)
#: quote budgets (spoken characters): articles after the first get this share of what is left, less the
#: lead sentence and this margin; never below the floor; no quote longer than the cap share of the
#: section; no further article once less than the minimum is left (set with the first drafts, #20)
LATER_QUOTE_SHARE = 0.9
QUOTE_MARGIN = 30
QUOTE_FLOOR = 60
QUOTE_CAP_SHARE = 0.6
MIN_LATER_QUOTE = 80
#: a case story gets the case section's budget less its frame sentences and this margin, at least the floor
CASE_MARGIN = 30
CASE_FLOOR = 120
CLOSING = "今天的微党课就讲到这里，谢谢大家！"
_MARKER = re.compile(r"\[(\d+)\]")


def fit_section(section: Section, required: list[str], optional: list[str], filler: list[str]) -> None:
    """Fill ``section`` to its target: required paragraphs, then optional and filler sentences
    while under the target; drop optional ones if over target + 15% (:data:`TOLERANCE`)."""
    lo, hi = section.target_chars * (1 - TOLERANCE), section.target_chars * (1 + TOLERANCE)
    paras = list(required)
    total = sum(spoken_len(p) for p in paras)
    for p in optional + filler:
        if total >= section.target_chars * FILL_SHARE:
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


def dedupe_sentences(sections: list[Section]) -> None:
    """No sentence twice in the script: a later repeat of a sentence (outside quotes) is removed."""
    seen: set[str] = set()
    for s in sections:
        paras = []
        for p in s.paragraphs:
            if "“" in p and "”[" in p:  # a quote paragraph stays whole
                paras.append(p)
                continue
            kept = [x for x in sentence_pieces(p, CN_STOPS, at_newline=False) if x.strip()]
            out = []
            for x in kept:
                key = re.sub(r"\[\d+\]|\s", "", x)
                if len(key) >= 6 and key in seen:
                    continue
                seen.add(key)
                out.append(x)
            if "".join(out).strip():
                paras.append("".join(out))
        s.paragraphs = paras


@dataclass
class Draft:
    """What the steps of :func:`draft_offline` share: the request, the material chosen, the sections
    being written and the references cited so far."""

    pipeline: object
    topic: str
    audience: str
    minutes: float
    rate: int
    tpl: Templates
    terms: list[str]
    weights: dict[str, float]
    sections: list[Section]
    references: list[Reference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    articles: list[Chunk] = field(default_factory=list)
    best_cov: float = 0.0
    cov_level: str = "充分"
    family: str = "通用"
    case_chunk: Chunk | None = None
    case_score: float = 0.0

    @property
    def settings(self):
        return self.pipeline.settings

    @property
    def values(self) -> dict[str, str]:
        """The placeholders of the template sentences."""
        return {"topic": self.topic, "audience": self.audience, "minutes": f"{self.minutes:g}"}

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)

    def ref(self, chunk: Chunk, quote: str) -> int:
        """The reference number of ``chunk``'s article (a new reference the first time)."""
        for r in self.references:
            if (r.title, r.article, r.source) == (chunk.title, chunk.article, chunk.source) and r.doc_type != "案例":
                return r.n
        self.references.append(Reference(len(self.references) + 1, chunk.title, chunk.article, chunk.doc_type,
                                         chunk.source, quote))
        return self.references[-1].n


def _start(pipeline, topic: str, minutes: float, audience: str, rate: int, templates: Path | None) -> Draft:
    """The draft with empty sections sized by :data:`SECTION_SHARES` and the topic's key terms."""
    from bot.answer.grounding import key_terms

    tpl = Templates(topic, audience, templates or TEMPLATES_PATH)
    terms = key_terms(topic)
    weights = pipeline.term_weights(terms)
    total_chars = int(minutes * rate)
    sections = [Section(name, round(minutes * share, 1), int(total_chars * share)) for name, share in SECTION_SHARES.items()]
    return Draft(pipeline, topic, minutes=minutes, audience=audience, rate=rate, tpl=tpl, terms=terms,
                 weights=weights, sections=sections)


def _add_neighbours(d: Draft) -> None:
    """Articles next to the best one in its chapter, when they cover enough of the topic's key terms
    (``lecture_min_neighbour_coverage``), up to ``lecture_max_articles_with_neighbours`` articles."""
    from bot.answer.grounding import coverage

    st, articles = d.settings, d.articles
    top = articles[0]
    have = {(a.title, a.article_no) for a in articles}
    for off in NEIGHBOUR_OFFSETS:
        if len(articles) >= st.lecture_max_articles_with_neighbours or top.article_no is None or top.article_no + off < 1:
            continue
        got = d.pipeline.index.find_article([top.title], top.article_no + off)
        if got and got[0].heading == top.heading and (top.title, top.article_no + off) not in have:
            near = whole_article(d.pipeline, got[0])
            if coverage(d.terms, d.weights, near.text + (near.heading or "")) >= st.lecture_min_neighbour_coverage:
                articles.append(near)
            have.add((top.title, top.article_no + off))


def _choose_material(d: Draft) -> None:
    """The articles to quote (those covering at least ``lecture_article_floor_share`` of the best one's
    coverage and ``lecture_min_article_coverage``, at most ``lecture_max_articles``, then neighbours),
    the coverage level, the topic family and the case (none when coverage is 不足)."""
    st = d.settings
    ranked = select_articles(d.pipeline, d.topic)
    d.best_cov = ranked[0][2] if ranked else 0.0
    floor = max(st.lecture_min_article_coverage, st.lecture_article_floor_share * d.best_cov)
    d.articles = [c for c, rel, cov in ranked if cov >= floor][:st.lecture_max_articles] or [c for c, _, _ in ranked[:1]]
    if d.best_cov >= st.lecture_min_coverage:  # neighbours of the best article in its chapter
        _add_neighbours(d)
    d.cov_level = coverage_level(d.best_cov, st)
    if d.cov_level == "不足":
        d.notes.append(f"知识库对“{d.topic}”覆盖不足（最相关条文的主题词覆盖率 {d.best_cov:.2f}，低于 {st.lecture_min_coverage:g}），"
                       "讲稿可能偏离主题，请补充相关法规或换一个主题")
    arts = d.articles  # the first (most relevant) stays first; the others by regulation and number
    d.articles = arts[:1] + sorted(arts[1:], key=lambda c: (c.title != arts[0].title, c.title, c.article_no or 0))
    families = d.tpl.data.get("families", {})
    d.family = d.tpl.family = topic_family(d.topic, d.articles, families)
    d.case_chunk, d.case_score = select_case(d.pipeline, d.topic, families)
    if d.cov_level == "不足":
        d.case_chunk = None


def _draft_frames(d: Draft) -> None:
    """开场导入, 实践要求 and 结语: template sentences only."""
    tpl, family, values, topic = d.tpl, d.family, d.values, d.topic
    s = d.section("开场导入")
    opening = [tpl.pick("开场导入", "通用", **values), tpl.pick_audience("开场导入", **values)]
    if family in tpl.data["开场导入"]:
        opening.append(tpl.pick("开场导入", family, **values))
    fit_section(s, ["".join(x for x in opening if x)], [], [t.format(**values) for t in tpl.pool("开场导入", "展开")])
    s.points = [f"主题：{topic}", f"听众：{d.audience}"]

    s = d.section("实践要求")
    points = tpl.pool("实践要求", family if family in tpl.data["实践要求"] else "通用")
    fit_section(s, [tpl.pick("实践要求", "引入")] + points, [tpl.pick_audience("实践要求", **values)], [])
    s.points = [p[:30] for p in s.paragraphs[1:4]]
    s = d.section("结语")
    fit_section(s, [tpl.pick("结语", "通用", topic=topic)], [], [t.format(topic=topic) for t in tpl.pool("结语", "补充")])
    s.paragraphs.append(CLOSING)
    s.points = [s.paragraphs[0][:40]]


def _draft_case(d: Draft) -> None:
    """案例剖析 from the case's own sentences, or 身边事例与思考 when no case is relevant (or the case has
    no facts or no conclusion)."""
    tpl, family, s = d.tpl, d.family, d.section("案例剖析")
    case = d.case_chunk
    if case is not None:
        full = document_text(d.pipeline, case)
        intro = tpl.pick("案例剖析", "引入") + tpl.pick("案例剖析", "案例前", case_title=case.title)
        lesson = tpl.pick("案例剖析", family if family in tpl.data["案例剖析"] else "通用")
        story = case_story(full, case.title, max(CASE_FLOOR, s.target_chars - spoken_len(intro + lesson) - CASE_MARGIN),
                           d.terms)
        if not story.facts or not story.conclusion:
            d.notes.append(f"案例《{case.title}》缺少案情或结论，未采用")
            case = d.case_chunk = None
    if case is not None:
        n = len(d.references) + 1
        d.references.append(Reference(n, case.title, None, "案例", case.source, "".join(story.facts + story.conclusion + story.rule)))
        paras = [intro, tpl.pick("案例剖析", "案情前") + "".join(story.facts) + f"[{n}]",
                 tpl.pick("案例剖析", "结论前") + "".join(story.conclusion) + f"[{n}]"]
        if story.rule:
            paras.append(tpl.pick("案例剖析", "依据前") + "".join(story.rule) + f"[{n}]")
        paras.append(lesson)
        s.paragraphs = paras
        s.points = [f"案例：{case.title}", "案情：" + story.facts[0][:30], "结论：" + story.conclusion[0][:30]]
    else:
        s.name = "身边事例与思考"
        d.notes.append(f"知识库中没有找到与主题相关的案例（最高相关度 {d.case_score:.2f}，阈值 {d.settings.lecture_case_min_relevance:g}），"
                       "讲稿以身边事例与思考代替案例")
        block = tpl.data["身边事例与思考"]
        own = block.get(family, []) if family != "通用" else []
        s.paragraphs = [tpl.pick("身边事例与思考", "说明", **d.values)] + own + block["通用"]
        s.points = ["未找到匹配的案例", "请结合身边事例"]


def _quote_paragraph(d: Draft, s: Section, chunk: Chunk, lead: str, budget: int) -> str | None:
    """``lead``, the verbatim quote of ``chunk`` within ``budget`` characters and a remark naming its
    不得/应当 word when it has one; the quote is added to the section's quotes, points and references.
    None when the quote would start mid-list."""
    tpl = d.tpl
    quote = quote_for(chunk, budget, d.terms, d.weights)
    if not quote or LIST_ITEM.match(quote):  # never start in the middle of a list
        return None
    word = _NO_RULES.search(quote) or _MUST.search(quote)
    group = "条文后.不得" if _NO_RULES.search(quote) else "条文后.应当" if _MUST.search(quote) else "条文后"
    after = tpl.pick("理论要点", group, word=word.group(0) if word else "") or tpl.pick("理论要点", "条文后")
    n = d.ref(chunk, quote)
    s.quotes.append((n, quote))
    s.points.append(f"{chunk.title}{chunk.article or ''}：{quote[:40]}{'…' if len(quote) > 40 else ''}")
    return f"{lead}“{quote}”[{n}]{after}"


def _draft_quotes(d: Draft) -> None:
    """理论要点: verbatim quotes in whole sentences, most relevant articles first, given what the other
    sections left of the duration; references no longer quoted after fitting are dropped."""
    spare = sum(x.target_chars - x.chars for x in d.sections if x.name != "理论要点")
    s, tpl = d.section("理论要点"), d.tpl
    s.target_chars += max(0, spare)
    required = [tpl.pick("理论要点", "引入")] if d.articles else ["知识库中没有找到与本主题直接相关的条文。"]
    optional: list[str] = []
    budget_left = s.target_chars - spoken_len(required[0])
    for i, chunk in enumerate(d.articles):
        lead = tpl.pick("理论要点", "条文前", title=chunk.title, article=chunk.article or "") or \
            f"《{chunk.title}》{chunk.article or ''}还规定："
        share = budget_left if i == 0 else budget_left * LATER_QUOTE_SHARE
        quote_budget = max(QUOTE_FLOOR, int(share - spoken_len(lead) - QUOTE_MARGIN))
        if i > 0 and quote_budget < MIN_LATER_QUOTE:
            break
        para = _quote_paragraph(d, s, chunk, lead, min(quote_budget, int(s.target_chars * QUOTE_CAP_SHARE)))
        if para is None:
            continue
        (required if i == 0 else optional).append(para)
        budget_left -= spoken_len(para)
        if budget_left < MIN_LATER_QUOTE:
            break
    fit_section(s, required, optional, tpl.pool("理论要点", "通用"))
    s.quotes = [(n, q) for n, q in s.quotes if any(q in p for p in s.paragraphs)]
    case_refs = [r for r in d.references if r.doc_type == "案例"]
    d.references[:] = [r for r in d.references if r.doc_type != "案例" and any(r.n == n for n, _ in s.quotes)]
    d.references += case_refs


def _number_references(d: Draft) -> None:
    """References numbered in reading order (the case section is drafted before the quotes)."""
    order: dict[int, int] = {}
    for x in d.sections:
        for p in x.paragraphs:
            for m in _MARKER.findall(p):
                order.setdefault(int(m), len(order) + 1)
    for x in d.sections:
        x.paragraphs = [_MARKER.sub(lambda m: f"[{order.get(int(m.group(1)), int(m.group(1)))}]", p) for p in x.paragraphs]
        x.quotes = [(order.get(n, n), q) for n, q in x.quotes]
    for r in d.references:
        r.n = order.get(r.n, r.n)
    d.references.sort(key=lambda r: r.n)


def _discussion(d: Draft) -> list[str]:
    """Discussion questions: from the templates, plus one fill-in item of the offline quiz generator
    (not when coverage is 不足)."""
    first = d.articles[0] if d.articles else None
    qs_tpl = d.tpl.data["讨论题"]
    discussion = [qs_tpl[0].format(topic=d.topic, title=f"《{first.title}》" if first else "党章党规",
                                   article=(first.article or "") if first else "")]
    if d.case_chunk is not None:
        discussion.append(qs_tpl[1].format(case_title=d.case_chunk.title))
    discussion.append(qs_tpl[2].format(topic=d.topic))
    try:
        from bot.quiz import generate_quiz

        qz = generate_quiz(d.pipeline, d.topic, n=1, types=["填空"], use_llm=False)
        if qz.items and d.cov_level != "不足":
            it = qz.items[0]
            discussion.append(f"小测：{it.stem}（答案：{'/'.join(it.answer) if isinstance(it.answer, list) else it.answer}）")
    except ValueError:
        pass
    return discussion


def draft_offline(pipeline, topic: str, minutes: float, audience: str, rate: int, templates: Path | None) -> Lecture:
    """The offline lecture (arguments as :func:`bot.lecture.draft_lecture`, already checked; ``templates``
    None = prompts/lecture_templates.yaml): material, frame sections, case, quotes, references in reading
    order, no sentence twice, the plan set to the text's length at ``rate``, discussion questions."""
    d = _start(pipeline, topic, minutes, audience, rate, templates)
    _choose_material(d)
    _draft_frames(d)
    _draft_case(d)
    _draft_quotes(d)
    _number_references(d)
    dedupe_sentences(d.sections)
    for x in d.sections:  # the plan follows the text: minutes of each section at the speaking rate
        x.target_chars = x.chars
        x.minutes = round(x.chars / rate, 1)
    discussion = _discussion(d)
    return Lecture(f"微党课：{topic}", topic, audience, minutes, rate, d.sections, discussion, d.references, d.notes,
                   coverage=d.cov_level, coverage_score=round(d.best_cov, 3), family=d.family,
                   case_relevance=round(d.case_score, 3))
