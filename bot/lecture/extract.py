"""Verbatim material of a lecture: regulation quotes in whole sentences (:func:`quote_for`) and a library
case told as a story (:func:`case_story`). Nothing here is rephrased: every sentence returned is a
sentence of the source text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.lecture.model import spoken_len
from bot.schema import Chunk
from bot.text.refs import strip_article_label
from bot.text.zh import split_sentences

#: a list item's label at the start of a sentence: （一）, (1), 1., 一、
LIST_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|[一二三四五六七八九十]+、)")
_SENTENCE_END = ("。", "！", "？", "!", "?")
#: shortest whole sentence kept by :func:`whole_sentences` (characters)
MIN_WHOLE_SENTENCE_CHARS = 6
#: a rule a case turned on: 《…》第…条
_RULE = re.compile(r"《[^》]{2,40}》[^。；]{0,12}?第[一二三四五六七八九十百零〇\d]+条")
#: a sentence that starts the analysis of a case (its views, the author's verdict), ending 基本案情
_ANALYSIS = re.compile(r"(?:存在|有|形成)(?:两|三|四|几|不同)种?(?:意见|观点|看法)|分歧|笔者|本文认为|评析|我们认为")
_CASE_FACTS = re.compile(r"(基本案情|典型案例|案情简介|案例[一二三1-3]?[:：]?)")
_CASE_VIEW = re.compile(r"(评析|处理建议|纪法解析|分析|处理结果|处理意见)")
#: a line this short (characters, markup stripped) may be a heading of a case (基本案情, 评析, 分歧意见)
_HEADING_CHARS = 20
#: most sentences of 基本案情 a case story tells (set when case stories were read from passages, #20)
MAX_CASE_FACTS = 6


def whole_sentences(text: str) -> list[str]:
    """Whole sentences of ``text`` (:func:`bot.text.zh.split_sentences`, whose pieces end at 。！？； or a
    line break, joined back until a sentence ends at 。！？): a list introduced by ：is one sentence with
    its items, so no quote ends in ：or starts in the middle of a list. Sentences shorter than
    :data:`MIN_WHOLE_SENTENCE_CHARS` are dropped.

    The lecture's own variant of the splitter (bot.text.zh has none that joins list items back); eval.lecture
    uses it to check quotes the same way."""
    out: list[str] = []
    cur = ""
    for piece in split_sentences(text):
        if cur and (cur.endswith(_SENTENCE_END) or (not cur.endswith(("；", ";", "：", ":", "，"))
                                                     and not LIST_ITEM.match(piece))):
            out.append(cur)
            cur = ""
        cur += piece
    if cur:
        out.append(cur)
    return [s for s in out if len(s) >= MIN_WHOLE_SENTENCE_CHARS]


def article_body(chunk: Chunk) -> str:
    """The article's text without its label (第七条)."""
    return strip_article_label(chunk.text.strip()).strip()


def quote_for(chunk: Chunk, budget: int, terms: list[str], weights: dict[str, float] | None = None) -> str:
    """Verbatim quote from an article in whole sentences (:func:`whole_sentences`): the whole article when it
    fits ``budget`` characters, else the sentences covering the topic's key terms best, in original
    order (gaps marked ……). A leading list item without its introduction (a continuation chunk) is
    never quoted; the best sentence is quoted whole even when it alone exceeds the budget."""
    body = article_body(chunk)
    sents = whole_sentences(body)
    while sents and LIST_ITEM.match(sents[0]) and len(sents) > 1:
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
        while j > 0 and LIST_ITEM.match(sents[j]):
            j -= 1
        keep.update(range(j, i + 1))
    idx = sorted(keep)
    return "……".join(join_runs([sents[i] for i in idx], idx))


def join_runs(sents: list[str], idx: list[int]) -> list[str]:
    """Join consecutive sentences (``idx`` their positions in the source); gaps become separate runs
    (joined by an ellipsis by the caller)."""
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


@dataclass
class CaseStory:
    facts: list[str]
    conclusion: list[str]
    rule: list[str]


def _case_parts(text: str, title: str) -> tuple[list[str], list[str], list[str]]:
    """(facts, opinions, views): the case's sentences by the part they are in. Headings (short lines) switch
    the part; indexed passages carry no headings, so the first view or verdict ends the facts."""
    from bot.answer.cases import ENDORSE_RE, OPINION_RE

    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and ln.strip().lstrip("# ") != title]
    facts: list[str] = []
    opinions: list[str] = []
    views: list[str] = []
    mode = "facts"
    for ln in lines:
        bare = ln.strip("#【】[]*：: ")
        if len(bare) <= _HEADING_CHARS and "分歧" in bare:
            mode = "opinions"
            continue
        if len(bare) <= _HEADING_CHARS and _CASE_VIEW.search(bare):
            mode = "views"
            continue
        if len(bare) <= _HEADING_CHARS and (_CASE_FACTS.search(bare) or ln.lstrip("*").startswith("【")):
            mode = "facts" if _CASE_FACTS.search(bare) else mode
            continue
        for x in whole_sentences(ln):
            if mode == "facts" and (_ANALYSIS.search(x) or OPINION_RE.search(x) or ENDORSE_RE.search(x)):
                mode = "views"
            if OPINION_RE.search(x):
                opinions.append(x)
            else:
                {"facts": facts, "opinions": views, "views": views}[mode].append(x)
    facts = [x for x in facts if not x.startswith(("网友", "问：", "来源", "发布时间")) and "http" not in x]
    return facts, opinions, views


def _case_conclusion(opinions: list[str], views: list[str], endorsed: set[str], terms: list[str]) -> tuple[list[str], list[str]]:
    """(conclusion, views not rejected): the endorsed opinion without its lead, else the first verdict
    among the views the case does not reject, else the view with most topic terms."""
    from bot.answer.cases import ENDORSE_RE, OPINION_RE, VERDICT_RE

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
    return conclusion, pool


def case_story(text: str, title: str, budget: int, terms: list[str]) -> CaseStory:
    """A case told as a story from its document text: the first sentences of 基本案情 (who, what, when),
    the conclusion the article endorses (for 第一种意见/第二种意见… articles only the view it endorses,
    笔者赞同第X种意见, with its "第X种意见认为" lead removed; views it rejects are never used), and the
    sentences citing the rule it turned on (《…》第…条). The facts fill ``budget`` spoken characters
    less the conclusion and rule, at most :data:`MAX_CASE_FACTS` sentences (at least one)."""
    from bot.answer.cases import ENDORSE_RE

    endorsed = {m.group(1) for m in ENDORSE_RE.finditer(text)}
    facts, opinions, views = _case_parts(text, title)
    conclusion, pool = _case_conclusion(opinions, views, endorsed, terms)
    rule = [s for s in pool if _RULE.search(s) and s not in conclusion][:1]
    kept_facts: list[str] = []
    total = sum(spoken_len(x) for x in conclusion + rule)
    for x in facts:
        if kept_facts and (total + spoken_len(x) > budget or len(kept_facts) >= MAX_CASE_FACTS):
            break
        kept_facts.append(x)
        total += spoken_len(x)
    return CaseStory(kept_facts, conclusion, rule)
