"""Post-processors of the fused ranking, each a small class with ``run(query, passages) -> passages``:

* :class:`StatusPenalty` — a superseded (已修订) or abolished (已废止) text yields to the current one;
* :class:`NearDuplicateFilter` — identical and near-identical passages are kept once (character n-gram
  shingles and their Jaccard resemblance, Broder 1997);
* :class:`PerDocumentCap` — at most so many passages of one (non-regulation) document;
* :class:`RerankStep` — the optional cross-encoder re-scores the fused passages.

``passages`` are :class:`bot.schema.RetrievedChunk` lists, best first; passages fetched by an article
reference (``direct=True``) come first and are never dropped for resemblance or by the cap. The filters
decide greedily, each passage against those already kept; when several filters apply together their
decisions depend on each other (a passage dropped by the cap must not hide its near-duplicates), so
:func:`select` runs them in one pass — which is what :meth:`bot.retrieval.hybrid.HybridRetriever.retrieve` does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol

from bot.schema import RetrievedChunk

#: the status of a text in force (bot.schema.Chunk.status); other statuses: 已修订, 已废止
CURRENT = "现行有效"
#: the doc type exempt from the per-document cap (an article's pieces belong together)
REGULATION = "法规"


class Gate(Protocol):
    """One pass of a filter: ``admits`` judges a passage against those kept so far, ``keep`` records one
    that every filter admitted."""

    def admits(self, passage: RetrievedChunk) -> bool: ...

    def keep(self, passage: RetrievedChunk) -> None: ...


def select(passages: Sequence[RetrievedChunk], gates: Sequence[Gate], limit: int | None = None) -> list[RetrievedChunk]:
    """The passages every gate admits, greedily in order; once ``limit`` passages are kept, no further
    non-direct passage is taken (direct ones come first and are all judged). ``limit=None``: no limit."""
    kept: list[RetrievedChunk] = []
    for p in passages:
        if not p.direct and limit is not None and len(kept) >= limit:
            break
        if all(g.admits(p) for g in gates):
            for g in gates:
                g.keep(p)
            kept.append(p)
    return kept


class StatusPenalty:
    """Multiplies the score of passages whose text is not in force (``chunk.status != "现行有效"``) by
    ``factor`` (``Settings.superseded_factor``) and re-sorts by score, best first (stable: ties keep their order).
    Scores are changed in place."""

    def __init__(self, factor: float):
        self.factor = factor

    def run(self, query: str, passages: list[RetrievedChunk]) -> list[RetrievedChunk]:
        for p in passages:
            if p.chunk.status != CURRENT:
                p.score *= self.factor
        return sorted(passages, key=lambda p: p.score, reverse=True)


def shingles(text: str, n: int = 3) -> set[str]:
    """Character ``n``-grams of ``text`` with punctuation and spaces removed (a text shorter than ``n``
    gives itself)."""
    t = re.sub(r"\W", "", text)
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def resemblance(a: set[str], b: set[str]) -> float:
    """Jaccard resemblance |a ∩ b| / |a ∪ b| of two shingle sets (Broder, "On the resemblance and
    containment of documents", 1997), in [0, 1]; 1.0 for two empty sets."""
    return len(a & b) / len(a | b) if a or b else 1.0


def text_key(text: str) -> str:
    """SHA-1 of ``text`` without punctuation and spaces: equal for texts that differ only in those."""
    return hashlib.sha1(re.sub(r"\W", "", text).encode("utf-8")).hexdigest()


class NearDuplicateFilter:
    """Keeps identical and near-identical passages once (the case library quotes itself).

    A non-direct passage is dropped when the resemblance of its character ``ngram`` shingles with any
    kept passage's reaches ``threshold`` (``Settings.near_duplicate``, ``Settings.near_duplicate_ngram``);
    a direct passage only when a kept direct passage has the same text up to punctuation and spaces.
    """

    def __init__(self, threshold: float, ngram: int = 3):
        self.threshold = threshold
        self.ngram = ngram

    def gate(self) -> Gate:
        return _NearDuplicateGate(self)

    def run(self, query: str, passages: list[RetrievedChunk]) -> list[RetrievedChunk]:
        return select(passages, [self.gate()])


class _NearDuplicateGate:
    def __init__(self, spec: NearDuplicateFilter):
        self.spec = spec
        self.keys: set[str] = set()
        self.kept: list[set[str]] = []
        self._last: tuple[RetrievedChunk, set[str]] | None = None

    def _shingles(self, p: RetrievedChunk) -> set[str]:
        if self._last is None or self._last[0] is not p:
            self._last = (p, shingles(p.chunk.text, self.spec.ngram))
        return self._last[1]

    def admits(self, p: RetrievedChunk) -> bool:
        if p.direct:
            return text_key(p.chunk.text) not in self.keys
        sh = self._shingles(p)
        return not any(resemblance(sh, other) >= self.spec.threshold for other in self.kept)

    def keep(self, p: RetrievedChunk) -> None:
        if p.direct:
            self.keys.add(text_key(p.chunk.text))
        self.kept.append(self._shingles(p))


class PerDocumentCap:
    """At most ``limit`` passages of one document (``chunk.path``) among the non-direct passages
    (``Settings.max_per_document``; 0 = no limit). Regulations (法规) are exempt, but their kept passages
    count towards their document."""

    def __init__(self, limit: int):
        self.limit = limit

    def gate(self) -> Gate:
        return _PerDocumentGate(self.limit)

    def run(self, query: str, passages: list[RetrievedChunk]) -> list[RetrievedChunk]:
        return select(passages, [self.gate()])


class _PerDocumentGate:
    def __init__(self, limit: int):
        self.limit = limit
        self.counts: dict[str, int] = {}

    def admits(self, p: RetrievedChunk) -> bool:
        if p.direct or not self.limit or p.chunk.doc_type == REGULATION:
            return True
        return self.counts.get(p.chunk.path, 0) < self.limit

    def keep(self, p: RetrievedChunk) -> None:
        if not p.direct:
            self.counts[p.chunk.path] = self.counts.get(p.chunk.path, 0) + 1


class RerankStep:
    """Direct passages first, then the other passages re-scored by the cross-encoder ``model``
    (:func:`bot.retrieval.rerank.get_reranker`; ``rerank_score`` set), the best ``k`` of them.
    Raises :class:`bot.retrieval.rerank.RerankerError` when the model cannot be loaded."""

    def __init__(self, model: str, k: int):
        self.model = model
        self.k = k

    def run(self, query: str, passages: list[RetrievedChunk]) -> list[RetrievedChunk]:
        from bot.retrieval.rerank import get_reranker

        rest = [r for r in passages if not r.direct]
        return [r for r in passages if r.direct] + get_reranker(self.model).rerank(query, rest, self.k)
