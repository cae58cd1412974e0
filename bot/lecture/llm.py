"""LLM mode: the configured chat model drafts the lecture from the same articles and case as the offline
draft; the text is checked (:func:`check_generated`), one repair round, else
:class:`bot.answer.generative.LLMError` (the caller falls back to the offline draft)."""

from __future__ import annotations

import re

from bot.lecture.frames import template_families
from bot.lecture.model import SECTION_SHARES, Lecture, Reference, Section, coverage_level, spoken_len
from bot.lecture.select import select_articles, select_case

_QUOTED = re.compile(r"“((?:[^“”]|“[^“”]*”){6,})”\s*\[(\d{1,3})\]")
#: a generated lecture's spoken length may differ from minutes × rate by this share (checked)
LENGTH_TOLERANCE = 0.10
#: regulation articles given to the model (the most relevant of :func:`select_articles`)
LLM_ARTICLES = 3
REPAIR_REQUEST = "讲稿有以下问题，请修改后重新输出全文：\n"


def check_generated(text: str, passages, pipeline, total_chars: int) -> tuple[list[str], list]:
    """Problems of a generated lecture (Chinese), and its verified citations: every [n] names a
    given passage, every 第X条 exists and is in the cited passage (:func:`bot.answer.verify.verify_citations`),
    every quotation “…”[n] is verbatim in passage n, all five sections are present, and the spoken
    length is within ±10% of ``total_chars``."""
    from bot.answer.verify import verify_citations

    index = pipeline.index
    v = verify_citations(text, passages, lambda titles, n: bool(index.find_article(titles, n)),
                         pipeline.regulation_titles())
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
    if abs(length - total_chars) > LENGTH_TOLERANCE * total_chars:
        problems.append(f"全文 {length} 字，应为约 {total_chars} 字（±10%）")
    return problems, v


def _passages(pipeline, topic: str) -> tuple[list, float]:
    """(passages for the model: the best articles then the case, best article's coverage); raises
    LLMError when the knowledge base does not cover the topic or has nothing on it."""
    from bot.llm import LLMError
    from bot.schema import RetrievedChunk

    ranked = select_articles(pipeline, topic)
    best_cov = ranked[0][2] if ranked else 0.0
    if best_cov < pipeline.settings.lecture_min_coverage:
        raise LLMError("知识库对主题覆盖不足")  # the offline draft reports the coverage
    arts = [RetrievedChunk(chunk=c, score=rel) for c, rel, cov in ranked[:LLM_ARTICLES]]
    case, _ = select_case(pipeline, topic, template_families())
    cases = [RetrievedChunk(chunk=case, score=0.0)] if case is not None else []
    passages: list[RetrievedChunk] = arts + cases
    if not passages:
        raise LLMError("知识库中没有与主题相关的资料")
    return passages, best_cov


def _generate(pipeline, passages, topic: str, minutes: float, audience: str, rate: int, total: int):
    """(text, verified citations) from the chat model, one repair round; raises LLMError if still wrong."""
    from langchain_core.messages import AIMessage, HumanMessage

    from bot.llm import LLMError, format_passages, make_chat_model
    from bot.llm.prompts import render

    blocks = format_passages(p.chunk for p in passages)
    budget = "，".join(f"{name}约{int(total * share)}字" for name, share in SECTION_SHARES.items())
    messages = [HumanMessage(render("lecture", audience=audience, minutes=f"{minutes:g}", topic=topic, rate=rate,
                                    total=total, passages=blocks, budget=budget))]
    chat = make_chat_model(pipeline.settings, streaming=False)
    text = str(chat.invoke(messages).content)
    problems, v = check_generated(text, passages, pipeline, total)
    if problems:  # one repair round
        messages += [AIMessage(text), HumanMessage(REPAIR_REQUEST + "\n".join(problems))]
        text = str(chat.invoke(messages).content)
        problems, v = check_generated(text, passages, pipeline, total)
    if problems:
        raise LLMError("大模型起草的讲稿未通过核验（" + "；".join(problems[:3]) + "）")
    return text, v


def _sections(text: str, rate: int, total: int) -> list[Section]:
    """The five sections of a checked text (## headings), timed at ``rate``."""
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
    return sections


def draft_lecture_llm(pipeline, topic: str, minutes: float, audience: str, rate: int) -> Lecture:
    """Draft with the configured LLM from retrieved articles and cases; checked with
    :func:`check_generated`, one repair round; raises :class:`bot.answer.generative.LLMError` if it still fails."""
    passages, best_cov = _passages(pipeline, topic)
    total = int(minutes * rate)
    text, v = _generate(pipeline, passages, topic, minutes, audience, rate, total)
    sections = _sections(text, rate, total)
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
                   coverage=coverage_level(best_cov, pipeline.settings), coverage_score=round(best_cov, 3))
