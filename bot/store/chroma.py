"""The chunk store: the Chroma client and its two collections, and everything read from them.

* ``<collection>`` holds one record per chunk: id (``<path hash>:<doc hash>:<n>``, see
  :mod:`bot.ingest.split`), text, metadata (:meth:`bot.schema.Chunk.metadata` plus ``sentences``) and
  its passage vector.
* ``<collection>_sentences`` holds one embedding per sentence of every chunk
  (:func:`bot.text.zh.split_sentences`), id :func:`sentence_id`, so a passage can be found by its
  best-matching sentence.

Chroma is the single source of truth: every chunk carries its document's path and content hash, so
the manifest (:mod:`bot.store.catalog`) and the BM25 index (:mod:`bot.store.bm25`) are derived from
it. The collection metadata holds the embedder (an index is bound to one model), a ``revision``
stamp that changes on every write and ``keys_root`` (:func:`bot.ingest.ingestor.migrate_keys`).

Dense search (:meth:`ChunkStore.dense_search`, :meth:`ChunkStore.sentence_search`) ranks by the
centered cosine (:meth:`ChunkStore.embedding_mean`, ``settings.centering``).

Public API: :class:`ChunkStore`, :class:`KnowledgeIndexError`, :class:`EmbedderMismatchError`,
:func:`sentence_id`, :func:`chunk_id_of_sentence`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bot.config import Settings
from bot.schema import Chunk
from bot.store.embed import ChromaEmbeddingAdapter, get_embeddings

log = logging.getLogger(__name__)

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

#: the mean embedding is estimated from this many pages of this many vectors (see ChunkStore.embedding_mean)
MEAN_SAMPLE_PAGES = 40
MEAN_PAGE = 100

#: records per Chroma write (below Chroma's maximum batch size)
WRITE_BATCH = 1000


def sentence_id(chunk_id: str, k: int) -> str:
    """Id of the ``k``-th sentence embedding of a chunk in the sentences collection."""
    return f"{chunk_id}:s{k}"


def chunk_id_of_sentence(sid: str) -> str:
    """The chunk id inside a :func:`sentence_id` (chunk ids, ``<hex>:<hex>:<n>``, hold no ``:s``)."""
    return sid.rsplit(":s", 1)[0]


class KnowledgeIndexError(RuntimeError):
    """Base class of index errors (Chinese message)."""


class EmbedderMismatchError(KnowledgeIndexError):
    """The collection was built with another embedding model; querying it would give garbage."""


class ChunkStore:
    """The Chroma client and collections of one data directory (or one Chroma server).

    Attributes: ``settings``, ``embeddings`` (the embedder), ``embedder_id``, ``embedding_function`` (its
    Chroma adapter, which the collections are opened with), ``client``,
    ``collection`` (chunks), ``sentences`` (sentence embeddings), ``write_lock`` (an RLock that
    serialises every writer: the ingest, deletes, status changes, key migration), and
    ``revision_source`` (what :meth:`embedding_mean` keys its cache on: the keyword index's revision
    once :class:`bot.store.index.KnowledgeIndex` wires it, so both follow the same checks).

    Raises:
        KnowledgeIndexError: the data directory or server cannot be opened.
        EmbedderMismatchError: the collection was built with another embedder.
    """

    def __init__(self, settings: Settings, embeddings=None):
        self.settings = settings
        self.embeddings = embeddings or get_embeddings(settings.embedding_model)
        self.write_lock = threading.RLock()
        self.embedding_function = ChromaEmbeddingAdapter(model=settings.embedding_model, embeddings=self.embeddings)
        self.embedder_id = getattr(self.embeddings, "id", type(self.embeddings).__name__)
        self.dimension = int(getattr(self.embeddings, "dimension", 0))
        self.client, self.collection = self._open()
        self._check_embedder()
        self.sentences = self.client.get_or_create_collection(
            name=f"{settings.collection}_sentences",
            embedding_function=self.embedding_function,
            metadata={"hnsw:space": "cosine", "embedder": self.embedder_id, "dimension": self.dimension},
        )
        for col in (self.collection, self.sentences):
            self._apply_ef_search(col)
        self.revision_source: Callable[[], str] = self.revision
        self._mean: np.ndarray | None = None
        self._mean_revision: str | None = None
        self._mean_lock = threading.Lock()

    # ---------------------------------------------------------------- opening
    def _open(self):
        """The client and the chunk collection (created when missing)."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = self.settings
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        where = (f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
                 else f"索引目录 {settings.chroma_dir}")
        try:
            if settings.chroma_host:
                client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
            else:
                if Path(settings.data_dir).exists() and not Path(settings.data_dir).is_dir():
                    raise KnowledgeIndexError(f"数据目录 {settings.data_dir} 是一个文件而不是目录；请把 DANGJIAN_DATA_DIR "
                                              "（或 --data-dir）指向一个目录")
                settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
            collection = client.get_or_create_collection(
                name=settings.collection,
                embedding_function=self.embedding_function,
                metadata={"hnsw:space": "cosine", "embedder": self.embedder_id, "dimension": self.dimension},
            )
        except KnowledgeIndexError:
            raise
        except Exception as e:  # a file in the way, a damaged chroma.sqlite3, a server that cannot be reached
            raise KnowledgeIndexError(
                f"无法打开{where}（{type(e).__name__}: {str(e)[:200]}）。请检查该位置是否可写、是否完好；索引损坏时可删除"
                f"该目录后重新运行 `dangjian ingest` 重建，或用 DANGJIAN_DATA_DIR 指定另一个目录"
            ) from e
        return client, collection

    def _check_embedder(self) -> None:
        """Raise :class:`EmbedderMismatchError` when the collection was built with another embedder."""
        meta = self.collection.metadata or {}
        if meta.get("embedder") and meta.get("embedder") != self.embedder_id:
            raise EmbedderMismatchError(
                f"索引 {self.settings.collection!r} 是用向量模型 {meta.get('embedder')}（{meta.get('dimension')} 维）"
                f"建立的，当前配置的模型是 {self.embedder_id}（{self.dimension} 维）。请改回原模型，"
                f"或换一个数据目录（DANGJIAN_DATA_DIR）重新建立索引。"
            )

    def _apply_ef_search(self, col) -> None:
        """Give ``col`` the configured HNSW ef_search (a query-time setting Chroma lets one change on
        an existing collection). A server that refuses the change only costs accuracy: logged."""
        want = self.settings.hnsw_ef_search
        try:
            hnsw = (col.configuration or {}).get("hnsw")
            if hnsw is not None and hnsw.get("ef_search") != want:
                col.modify(configuration={"hnsw": {"ef_search": want}})
        except Exception as e:  # e.g. a Chroma server that refuses the change
            log.warning("无法把集合 %s 的 ef_search 设为 %s：%s", col.name, want, e)

    # ---------------------------------------------------------------- reading
    def count(self) -> int:
        """Number of chunks."""
        return int(self.collection.count())

    def sentence_count(self) -> int:
        """Number of sentence embeddings (0 when the index has none, e.g. ``sentence_weight = 0``)."""
        return int(self.sentences.count())

    def records(self, include: list[str]) -> dict[str, Any]:
        """Every chunk record as Chroma returns them, ``{"ids": [...], <include>: [...]}`` (``include``
        from documents, metadatas, embeddings; [] for ids only), fetched in pages of 5,000 (Chroma caps
        one get at about 40k records on SQLite), order as stored."""
        total = self.count()
        out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
        page = 5000
        for offset in range(0, total, page):
            got = self.collection.get(include=include, limit=page, offset=offset)
            out["ids"] += got["ids"]
            for k in include:
                val = got[k]
                out[k] += list(val) if val is not None else []
        return out

    def chunk_ids(self) -> list[str]:
        """Ids of every chunk, order as stored."""
        return self.records([])["ids"]

    def sentence_vectors(self, limit: int) -> np.ndarray:
        """The first ``limit`` sentence embeddings as stored, shape (≤ limit, dimension), float32."""
        return np.asarray(self.sentences.get(include=["embeddings"], limit=limit)["embeddings"], dtype=np.float32)

    def iter_chunks(self, doc_type: str | None = None, path: str | None = None) -> Iterator[Chunk]:
        """Every indexed chunk (text and metadata, no vectors), optionally only those of one doc type
        (法规/案例/资料) or one indexed ``path``; read in pages of 5,000, order as stored. The public reader
        for quiz, lecture and eval (they never touch the Chroma collection)."""
        where = {k: v for k, v in (("doc_type", doc_type), ("path", path)) if v is not None}
        clause = None if not where else where if len(where) == 1 else {"$and": [{k: v} for k, v in where.items()]}
        offset, page = 0, 5000
        while True:
            got = self.collection.get(where=clause, include=["documents", "metadatas"], limit=page, offset=offset)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"]):
                yield Chunk.from_metadata(i, d, m)
            if len(got["ids"]) < page:
                return
            offset += page

    def contains(self, text: str) -> bool:
        """Whether some indexed chunk holds ``text`` verbatim (Chroma's full-text ``$contains`` filter, about
        30 ms on the development corpus)."""
        return bool(self.collection.get(where_document={"$contains": text}, limit=1, include=[])["ids"])

    def get(self, ids: list[str]) -> dict[str, Chunk]:
        """Chunks by id (missing ids are absent from the result)."""
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {
            i: Chunk.from_metadata(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])
        }

    def document_chunks(self, path: str, doc_hash: str) -> list[Chunk]:
        """The chunks of one indexed document version (``path`` as indexed, ``doc_hash`` of the
        version), in no particular order; [] when it is not indexed."""
        got = self.collection.get(where={"$and": [{"path": path}, {"doc_hash": doc_hash}]},
                                  include=["documents", "metadatas"])
        return [Chunk.from_metadata(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    # ---------------------------------------------------------------- collection metadata
    def revision(self) -> str:
        """The collection's revision stamp (changes on every write, by any process or replica)."""
        col = self.client.get_collection(self.settings.collection, embedding_function=self.embedding_function)
        return str((col.metadata or {}).get("revision", ""))

    def bump_revision(self) -> str:
        """Stamp a new revision on the collection and return it (hnsw settings cannot be re-sent to modify)."""
        import uuid

        rev = uuid.uuid4().hex
        self.set_metadata(revision=rev)
        return rev

    def set_metadata(self, **values) -> None:
        """Set collection metadata keys, keeping the others (hnsw settings cannot be re-sent to modify)."""
        meta = {k: v for k, v in (self.collection.metadata or {}).items() if not k.startswith("hnsw:")}
        self.collection.modify(metadata={**meta, **values})

    # ---------------------------------------------------------------- raw writes (benchmarks)
    def add_records(self, ids: list[str], documents: list[str], embeddings: list[list[float]],
                    metadatas: list[dict]) -> None:
        """Add chunk records with their vectors as given (nothing embedded, no revision stamped, the
        keyword index not rebuilt): for tools such as ``eval/bench.py`` that load synthetic chunks."""
        self.collection.add(ids=ids, documents=documents, embeddings=embeddings, metadatas=metadatas)

    def add_sentence_records(self, owners: list[tuple[str, int]], documents: list[str],
                             embeddings: list[list[float]], metadatas: list[dict]) -> None:
        """Add sentence records as given; ``owners[i]`` = (chunk id, sentence number k) gives the
        record's id (:func:`sentence_id`). Like :meth:`add_records`, for benchmark tools."""
        self.sentences.add(ids=[sentence_id(c, k) for c, k in owners], documents=documents,
                           embeddings=embeddings, metadatas=metadatas)

    # ---------------------------------------------------------------- dense search
    def embed_query(self, query: str) -> list[float]:
        """The query embedding (one vector of the embedder's dimension)."""
        return self.embeddings.embed_query(query)

    def embedding_mean(self) -> np.ndarray | None:
        """Mean embedding of the indexed sentences (of the passages when there are none), shape
        (dimension,), float32: the direction all embeddings share, removed before dense ranking
        (``settings.centering``). Computed once per index revision (``revision_source``), from all
        vectors when there are at most ``MEAN_SAMPLE_PAGES`` × ``MEAN_PAGE``, else from that many read at
        evenly spaced offsets (4,000 of the development corpus's 36,166 sentences give a mean whose
        cosine with the full mean is 0.9999). None when centering is off or fewer than
        ``settings.centering_min_vectors`` vectors are indexed."""
        if not self.settings.centering:
            return None
        revision = self.revision_source()
        with self._mean_lock:
            if self._mean_revision == revision:
                return self._mean
            col, total = self.sentences, int(self.sentences.count())
            if total == 0:
                col, total = self.collection, self.count()
            mean = None
            if total >= self.settings.centering_min_vectors:
                if total <= MEAN_SAMPLE_PAGES * MEAN_PAGE:  # small enough to read whole
                    pages = [col.get(include=["embeddings"], limit=total)["embeddings"]]
                else:  # evenly spaced, non-overlapping pages
                    offsets = np.linspace(0, total - MEAN_PAGE, MEAN_SAMPLE_PAGES).astype(int)
                    pages = [col.get(include=["embeddings"], limit=MEAN_PAGE, offset=int(o))["embeddings"] for o in offsets]
                mean = np.vstack([np.asarray(p, dtype=np.float32) for p in pages if len(p)]).mean(axis=0)
            self._mean, self._mean_revision = mean, revision
            return mean

    def _query(self, col, vector: list[float], n: int, doc_type: str | None, pool: int = 0) -> tuple[list[str], list[float]]:
        """Chroma's top ``n`` ids of ``col`` by raw cosine, re-ordered by centered cosine when a mean
        embedding applies (:meth:`embedding_mean`; then the top ``max(n, pool)`` are fetched and
        re-ranked). Returns (ids, raw cosines), best first, at most ``n`` of each."""
        total = int(col.count())
        if total == 0:
            return [], []
        mean = self.embedding_mean()
        res = col.query(
            query_embeddings=[vector],
            n_results=min(n if mean is None else max(n, pool), total),
            where={"doc_type": doc_type} if doc_type else None,
            include=["distances", "embeddings"] if mean is not None else ["distances"],
        )
        ids = list(res["ids"][0])
        raw = [1.0 - float(d) for d in res["distances"][0]]
        if mean is None or not ids:
            return ids[:n], raw[:n]
        centered = np.asarray(res["embeddings"][0], dtype=np.float32) - mean
        q = np.asarray(vector, dtype=np.float32) - mean
        cos = centered @ q / (np.linalg.norm(centered, axis=1) * np.linalg.norm(q) + 1e-12)
        order = np.argsort(-cos, kind="stable")[:n]
        return [ids[i] for i in order], [raw[i] for i in order]

    def dense_search(
        self, query: str, n: int, doc_type: str | None = None, vector: list[float] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``n`` (chunk id, cosine similarity) by embedding, best first. ``vector``: the
        query embedding when the caller already has it (saves embedding the query again).

        With ``settings.centering`` the order is that of the centered cosine (see
        :meth:`embedding_mean`), while the score given is the raw cosine, so it need not decrease
        along the list."""
        vec = vector if vector is not None else self.embed_query(query)
        ids, raw = self._query(self.collection, vec, n, doc_type, pool=self.settings.centering_pool)
        return list(zip(ids, raw))

    def sentence_search(
        self, query: str, n: int, doc_type: str | None = None, vector: list[float] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``n`` (chunk id, cosine similarity of the chunk's best sentence), best first.

        Searches ``4 n`` sentences and keeps each chunk's best one (a max over sentences, as in
        multi-vector retrieval), ordered as in :meth:`dense_search` (centered cosine, raw score; the
        ``4 n`` sentences are those of raw cosine, re-ordered: a wider pool measured no better).
        Empty when no sentence embeddings are indexed."""
        vec = vector if vector is not None else self.embed_query(query)
        ids, raw = self._query(self.sentences, vec, 4 * n, doc_type)
        best: dict[str, float] = {}
        for sid, score in zip(ids, raw):
            best.setdefault(chunk_id_of_sentence(sid), score)  # best first, so the first is the best
        return list(best.items())[:n]
