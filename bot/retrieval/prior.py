"""The regulation prior: rankings restricted to regulations (法规) that join the reciprocal rank fusion, so
that regulations come first — but only for passages competitive on their own (a regulation that merely
tops a small subset without matching the question gets no boost).

It adds rankings to the fusion rather than post-processing its result, so it is not a
``run(query, passages)`` step: re-scoring after the fusion would not reproduce the fused scores.
Measured in eval/README.md (retrieval table, "regulations first" and the two rows after it).

Public API: :class:`RegulationPrior`.
"""

from __future__ import annotations

from bot.retrieval.fusion import Ranking
from bot.store.index import KnowledgeIndex

class RegulationPrior:
    """Dense and BM25 rankings within the regulations, cut to the competitive passages.

    A regulation passage enters the BM25 prior when its BM25 score is at least ``bm25_share`` × the top BM25
    score over all passages (``Settings.regulation_prior_bm25_share``), and the dense prior when its cosine
    is at least the top cosine − ``dense_margin`` (``Settings.regulation_prior_dense_margin``) *and* it is in
    the BM25 prior (dense scores bunch too closely to judge competitiveness alone).
    """

    def __init__(self, index: KnowledgeIndex, bm25_share: float, dense_margin: float):
        self.index = index
        self.bm25_share = bm25_share
        self.dense_margin = dense_margin

    def rankings(self, query: str, keywords: str, vector, n: int, dense: Ranking,
                 sparse: Ranking) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(dense prior, BM25 prior) for the normalised ``query`` and its ``keywords``
        (:func:`bot.retrieval.query.keyword_query`), each (passage id, score) best first, from the top ``n``
        regulation passages of each search. ``vector``: the query's embedding; ``dense`` and ``sparse``: the
        unrestricted rankings (their top scores set the bars; 1.0 and 0.0 when empty)."""
        top_dense = dense[0][1] if dense else 1.0
        top_bm25 = sparse[0][1] if sparse else 0.0
        reg_bm25 = [(c, sc) for c, sc in self.index.bm25_search(keywords, n, "法规")
                    if sc >= self.bm25_share * top_bm25]
        lexical = {c for c, _ in reg_bm25}
        reg_dense = [(c, sc) for c, sc in self.index.dense_search(query, n, "法规", vector=vector)
                     if sc >= top_dense - self.dense_margin and c in lexical]
        return reg_dense, reg_bm25
