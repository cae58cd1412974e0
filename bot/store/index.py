"""The knowledge index: a thin composition facade over the store and ingest modules.

:class:`KnowledgeIndex` holds no logic of its own; it wires together and delegates to

* :class:`bot.store.chroma.ChunkStore` — the Chroma client and collections (chunks, sentence
  embeddings), reading chunks (``count``, ``get``, ``iter_chunks``, ``document_chunks``) and dense
  search with centering (``dense_search``, ``sentence_search``, ``embedding_mean``);
* :class:`bot.store.bm25.KeywordIndex` — the BM25 index derived from the collection (``bm25_search``,
  ``ensure_bm25``, ``invalidate``);
* :class:`bot.store.catalog.Catalog` — titles, articles, the manifest, ``stats``;
* :class:`bot.ingest.ingestor.Ingestor` — ``ingest`` and ``delete_document``;
  :mod:`bot.ingest.versions` — ``refresh_versions``, ``set_status``.

It remains so that :class:`bot.pipeline.Pipeline`, retrieval and :mod:`bot.kb` keep one object to
hold; new code may take the component it needs (``index.store``, ``index.keyword``,
``index.catalog``, ``index.ingestor``). The names below are re-exported for existing imports.

Public API: :class:`KnowledgeIndex`. The errors it raises live in :mod:`bot.store.chroma`, the ingest
report types in :mod:`bot.ingest.report`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bot.config import Settings
from bot.ingest import versions
from bot.ingest.ingestor import Ingestor, migrate_keys
from bot.ingest.report import IngestProgress, IngestReport, ProgressFn
from bot.schema import Chunk
from bot.store.bm25 import BM25Store, KeywordIndex
from bot.store.catalog import Catalog
from bot.store.chroma import ChunkStore

__all__ = ["KnowledgeIndex"]


class KnowledgeIndex:
    """Chroma collection + BM25 store for one data directory (or one Chroma server): a facade over
    ``store`` (:class:`~bot.store.chroma.ChunkStore`), ``keyword`` (:class:`~bot.store.bm25.KeywordIndex`),
    ``catalog`` (:class:`~bot.store.catalog.Catalog`) and ``ingestor`` (:class:`~bot.ingest.ingestor.Ingestor`).

    Thread-safe for concurrent readers; writes (ingest/delete/status) are serialised by ``store.write_lock``.
    Opening re-keys documents indexed by absolute path (:func:`bot.ingest.ingestor.migrate_keys`).

    Raises:
        KnowledgeIndexError: on open, when the data directory or server cannot be opened.
        EmbedderMismatchError: on open, when the collection was built with another embedder.
    """

    def __init__(self, settings: Settings, embeddings=None):
        self.settings = settings
        self.store = ChunkStore(settings, embeddings)
        self.keyword = KeywordIndex(self.store, settings.bm25_dir)
        self.store.revision_source = lambda: self.keyword.ensure().revision  # the mean follows the BM25 checks
        self.catalog = Catalog(self.store)
        self.ingestor = Ingestor(self.store, self.keyword, self.catalog)
        self.migrate_keys()

    # ---------------------------------------------------------------- components' state
    @property
    def embeddings(self):
        """The embedder (``embed_documents``, ``embed_query``)."""
        return self.store.embeddings

    @property
    def embedder_id(self) -> str:
        return self.store.embedder_id

    @property
    def client(self):
        return self.store.client

    @property
    def collection(self):
        """The Chroma chunk collection. Store internals: quiz, lecture, the app and eval read through
        :meth:`iter_chunks`, :meth:`get` and the other public readers instead."""
        return self.store.collection

    @property
    def sentences(self):
        """The Chroma sentence collection (store internals, as :attr:`collection`)."""
        return self.store.sentences

    @property
    def bm25(self) -> BM25Store:
        """The BM25 index as last loaded or built (:meth:`ensure_bm25` for a current one)."""
        return self.keyword.bm25

    # ---------------------------------------------------------------- reading (ChunkStore)
    def count(self) -> int:
        return self.store.count()

    def sentence_count(self) -> int:
        return self.store.sentence_count()

    def records(self, include: list[str]) -> dict[str, Any]:
        return self.store.records(include)

    def chunk_ids(self) -> list[str]:
        return self.store.chunk_ids()

    def sentence_vectors(self, limit: int) -> np.ndarray:
        return self.store.sentence_vectors(limit)

    def iter_chunks(self, doc_type: str | None = None, path: str | None = None) -> Iterator[Chunk]:
        return self.store.iter_chunks(doc_type, path)

    def contains(self, text: str) -> bool:
        return self.store.contains(text)

    def get(self, ids: list[str]) -> dict[str, Chunk]:
        return self.store.get(ids)

    def document_chunks(self, path: str, doc_hash: str) -> list[Chunk]:
        return self.store.document_chunks(path, doc_hash)

    def revision(self) -> str:
        return self.store.revision()

    def add_records(self, ids: list[str], documents: list[str], embeddings: list[list[float]],
                    metadatas: list[dict]) -> None:
        self.store.add_records(ids, documents, embeddings, metadatas)

    def add_sentence_records(self, owners: list[tuple[str, int]], documents: list[str],
                             embeddings: list[list[float]], metadatas: list[dict]) -> None:
        self.store.add_sentence_records(owners, documents, embeddings, metadatas)

    # ---------------------------------------------------------------- search
    def embed_query(self, query: str) -> list[float]:
        return self.store.embed_query(query)

    def embedding_mean(self) -> np.ndarray | None:
        return self.store.embedding_mean()

    def dense_search(self, query: str, n: int, doc_type: str | None = None,
                     vector: list[float] | None = None) -> list[tuple[str, float]]:
        return self.store.dense_search(query, n, doc_type, vector)

    def sentence_search(self, query: str, n: int, doc_type: str | None = None,
                        vector: list[float] | None = None) -> list[tuple[str, float]]:
        return self.store.sentence_search(query, n, doc_type, vector)

    def bm25_search(self, query: str, n: int, doc_type: str | None = None) -> list[tuple[str, float]]:
        return self.keyword.search(query, n, doc_type)

    def ensure_bm25(self) -> BM25Store:
        return self.keyword.ensure()

    def invalidate(self) -> None:
        self.keyword.invalidate()

    def rebuild_bm25(self, revision: str | None = None) -> None:
        self.keyword.rebuild(revision)

    # ---------------------------------------------------------------- catalog
    def find_article(self, titles: list[str], number: int) -> list[Chunk]:
        return self.catalog.find_article(titles, number)

    def last_article(self, title: str) -> int | None:
        return self.catalog.last_article(title)

    def titles(self) -> list[str]:
        return self.catalog.titles()

    def manifest(self) -> dict[str, dict[str, Any]]:
        return self.catalog.manifest()

    def stats(self) -> dict[str, Any]:
        return self.catalog.stats()

    # ---------------------------------------------------------------- writing
    def ingest(self, root: Path, progress: ProgressFn | None = None, show_progress: bool = True,
               tracker: IngestProgress | None = None) -> IngestReport:
        return self.ingestor.ingest(root, progress=progress, show_progress=show_progress, tracker=tracker)

    def delete_document(self, path: str, rebuild: bool = True) -> int:
        return self.ingestor.delete_document(path, rebuild=rebuild)

    def refresh_versions(self) -> dict[str, str]:
        return versions.refresh_versions(self.store)

    def set_status(self, path: str, status: str) -> int:
        return versions.set_status(self.store, self.keyword, path, status)

    def migrate_keys(self) -> int:
        return migrate_keys(self.store, self.keyword)


# the delegating methods carry the docstrings of what they delegate to
for _name, _target in [
    ("count", ChunkStore.count), ("sentence_count", ChunkStore.sentence_count), ("records", ChunkStore.records),
    ("chunk_ids", ChunkStore.chunk_ids), ("sentence_vectors", ChunkStore.sentence_vectors),
    ("iter_chunks", ChunkStore.iter_chunks), ("contains", ChunkStore.contains), ("get", ChunkStore.get),
    ("document_chunks", ChunkStore.document_chunks), ("revision", ChunkStore.revision),
    ("add_records", ChunkStore.add_records), ("add_sentence_records", ChunkStore.add_sentence_records),
    ("embed_query", ChunkStore.embed_query), ("embedding_mean", ChunkStore.embedding_mean),
    ("dense_search", ChunkStore.dense_search), ("sentence_search", ChunkStore.sentence_search),
    ("bm25_search", KeywordIndex.search), ("ensure_bm25", KeywordIndex.ensure), ("invalidate", KeywordIndex.invalidate),
    ("rebuild_bm25", KeywordIndex.rebuild), ("find_article", Catalog.find_article),
    ("last_article", Catalog.last_article), ("titles", Catalog.titles), ("manifest", Catalog.manifest),
    ("stats", Catalog.stats), ("ingest", Ingestor.ingest), ("delete_document", Ingestor.delete_document),
    ("refresh_versions", versions.refresh_versions), ("set_status", versions.set_status),
    ("migrate_keys", migrate_keys),
]:
    getattr(KnowledgeIndex, _name).__doc__ = _target.__doc__
del _name, _target
