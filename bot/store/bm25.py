"""Keyword (BM25) search: the tokenizer, the on-disk bm25s index (:class:`BM25Store`) and its
synchronisation with the Chroma collection (:class:`KeywordIndex`: build, ensure current, invalidate).

The BM25 index is derived from Chroma's stored texts and saved under ``settings.bm25_dir`` with the
chunk ids it covers and the collection revision it was built from; it is rebuilt when missing, corrupt
or stale (another process or app replica changed the knowledge base).

Public API: :func:`tokenize`, :class:`BM25Store`, :class:`KeywordIndex`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from bot.schema import Chunk

log = logging.getLogger(__name__)

#: seconds a current keyword index is trusted before the collection's revision is read again
REVISION_CHECK_S = 2.0

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


class KeywordIndex:
    """The :class:`BM25Store` of one :class:`~bot.store.chroma.ChunkStore`, kept current with it.

    ``checked_at`` (``time.monotonic()``) is when the index was last known current; the ingest sets it
    after each rebuild. Shares ``store.write_lock`` with the writers.
    """

    def __init__(self, store, directory: Path):
        self.store = store
        self.bm25 = BM25Store(directory)
        self.checked_at = -1e9

    def ensure(self) -> BM25Store:
        """The BM25 index, current with the collection: loaded from disk, and rebuilt from Chroma
        when missing, corrupt, or built from another revision (another process or app replica
        changed the knowledge base). The revision is re-read at most every :data:`REVISION_CHECK_S`
        seconds. While an ingest holds the write lock it never waits: it returns the in-memory index
        the ingest keeps current (:class:`bot.ingest.ingestor.IngestProgress`), so questions are
        answered during a long ingest."""
        now = time.monotonic()
        if self.bm25.retriever is not None and now - self.checked_at < REVISION_CHECK_S:
            return self.bm25
        lock = self.store.write_lock
        if not lock.acquire(blocking=False):
            # an ingest is writing (it may take many minutes): search with the keyword index it keeps
            # in memory; it rebuilds that after the regulations, every bm25_refresh_s and at the end
            return self.bm25
        try:
            current = self.store.revision()
            if self.bm25.retriever is not None and self.bm25.revision == current:
                self.checked_at = now
                return self.bm25
            if not self._loaded_current(current):
                self.rebuild(current)
            self.checked_at = now
        finally:
            lock.release()
        return self.bm25

    def _loaded_current(self, current: str) -> bool:
        """Load the saved index; whether it is that of revision ``current`` and covers the collection
        (same count; same ids when the collection has no revision stamp yet)."""
        ok = self.bm25.load() and self.bm25.revision == current
        if ok and self.store.count() != len(self.bm25.ids):
            ok = False
        if ok and not current and self.store.count() \
                and self.bm25.fingerprint != BM25Store.fingerprint_of(self.store.records([])["ids"]):
            ok = False
        return ok

    def invalidate(self) -> None:
        """Re-read the collection's revision on the next search (the BM25 index and the mean
        embedding follow it), instead of within :data:`REVISION_CHECK_S` seconds."""
        self.checked_at = -1e9

    def rebuild(self, revision: str | None = None) -> None:
        """Rebuild and save the index from every chunk's ``embed_text`` (heading path + text), tagged
        with ``revision`` (default: the collection's current one)."""
        data = self.store.records(["documents", "metadatas"])
        texts = [Chunk.from_metadata(i, d, m).embed_text for i, d, m in zip(data["ids"], data["documents"], data["metadatas"])]
        types = [str(m.get("doc_type", "")) for m in data["metadatas"]]
        self.bm25.build(list(data["ids"]), texts, types, revision=self.store.revision() if revision is None else revision)
        log.info("BM25 索引已重建：%d 个片段", len(texts))

    def search(self, query: str, n: int, doc_type: str | None = None) -> list[tuple[str, float]]:
        """Top ``n`` (chunk id, BM25 score > 0), best first, from the current index (:meth:`ensure`)."""
        return self.ensure().search(query, n, doc_type)
