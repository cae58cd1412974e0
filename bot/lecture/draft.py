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

from bot.llm.prompts import PROMPTS_DIR
from bot.schema import Chunk
from bot.text.zh import split_sentences
from bot.text.refs import join_article_pieces, strip_article_label

#: audience suggestions (the audience is free text; these have sentences of their own in the templates)
AUDIENCES = ("普通党员", "支部党员", "入党积极分子", "青年党员", "党务干部")
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
    coverage: str = "充分"  # 充分 / 部分 / 不足: how well the knowledge base covers the topic
    coverage_score: float = 1.0
    family: str = "通用"  # topic family whose frame sentences were used
    case_relevance: float = 0.0  # relevance score of the best library case (used only above the threshold)

    @property
    def chars(self) -> int:
        return sum(s.chars for s in self.sections)

    def timing_rows(self) -> list[tuple[str, str, int, int, str]]:
        """(section, planned minutes, target chars, actual chars, estimated minutes at the rate)."""
        return [(s.name, f"{s.minutes:.1f}", s.target_chars, s.chars, f"{s.chars / self.rate:.1f}") for s in self.sections]

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        if self.coverage == "不足":
            lines += [f"> **注意**：知识库对本主题覆盖不足（覆盖率 {self.coverage_score:.2f}），讲稿可能偏离主题。", ""]
        lines += [
                 f"**主题**：{self.topic}　**听众**：{self.audience}　**时长**：约 {self.minutes:g} 分钟"
                 f"（按每分钟 {self.rate} 字计，全文 {self.chars} 字，约 {self.chars / self.rate:.1f} 分钟）", "",
                 "## 时间安排", "", "| 环节 | 计划时长（分钟） | 目标字数 | 实际字数 | 预计用时（分钟） |", "|---|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in self.timing_rows()]
        for i, s in enumerate(self.sections):
            lines += ["", f"## {'一二三四五六'[i]}、{s.name}（约 {s.minutes:.1f} 分钟）", ""]
            for p in s.paragraphs:
                lines += [p, ""]
        lines += ["## 讨论题", ""] + [f"{i}. {q}" for i, q in enumerate(self.discussion, 1)]
        # one list item per reference (lines in a row would run together in any Markdown viewer)
        lines += ["", "## 参考依据", ""] + [f"- [{r.n}] {r.label()}（{r.doc_type}）" for r in self.references]
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

    family = "通用"

    def pick_audience(self, section: str, **values) -> str:
        """A sentence for the audience: its own group for a preset audience, else the generic 听众 group."""
        block = self.data.get(section, {})
        group = self.audience if self.audience in block else "听众" if "听众" in block else None
        return self.pick(section, group, **values) if group else ""

    def pick(self, section: str, group: str, **values) -> str:
        """An unused sentence of the group ("" when all are used: no sentence is said twice)."""
        for t in self.pool(section, group):
            if t not in self.used:
                self.used.add(t)
                return t.format(**values)
        return ""


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


#: a list item's label at the start of a sentence: （一）, (1), 1., 一、
_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|[一二三四五六七八九十]+、)")
_SENTENCE_END = ("。", "！", "？", "!", "?")
#: a rule a case turned on: 《…》第…条
_RULE = re.compile(r"《[^》]{2,40}》[^。；]{0,12}?第[一二三四五六七八九十百零〇\d]+条")
_NO_RULES = re.compile(r"不得|禁止|严禁|不准|不允许")
_MUST = re.compile(r"应当|必须")


#: a sentence that starts the analysis of a case (its views, the author's verdict), ending 基本案情
_ANALYSIS = re.compile(r"(?:存在|有|形成)(?:两|三|四|几|不同)种?(?:意见|观点|看法)|分歧|笔者|本文认为|评析|我们认为")


def _sentences(text: str) -> list[str]:
    """Whole sentences of ``text`` (:func:`bot.text.zh.split_sentences`, whose pieces end at 。！？； or a
    line break, joined back until a sentence ends at 。！？): a list introduced by ：is one sentence with
    its items, so no quote ends in ：or starts in the middle of a list."""
    out: list[str] = []
    cur = ""
    for piece in split_sentences(text):
        if cur and (cur.endswith(_SENTENCE_END) or (not cur.endswith(("；", ";", "：", ":", "，"))
                                                     and not _ITEM.match(piece))):
            out.append(cur)
            cur = ""
        cur += piece
    if cur:
        out.append(cur)
    return [s for s in out if len(s) >= 6]


