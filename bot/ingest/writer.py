"""Writing one document version into the chunk store: embedding its passages and sentences, reusing
the vectors of an older version of the same document, pooling passage vectors from sentence vectors.

Writes are atomic per document: new chunks (ids contain the content hash) are added before the old
version's chunks are deleted (:meth:`DocumentWriter.delete_other_versions`), so a crash leaves either
the old or the new version complete, never a document missing; a partly written version is detected
by its chunk count and rewritten on the next run. A document's sentences are written before its chunks,
and its chunks record that they have them (metadata ``sentences = 1``): an index built without sentence
embeddings (an older version, ``sentence_weight = 0``, or a type newly added to ``sentence_doc_types``)
gets them on the next ingest
(:meth:`DocumentWriter.missing_sentences`), without re-embedding any chunk.

Public API: :class:`DocumentWriter`, :func:`chars_to_embed`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from bot.config import Settings
from bot.schema import Chunk
from bot.store.chroma import WRITE_BATCH, ChunkStore, sentence_id
from bot.store.embed import pool_vectors
from bot.text.zh import split_sentences

log = logging.getLogger(__name__)


def chars_to_embed(chunks: list[Chunk], settings: Settings) -> int:
    """Characters a first write of one document's ``chunks`` embeds under ``settings``: its passages
    (``embed_text``: heading path + text), plus its sentences when its type is in ``settings.sentence_types``;
    with pooled passage vectors (``settings.chunk_vectors``), its sentences plus each distinct heading path once.
    Also what ``python -m eval.bench`` counts per mode."""
    if not chunks:
        return 0
    sentences = chunks[0].doc_type in settings.sentence_types
    sentence_chars = DocumentWriter.sentence_chars(chunks) if sentences else 0
    if sentences and settings.chunk_vectors == "pooled":
        return sentence_chars + sum(len(label) for label in {c.path_label for c in chunks})
    return sum(len(c.embed_text) for c in chunks) + sentence_chars


class DocumentWriter:
    """Embeds and writes document versions into ``store``. ``tracker``: the running ingest's
    :class:`bot.ingest.ingestor.IngestProgress` (its ``chars_done`` advances per embedding batch), or None.
    Callers hold ``store.write_lock``."""

    def __init__(self, store: ChunkStore):
        self.store = store
        self.settings = store.settings
        self.tracker = None

    # ---------------------------------------------------------------- what is embedded
    @property
    def with_sentences(self) -> bool:
        """Whether sentence embeddings are written for any document type (``settings.sentence_types``)."""
        return bool(self.settings.sentence_types)

    def sentences_for(self, doc_type: str) -> bool:
        """Whether documents of ``doc_type`` get sentence embeddings (``settings.sentence_doc_types``,
        none when ``sentence_weight`` is 0)."""
        return doc_type in self.settings.sentence_types

    def pooled_for(self, doc_type: str) -> bool:
        """Whether passage vectors of ``doc_type`` are pooled from its sentence vectors (``settings.chunk_vectors``)."""
        return self.sentences_for(doc_type) and self.settings.chunk_vectors == "pooled"

    @staticmethod
    def sentence_chars(chunks: list[Chunk]) -> int:
        """Characters of the sentences of ``chunks`` (what their sentence embeddings cover)."""
        return sum(len(s) for c in chunks for s in split_sentences(c.text))

    def embed_chars(self, chunks: list[Chunk]) -> int:
        """Characters embedded when writing one document's ``chunks`` (:func:`chars_to_embed` under this
        writer's settings)."""
        return chars_to_embed(chunks, self.settings)

    # ---------------------------------------------------------------- embedding
    def _embed(self, texts: list[str]) -> list[list[float]]:
        batch = max(1, self.settings.embedding_batch_size)
        vectors: list[list[float]] = []
        for i in range(0, len(texts), batch):
            vectors += self.store.embeddings.embed_documents(texts[i : i + batch])
            if self.tracker is not None:  # progress inside a long document; set exactly when it is written
                self.tracker.chars_done += sum(map(len, texts[i : i + batch]))
        return vectors

    def _reusable_vectors(self, path: str, doc_hash: str) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        """Embeddings of the other indexed versions of the document at ``path``, for reuse when a
        new version is written: ({chunk embed_text: vector}, {sentence: vector}). An edited file
        or a new splitter changes some chunks, not all; the rest need not be embedded again (the
        collection is bound to one embedder, see :class:`bot.store.chroma.EmbedderMismatchError`). Empty
        when there is no other version, or when the vectors cannot be read (an index left by a killed
        process may not have its vector segment on disk yet): then everything is embedded afresh."""
        collection = self.store.collection
        got = collection.get(where={"path": path}, include=["documents", "metadatas"])
        old = [(cid, doc, meta) for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])
               if meta.get("doc_hash") != doc_hash]
        if not old:
            return {}, {}
        try:
            vectors = collection.get(ids=[cid for cid, _, _ in old], include=["embeddings"])
            by_id = dict(zip(vectors["ids"], vectors["embeddings"]))
            chunk_vectors = {Chunk.from_metadata(cid, doc, meta).embed_text: list(by_id[cid])
                             for cid, doc, meta in old if cid in by_id}
            sentence_vectors: dict[str, list[float]] = {}
            if self.sentences_for(str(old[0][2].get("doc_type", ""))):
                got = self.store.sentences.get(where={"$and": [{"path": path}, {"doc_hash": {"$ne": doc_hash}}]},
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
        self.store.sentences.delete(where={"$and": [{"path": c0.path}, {"doc_hash": c0.doc_hash}]})
        ids, texts, metas = [], [], []
        for c in chunks:
            for k, sentence in enumerate(split_sentences(c.text)):
                ids.append(sentence_id(c.id, k))
                texts.append(sentence)
                metas.append({"chunk_id": c.id, "path": c.path, "doc_hash": c.doc_hash, "doc_type": c.doc_type})
        step = WRITE_BATCH
        embedded = 0
        by_chunk: dict[str, list[tuple[str, list[float]]]] = defaultdict(list)
        for i in range(0, len(ids), step):
            vectors, n = self._embed_reusing(texts[i : i + step], known or {})
            embedded += n
            self.store.sentences.add(ids=ids[i : i + step], documents=texts[i : i + step],
                                     metadatas=metas[i : i + step], embeddings=vectors)
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

    # ---------------------------------------------------------------- writing
    def write_document(self, chunks: list[Chunk]) -> int:
        """Embed and add one document's chunks (replacing a partial write of the same version).
        Its sentences are written first, so a chunk that is present has its sentences too.
        Chunks and sentences whose text an older version of the document already has keep that
        version's vectors. Returns the characters actually embedded."""
        collection = self.store.collection
        c0 = chunks[0]
        ids = [c.id for c in chunks]
        existing = collection.get(ids=ids, include=[])["ids"]
        if existing:
            collection.delete(ids=existing)
        known_chunks, known_sentences = self._reusable_vectors(c0.path, c0.doc_hash)
        with_sentences = self.sentences_for(c0.doc_type)
        embedded, by_chunk = self._write_sentences(chunks, known_sentences) if with_sentences else (0, {})
        if self.pooled_for(c0.doc_type):
            vectors, n = self._pooled_vectors(chunks, by_chunk, known_chunks)
        else:
            vectors, n = self._embed_reusing([c.embed_text for c in chunks], known_chunks)
        collection.add(
            ids=ids,
            documents=[c.text for c in chunks],
            metadatas=[{**c.metadata(), "sentences": int(with_sentences)} for c in chunks],
            embeddings=vectors,
        )
        return embedded + n

    def missing_sentences(self, manifest: dict[str, dict[str, Any]], skip: set[str]) -> list[list[Chunk]]:
        """The chunks of each complete indexed document of a type that gets sentence embeddings
        (:meth:`sentences_for`) but has none, except the documents in ``skip`` (about to be rewritten anyway)."""
        if not self.with_sentences:
            return []
        todo = []
        for path, d in manifest.items():
            if d.get("sentences") or path in skip or len(d["hashes"]) != 1 or not self.sentences_for(d["doc_type"]):
                continue
            todo.append(self.store.document_chunks(path, next(iter(d["hashes"]))))
        return todo

    def add_sentences_to(self, chunks: list[Chunk]) -> None:
        """Give an indexed document version's chunks their sentence embeddings, then mark them."""
        self._write_sentences(chunks)
        self.store.collection.update(ids=[c.id for c in chunks],
                                     metadatas=[{**c.metadata(), "sentences": 1} for c in chunks])

    def delete_other_versions(self, path: str, keep_hash: str) -> int:
        """Delete the chunks and sentences of the document at ``path`` other than version ``keep_hash``;
        returns the chunks deleted."""
        got = self.store.collection.get(where={"path": path}, include=["metadatas"])
        old = [i for i, m in zip(got["ids"], got["metadatas"]) if m.get("doc_hash") != keep_hash]
        if old:
            self.store.collection.delete(ids=old)
        self.store.sentences.delete(where={"$and": [{"path": path}, {"doc_hash": {"$ne": keep_hash}}]})
        return len(old)
