"""Hybrid retrieval, composed: dense + BM25 + sentence rankings (with the regulation prior) fused by
reciprocal rank fusion, then post-processed; passages of an article the question names ("党章第七条",
"宪法第34条") are fetched directly and ranked first.

Where the parts live: the question's forms in :mod:`bot.retrieval.query`, article references in
:mod:`bot.retrieval.articles`, the fusion in :mod:`bot.retrieval.fusion`, the regulation prior in
:mod:`bot.retrieval.prior`, status penalty / near-duplicate filter / per-document cap / reranker in
:mod:`bot.retrieval.postprocess`; the word lists in :mod:`bot.text.lexicon`.

Public API: :class:`HybridRetriever` (``retrieve``, ``article_lookups``, ``known_titles``, ``invalidate``).
"""

from __future__ import annotations

from bot.config import Settings
from bot.retrieval.articles import ArticleLookup, parse_article_refs
from bot.retrieval.fusion import fused_order, reciprocal_rank_fusion
from bot.retrieval.postprocess import NearDuplicateFilter, PerDocumentCap, RerankStep, StatusPenalty, select
from bot.retrieval.prior import RegulationPrior
from bot.retrieval.query import keyword_query, normalize_query
from bot.schema import RetrievedChunk
from bot.store.index import KnowledgeIndex



