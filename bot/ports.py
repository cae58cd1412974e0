"""The interfaces (typing Protocols) one stage may use of another: what quiz, lecture, the app and
``eval/`` may read of the index, the retriever and the chat model. Anything not named here is an
implementation detail of its package (the Chroma collection, the BM25 arrays, private helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from bot.schema import Chunk, RetrievedChunk


@runtime_checkable
class ChunkSource(Protocol):
    """Read access to the indexed chunks (implemented by :class:`bot.store.index.KnowledgeIndex`)."""

    def count(self) -> int:
        """Number of chunks indexed (0 = empty knowledge base)."""

    def iter_chunks(self, doc_type: str | None = None, path: str | None = None) -> Iterator[Chunk]:
        """Every chunk, optionally of one doc type (法规/案例/资料) or one indexed path."""

    def get(self, ids: list[str]) -> dict[str, Chunk]:
        """Chunks by id; missing ids are absent."""

    def document_chunks(self, path: str, doc_hash: str) -> list[Chunk]:
        """The chunks of one indexed document version."""

    def find_article(self, titles: list[str], number: int) -> list[Chunk]:
        """The passages of article ``number`` in documents whose title is one of ``titles``."""

    def bm25_search(self, query: str, n: int, doc_type: str | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the ``n`` best keyword matches."""

    def titles(self) -> list[str]:
        """Titles of the indexed documents."""


@runtime_checkable
class Retriever(Protocol):
    """Question → ranked passages (implemented by :class:`bot.retrieval.hybrid.HybridRetriever`)."""

    def retrieve(self, query: str, k: int | None = None, doc_type: str | None = None) -> list[RetrievedChunk]:
        """The top ``k`` passages for ``query``, best first."""


@runtime_checkable
class TermWeights(Protocol):
    """IDF weights of query terms over the indexed chunks (BM25's IDF, Robertson & Zaragoza 2009)."""

    def __call__(self, terms: list[str]) -> dict[str, float]:
        """term → weight (≥ 0); unknown terms get the highest weight."""


@runtime_checkable
class ChatModel(Protocol):
    """An OpenAI-compatible chat model (LangChain ``BaseChatModel`` satisfies it)."""

    def invoke(self, input, **kwargs):
        """One completion for a prompt or a list of messages."""
