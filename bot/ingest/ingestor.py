"""The ingest flow: index every supported file below a folder incrementally (by content hash).

Steps of :meth:`Ingestor.ingest`: diff the files against the manifest (:mod:`bot.store.catalog`),
load and split what is new or changed (refused files go to quarantine), write regulations first and
then the rest (:class:`bot.ingest.writer.DocumentWriter`, which reuses the vectors of an older
version), keep the keyword index current while doing so, backfill sentence embeddings of documents
indexed without them, remove documents that are gone, and re-decide version status
(:mod:`bot.ingest.versions`).

Also here: :meth:`Ingestor.delete_document` and :func:`migrate_keys` (documents keyed by absolute
path re-keyed relative to the knowledge base, on open).

Public API: :class:`Ingestor`, :func:`migrate_keys`, :data:`REGULATION_REFRESH_FACTOR`; the report
types live in :mod:`bot.ingest.report`.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.ingest.load import LoadError, LoadLimits, content_hash, document_key, inside, iter_files, key_path, load_document
from bot.ingest.report import IngestProgress, IngestReport, ProgressFn
from bot.ingest.split import document_hash, split_document
from bot.ingest.versions import refresh_versions
from bot.ingest.writer import DocumentWriter
from bot.schema import Chunk
from bot.store.bm25 import KeywordIndex
from bot.store.catalog import Catalog
from bot.store.chroma import WRITE_BATCH, ChunkStore

log = logging.getLogger(__name__)

#: while regulations are written, the keyword index is rebuilt after each one unless less than this many
#: times the last rebuild's duration has passed since it (so rebuilding takes at most about a tenth of that time)
REGULATION_REFRESH_FACTOR = 10

Prepared = tuple[Path, Any, list[Chunk]]  # (file, its manifest entry or None, its chunks)


@dataclass
class _Run:
    """State of one ingest run shared by its steps."""

    report: IngestReport
    tracker: IngestProgress
    progress: ProgressFn | None
    bar: Any = None  # tqdm bar
    total_chars: int = 0
    done_chars: int = 0
    regulations: int = 0
    refreshed: float = 0.0  # monotonic time of the last keyword-index rebuild
    rebuild_s: float = 0.0  # how long it took
    regulations_pending: bool = False


class Ingestor:
    """Writes the knowledge base into ``store`` and keeps ``keyword`` current. Writers hold
    ``store.write_lock`` (one at a time)."""

    def __init__(self, store: ChunkStore, keyword: KeywordIndex, catalog: Catalog):
        self.store = store
        self.keyword = keyword
        self.catalog = catalog
        self.settings = store.settings
        self.writer = DocumentWriter(store)

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
        root = Path(root)
        if not root.exists():
            raise FileNotFoundError(f"找不到要索引的路径：{root}")
        t0 = time.perf_counter()
        run = _Run(IngestReport(root=str(root)), tracker or IngestProgress(), progress)
        with self.store.write_lock:
            self.writer.tracker = run.tracker
            self.keyword.ensure()  # loaded now, so searches during this run have a keyword index
            manifest = self.catalog.manifest()
            seen, todo = self._diff(root, manifest, run.report)
            prepared = self._prepare(root, todo, run.report)
            backfill = self._plan(prepared, manifest, run, show_progress)
            for n_doc, item in enumerate(prepared):
                self._write_one(n_doc, item, len(prepared), run)
            self._backfill(backfill, run)
            run.bar.close()
            self._remove_gone(root, manifest, seen, run.report)
            self._finish(run.report)
            run.tracker.searchable, run.tracker.stage = run.tracker.docs_done, "完成"
            self.writer.tracker = None
        run.report.chunks_by_type = self.catalog.stats()["chunks_by_type"]
        run.report.seconds = time.perf_counter() - t0
        return run.report

    # ---------------------------------------------------------------- steps of ingest
    def _diff(self, root: Path, manifest: dict[str, dict[str, Any]], report: IngestReport) -> tuple[set[str], list]:
        """The keys of the files below ``root`` and the (file, manifest entry) of those new or changed;
        counts the unchanged ones and reports unreadable ones."""
        kb_dir = self.settings.kb_dir
        seen: set[str] = set()
        todo: list[tuple[Path, Any]] = []
        for f in list(iter_files(root)):
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
        return seen, todo

    def _prepare(self, root: Path, todo: list[tuple[Path, Any]], report: IngestReport) -> list[Prepared]:
        """Load and split each file of ``todo`` (fast; embedding comes later). A refused file is
        reported (and quarantined when it lies in the knowledge base); the others go on."""
        limits = LoadLimits.from_settings(self.settings)
        prepared: list[Prepared] = []
        for f, entry in todo:
            try:
                doc = load_document(f, root, key=document_key(f, self.settings.kb_dir), limits=limits)
                chunks = split_document(doc)
                if not chunks:
                    raise LoadError(f, "没有切分出任何片段")
            except LoadError as e:
                failure = {"file": str(f), "reason": e.reason}
                if e.refused and (moved := self.quarantine(f, e.reason)):
                    failure["quarantined"] = str(moved)
                report.failed.append(failure)
                continue
            except Exception as e:  # a bug or an exotic file must not stop the whole run
                log.exception("处理文件失败：%s", f)
                report.failed.append({"file": str(f), "reason": f"处理失败（{type(e).__name__}: {e}）"})
                continue
            prepared.append((f, entry, chunks))
        return prepared

    def _plan(self, prepared: list[Prepared], manifest: dict[str, dict[str, Any]], run: _Run,
              show_progress: bool) -> list[list[Chunk]]:
        """Order ``prepared`` (regulations first, stable otherwise), size the work, start the bar and
        the tracker's 向量化 stage. Returns the documents whose sentence embeddings are to be backfilled."""
        from tqdm import tqdm

        prepared.sort(key=lambda x: x[2][0].doc_type != "法规")
        regulations = sum(chunks[0].doc_type == "法规" for _, _, chunks in prepared)
        if any(os.path.isabs(chunks[0].path) for _, _, chunks in prepared):
            self.store.set_metadata(keys_root="")  # absolute keys again: a later open with kb_dir above them re-keys
        writer = self.writer
        backfill = writer.missing_sentences(manifest, {chunks[0].path for _, _, chunks in prepared})
        total_chars = sum(writer.embed_chars(cs) for _, _, cs in prepared) + sum(map(writer.sentence_chars, backfill))
        run.bar = tqdm(total=total_chars, unit="字", unit_scale=True, desc="向量化",
                       disable=not show_progress or not (prepared or backfill), file=None)
        run.total_chars, run.regulations = total_chars, regulations
        tracker = run.tracker
        tracker.docs_total, tracker.regulations, tracker.chars_total = len(prepared), regulations, total_chars
        tracker.stage, tracker.started = "向量化", time.monotonic()
        run.refreshed, run.rebuild_s, run.regulations_pending = time.monotonic(), 0.0, regulations > 0
        return backfill

    def _write_one(self, n_doc: int, item: Prepared, n_docs: int, run: _Run) -> None:
        """Write the ``n_doc``-th of ``n_docs`` prepared documents, delete its other versions, advance
        the counters and refresh the keyword index when due (:meth:`_refresh_due`)."""
        f, entry, chunks = item
        report = run.report
        try:
            embedded = self.writer.write_document(chunks)
        except Exception as e:
            log.exception("写入索引失败：%s", f)
            report.failed.append({"file": str(f), "reason": f"写入索引失败（{type(e).__name__}: {e}）"})
            return
        report.chunks_removed += self.writer.delete_other_versions(chunks[0].path, chunks[0].doc_hash)
        report.chunks_added += len(chunks)
        chars = self.writer.embed_chars(chunks)
        report.chars_embedded += embedded
        run.done_chars += chars
        if entry:
            report.updated += 1
        else:
            report.added += 1
        run.bar.update(chars)
        run.tracker.docs_done, run.tracker.chars_done, run.tracker.current = n_doc + 1, run.done_chars, f.name
        if self._refresh_due(n_doc + 1, run) and n_doc + 1 < n_docs:  # (the last is followed by the final rebuild)
            began = time.monotonic()
            refresh_versions(self.store)  # 现行有效/已修订 of the regulations written so far
            self.keyword.rebuild(self.store.bump_revision())
            self.keyword.checked_at = run.refreshed = time.monotonic()
            run.rebuild_s = run.refreshed - began
            run.tracker.searchable = n_doc + 1
        run.tracker.checkpoint()
        if run.progress:
            run.progress(run.done_chars / max(run.total_chars, 1), f"已索引 {n_doc + 1}/{n_docs}：{f.name}")

    def _refresh_due(self, written: int, run: _Run) -> bool:
        """Whether the keyword index is to be rebuilt after ``written`` documents: the regulations are
        all written (once), ``settings.bm25_refresh_s`` has passed, or — among the regulations — at least
        :data:`REGULATION_REFRESH_FACTOR` times the last rebuild's duration has passed."""
        since = time.monotonic() - run.refreshed
        due = (run.regulations_pending and written >= run.regulations) or 0 < self.settings.bm25_refresh_s <= since \
            or (written <= run.regulations and since >= REGULATION_REFRESH_FACTOR * run.rebuild_s)
        run.regulations_pending = run.regulations_pending and written < run.regulations
        return due

    def _backfill(self, backfill: list[list[Chunk]], run: _Run) -> None:
        """Sentence embeddings of unchanged documents of an older index."""
        report = run.report
        for chunks in backfill:
            path = chunks[0].path
            try:
                self.writer.add_sentences_to(chunks)
            except Exception as e:
                log.exception("写入句向量失败：%s", path)
                report.failed.append({"file": path, "reason": f"写入句向量失败（{type(e).__name__}: {e}）"})
                continue
            chars = self.writer.sentence_chars(chunks)
            report.chars_embedded += chars
            run.tracker.chars_done += chars
            report.sentences_backfilled += 1
            run.done_chars += chars
            run.bar.update(chars)
            if run.progress:
                run.progress(run.done_chars / max(run.total_chars, 1), f"补建句向量：{Path(path).name}")

    def _remove_gone(self, root: Path, manifest: dict[str, dict[str, Any]], seen: set[str], report: IngestReport) -> None:
        """Remove the documents indexed from below ``root`` whose files are gone."""
        root_abs = os.path.abspath(root)
        for path in manifest:
            where = str(key_path(path, self.settings.kb_dir))
            below = where == root_abs or where.startswith(root_abs.rstrip(os.sep) + os.sep)
            if below and path not in seen:
                report.chunks_removed += self.delete_document(path, rebuild=False)
                report.removed += 1

    def _finish(self, report: IngestReport) -> None:
        """After a run that changed anything: re-decide version status and rebuild the keyword index
        under a new revision; else make sure a saved keyword index exists."""
        if report.added or report.updated or report.removed or report.chunks_removed:
            refresh_versions(self.store)
            self.keyword.rebuild(self.store.bump_revision())
            self.keyword.checked_at = time.monotonic()
        elif not self.keyword.bm25.load():
            self.keyword.rebuild()

    # ---------------------------------------------------------------- other writes
    def quarantine(self, path: Path, reason: str) -> Path | None:
        """Move a refused file that lies inside the knowledge base to ``<data_dir>/quarantine/`` (with
        a ``.reason.txt`` beside it), so it is reported once instead of at every ingest and cannot cost
        anything again; its sidecar goes with it. Files outside the knowledge base are never moved.
        Returns the new place, or None when the file was left where it is."""
        import shutil
        import stat

        from bot.ingest.load import sidecar_path

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

    def delete_document(self, path: str, rebuild: bool = True) -> int:
        """Remove every chunk and sentence of the document indexed as ``path``; with ``rebuild``, stamp a
        new revision and rebuild the keyword index. Returns chunks removed."""
        with self.store.write_lock:
            got = self.store.collection.get(where={"path": path}, include=[])
            if got["ids"]:
                self.store.collection.delete(ids=got["ids"])
            self.store.sentences.delete(where={"path": path})
            if rebuild:
                self.keyword.rebuild(self.store.bump_revision())
            return len(got["ids"])