def _article_body(chunk: Chunk) -> str:
    return strip_article_label(chunk.text.strip()).strip()


def _quote_for(chunk: Chunk, budget: int, terms: list[str], weights: dict[str, float] | None = None) -> str:
    """Verbatim quote from an article in whole sentences (:func:`_sentences`): the whole article when it
    fits ``budget`` characters, else the sentences covering the topic's key terms best, in original
    order (gaps marked ……). A leading list item without its introduction (a continuation chunk) is
    never quoted; the best sentence is quoted whole even when it alone exceeds the budget."""
    body = _article_body(chunk)
    sents = _sentences(body)
    while sents and _ITEM.match(sents[0]) and len(sents) > 1:
        sents = sents[1:]
    if not sents:
        return body
    if spoken_len("".join(sents)) <= budget:
        return "".join(sents)
    w = weights or {}
    score = [sum(w.get(t, 1.0) for t in terms if t in s) for s in sents]
    order = sorted(range(len(sents)), key=lambda i: (-score[i], i))
    keep: set[int] = set()
    total = 0
    for i in order:
        if keep and (score[i] <= 0 and 0 in keep or total + spoken_len(sents[i]) > budget):
            continue
        keep.add(i)
        total += spoken_len(sents[i])
    if 0 not in keep and total + spoken_len(sents[0]) <= budget:
        keep.add(0)
    for i in list(keep):  # a list item is quoted with its introduction and the items before it
        j = i
        while j > 0 and _ITEM.match(sents[j]):
            j -= 1
        keep.update(range(j, i + 1))
    idx = sorted(keep)
    return "……".join(_join_runs([sents[i] for i in idx], idx))


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


def topic_family(topic: str, articles: list[Chunk], families: dict) -> str:
    """The topic family (a key of ``families`` in the templates, or "通用"): 3 points per family keyword
    in the topic, 1 per top-3 retrieved article whose regulation title or chapter names the family."""
    scores: dict[str, float] = {}
    for name, spec in families.items():
        s = 3.0 * sum(k in topic for k in spec.get("keywords", []))
        for c in articles[:3]:
            s += any(t in c.title for t in spec.get("titles", []))
            s += 0.5 * any(h in (c.heading or "") for h in spec.get("chapters", []))
        scores[name] = s
    best = max(scores, key=lambda k: scores[k], default="通用")
    return best if scores.get(best, 0) >= 1.5 else "通用"


@dataclass
class CaseStory:
    facts: list[str]
    conclusion: list[str]
    rule: list[str]


