"""Optional cross-encoder reranker (sentence-transformers ``CrossEncoder``), off by default.

Set ``DANGJIAN_RERANKER_MODEL`` to a local path or a model name (e.g. ``BAAI/bge-reranker-base`` for
users who have it); the top ``rerank_candidates`` fused passages are re-scored by the model and the
best ``k`` returned. ``sentence_transformers`` is imported lazily.
"""

from __future__ import annotations

import threading

from bot.schema import RetrievedChunk


class RerankerError(RuntimeError):
    """The reranker model could not be loaded (Chinese message naming the model)."""


class CrossEncoderReranker:
    """Re-scores (question, passage) pairs with a cross-encoder; higher is more relevant."""

    def __init__(self, name_or_path: str):
        try:
            from sentence_transformers import CrossEncoder

            self.model = CrossEncoder(name_or_path, device="cpu")
        except Exception as e:
            raise RerankerError(f"无法加载重排序模型 {name_or_path!r}：{type(e).__name__}: {e}。"
                                "离线环境请指定本地模型目录，或不设置 DANGJIAN_RERANKER_MODEL。") from e
        self.name = name_or_path
        self._lock = threading.Lock()

    def rerank(self, question: str, passages: list[RetrievedChunk], k: int) -> list[RetrievedChunk]:
        """The ``k`` best passages by cross-encoder score (``rerank_score`` set on each)."""
        if not passages:
            return []
        with self._lock:
            scores = self.model.predict([(question, p.chunk.embed_text) for p in passages], show_progress_bar=False)
        for p, s in zip(passages, scores):
            p.rerank_score = float(s)
        return sorted(passages, key=lambda p: p.rerank_score, reverse=True)[:k]


_CACHE: dict[str, CrossEncoderReranker] = {}
_LOCK = threading.Lock()


def get_reranker(name_or_path: str) -> CrossEncoderReranker:
    with _LOCK:
        if name_or_path not in _CACHE:
            _CACHE[name_or_path] = CrossEncoderReranker(name_or_path)
        return _CACHE[name_or_path]