def migrate_keys(store: ChunkStore, keyword: KeywordIndex) -> int:
    """Re-key documents indexed by an absolute path inside the knowledge base (indexes built before
    keys were relative, or by a run with another ``kb_dir``) to their key relative to
    ``settings.kb_dir`` (:func:`bot.ingest.load.document_key`). Only metadata changes: every vector and
    chunk id stays, nothing is embedded. Called on open; returns the number of documents re-keyed.
    The collection remembers the root it was checked against (metadata ``keys_root``, cleared when a
    document outside the knowledge base is written), so an open with the same root reads nothing
    (reading the chunk metadata takes 0.8 s on the development corpus)."""
    kb = os.path.abspath(store.settings.kb_dir)
    if (store.collection.metadata or {}).get("keys_root") == kb:
        return 0
    prefix = kb.rstrip(os.sep) + os.sep
    ids: list[str] = []
    metas: list[dict] = []
    renamed: dict[str, str] = {}
    data = store.records(["metadatas"])
    for cid, m in zip(data["ids"], data["metadatas"]):
        old = str(m.get("path", ""))
        if old.startswith(prefix):
            ids.append(cid)
            metas.append({**m, "path": renamed.setdefault(old, document_key(old, kb))})
    if not ids:
        store.set_metadata(keys_root=kb)
        return 0
    step = WRITE_BATCH
    with store.write_lock:
        for old, new in renamed.items():  # sentences first: a chunk re-keyed has its sentences re-keyed
            got = store.sentences.get(where={"path": old}, include=["metadatas"])
            for i in range(0, len(got["ids"]), step):
                store.sentences.update(ids=got["ids"][i : i + step],
                                       metadatas=[{**m, "path": new} for m in got["metadatas"][i : i + step]])
        for i in range(0, len(ids), step):
            store.collection.update(ids=ids[i : i + step], metadatas=metas[i : i + step])
        store.set_metadata(keys_root=kb)
        store.bump_revision()
        keyword.invalidate()
    log.warning("索引中 %d 篇文档的键已改为相对知识库目录 %s 的路径（未重新向量化）", len(renamed), kb)
    return len(renamed)