def case_story(text: str, title: str, budget: int, terms: list[str]) -> CaseStory:
    """A case told as a story from its document text: the first sentences of 基本案情 (who, what, when),
    the conclusion the article endorses (for 第一种意见/第二种意见… articles only the view it endorses,
    笔者赞同第X种意见, with its "第X种意见认为" lead removed; views it rejects are never used), and the
    sentences citing the rule it turned on (《…》第…条)."""
    from bot.answer.extractive import ENDORSE_RE, OPINION_RE, VERDICT_RE

    endorsed = {m.group(1) for m in ENDORSE_RE.finditer(text)}
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and ln.strip().lstrip("# ") != title]
    facts: list[str] = []
    opinions: list[str] = []
    views: list[str] = []
    mode = "facts"
    for ln in lines:
        bare = ln.strip("#【】[]*：: ")
        if len(bare) <= 20 and "分歧" in bare:
            mode = "opinions"
            continue
        if len(bare) <= 20 and _CASE_VIEW.search(bare):
            mode = "views"
            continue
        if len(bare) <= 20 and (_CASE_FACTS.search(bare) or ln.lstrip("*").startswith("【")):
            mode = "facts" if _CASE_FACTS.search(bare) else mode
            continue
        for x in _sentences(ln):  # indexed passages carry no headings: the first view or verdict ends the facts
            if mode == "facts" and (_ANALYSIS.search(x) or OPINION_RE.search(x) or ENDORSE_RE.search(x)):
                mode = "views"
            if OPINION_RE.search(x):
                opinions.append(x)
            else:
                {"facts": facts, "opinions": views, "views": views}[mode].append(x)
    facts = [x for x in facts if not x.startswith(("网友", "问：", "来源", "发布时间")) and "http" not in x]

    def rejected(s: str) -> bool:
        m = OPINION_RE.search(s)
        if m and (not m.group(1) or m.group(1) not in endorsed):
            return True
        nums = set(re.findall(r"第([一二三四五六])种(?:意见|观点)", s))
        return bool(nums - endorsed) or bool(ENDORSE_RE.search(s))

    conclusion: list[str] = []
    for s in opinions:  # the endorsed view, as the conclusion
        m = OPINION_RE.search(s)
        if m and m.group(1) in endorsed:
            conclusion.append(re.sub(r"^.*?第[一二三四五六]种(?:意见|观点)认为[，,：:]?", "", s))
            break
    pool = [s for s in views if not rejected(s)]
    if not conclusion:
        verdicts = [s for s in pool if VERDICT_RE.search(s)]
        conclusion = verdicts[:1] or sorted(pool, key=lambda s: -sum(t in s for t in terms))[:1]
    rule = [s for s in pool if _RULE.search(s) and s not in conclusion][:1]
    kept_facts: list[str] = []
    total = sum(spoken_len(x) for x in conclusion + rule)
    for x in facts:
        if kept_facts and (total + spoken_len(x) > budget or len(kept_facts) >= 6):
            break
        kept_facts.append(x)
        total += spoken_len(x)
    return CaseStory(kept_facts, conclusion, rule)


def _is_case(pipeline, chunk: Chunk) -> bool:
    """A real case (a 基本案情/典型案例 section) rather than a commentary article."""
    got = pipeline.index.collection.get(where={"path": chunk.path}, include=["metadatas"])
    return any(_CASE_HEADING.search(str(m.get("heading", ""))) for m in got["metadatas"])


def _document_text(pipeline, chunk: Chunk) -> str:
    parts = sorted(pipeline.index.document_chunks(chunk.path, chunk.doc_hash), key=lambda c: c.index)
    return "\n".join(c.text for c in parts)


def whole_article(pipeline, chunk: Chunk) -> Chunk:
    """``chunk`` with the text of its whole article: a long article is indexed in pieces (第X条（续）) whose
    list pieces repeat the article's lead sentence (bot.ingest.split); quoting one piece would start mid-list or
    join the lead to a later item. The pieces are joined back, each repeated lead once."""
    import dataclasses

    if chunk.article_no is None:
        return chunk
    pieces = [c for c in pipeline.index.find_article([chunk.title], chunk.article_no) if c.path == chunk.path]
    if len(pieces) <= 1:
        return chunk
    return dataclasses.replace(pieces[0], text=join_article_pieces([c.text for c in pieces]))


def select_articles(pipeline, topic: str, k: int = 12) -> list[tuple[Chunk, float, float]]:
    """Regulation articles for ``topic`` across all regulations, most relevant first, as
    (chunk, relevance, key-term coverage): relevance = coverage of the topic's IDF-weighted key terms in
    the article (and its chapter heading) + ``lecture_dense_weight`` × dense similarity. One article
    per (regulation, article number): the same article of two editions (党章 2017/2022) is quoted once."""
    from bot.answer.extractive import coverage, key_terms

    s = pipeline.settings
    terms = key_terms(topic)
    weights = pipeline.answerer.weights(terms)
    out: dict[tuple, tuple[Chunk, float, float]] = {}
    for h in pipeline.retrieve(topic, k=k, doc_type="法规"):
        c = h.chunk
        if not c.article:
            continue
        cov = coverage(terms, weights, c.text + (c.heading or ""))
        rel = cov + s.lecture_dense_weight * (h.dense_score or 0.0)
        key = (c.title, c.article_no)
        if key not in out or rel > out[key][1]:
            out[key] = (whole_article(pipeline, c), rel, cov)
    return sorted(out.values(), key=lambda x: -x[1])


def template_families(path: Path | None = None) -> dict:
    """The topic families of the lecture templates (``families`` of prompts/lecture_templates.yaml)."""
    path = path or PROMPTS_DIR / "lecture_templates.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("families", {})


