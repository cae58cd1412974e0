"""Index stage: chunks → Chroma (dense vectors) + a BM25 keyword index persisted beside it.

Chroma is the single source of truth: every chunk carries its document's path and content hash
in its metadata, so the manifest of indexed documents is read back from Chroma, and the BM25 index
is derived from Chroma's stored texts (rebuilt when missing, corrupt or stale).

Writes are atomic per document: new chunks (ids contain the content hash) are added before the
old version's chunks are deleted, so a crash leaves either the old or the new version complete,
never a document missing; a partly written version is detected by its chunk count and rewritten on
the next run.

A second collection, ``<collection>_sentences``, holds one embedding per sentence of every chunk
(:func:`bot.text.zh.split_sentences`), so a passage can be found by its best-matching sentence. A
document's sentences are written before its chunks, and its chunks record that they have them
(metadata ``sentences = 1``): an index built without sentence embeddings (an older version, or
``sentence_weight = 0``) gets them on the next ingest, without re-embedding any chunk.

Public API: :class:`KnowledgeIndex` (``open``, ``ingest``, ``get``, ``embed_query``,
``dense_search``, ``sentence_search``, ``embedding_mean``, ``bm25_search``, ``find_article``, ``stats``),
:func:`tokenize`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.config import Settings
from bot.store.embed import ChromaEmbeddingAdapter, get_embeddings, pool_vectors
from bot.ingest.load import LoadError, LoadLimits, content_hash, document_key, inside, iter_files, key_path, load_document
from bot.schema import Chunk
from bot.ingest.split import document_hash, split_document
from bot.text.zh import split_sentences

log = logging.getLogger(__name__)

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ProgressFn = Callable[[float, str], None]

#: while regulations are written, the keyword index is rebuilt after each one unless less than this many
#: times the last rebuild's duration has passed since it (so rebuilding takes at most about a tenth of that time)
REGULATION_REFRESH_FACTOR = 10

#: the mean embedding is estimated from this many pages of this many vectors (see KnowledgeIndex.embedding_mean)
MEAN_SAMPLE_PAGES = 40
MEAN_PAGE = 100


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


# --------------------------------------------------------------------------------------
# tokenisation for BM25
# --------------------------------------------------------------------------------------

_CJK_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+|[a-z]+|\d+(?:\.\d+)?%?")


def tokenize(text: str) -> list[str]:
    """BM25 tokens: character unigrams + bigrams of every CJK run, lower-cased Latin words and
    numbers. Character bigrams measured better than jieba words on this domain (jieba splits
    terms such as 三会一课 inconsistently); see eval/README.md.

    Example: ``tokenize("预备期一年")`` → ``['预', '备', '期', '一', '年', '预备', '备期', '期一', '一年']``.
    """
    out: list[str] = []
    for run in _CJK_RUN.findall(text.lower()):
        if "\u3400" <= run[0] <= "\u9fff":
            out.extend(run)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


# --------------------------------------------------------------------------------------
# BM25 store
# --------------------------------------------------------------------------------------


class BM25Store:
    """A bm25s index over chunk texts, saved under ``directory`` with the chunk ids it covers.

    ``fingerprint`` (sha1 of the sorted ids) ties it to one state of the Chroma collection.
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.retriever = None
        self.ids: list[str] = []
        self.doc_types: np.ndarray = np.array([], dtype=object)
        self.fingerprint = ""
        self.revision = ""

    @staticmethod
    def fingerprint_of(ids: Iterable[str]) -> str:
        h = hashlib.sha1()
        for i in sorted(ids):
            h.update(i.encode("utf-8"))
            h.update(b"\n")
        return h.hexdigest()

    def build(self, ids: list[str], texts: list[str], doc_types: list[str], revision: str = "") -> None:
        """Build and atomically save (write to a temp folder, then swap). ``revision`` is the
        collection revision the index was built from."""
        import bm25s

        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        retriever = None
        if ids:
            retriever = bm25s.BM25()
            retriever.index([tokenize(t) or ["\u0000"] for t in texts], show_progress=False)
            retriever.save(str(tmp / "bm25s"), show_progress=False)
        fp = self.fingerprint_of(ids)
        (tmp / "ids.json").write_text(
            json.dumps({"ids": ids, "doc_types": doc_types, "fingerprint": fp, "revision": revision}, ensure_ascii=False),
            encoding="utf-8",
        )
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            os.replace(self.directory, old)
        os.replace(tmp, self.directory)
        shutil.rmtree(old, ignore_errors=True)
        self.retriever, self.ids, self.fingerprint, self.revision = retriever, list(ids), fp, revision
        self.doc_types = np.array(doc_types, dtype=object)

    def load(self) -> bool:
        """Load from disk. Returns False (and logs why) when missing or corrupt."""
        import bm25s

        try:
            meta = json.loads((self.directory / "ids.json").read_text(encoding="utf-8"))
            ids = list(meta["ids"])
            retriever = None
            if ids:
                retriever = bm25s.BM25.load(str(self.directory / "bm25s"), show_progress=False)
                if int(retriever.scores["num_docs"]) != len(ids):
                    raise ValueError("BM25 文档数与 id 列表不一致")
        except Exception as e:
            if self.directory.exists():
                log.warning("BM25 索引损坏，将从 Chroma 重建：%s", e)
            return False
        self.retriever, self.ids, self.fingerprint = retriever, ids, meta.get("fingerprint", "")
        self.revision = meta.get("revision", "")
        self.doc_types = np.array(meta.get("doc_types", [""] * len(ids)), dtype=object)
        return True

    def search(self, query: str, n: int, doc_type: str | None = None) -> list[tuple[str, float]]:
        """Top ``n`` (chunk id, BM25 score) with score > 0, best first."""
        if self.retriever is None or not self.ids:
            return []
        tokens = tokenize(query)
        if not tokens:
            return []
        scores = np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)
        if doc_type:
            scores = np.where(self.doc_types == doc_type, scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def document_frequencies(self, tokens: Iterable[str]) -> dict[str, int]:
        """Number of indexed chunks holding each token (:func:`tokenize` units); 0 for unseen tokens."""
        vocab = self.retriever.vocab_dict if self.retriever is not None else {}
        indptr = self.retriever.scores["indptr"] if self.retriever is not None else None
        out = {}
        for t in tokens:
            df = 0
            if t in vocab and indptr is not None:
                tid = vocab[t]
                df = int(indptr[tid + 1] - indptr[tid])
            out[t] = df
        return out

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency (Lucene BM25 variant: ln(1 + (N - df + 0.5)/(df + 0.5)))
        of each token; unseen tokens get the maximum (df = 0)."""
        n_docs = len(self.ids)
        return {t: float(np.log(1 + (n_docs - df + 0.5) / (df + 0.5))) for t, df in self.document_frequencies(tokens).items()}


# --------------------------------------------------------------------------------------
# ingest report
# --------------------------------------------------------------------------------------


@dataclass
class IngestReport:
    """What an ingest run did. Counts are documents unless named chunks; seconds is wall time."""

    root: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chars_embedded: int = 0
    sentences_backfilled: int = 0
    seconds: float = 0.0
    failed: list[dict[str, str]] = field(default_factory=list)
    chunks_by_type: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"索引完成：{self.root}",
            f"  新增 {self.added} 篇，更新 {self.updated} 篇，未变 {self.unchanged} 篇，删除 {self.removed} 篇",
            f"  新写入片段 {self.chunks_added} 个，删除片段 {self.chunks_removed} 个，向量化 {self.chars_embedded} 字",
            f"  用时 {self.seconds:.1f} 秒",
        ]
        if self.chunks_by_type:
            lines.append("  索引中片段：" + "，".join(f"{k} {v}" for k, v in sorted(self.chunks_by_type.items())))
        if self.sentences_backfilled:
            lines.append(f"  为 {self.sentences_backfilled} 篇已索引文档补建了句向量（旧版索引升级）")
        if self.failed:
            lines.append(f"  失败 {len(self.failed)} 个文件：")
            lines += [f"    ✗ {f['file']}：{f['reason']}" for f in self.failed]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class IngestProgress:
    """Live counters of one ingest run, written by the ingesting thread and read by others (the app's
    progress banner, :mod:`bot.kb.worker`). Counts are documents new or changed in this run (unchanged
    ones are searchable already); characters are those the embedder processes
    (:meth:`KnowledgeIndex.ingest` counts passages and, when enabled, their sentences).

    ``searchable`` is how many of the written documents keyword (BM25) search covers: the keyword
    index is rebuilt after the regulations (doc type 法规, written first; see :meth:`KnowledgeIndex.ingest`),
    every ``settings.bm25_refresh_s`` seconds and at the end. Vector search sees each document as
    soon as it is written (``docs_done``).
    """

    stage: str = "准备"  #: 准备 (reading and splitting files) → 向量化 → 完成
    docs_total: int = 0
    docs_done: int = 0
    regulations: int = 0  #: documents of type 法规 among ``docs_total`` (written first)
    chars_total: int = 0
    chars_done: int = 0
    searchable: int = 0
    current: str = ""  #: file name of the document last written
    started: float = 0.0  #: ``time.monotonic()`` when embedding began (0 before)

    def checkpoint(self) -> None:
        """Called after each document is written (and the keyword index refreshed when due). Does
        nothing here; :mod:`bot.kb.worker` may pause in it (``settings.ingest_throttle_s``, tests only)."""


# --------------------------------------------------------------------------------------
# the index
# --------------------------------------------------------------------------------------


class KnowledgeIndex:
    """Chroma collection + BM25 store for one data directory (or one Chroma server).

    Thread-safe for concurrent readers; writes (ingest/delete) are serialised by a lock.

    Raises:
        EmbedderMismatchError: on open, when the collection was built with another embedder.
    """

    def __init__(self, settings: Settings, embeddings=None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.embeddings = embeddings or get_embeddings(settings.embedding_model)
        self._write_lock = threading.RLock()
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        self._ef = ChromaEmbeddingAdapter(model=settings.embedding_model, embeddings=self.embeddings)
        embedder_id = getattr(self.embeddings, "id", type(self.embeddings).__name__)
        dimension = int(getattr(self.embeddings, "dimension", 0))
        where = (f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
                 else f"索引目录 {settings.chroma_dir}")
        try:
            if settings.chroma_host:
                self.client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
            else:
                if Path(settings.data_dir).exists() and not Path(settings.data_dir).is_dir():
                    raise KnowledgeIndexError(f"数据目录 {settings.data_dir} 是一个文件而不是目录；请把 DANGJIAN_DATA_DIR "
                                              "（或 --data-dir）指向一个目录")
                settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
            self.collection = self.client.get_or_create_collection(
                name=settings.collection,
                embedding_function=self._ef,
                metadata={"hnsw:space": "cosine", "embedder": embedder_id, "dimension": dimension},
            )
        except KnowledgeIndexError:
            raise
        except Exception as e:  # a file in the way, a damaged chroma.sqlite3, a server that cannot be reached
            raise KnowledgeIndexError(
                f"无法打开{where}（{type(e).__name__}: {str(e)[:200]}）。请检查该位置是否可写、是否完好；索引损坏时可删除"
                f"该目录后重新运行 `dangjian ingest` 重建，或用 DANGJIAN_DATA_DIR 指定另一个目录"
            ) from e
        meta = self.collection.metadata or {}
        if meta.get("embedder") and meta.get("embedder") != embedder_id:
            raise EmbedderMismatchError(
                f"索引 {settings.collection!r} 是用向量模型 {meta.get('embedder')}（{meta.get('dimension')} 维）"
                f"建立的，当前配置的模型是 {embedder_id}（{dimension} 维）。请改回原模型，"
                f"或换一个数据目录（DANGJIAN_DATA_DIR）重新建立索引。"
            )
        self.embedder_id = embedder_id
        self.sentences = self.client.get_or_create_collection(
            name=f"{settings.collection}_sentences",
            embedding_function=self._ef,
            metadata={"hnsw:space": "cosine", "embedder": embedder_id, "dimension": dimension},
        )
        for col in (self.collection, self.sentences):
            self._apply_ef_search(col)
        self.bm25 = BM25Store(settings.bm25_dir)
        self._bm25_checked_at = -1e9
        self._mean: np.ndarray | None = None
        self._mean_revision: str | None = None
        self._mean_lock = threading.Lock()
        self._tracker: IngestProgress | None = None  # the running ingest's counters (advanced per embedding batch)
        self.migrate_keys()

    def migrate_keys(self) -> int:
        """Re-key documents indexed by an absolute path inside the knowledge base (indexes built before
        keys were relative, or by a run with another ``kb_dir``) to their key relative to
        ``settings.kb_dir`` (:func:`bot.ingest.load.document_key`). Only metadata changes: every vector and
        chunk id stays, nothing is embedded. Called on open; returns the number
        of documents re-keyed. The collection remembers the root it was checked against (metadata
        ``keys_root``, cleared when a document outside the knowledge base is written), so an open with the
        same root reads nothing (reading the chunk metadata takes 0.8 s on the development corpus)."""
        kb = os.path.abspath(self.settings.kb_dir)
        if (self.collection.metadata or {}).get("keys_root") == kb:
            return 0
        prefix = kb.rstrip(os.sep) + os.sep
        ids: list[str] = []
        metas: list[dict] = []
        renamed: dict[str, str] = {}
        data = self._all(["metadatas"])
        for cid, m in zip(data["ids"], data["metadatas"]):
            old = str(m.get("path", ""))
            if old.startswith(prefix):
                ids.append(cid)
                metas.append({**m, "path": renamed.setdefault(old, document_key(old, kb))})
        if not ids:
            self._set_metadata(keys_root=kb)
            return 0
        step = 1000  # below Chroma's maximum batch size
        with self._write_lock:
            for old, new in renamed.items():  # sentences first: a chunk re-keyed has its sentences re-keyed
                got = self.sentences.get(where={"path": old}, include=["metadatas"])
                for i in range(0, len(got["ids"]), step):
                    self.sentences.update(ids=got["ids"][i : i + step],
                                          metadatas=[{**m, "path": new} for m in got["metadatas"][i : i + step]])
            for i in range(0, len(ids), step):
                self.collection.update(ids=ids[i : i + step], metadatas=metas[i : i + step])
            self._set_metadata(keys_root=kb)
            self._bump_revision()
            self.invalidate()
        log.warning("索引中 %d 篇文档的键已改为相对知识库目录 %s 的路径（未重新向量化）", len(renamed), kb)
        return len(renamed)

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
        return int(self.collection.count())

    def _all(self, include: list[str]) -> dict[str, Any]:
        """All records, fetched in pages (Chroma caps one get at about 40k records on SQLite)."""
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

    def revision(self) -> str:
        """The collection's revision stamp (changes on every write, by any process or replica)."""
        col = self.client.get_collection(self.settings.collection, embedding_function=self._ef)
        return str((col.metadata or {}).get("revision", ""))

    def _bump_revision(self) -> str:
        """Stamp a new revision on the collection (hnsw settings cannot be re-sent to modify)."""
        import uuid

        rev = uuid.uuid4().hex
        self._set_metadata(revision=rev)
        return rev

    def _set_metadata(self, **values) -> None:
        """Set collection metadata keys, keeping the others (hnsw settings cannot be re-sent to modify)."""
        meta = {k: v for k, v in (self.collection.metadata or {}).items() if not k.startswith("hnsw:")}
        self.collection.modify(metadata={**meta, **values})

    def ensure_bm25(self) -> BM25Store:
        """The BM25 index, current with the collection: loaded from disk, and rebuilt from Chroma
        when missing, corrupt, or built from another revision (another process or app replica
        changed the knowledge base). The revision is re-read at most every 2 seconds. While an ingest
        holds the write lock it never waits: it returns the in-memory index the ingest keeps current
        (:class:`IngestProgress`), so questions are answered during a long ingest."""
        now = time.monotonic()
        if self.bm25.retriever is not None and now - self._bm25_checked_at < 2.0:
            return self.bm25
        if not self._write_lock.acquire(blocking=False):
            # an ingest is writing (it may take many minutes): search with the keyword index it keeps
            # in memory; it rebuilds that after the regulations, every bm25_refresh_s and at the end
            return self.bm25
        try:
            current = self.revision()
            if self.bm25.retriever is not None and self.bm25.revision == current:
                self._bm25_checked_at = now
                return self.bm25
            ok = self.bm25.load() and self.bm25.revision == current
            if ok and self.count() != len(self.bm25.ids):
                ok = False
            if ok and not current and self.count() and self.bm25.fingerprint != BM25Store.fingerprint_of(self._all([])["ids"]):
                ok = False
            if not ok:
                self._rebuild_bm25(current)
            self._bm25_checked_at = now
        finally:
            self._write_lock.release()
        return self.bm25

    def invalidate(self) -> None:
        """Re-read the collection's revision on the next search (the BM25 index and the mean
        embedding follow it), instead of within 2 seconds."""
        self._bm25_checked_at = -1e9

    def _rebuild_bm25(self, revision: str | None = None) -> None:
        data = self._all(["documents", "metadatas"])
        texts = [Chunk.from_metadata(i, d, m).embed_text for i, d, m in zip(data["ids"], data["documents"], data["metadatas"])]
        types = [str(m.get("doc_type", "")) for m in data["metadatas"]]
        self.bm25.build(list(data["ids"]), texts, types, revision=self.revision() if revision is None else revision)
        log.info("BM25 索引已重建：%d 个片段", len(texts))

    def embed_query(self, query: str) -> list[float]:
        """The query embedding (one vector of the embedder's dimension)."""
        return self.embeddings.embed_query(query)

    def embedding_mean(self) -> np.ndarray | None:
        """Mean embedding of the indexed sentences (of the passages when there are none), shape
        (dimension,), float32: the direction all embeddings share, removed before dense ranking
        (``settings.centering``). Computed once per index revision, from all vectors when there are
        at most ``MEAN_SAMPLE_PAGES`` × ``MEAN_PAGE``, else from that many read at evenly spaced
        offsets (4,000 of the development corpus's 36,166 sentences give a mean whose cosine with
        the full mean is 0.9999). None when centering is off or fewer than
        ``settings.centering_min_vectors`` vectors are indexed."""
        if not self.settings.centering:
            return None
        revision = self.ensure_bm25().revision
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

    def bm25_search(self, query: str, n: int, doc_type: str | None = None) -> list[tuple[str, float]]:
        return self.ensure_bm25().search(query, n, doc_type)

    def find_article(self, titles: list[str], number: int) -> list[Chunk]:
        """Chunks of article ``number`` of the first regulation in ``titles`` that has it
        (all pieces of a long article, in order)."""
        for title in titles:
            got = self.collection.get(
                where={"$and": [{"title": title}, {"article_no": number}]},
                include=["documents", "metadatas"],
            )
            if got["ids"]:
                chunks = [Chunk.from_metadata(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
                # several versions of one regulation: the current one, else the latest
                best = max(chunks, key=lambda c: (c.status == "现行有效", c.effective))
                return sorted((c for c in chunks if c.path == best.path), key=lambda c: c.index)
        return []

    def last_article(self, title: str) -> int | None:
        """The highest article number of the regulation ``title`` (its current version when the
        index holds several); None when it has no numbered articles."""
        got = self.collection.get(where={"$and": [{"title": title}, {"article_no": {"$gt": 0}}]}, include=["metadatas"])
        metas = got["metadatas"] or []
        current = [m for m in metas if m.get("status") == "现行有效"] or metas
        return max((int(m["article_no"]) for m in current), default=None)

    def titles(self) -> list[str]:
        """Distinct document titles of regulations (doc type 法规) in the index."""
        got = self.collection.get(where={"doc_type": "法规"}, include=["metadatas"])
        return sorted({str(m.get("title", "")) for m in got["metadatas"] or []})

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Indexed documents: path → {hashes: doc_hash → chunk count, n_chunks, title, doc_type,
        version, source, status, effective, sentences: whether all its chunks have sentence embeddings}."""
        data = self._all(["metadatas"])
        docs: dict[str, dict[str, Any]] = {}
        for m in data["metadatas"]:
            p = str(m.get("path", ""))
            d = docs.setdefault(
                p,
                {"hashes": Counter(), "n_chunks": int(m.get("n_chunks", 0)), "title": m.get("title", ""),
                 "doc_type": m.get("doc_type", ""), "version": m.get("version", ""), "source": m.get("source", ""),
                 "status": m.get("status", "现行有效"), "effective": m.get("effective", "")},
            )
            d["hashes"][m.get("doc_hash", "")] += 1
            d["sentences"] = d.get("sentences", True) and bool(m.get("sentences"))
        return docs

    def stats(self) -> dict[str, Any]:
        """Counts for ``dangjian stats``: documents and chunks by type, embedder, locations."""
        manifest = self.manifest()
        chunks_by_type: Counter = Counter()
        docs_by_type: Counter = Counter()
        for d in manifest.values():
            docs_by_type[d["doc_type"]] += 1
            chunks_by_type[d["doc_type"]] += sum(d["hashes"].values())
        return {
            "documents": len(manifest),
            "chunks": self.count(),
            "sentences": int(self.sentences.count()),
            "documents_by_type": dict(docs_by_type),
            "chunks_by_type": dict(chunks_by_type),
            "embedder": self.embedder_id,
            "collection": self.settings.collection,
            "location": (
                f"http://{self.settings.chroma_host}:{self.settings.chroma_port}"
                if self.settings.chroma_host else str(self.settings.chroma_dir)
            ),
        }

    # ---------------------------------------------------------------- writing
    def ingest(self, root: Path, progress: ProgressFn | None = None, show_progress: bool = True,
               tracker: IngestProgress | None = None) -> IngestReport:
        """Index every supported file below ``root`` incrementally (by content hash).

        Unchanged documents are skipped, changed ones replaced, documents that were indexed from
        below ``root`` and are gone are removed; documents from other folders are untouched.
        A file that cannot be read is reported in ``report.failed`` (file and reason) and the
        rest go on. ``progress(fraction, message)`` is called as work proceeds (for the app);
        a tqdm bar goes to stderr when ``show_progress``; ``tracker`` gets live counters.

        Regulations (doc type 法规) are embedded and written first; the keyword index is rebuilt
        after each of them (unless the last rebuild was less than :data:`REGULATION_REFRESH_FACTOR`
        times its own duration ago) and always after the last one, so the regulations are searchable
        while the other documents are still being embedded; then every ``settings.bm25_refresh_s``
        seconds, and at the end. Each document is visible to vector search as soon as it is written.

        Raises:
            FileNotFoundError: ``root`` does not exist.
        """
        from tqdm import tqdm

        root = Path(root)
        if not root.exists():
            raise FileNotFoundError(f"找不到要索引的路径：{root}")
        t0 = time.perf_counter()
        report = IngestReport(root=str(root))
        limits = LoadLimits.from_settings(self.settings)
        kb_dir = self.settings.kb_dir
        tracker = tracker or IngestProgress()
        with self._write_lock:
            self._tracker = tracker
            self.ensure_bm25()  # loaded now, so searches during this run have a keyword index
            manifest = self.manifest()
            files = list(iter_files(root))
            seen: set[str] = set()
            todo: list[tuple[Path, Any]] = []
            for f in files:
                key = document_key(f, kb_dir)
                seen.add(key)
                try:
                    digest = document_hash(content_hash(f))
                except OSError as e:
                    report.failed.append({"file": str(f), "reason": f"无法读取文件（{e.strerror or e}）"})
                    continue
                entry = manifest.get(key)
                if entry and entry["hashes"].get(digest, 0) == entry["n_chunks"] and len(entry["hashes"]) == 1:
                    report.unchanged += 1
                    continue
                todo.append((f, entry))
            # documents to load and split (fast), then embed and write (slow)
            prepared: list[tuple[Path, Any, list[Chunk]]] = []
            for f, entry in todo:
                try:
                    doc = load_document(f, root, key=document_key(f, kb_dir), limits=limits)
                    chunks = split_document(doc)
                    if not chunks:
                        raise LoadError(f, "没有切分出任何片段")
                except LoadError as e:
                    failure = {"file": str(f), "reason": e.reason}
                    if e.refused and (moved := self._quarantine(f, e.reason)):
                        failure["quarantined"] = str(moved)
                    report.failed.append(failure)
                    continue
                except Exception as e:  # a bug or an exotic file must not stop the whole run
                    log.exception("处理文件失败：%s", f)
                    report.failed.append({"file": str(f), "reason": f"处理失败（{type(e).__name__}: {e}）"})
                    continue
                prepared.append((f, entry, chunks))
            prepared.sort(key=lambda x: x[2][0].doc_type != "法规")  # regulations first (stable otherwise)
            regulations = sum(chunks[0].doc_type == "法规" for _, _, chunks in prepared)
            if any(os.path.isabs(chunks[0].path) for _, _, chunks in prepared):
                self._set_metadata(keys_root="")  # absolute keys again: a later open with kb_dir above them re-keys
            backfill = self._missing_sentences(manifest, {chunks[0].path for _, _, chunks in prepared})
            total_chars = sum(self._embed_chars(cs) for _, _, cs in prepared) + sum(map(self._sentence_chars, backfill))
            bar = tqdm(total=total_chars, unit="字", unit_scale=True, desc="向量化", disable=not show_progress or not (prepared or backfill), file=None)
            done_chars = 0
            tracker.docs_total, tracker.regulations, tracker.chars_total = len(prepared), regulations, total_chars
            tracker.stage, tracker.started = "向量化", time.monotonic()
            refreshed, rebuild_s, regulations_pending = time.monotonic(), 0.0, regulations > 0
            for n_doc, (f, entry, chunks) in enumerate(prepared):
                try:
                    embedded = self._write_document(chunks)
                except Exception as e:
                    log.exception("写入索引失败：%s", f)
                    report.failed.append({"file": str(f), "reason": f"写入索引失败（{type(e).__name__}: {e}）"})
                    continue
                removed = self._delete_other_versions(chunks[0].path, chunks[0].doc_hash)
                report.chunks_removed += removed
                report.chunks_added += len(chunks)
                chars = self._embed_chars(chunks)
                report.chars_embedded += embedded
                done_chars += chars
                if entry:
                    report.updated += 1
                else:
                    report.added += 1
                bar.update(chars)
                tracker.docs_done, tracker.chars_done, tracker.current = n_doc + 1, done_chars, f.name
                since = time.monotonic() - refreshed
                due = (regulations_pending and n_doc + 1 >= regulations) or 0 < self.settings.bm25_refresh_s <= since \
                    or (n_doc + 1 <= regulations and since >= REGULATION_REFRESH_FACTOR * rebuild_s)
                regulations_pending = regulations_pending and n_doc + 1 < regulations
                if due and n_doc + 1 < len(prepared):  # (the last document is followed by the final rebuild)
                    began = time.monotonic()
                    self.refresh_versions()  # 现行有效/已修订 of the regulations written so far
                    self._rebuild_bm25(self._bump_revision())
                    self._bm25_checked_at = refreshed = time.monotonic()
                    rebuild_s = refreshed - began
                    tracker.searchable = n_doc + 1
                tracker.checkpoint()
                if progress:
                    progress(done_chars / max(total_chars, 1), f"已索引 {n_doc + 1}/{len(prepared)}：{f.name}")
            for chunks in backfill:  # older index: sentence embeddings of unchanged documents
                path = chunks[0].path
                try:
                    self._add_sentences_to(chunks)
                except Exception as e:
                    log.exception("写入句向量失败：%s", path)
                    report.failed.append({"file": path, "reason": f"写入句向量失败（{type(e).__name__}: {e}）"})
                    continue
                chars = self._sentence_chars(chunks)
                report.chars_embedded += chars
                tracker.chars_done += chars
                report.sentences_backfilled += 1
                done_chars += chars
                bar.update(chars)
                if progress:
                    progress(done_chars / max(total_chars, 1), f"补建句向量：{Path(path).name}")
            bar.close()
            # documents indexed from below root that are gone
            root_abs = os.path.abspath(root)
            for path in manifest:
                where = str(key_path(path, kb_dir))
                below = where == root_abs or where.startswith(root_abs.rstrip(os.sep) + os.sep)
                if below and path not in seen:
                    report.chunks_removed += self.delete_document(path, rebuild=False)
                    report.removed += 1
            if report.added or report.updated or report.removed or report.chunks_removed:
                self.refresh_versions()
                self._rebuild_bm25(self._bump_revision())
                self._bm25_checked_at = time.monotonic()
            elif not self.bm25.load():
                self._rebuild_bm25()
            tracker.searchable, tracker.stage = tracker.docs_done, "完成"
            self._tracker = None
        report.chunks_by_type = self.stats()["chunks_by_type"]
        report.seconds = time.perf_counter() - t0
        return report

    def _quarantine(self, path: Path, reason: str) -> Path | None:
        """Move a refused file that lies inside the knowledge base to ``<data_dir>/quarantine/`` (with
        a ``.reason.txt`` beside it), so it is reported once instead of at every ingest and cannot cost
        anything again; its sidecar goes with it. Files outside the knowledge base are never moved.
        Returns the new place, or None when the file was left where it is."""
        import shutil

        from bot.ingest.load import sidecar_path

        import stat

        if not inside(path, self.settings.kb_dir) or os.path.islink(path):
            return None
        if not os.stat(Path(path).parent).st_mode & stat.S_IWUSR:
            return None  # a read-only knowledge base (such as a shared corpus) is never changed
        folder = Path(self.settings.data_dir) / "quarantine"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            dest = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{Path(path).name}"
            shutil.move(str(path), dest)
            side = sidecar_path(Path(path))
            if side.is_file():
                shutil.move(str(side), sidecar_path(dest))
            (folder / (dest.name + ".reason.txt")).write_text(f"{path}\n{reason}\n", encoding="utf-8")
        except OSError as e:
            log.warning("无法把被拒绝的文件移入隔离区：%s（%s）", path, e)
            return None
        log.warning("文件被拒绝并移入隔离区 %s：%s", dest, reason)
        return dest

    def refresh_versions(self) -> dict[str, str]:
        """Decide each regulation's status where no sidecar set it: among documents with the same
        title the one with the latest effective date is 现行有效, the others 已修订. Updates chunk
        metadata in place; returns {path: status} of the documents whose status changed."""
        got = self.collection.get(where={"doc_type": "法规"}, include=["metadatas"])
        docs: dict[str, dict] = {}
        for cid, m in zip(got["ids"], got["metadatas"]):
            d = docs.setdefault(m.get("path", ""), {"ids": [], "meta": m})
            d["ids"].append(cid)
        by_title: dict[str, list[str]] = defaultdict(list)
        for path, d in docs.items():
            by_title[str(d["meta"].get("title", ""))].append(path)
        changed: dict[str, str] = {}
        for paths in by_title.values():
            auto = [p for p in paths if docs[p]["meta"].get("status_source") != "sidecar"]
            latest = max(auto, key=lambda p: (str(docs[p]["meta"].get("effective", "")), p), default=None)
            for p in auto:
                status = "现行有效" if p == latest else "已修订"
                if docs[p]["meta"].get("status") != status:
                    metas = self.collection.get(ids=docs[p]["ids"], include=["metadatas"])["metadatas"]
                    self.collection.update(ids=docs[p]["ids"], metadatas=[{**m, "status": status} for m in metas])
                    changed[p] = status
        return changed

    def set_status(self, path: str, status: str) -> int:
        """Set a document's status by hand (as a sidecar would); returns chunks updated."""
        with self._write_lock:
            got = self.collection.get(where={"path": path}, include=["metadatas"])
            if got["ids"]:
                self.collection.update(ids=got["ids"], metadatas=[{**m, "status": status, "status_source": "sidecar"}
                                                                   for m in got["metadatas"]])
                self.refresh_versions()
                self._rebuild_bm25(self._bump_revision())
            return len(got["ids"])

    @property
    def _with_sentences(self) -> bool:
        return self.settings.sentence_weight > 0

    @staticmethod
    def _sentence_chars(chunks: list[Chunk]) -> int:
        """Characters of the sentences of ``chunks`` (what their sentence embeddings cover)."""
        return sum(len(s) for c in chunks for s in split_sentences(c.text))

    @property
    def _pooled(self) -> bool:
        """Whether passage vectors are pooled from sentence vectors (``settings.chunk_vectors``)."""
        return self._with_sentences and self.settings.chunk_vectors == "pooled"

    def _embed_chars(self, chunks: list[Chunk]) -> int:
        """Characters embedded when writing ``chunks``: passages, plus sentences when enabled; with
        pooled passage vectors, the sentences plus each distinct heading path once."""
        if self._pooled:
            return self._sentence_chars(chunks) + sum(len(label) for label in {c.path_label for c in chunks})
        n = sum(len(c.embed_text) for c in chunks)
        return n + self._sentence_chars(chunks) if self._with_sentences else n

    def _embed(self, texts: list[str]) -> list[list[float]]:
        batch = max(1, self.settings.embedding_batch_size)
        vectors: list[list[float]] = []
        for i in range(0, len(texts), batch):
            vectors += self.embeddings.embed_documents(texts[i : i + batch])
            if self._tracker is not None:  # progress inside a long document; set exactly when it is written
                self._tracker.chars_done += sum(map(len, texts[i : i + batch]))
        return vectors

    def _reusable_vectors(self, path: str, doc_hash: str) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        """Embeddings of the other indexed versions of the document at ``path``, for reuse when a
        new version is written: ({chunk embed_text: vector}, {sentence: vector}). An edited file
        or a new splitter changes some chunks, not all; the rest need not be embedded again (the
        collection is bound to one embedder, see :class:`EmbedderMismatchError`). Empty when there
        is no other version, or when the vectors cannot be read (an index left by a killed process
        may not have its vector segment on disk yet): then everything is embedded afresh."""
        got = self.collection.get(where={"path": path}, include=["documents", "metadatas"])
        old = [(cid, doc, meta) for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])
               if meta.get("doc_hash") != doc_hash]
        if not old:
            return {}, {}
        try:
            vectors = self.collection.get(ids=[cid for cid, _, _ in old], include=["embeddings"])
            by_id = dict(zip(vectors["ids"], vectors["embeddings"]))
            chunk_vectors = {Chunk.from_metadata(cid, doc, meta).embed_text: list(by_id[cid])
                             for cid, doc, meta in old if cid in by_id}
            sentence_vectors: dict[str, list[float]] = {}
            if self._with_sentences:
                got = self.sentences.get(where={"$and": [{"path": path}, {"doc_hash": {"$ne": doc_hash}}]},
                                         include=["documents", "embeddings"])
                sentence_vectors = {d: list(v) for d, v in zip(got["documents"], got["embeddings"])}
        except Exception as e:  # noqa: BLE001 - reuse is an optimisation; never fail a write over it
            log.warning("读取旧版本向量失败，将重新向量化：%s（%s）", path, e)
            return {}, {}
        return chunk_vectors, sentence_vectors

    def _embed_reusing(self, texts: list[str], known: dict[str, list[float]]) -> tuple[list[list[float]], int]:
        """Vectors of ``texts``, taken from ``known`` where present, embedded otherwise; also the
        number of characters actually embedded."""
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        fresh = dict(zip(todo, self._embed(todo))) if todo else {}
        return [known.get(t) or fresh[t] for t in texts], sum(map(len, todo))

    def _write_sentences(
        self, chunks: list[Chunk], known: dict[str, list[float]] | None = None
    ) -> tuple[int, dict[str, list[tuple[str, list[float]]]]]:
        """Embed and add the sentences of one document version's chunks (replacing a partial
        write); vectors in ``known`` (sentence → vector) are reused. Returns (characters embedded,
        {chunk id: [(sentence, vector), …]})."""
        c0 = chunks[0]
        self.sentences.delete(where={"$and": [{"path": c0.path}, {"doc_hash": c0.doc_hash}]})
        ids, texts, metas = [], [], []
        for c in chunks:
            for k, sentence in enumerate(split_sentences(c.text)):
                ids.append(sentence_id(c.id, k))
                texts.append(sentence)
                metas.append({"chunk_id": c.id, "path": c.path, "doc_hash": c.doc_hash, "doc_type": c.doc_type})
        step = 1000  # below Chroma's maximum batch size
        embedded = 0
        by_chunk: dict[str, list[tuple[str, list[float]]]] = defaultdict(list)
        for i in range(0, len(ids), step):
            vectors, n = self._embed_reusing(texts[i : i + step], known or {})
            embedded += n
            self.sentences.add(ids=ids[i : i + step], documents=texts[i : i + step], metadatas=metas[i : i + step],
                               embeddings=vectors)
            for meta, text, vector in zip(metas[i : i + step], texts[i : i + step], vectors):
                by_chunk[meta["chunk_id"]].append((text, vector))
        return embedded, by_chunk

    def _pooled_vectors(
        self, chunks: list[Chunk], sentences: dict[str, list[tuple[str, list[float]]]], known: dict[str, list[float]]
    ) -> tuple[list[list[float]], int]:
        """Passage vectors pooled from their sentences' vectors and their heading path's vector
        (:func:`bot.store.embed.pool_vectors`, weights = characters; the heading's × ``pooled_heading_weight``).
        A passage whose ``embed_text`` has a vector in ``known`` keeps it; one without sentences
        (all shorter than the sentence minimum) is embedded whole. Returns (vectors, characters embedded)."""
        weight = self.settings.pooled_heading_weight
        todo = [c for c in chunks if c.embed_text not in known]
        labels = list(dict.fromkeys(c.path_label for c in todo if c.path_label)) if weight > 0 else []
        whole = list(dict.fromkeys(c.embed_text for c in todo if not sentences.get(c.id)))
        fresh = dict(zip(labels + whole, self._embed(labels + whole))) if labels or whole else {}
        out = []
        for c in chunks:
            if c.embed_text in known:
                out.append(known[c.embed_text])
            elif not sentences.get(c.id):
                out.append(fresh[c.embed_text])
            else:
                parts = [(float(len(t)), v) for t, v in sentences[c.id]]
                if weight > 0 and c.path_label:
                    parts.append((weight * len(c.path_label), fresh[c.path_label]))
                out.append(pool_vectors(parts))
        return out, sum(map(len, labels)) + sum(map(len, whole))

    def _write_document(self, chunks: list[Chunk]) -> int:
        """Embed and add one document's chunks (replacing a partial write of the same version).
        Its sentences are written first, so a chunk that is present has its sentences too.
        Chunks and sentences whose text an older version of the document already has keep that
        version's vectors. Returns the characters actually embedded."""
        c0 = chunks[0]
        ids = [c.id for c in chunks]
        existing = self.collection.get(ids=ids, include=[])["ids"]
        if existing:
            self.collection.delete(ids=existing)
        known_chunks, known_sentences = self._reusable_vectors(c0.path, c0.doc_hash)
        embedded, by_chunk = self._write_sentences(chunks, known_sentences) if self._with_sentences else (0, {})
        if self._pooled:
            vectors, n = self._pooled_vectors(chunks, by_chunk, known_chunks)
        else:
            vectors, n = self._embed_reusing([c.embed_text for c in chunks], known_chunks)
        self.collection.add(
            ids=ids,
            documents=[c.text for c in chunks],
            metadatas=[{**c.metadata(), "sentences": int(self._with_sentences)} for c in chunks],
            embeddings=vectors,
        )
        return embedded + n

    def _missing_sentences(self, manifest: dict[str, dict[str, Any]], skip: set[str]) -> list[list[Chunk]]:
        """The chunks of each complete indexed document without sentence embeddings, except the
        documents in ``skip`` (about to be rewritten anyway)."""
        if not self._with_sentences:
            return []
        todo = []
        for path, d in manifest.items():
            if d.get("sentences") or path in skip or len(d["hashes"]) != 1:
                continue
            todo.append(self.document_chunks(path, next(iter(d["hashes"]))))
        return todo

    def _add_sentences_to(self, chunks: list[Chunk]) -> None:
        """Give an indexed document version's chunks their sentence embeddings, then mark them."""
        self._write_sentences(chunks)
        self.collection.update(ids=[c.id for c in chunks], metadatas=[{**c.metadata(), "sentences": 1} for c in chunks])

    def _delete_other_versions(self, path: str, keep_hash: str) -> int:
        got = self.collection.get(where={"path": path}, include=["metadatas"])
        old = [i for i, m in zip(got["ids"], got["metadatas"]) if m.get("doc_hash") != keep_hash]
        if old:
            self.collection.delete(ids=old)
        self.sentences.delete(where={"$and": [{"path": path}, {"doc_hash": {"$ne": keep_hash}}]})
        return len(old)

    def delete_document(self, path: str, rebuild: bool = True) -> int:
        """Remove every chunk of the document at ``path`` (absolute path). Returns chunks removed."""
        with self._write_lock:
            got = self.collection.get(where={"path": path}, include=[])
            if got["ids"]:
                self.collection.delete(ids=got["ids"])
            self.sentences.delete(where={"path": path})
            if rebuild:
                self._rebuild_bm25(self._bump_revision())
            return len(got["ids"])
