"""What a lecture is about: the regulation articles for a topic (:func:`select_articles`, whole articles
even when indexed in pieces) and the library case to tell (:func:`select_case`, scored by
:func:`case_relevance`). Reads the knowledge base only through the pipeline's public interface
(``retrieve``, ``term_weights``, ``index.iter_chunks`` / ``document_chunks`` / ``find_article``)."""

from __future__ import annotations

import dataclasses
import re

from bot.schema import Chunk
from bot.text.refs import join_article_pieces

#: a heading of a real case section (a passage under it makes the document a case, not a commentary)
_CASE_HEADING = re.compile(r"基本案情|典型案例|案情简介|案例[一二三]")


def is_case(pipeline, chunk: Chunk) -> bool:
    """A real case (a 基本案情/典型案例 section) rather than a commentary article: some passage of the
    document ``chunk.path`` has such a heading."""
    return any(_CASE_HEADING.search(c.heading) for c in pipeline.index.iter_chunks(path=chunk.path))


def document_text(pipeline, chunk: Chunk) -> str:
    """The text of ``chunk``'s whole document version: its passages in order, one per line."""
    parts = sorted(pipeline.index.document_chunks(chunk.path, chunk.doc_hash), key=lambda c: c.index)
    return "\n".join(c.text for c in parts)


def whole_article(pipeline, chunk: Chunk) -> Chunk:
    """``chunk`` with the text of its whole article: a long article is indexed in pieces (第X条（续）) whose
    list pieces repeat the article's lead sentence (bot.ingest.split); quoting one piece would start mid-list or
    join the lead to a later item. The pieces are joined back, each repeated lead once."""
    if chunk.article_no is None:
        return chunk
    pieces = [c for c in pipeline.index.find_article([chunk.title], chunk.article_no) if c.path == chunk.path]
    if len(pieces) <= 1:
        return chunk
    return dataclasses.replace(pieces[0], text=join_article_pieces([c.text for c in pieces]))


def select_articles(pipeline, topic: str, k: int | None = None) -> list[tuple[Chunk, float, float]]:
    """Regulation articles for ``topic`` across all regulations, most relevant first, as
    (chunk, relevance, key-term coverage): relevance = coverage of the topic's IDF-weighted key terms in
    the article (and its chapter heading) + ``lecture_dense_weight`` × dense similarity, among the
    retriever's top ``k`` regulation passages (default ``lecture_retrieve_k``). One article per
    (regulation, article number): the same article of two editions (党章 2017/2022) is quoted once."""
    from bot.answer.grounding import coverage, key_terms

    s = pipeline.settings
    terms = key_terms(topic)
    weights = pipeline.term_weights(terms)
    out: dict[tuple, tuple[Chunk, float, float]] = {}
    for h in pipeline.retrieve(topic, k=s.lecture_retrieve_k if k is None else k, doc_type="法规"):
        c = h.chunk
        if not c.article:
            continue
        cov = coverage(terms, weights, c.text + (c.heading or ""))
        rel = cov + s.lecture_dense_weight * (h.dense_score or 0.0)
        key = (c.title, c.article_no)
        if key not in out or rel > out[key][1]:
            out[key] = (whole_article(pipeline, c), rel, cov)
    return sorted(out.values(), key=lambda x: -x[1])


def topic_words(topic: str, families: dict) -> list[str]:
    """The words a topic is about: jieba content words (:func:`bot.answer.extractive.content_words`) plus the
    family keywords of the templates it contains (三会一课, 两面人: words jieba splits apart)."""
    from bot.answer.grounding import content_words

    words = content_words(topic)
    for spec in families.values():
        words += [k for k in spec.get("keywords", []) if k in topic and k not in words]
    return words


def case_relevance(pipeline, topic: str, chunk: Chunk, families: dict) -> float:
    """Relevance of a library case to a topic, in [0, 1]: ``lecture_case_title_weight`` (0.6) × IDF-weighted
    coverage of the topic's words (:func:`topic_words`) in the case's title + ``lecture_case_text_weight``
    (0.4) × their coverage in its text, where a word counts in the text only when it occurs at least
    ``lecture_case_min_mentions`` (2) times (a passing mention is not what the case is about). Dense
    similarity is not used: with the default embedding model every case scored 0.82-0.90 against every
    topic (eval.lecture), so it does not separate relevant cases from unrelated ones."""
    s = pipeline.settings
    terms = topic_words(topic, families)
    if not terms:
        return 0.0
    w = pipeline.term_weights(terms)
    total = sum(w.get(t, 1.0) for t in terms) or 1.0
    text = document_text(pipeline, chunk)
    title_cov = sum(w.get(t, 1.0) for t in terms if t in chunk.title) / total
    text_cov = sum(w.get(t, 1.0) for t in terms if text.count(t) >= s.lecture_case_min_mentions) / total
    return s.lecture_case_title_weight * title_cov + s.lecture_case_text_weight * text_cov


def select_case(pipeline, topic: str, families: dict, k: int | None = None) -> tuple[Chunk | None, float]:
    """The library case most relevant to ``topic`` (:func:`case_relevance`, ties to real 基本案情 cases)
    among the retriever's top ``k`` case passages (default ``lecture_case_retrieve_k``), and its score;
    (None, best score) when no case reaches ``lecture_case_min_relevance``."""
    best: tuple[Chunk | None, float] = (None, 0.0)
    seen: set[str] = set()
    for h in pipeline.retrieve(topic, k=pipeline.settings.lecture_case_retrieve_k if k is None else k, doc_type="案例"):
        if h.chunk.path in seen:
            continue
        seen.add(h.chunk.path)
        score = case_relevance(pipeline, topic, h.chunk, families)
        if score > best[1] or (score == best[1] > 0 and is_case(pipeline, h.chunk)):
            best = (h.chunk, score)
    if best[1] < pipeline.settings.lecture_case_min_relevance:
        return None, best[1]
    return best