def topic_words(topic: str, families: dict) -> list[str]:
    """The words a topic is about: jieba content words (:func:`bot.answer.extractive.content_words`) plus the
    family keywords of the templates it contains (三会一课, 两面人: words jieba splits apart)."""
    from bot.answer.extractive import content_words

    words = content_words(topic)
    for spec in families.values():
        words += [k for k in spec.get("keywords", []) if k in topic and k not in words]
    return words


def case_relevance(pipeline, topic: str, chunk: Chunk, families: dict) -> float:
    """Relevance of a library case to a topic, in [0, 1]: 0.6 × IDF-weighted coverage of the topic's words
    (:func:`topic_words`) in the case's title + 0.4 × their coverage in its text, where a word counts in the
    text only when it occurs at least twice (a passing mention is not what the case is about). Dense
    similarity is not used: with the default embedding model every case scored 0.82-0.90 against every
    topic (eval.lecture), so it does not separate relevant cases from unrelated ones."""
    terms = topic_words(topic, families)
    if not terms:
        return 0.0
    w = pipeline.answerer.weights(terms)
    total = sum(w.get(t, 1.0) for t in terms) or 1.0
    text = _document_text(pipeline, chunk)
    title_cov = sum(w.get(t, 1.0) for t in terms if t in chunk.title) / total
    text_cov = sum(w.get(t, 1.0) for t in terms if text.count(t) >= 2) / total
    return 0.6 * title_cov + 0.4 * text_cov


def select_case(pipeline, topic: str, families: dict, k: int = 15) -> tuple[Chunk | None, float]:
    """The library case most relevant to ``topic`` (:func:`case_relevance`, ties to real 基本案情 cases)
    among the retriever's top ``k`` case passages, and its score; (None, best score) when no case
    reaches ``lecture_case_min_relevance``."""
    best: tuple[Chunk | None, float] = (None, 0.0)
    seen: set[str] = set()
    for h in pipeline.retrieve(topic, k=k, doc_type="案例"):
        if h.chunk.path in seen:
            continue
        seen.add(h.chunk.path)
        score = case_relevance(pipeline, topic, h.chunk, families)
        if score > best[1] or (score == best[1] > 0 and _is_case(pipeline, h.chunk)):
            best = (h.chunk, score)
    if best[1] < pipeline.settings.lecture_case_min_relevance:
        return None, best[1]
    return best


def _dedupe_sentences(sections: list[Section]) -> None:
    """No sentence twice in the script: a later repeat of a sentence (outside quotes) is removed."""
    seen: set[str] = set()
    for s in sections:
        paras = []
        for p in s.paragraphs:
            if "“" in p and "”[" in p:  # a quote paragraph stays whole
                paras.append(p)
                continue
            kept = [x for x in re.findall(r"[^。！？]+[。！？]?", p) if x.strip()]
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