class HybridRetriever:
    """Dense (Chroma) + BM25 (bm25s) retrieval fused by reciprocal rank fusion.

    RRF score of a passage: Σ_r w_r / (k + rank_r), ranks from 1 (Cormack, Clarke & Büttcher,
    SIGIR 2009, who use k = 60; here k = ``settings.rrf_k``, 10 by measurement), over three rankings: passage
    embeddings, BM25, and sentence embeddings (each passage ranked by its best sentence), plus the regulation
    prior (:class:`~bot.retrieval.prior.RegulationPrior`). Both embedding rankings order by cosine after the
    corpus's mean embedding is subtracted (:meth:`bot.store.index.KnowledgeIndex.embedding_mean`,
    ``settings.centering``). Passages named by an article reference in the question are fetched directly and
    ranked first. Passages of superseded texts are penalised; identical and near-identical passages
    (character 3-gram Jaccard ≥ ``settings.near_duplicate``) are kept once (:mod:`bot.retrieval.postprocess`).
    """

    def __init__(self, index: KnowledgeIndex, settings: Settings | None = None):
        self.index = index
        self.settings = settings or index.settings
        self._titles: list[str] | None = None
        self._titles_rev = ""

    @property
    def titles_cached(self) -> bool:
        """True once the indexed titles are held in memory (after :meth:`known_titles` or a warm-up), so the
        first question does not pay for reading them."""
        return self._titles is not None

    def known_titles(self) -> list[str]:
        """Regulation titles in the index (re-read when the collection's revision changes)."""
        rev = self.index.ensure_bm25().revision
        if self._titles is None or self._titles_rev != rev:
            self._titles = self.index.titles()
            self._titles_rev = rev
        return self._titles

    def invalidate(self) -> None:
        """Forget cached titles (call after the index changed)."""
        self._titles = None
        self.index.invalidate()

    def article_lookups(self, question: str) -> list[ArticleLookup]:
        """Each article reference of ``question`` ("党章第七条", "《…》第三十四条") with the article's
        passages, or why there are none: the regulation is not indexed, or has no such article
        (党章第九十条: the 2017 党章 has fifty-five). [] when the question names no article."""
        known = self.known_titles()
        out = []
        for ref in parse_article_refs(normalize_query(question), known):
            chunks = self.index.find_article(ref.titles, ref.number)
            indexed = next((t for t in ref.titles if t in known), None)
            last = self.index.last_article(indexed) if indexed and not chunks else None
            out.append(ArticleLookup(ref=ref, chunks=chunks, indexed_title=indexed, last_article=last))
        return out

    def retrieve(self, question: str, k: int | None = None, doc_type: str | None = None,
                 lookups: list[ArticleLookup] | None = None) -> list[RetrievedChunk]:
        """Top ``k`` passages for ``question`` (best first), optionally of one doc type
        (法规/案例/讲稿/资料). ``lookups``: the question's :meth:`article_lookups` when the caller
        already has them (else they are read here). Returns [] for an empty index or an empty question.
        Direct passages (named articles) are all returned, even beyond ``k``."""
        s = self.settings
        k = k or s.top_k
        q = normalize_query(question)
        if not q or self.index.count() == 0:
            return []
        n, final_k = max(s.candidates, k), k  # candidates per ranking: from the k asked, before a reranker widens it
        if s.reranker_model:
            k = max(k, s.rerank_candidates)
        direct = [RetrievedChunk(chunk=chunk, score=0.0, direct=True)
                  for lookup in (self.article_lookups(q) if lookups is None else lookups)
                  for chunk in lookup.chunks if not doc_type or chunk.doc_type == doc_type]
        fused, scores = self._fuse(q, n, doc_type)
        pool = fused_order(fused)[: k * s.fusion_pool_factor]
        chunks = self.index.get(pool)
        candidates = [RetrievedChunk(chunk=chunks[cid], score=fused[cid], dense_score=scores[0].get(cid),
                                     bm25_score=scores[1].get(cid), sentence_score=scores[2].get(cid))
                      for cid in pool if chunks.get(cid) is not None]
        candidates = StatusPenalty(s.superseded_factor).run(q, candidates)
        fused.update((r.chunk.id, r.score) for r in candidates)
        top_score = (max(fused.values()) if fused else 0.0) + 1.0  # direct passages rank above every fused one
        for r in direct:
            r.score = top_score
            r.dense_score, r.bm25_score, r.sentence_score = (d.get(r.chunk.id) for d in scores)
        gates = [NearDuplicateFilter(s.near_duplicate, s.near_duplicate_ngram).gate(), PerDocumentCap(s.max_per_document).gate()]
        results = select(direct + candidates, gates, limit=k)
        if s.reranker_model:
            results = RerankStep(s.reranker_model, final_k).run(q, results)
            k = final_k
        return results[: max(k, len(direct))]

    def _fuse(self, q: str, n: int, doc_type: str | None) -> tuple[dict[str, float], tuple[dict, dict, dict]]:
        """RRF scores (id → score, in order of first appearance) of the top ``n`` of each ranking for the
        normalised question ``q``, and each passage's (dense, BM25, sentence) scores as id → score dicts."""
        s = self.settings
        qvec = self.index.embed_query(q)
        keywords = keyword_query(q)
        dense = self.index.dense_search(q, n, doc_type, vector=qvec)
        sparse = self.index.bm25_search(keywords, n, doc_type)
        sentences = self.index.sentence_search(q, n, doc_type, vector=qvec) if s.sentence_weight else []
        dense_scores, bm25_scores, sentence_scores = dict(dense), dict(sparse), dict(sentences)
        rankings = [(s.dense_weight, dense), (s.bm25_weight, sparse), (s.sentence_weight, sentences)]
        if s.regulation_weight and not doc_type:
            prior = RegulationPrior(self.index, s.regulation_prior_bm25_share, s.regulation_prior_dense_margin)
            reg_dense, reg_bm25 = prior.rankings(q, keywords, qvec, n, dense, sparse)
            w = s.regulation_weight
            rankings += [(w * s.dense_weight, reg_dense), (w * s.bm25_weight, reg_bm25)]
            for cid, sc in reg_dense:
                dense_scores.setdefault(cid, sc)
            for cid, sc in reg_bm25:
                bm25_scores.setdefault(cid, sc)
        return reciprocal_rank_fusion(rankings, s.rrf_k), (dense_scores, bm25_scores, sentence_scores)
