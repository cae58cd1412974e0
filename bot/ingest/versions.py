"""Version status of regulations: which of several versions of one regulation is in force.

Among indexed regulations (doc type 法规) with the same title, the one with the latest effective
date is 现行有效 and the others 已修订 — unless a sidecar (``<file>.meta.yaml``, ``status_source =
sidecar``) or an administrator (:func:`set_status`) set the status by hand. The status lives in each
chunk's metadata; changing it re-embeds nothing.

Public API: :func:`refresh_versions`, :func:`set_status`.
"""

from __future__ import annotations

from collections import defaultdict

from bot.store.bm25 import KeywordIndex
from bot.store.chroma import ChunkStore


def refresh_versions(store: ChunkStore) -> dict[str, str]:
    """Decide each regulation's status where no sidecar set it: among documents with the same
    title the one with the latest effective date is 现行有效, the others 已修订 (ties: the greatest
    path). Updates chunk metadata in place; returns {path: status} of the documents whose status changed."""
    got = store.collection.get(where={"doc_type": "法规"}, include=["metadatas"])
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
                metas = store.collection.get(ids=docs[p]["ids"], include=["metadatas"])["metadatas"]
                store.collection.update(ids=docs[p]["ids"], metadatas=[{**m, "status": status} for m in metas])
                changed[p] = status
    return changed


def set_status(store: ChunkStore, keyword: KeywordIndex, path: str, status: str) -> int:
    """Set the status of the document indexed as ``path`` by hand (as a sidecar would: ``status_source
    = sidecar``), then re-decide the others (:func:`refresh_versions`) and rebuild the keyword index
    under a new revision. Returns the number of chunks updated (0: no such document)."""
    with store.write_lock:
        got = store.collection.get(where={"path": path}, include=["metadatas"])
        if got["ids"]:
            store.collection.update(ids=got["ids"], metadatas=[{**m, "status": status, "status_source": "sidecar"}
                                                               for m in got["metadatas"]])
            refresh_versions(store)
            keyword.rebuild(store.bump_revision())
        return len(got["ids"])