def draft_lecture(pipeline, topic: str, minutes: float = 8, audience: str = "普通党员", rate: int = 220,
                  templates: Path | None = None, use_llm: bool | None = None) -> Lecture:
    """Draft a micro-lecture from the knowledge base: with the configured LLM when there is one
    (``use_llm`` None = when configured; verified, one repair round, offline fallback), else offline.

    Args:
        topic: e.g. "三会一课制度", "严守党的纪律".
        minutes: duration (default 8; micro-lecture contests cap talks at about 8 minutes).
        audience: free text (:data:`AUDIENCES` are suggestions with their own sentences), at most 20 characters.
        rate: speaking rate in characters per minute.

    The result's ``coverage`` is 充分/部分/不足 (how well the knowledge base covers the topic, from the
    best article's key-term coverage, thresholds ``lecture_min_coverage`` and ``lecture_good_coverage``).

    Raises:
        ValueError: empty topic or audience, non-positive duration or rate, empty knowledge base.
    """
    audience = (audience or "").strip()
    if not topic.strip():
        raise ValueError("请给出微党课主题")
    if not audience or len(audience) > 20:
        raise ValueError(f"请填写听众（不超过 20 字），例如：{'、'.join(AUDIENCES)}")
    if minutes <= 0 or rate <= 0:
        raise ValueError("时长和语速必须大于 0")
    if pipeline.index.count() == 0:
        from bot.kb.admin import empty_message

        raise ValueError(empty_message("起草微党课"))
    fallback_note = None
    if use_llm or (use_llm is None and getattr(pipeline, "generator", None) is not None):
        from bot.answer.generative import LLMError, describe_error

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
    from bot.answer.extractive import coverage, key_terms

    st = pipeline.settings
    tpl = _Templates(topic, audience, templates or PROMPTS_DIR / "lecture_templates.yaml")
    terms = key_terms(topic)
    weights = pipeline.answerer.weights(terms)
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

    # ---------- material
    ranked = select_articles(pipeline, topic)
    best_cov = ranked[0][2] if ranked else 0.0
    floor = max(st.lecture_min_article_coverage, 0.5 * best_cov)
    articles = [c for c, rel, cov in ranked if cov >= floor][:4] or [c for c, _, _ in ranked[:1]]
    if best_cov >= st.lecture_min_coverage:  # neighbours of the best article in its chapter
        top = articles[0]
        have = {(a.title, a.article_no) for a in articles}
        for d in (1, -1, 2, -2, 3, -3):
            if len(articles) >= 6 or top.article_no is None or top.article_no + d < 1:
                continue
            got = pipeline.index.find_article([top.title], top.article_no + d)
            if got and got[0].heading == top.heading and (top.title, top.article_no + d) not in have:
                near = whole_article(pipeline, got[0])
                if coverage(terms, weights, near.text + (near.heading or "")) >= st.lecture_min_neighbour_coverage:
                    articles.append(near)
                have.add((top.title, top.article_no + d))
    if best_cov >= st.lecture_good_coverage:
        cov_level = "充分"
    elif best_cov >= st.lecture_min_coverage:
        cov_level = "部分"
    else:
        cov_level = "不足"
        notes.append(f"知识库对“{topic}”覆盖不足（最相关条文的主题词覆盖率 {best_cov:.2f}，低于 {st.lecture_min_coverage:g}），"
                     "讲稿可能偏离主题，请补充相关法规或换一个主题")
    articles = articles[:1] + sorted(articles[1:], key=lambda c: (c.title != articles[0].title, c.title, c.article_no or 0))
    family = topic_family(topic, articles, tpl.data.get("families", {}))
    tpl.family = family
    case_chunk, case_score = select_case(pipeline, topic, tpl.data.get("families", {}))
    if cov_level == "不足":
        case_chunk = None
    values = {"topic": topic, "audience": audience, "minutes": f"{minutes:g}"}

    # ---------- 开场导入
    s = by_name["开场导入"]
    opening = [tpl.pick("开场导入", "通用", **values), tpl.pick_audience("开场导入", **values)]
    if family in tpl.data["开场导入"]:
        opening.append(tpl.pick("开场导入", family, **values))
    _fit(s, ["".join(x for x in opening if x)], [], [t.format(**values) for t in tpl.pool("开场导入", "展开")])
    s.points = [f"主题：{topic}", f"听众：{audience}"]

    # ---------- 实践要求 and 结语
    s = by_name["实践要求"]
    points = tpl.pool("实践要求", family if family in tpl.data["实践要求"] else "通用")
    _fit(s, [tpl.pick("实践要求", "引入")] + points, [tpl.pick_audience("实践要求", **values)], [])
    s.points = [p[:30] for p in s.paragraphs[1:4]]
    s = by_name["结语"]
    _fit(s, [tpl.pick("结语", "通用", topic=topic)], [], [t.format(topic=topic) for t in tpl.pool("结语", "补充")])
    s.paragraphs.append("今天的微党课就讲到这里，谢谢大家！")
    s.points = [s.paragraphs[0][:40]]

    # ---------- 案例剖析, or 身边事例与思考 when no case is relevant
    s = by_name["案例剖析"]
    case_budget = s.target_chars
    if case_chunk is not None:
        full = _document_text(pipeline, case_chunk)
        intro = tpl.pick("案例剖析", "引入") + tpl.pick("案例剖析", "案例前", case_title=case_chunk.title)
        lesson = tpl.pick("案例剖析", family if family in tpl.data["案例剖析"] else "通用")
        story = case_story(full, case_chunk.title, max(120, case_budget - spoken_len(intro + lesson) - 30), terms)
        if not story.facts or not story.conclusion:
            notes.append(f"案例《{case_chunk.title}》缺少案情或结论，未采用")
            case_chunk = None
    if case_chunk is not None:
        n = len(references) + 1
        references.append(Reference(n, case_chunk.title, None, "案例", case_chunk.source,
                                    "".join(story.facts + story.conclusion + story.rule)))
        paras = [intro, tpl.pick("案例剖析", "案情前") + "".join(story.facts) + f"[{n}]",
                 tpl.pick("案例剖析", "结论前") + "".join(story.conclusion) + f"[{n}]"]
        if story.rule:
            paras.append(tpl.pick("案例剖析", "依据前") + "".join(story.rule) + f"[{n}]")
        paras.append(lesson)
        s.paragraphs = paras
        s.points = [f"案例：{case_chunk.title}", "案情：" + story.facts[0][:30], "结论：" + story.conclusion[0][:30]]
    else:
        s.name = "身边事例与思考"
        notes.append(f"知识库中没有找到与主题相关的案例（最高相关度 {case_score:.2f}，阈值 {st.lecture_case_min_relevance:g}），"
                     "讲稿以身边事例与思考代替案例")
        block = tpl.data["身边事例与思考"]
        own = block.get(family, []) if family != "通用" else []
        s.paragraphs = [tpl.pick("身边事例与思考", "说明", **values)] + own + block["通用"]
        s.points = ["未找到匹配的案例", "请结合身边事例"]

    # the sections built from templates may fall short of their share: give the rest to the quotes
    spare = sum(x.target_chars - x.chars for x in sections if x.name != "理论要点")
    s = by_name["理论要点"]
    s.target_chars += max(0, spare)

    # ---------- 理论要点: verbatim quotes in whole sentences, most relevant articles first
    required = [tpl.pick("理论要点", "引入")] if articles else ["知识库中没有找到与本主题直接相关的条文。"]
    optional: list[str] = []
    budget_left = s.target_chars - spoken_len(required[0])
    for i, chunk in enumerate(articles):
        lead = tpl.pick("理论要点", "条文前", title=chunk.title, article=chunk.article or "") or \
            f"《{chunk.title}》{chunk.article or ''}还规定："
        quote_budget = max(60, int((budget_left if i == 0 else budget_left * 0.9) - spoken_len(lead) - 30))
        if i > 0 and quote_budget < 80:
            break
        quote = _quote_for(chunk, min(quote_budget, int(s.target_chars * 0.6)), terms, weights)
        if not quote or _ITEM.match(quote):  # never start in the middle of a list
            continue
        word = _NO_RULES.search(quote) or _MUST.search(quote)
        group = "条文后.不得" if _NO_RULES.search(quote) else "条文后.应当" if _MUST.search(quote) else "条文后"
        after = tpl.pick("理论要点", group, word=word.group(0) if word else "") or tpl.pick("理论要点", "条文后")
        n = ref(chunk, quote)
        para = f"{lead}“{quote}”[{n}]{after}"
        (required if i == 0 else optional).append(para)
        s.quotes.append((n, quote))
        s.points.append(f"{chunk.title}{chunk.article or ''}：{quote[:40]}{'…' if len(quote) > 40 else ''}")
        budget_left -= spoken_len(para)
        if budget_left < 80:
            break
    _fit(s, required, optional, tpl.pool("理论要点", "通用"))
    s.quotes = [(n, q) for n, q in s.quotes if any(q in p for p in s.paragraphs)]
    case_refs = [r for r in references if r.doc_type == "案例"]
    references[:] = [r for r in references if r.doc_type != "案例" and any(r.n == n for n, _ in s.quotes)]
    references += case_refs

    # references numbered in reading order (the case section is drafted before the quotes)
    order: dict[int, int] = {}
    for x in sections:
        for p in x.paragraphs:
            for m in re.findall(r"\[(\d+)\]", p):
                order.setdefault(int(m), len(order) + 1)
    for x in sections:
        x.paragraphs = [re.sub(r"\[(\d+)\]", lambda m: f"[{order.get(int(m.group(1)), int(m.group(1)))}]", p) for p in x.paragraphs]
        x.quotes = [(order.get(n, n), q) for n, q in x.quotes]
    for r in references:
        r.n = order.get(r.n, r.n)
    references.sort(key=lambda r: r.n)
    _dedupe_sentences(sections)
    for x in sections:  # the plan follows the text: minutes of each section at the speaking rate
        x.target_chars = x.chars
        x.minutes = round(x.chars / rate, 1)

    # ---------- discussion questions (templates + one item from the quiz generator)
    first = articles[0] if articles else None
    qs_tpl = tpl.data["讨论题"]
    discussion = [qs_tpl[0].format(topic=topic, title=f"《{first.title}》" if first else "党章党规",
                                   article=(first.article or "") if first else "")]
    if case_chunk is not None:
        discussion.append(qs_tpl[1].format(case_title=case_chunk.title))
    discussion.append(qs_tpl[2].format(topic=topic))
    try:
        from bot.quiz import generate_quiz

        qz = generate_quiz(pipeline, topic, n=1, types=["填空"], use_llm=False)
        if qz.items and cov_level != "不足":
            it = qz.items[0]
            discussion.append(f"小测：{it.stem}（答案：{'/'.join(it.answer) if isinstance(it.answer, list) else it.answer}）")
    except ValueError:
        pass
    return Lecture(f"微党课：{topic}", topic, audience, minutes, rate, sections, discussion, references, notes,
                   coverage=cov_level, coverage_score=round(best_cov, 3), family=family,
                   case_relevance=round(case_score, 3))


