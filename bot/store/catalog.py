"""What the index holds, read from the chunk metadata: regulation titles and articles, the manifest
of indexed documents (what the incremental ingest diffs against) and the counts of ``dangjian stats``.

Public API: :class:`Catalog` (``find_article``, ``last_article``, ``titles``, ``manifest``, ``stats``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.schema import Chunk
from bot.store.chroma import ChunkStore


class Catalog:
    """Metadata queries over one :class:`~bot.store.chroma.ChunkStore` (reads only)."""

    def __init__(self, store: ChunkStore):
        self.store = store

    def find_article(self, titles: list[str], number: int) -> list[Chunk]:
        """Chunks of article ``number`` of the first regulation in ``titles`` that has it
        (all pieces of a long article, in order)."""
        for title in titles:
            got = self.store.collection.get(
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
        got = self.store.collection.get(where={"$and": [{"title": title}, {"article_no": {"$gt": 0}}]},
                                        include=["metadatas"])
        metas = got["metadatas"] or []
        current = [m for m in metas if m.get("status") == "现行有效"] or metas
        return max((int(m["article_no"]) for m in current), default=None)

    def titles(self) -> list[str]:
        """Distinct document titles of regulations (doc type 法规) in the index."""
        got = self.store.collection.get(where={"doc_type": "法规"}, include=["metadatas"])
        return sorted({str(m.get("title", "")) for m in got["metadatas"] or []})

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Indexed documents: path → {hashes: doc_hash → chunk count, n_chunks, title, doc_type,
        version, source, status, effective, sentences: whether all its chunks have sentence embeddings}."""
        data = self.store.records(["metadatas"])
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
        settings = self.store.settings
        return {
            "documents": len(manifest),
            "chunks": self.store.count(),
            "sentences": self.store.sentence_count(),
            "documents_by_type": dict(docs_by_type),
            "chunks_by_type": dict(chunks_by_type),
            "embedder": self.store.embedder_id,
            "collection": settings.collection,
            "location": (
                f"http://{settings.chroma_host}:{settings.chroma_port}"
                if settings.chroma_host else str(settings.chroma_dir)
            ),
        }
