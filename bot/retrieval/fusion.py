"""Reciprocal rank fusion (RRF; Cormack, Clarke & Büttcher, "Reciprocal Rank Fusion outperforms Condorcet
and individual Rank Learning Methods", SIGIR 2009) as a pure function.

Public API: :data:`Ranking`, :func:`reciprocal_rank_fusion`, :func:`fused_order`.
"""

from __future__ import annotations

from collections.abc import Sequence

#: One ranking: (passage id, the ranker's own score) pairs, best first. Only the order is used by the fusion.
Ranking = Sequence[tuple[str, float]]


def reciprocal_rank_fusion(rankings: Sequence[tuple[float, Ranking]], k: float) -> dict[str, float]:
    """Fused score of every passage in any ranking: Σ_r w_r / (k + rank_r), ranks from 1.

    Args:
        rankings: (weight w_r ≥ 0, ranking) pairs. A passage absent from a ranking gets nothing from it.
        k: the RRF constant (Cormack et al. use 60; the retriever uses ``Settings.rrf_k``, 10 by measurement).
    Returns:
        passage id → fused score (higher is better; not a probability), ids in order of first appearance
        (rankings in the order given), which :func:`fused_order` keeps for ties. Floating-point sums are
        accumulated in that same order, so equal inputs give bit-identical scores.
    """
    fused: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, (cid, _) in enumerate(ranking, start=1):
            fused[cid] = fused.get(cid, 0.0) + weight / (k + rank)
    return fused


def fused_order(fused: dict[str, float]) -> list[str]:
    """The ids of ``fused`` by score, best first; ties keep the order of first appearance (stable sort)."""
    return sorted(fused, key=fused.get, reverse=True)