# --------------------------------------------------------------------------------------
# LLM mode
# --------------------------------------------------------------------------------------

_QUOTED = re.compile(r"“((?:[^“”]|“[^“”]*”){6,})”\s*\[(\d{1,3})\]")


def check_generated(text: str, passages, pipeline, total_chars: int) -> tuple[list[str], list]:
    """Problems of a generated lecture (Chinese), and its verified citations: every [n] names a
    given passage, every 第X条 exists and is in the cited passage (:func:`bot.answer.verify.verify_citations`),
    every quotation “…”[n] is verbatim in passage n, all five sections are present, and the spoken
    length is within ±10% of ``total_chars``."""
    from bot.answer.verify import verify_citations

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
    :func:`check_generated`, one repair round; raises :class:`bot.answer.generative.LLMError` if it still fails."""
    from langchain_core.messages import AIMessage, HumanMessage

    from bot.answer.generative import LLMError, make_chat_model
    from bot.llm.prompts import render
    from bot.schema import RetrievedChunk

    ranked = select_articles(pipeline, topic)
    best_cov = ranked[0][2] if ranked else 0.0
    if best_cov < pipeline.settings.lecture_min_coverage:
        raise LLMError("知识库对主题覆盖不足")  # the offline draft reports the coverage
    arts = [RetrievedChunk(chunk=c, score=rel) for c, rel, cov in ranked[:3]]
    case, _ = select_case(pipeline, topic, template_families())
    cases = [RetrievedChunk(chunk=case, score=0.0)] if case is not None else []
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
                   notes=["由大模型起草，引用与长度已核验"],
                   coverage="充分" if best_cov >= pipeline.settings.lecture_good_coverage else "部分",
                   coverage_score=round(best_cov, 3))


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
    """Slides: a title slide, one slide per section (key points, the cited article; the section's script,
    citation markers removed, in the speaker notes), references."""
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
        points = s.points or ([s.paragraphs[0][:40]] if s.paragraphs else [])
        for j, point in enumerate(points[:5]):
            para = body.paragraphs[0] if j == 0 else body.add_paragraph()
            para.text = point
            para.font.size = Pt(18)
        for n, _ in s.quotes[:2]:
            para = body.add_paragraph()
            para.text = f"出处：{refs[n].label()}" if n in refs else ""
            para.font.size = Pt(14)
        slide.notes_slide.notes_text_frame.text = "\n".join(re.sub(r"\[\d+\]", "", p) for p in s.paragraphs)
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "参考依据"
    body = slide.placeholders[1].text_frame
    body.text = "\n".join(f"[{r.n}] {r.label()}" for r in lecture.references) or "（无）"
    prs.save(path)
