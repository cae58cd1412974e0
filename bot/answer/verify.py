"""Citation verification for generated text (answers, lectures).

Rules, applied to every generated answer:

1. each marker ``[n]`` must name a passage that was given to the model (1 ≤ n ≤ number of passages);
   other markers are removed;
2. each regulation article the text names (``《中国共产党章程》第七条``, ``党章第七条``) must exist in
   the index, and must be the article of — or be quoted in — a passage cited in the same sentence;
3. a bare ``第X条`` must appear in a passage cited in the same sentence;
4. a substantive answer must cite at least one passage.

Sentences are split by :func:`bot.text.zh.cited_sentences`. Violations are listed in ``reasons`` (Chinese) and make ``verified`` False. Markers are renumbered
1..m in order of first use, and ``citations`` holds exactly the cited passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.retrieval.articles import resolve_titles
from bot.text.lexicon import REGULATION_ALIASES
from bot.schema import Citation, RetrievedChunk
from bot.text.refs import BARE_ARTICLE, article_reference
from bot.text.zh import chinese_number, cited_sentences

MARKER = re.compile(r"\[(\d{1,3})\]")
TITLED_ARTICLE = article_reference(REGULATION_ALIASES)


@dataclass
class Verification:
    """Result: ``text`` with invalid markers removed and markers renumbered; ``citations`` of the
    cited passages; ``verified`` False with ``reasons`` when a rule was broken."""

    text: str
    citations: list[Citation]
    verified: bool
    reasons: list[str] = field(default_factory=list)


def _num(s: str) -> int | None:
    try:
        return chinese_number(s)
    except ValueError:
        return None


def _passage_supports(p: RetrievedChunk, titles: list[str] | None, number: int) -> bool:
    c = p.chunk
    if c.article_no == number and (titles is None or c.title in titles):
        return True
    # the passage quotes that article (e.g. a case citing 条例第二十八条)
    for m in BARE_ARTICLE.finditer(c.text):
        if _num(m.group("num")) == number:
            if titles is None:
                return True
            before = c.text[max(0, m.start() - 30): m.start()]
            if any(t in before or t in c.text for t in titles) or any(a in before for a in REGULATION_ALIASES):
                return True
    return False


def _sentence_reasons(sentence: str, passages: list[RetrievedChunk], article_exists,
                      known_titles: list[str]) -> list[str]:
    """Rules 2 and 3 for one sentence of generated text (its ``[n]`` markers already valid): the reasons, in
    Chinese, why an article it names is not backed by a passage it cites ([] when all are)."""
    reasons: list[str] = []
    cited = [passages[int(n) - 1] for n in MARKER.findall(sentence)]
    spans = []
    for m in TITLED_ARTICLE.finditer(sentence):
        number = _num(m.group("num"))
        if number is None:
            continue
        spans.append((m.start(), m.end()))
        titles = resolve_titles(m.group("book"), m.group("alias"), known_titles) or [m.group("book")]
        label = m.group(0).strip()
        if not article_exists(titles, number):
            reasons.append(f"{label} 在知识库中不存在")
        elif not cited:
            reasons.append(f"{label} 没有标注出处")
        elif not any(_passage_supports(p, titles, number) for p in cited):
            reasons.append(f"{label} 不在所引用的资料中")
    for m in BARE_ARTICLE.finditer(sentence):
        if any(s <= m.start() < e for s, e in spans):
            continue
        number = _num(m.group("num"))
        if number is None:
            continue
        if cited and not any(_passage_supports(p, None, number) for p in cited):
            reasons.append(f"{m.group(0)} 不在所引用的资料中")
    return reasons


def verify_citations(text: str, passages: list[RetrievedChunk], article_exists, known_titles: list[str]) -> Verification:
    """Check and clean generated ``text`` against the ``passages`` it was given.

    Args:
        text: generated text with ``[n]`` markers.
        passages: the numbered passages given to the model (``[1]`` = ``passages[0]``).
        article_exists: callable(titles: list[str], number: int) → bool, backed by the index.
        known_titles: titles of regulations in the index (to resolve 《…》 names).
    """
    reasons: list[str] = []
    n_pass = len(passages)

    def drop_bad(m: re.Match) -> str:
        n = int(m.group(1))
        if 1 <= n <= n_pass:
            return m.group(0)
        reasons.append(f"引用了不存在的资料 [{n}]（只提供了 {n_pass} 段资料），已删除该标注")
        return ""

    text = MARKER.sub(drop_bad, text)
    for sentence in cited_sentences(text):
        reasons += _sentence_reasons(sentence, passages, article_exists, known_titles)
    # renumber in order of first use
    order: list[int] = []
    for n in MARKER.findall(text):
        if int(n) not in order:
            order.append(int(n))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    text = MARKER.sub(lambda m: f"[{mapping[int(m.group(1))]}]", text)
    text = re.sub(r"(\[\d+\])(\1)+", r"\1", text).strip()
    citations = []
    for old in order:
        c = passages[old - 1].chunk
        citations.append(Citation(n=mapping[old], title=c.title, article=c.article, doc_type=c.doc_type,
                                  source=c.source, text=c.text, version=c.version, status=c.status))
    if not citations and "未找到依据" not in text:
        reasons.append("回答没有引用任何资料")
    return Verification(text=text, citations=citations, verified=not reasons, reasons=list(dict.fromkeys(reasons)))
