"""The app's background indexing: one worker thread that runs knowledge-base jobs (the start-up
ingest, uploads, re-index, delete, status changes) one at a time, in the order they were submitted,
while the app keeps serving.

A job that raises is logged and marked failed (its error is shown on the banner and the 知识库
tab); the worker goes on with the next job, the app is never stopped. Ingest jobs write
regulations first and report live counters (:class:`bot.ingest.report.IngestProgress`): documents and
characters done, an estimate of the time left, and how many documents keyword search covers.

Public API: :class:`IngestWorker` (``submit``, ``submit_ingest``, ``status``, ``note``, ``jobs``),
:class:`Job`, :func:`fallback_kb_dir`.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.ingest.report import IngestProgress, IngestReport

log = logging.getLogger(__name__)

#: finished jobs kept for the 知识库 tab's job list
KEPT_JOBS = 20


def fallback_kb_dir(kb_dir: Path, fallback: str | Path | None, default: Path = Path("knowledge_base")) -> Path | None:
    """The folder to index instead of ``kb_dir``: ``fallback`` (such as ``../shared/corpus``, the
    development corpus beside a checkout) when ``kb_dir`` is the default folder ``default`` (both
    resolved against the working directory), holds no supported document (a README is not one), and
    ``fallback`` is a folder that does; else None. A knowledge base named explicitly is never replaced."""
    from bot.ingest.load import iter_files

    if not fallback or Path(kb_dir).resolve() != Path(default).resolve():
        return None
    if Path(kb_dir).is_dir() and next(iter(iter_files(Path(kb_dir))), None) is not None:
        return None
    fallback = Path(fallback)
    if not fallback.is_dir() or next(iter(iter_files(fallback)), None) is None:
        return None
    return fallback


class _Throttled(IngestProgress):
    """Counters whose checkpoint pauses ``pause`` seconds (``settings.ingest_throttle_s``, tests only)."""

    def __init__(self, pause: float):
        super().__init__()
        self.pause = pause

    def checkpoint(self) -> None:
        if self.pause > 0:
            time.sleep(self.pause)


@dataclass
class Job:
    """One knowledge-base job. ``state``: 排队中 → 进行中 → 已完成 | 失败. ``result`` is what the job
    function returned (an :class:`bot.ingest.report.IngestReport` for ingest jobs), ``error`` the Chinese
    message of the exception it raised. Times are ``time.time()`` seconds."""

    id: int
    label: str
    fn: Callable[[IngestProgress], Any] = field(repr=False)
    progress: IngestProgress = field(default_factory=IngestProgress)
    state: str = "排队中"
    result: Any = None
    error: str = ""
    submitted: float = field(default_factory=time.time)
    started: float = 0.0
    finished: float = 0.0
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    def summary(self) -> str:
        """One line for the job list, e.g. ``已完成：新增 2 篇，更新 0 篇，删除 0 篇（用时 12 秒）``."""
        if self.state == "排队中":
            return "排队中"
        if self.state == "进行中":
            p = self.progress
            if p.stage == "向量化" and p.docs_total:
                return f"进行中：{p.docs_done}/{p.docs_total} 篇"
            return "进行中"
        if self.state == "失败":
            return f"失败：{self.error}"
        took = f"（用时 {self.finished - self.started:.0f} 秒）"
        r = self.result
        if isinstance(r, IngestReport):
            text = f"新增 {r.added} 篇，更新 {r.updated} 篇，删除 {r.removed} 篇"
            if r.failed:
                text += f"，{len(r.failed)} 个文件失败"
            return f"已完成：{text}{took}"
        return f"已完成{('：' + str(r)) if r not in (None, '') else ''}{took}"


class IngestWorker:
    """One background thread running knowledge-base jobs of one :class:`bot.pipeline.Pipeline` in
    submission order. Thread-safe; the thread starts with the first job and lives as long as the
    process (a daemon thread).

    Args:
        pipe: the pipeline whose index the jobs change.
        source_note: a line shown with the progress, e.g. why another folder than ``kb_dir`` is indexed.
    """

    def __init__(self, pipe, source_note: str = ""):
        self.pipe = pipe
        self.settings = pipe.settings
        self.source_note = source_note
        self._queue: queue.Queue[Job] = queue.Queue()
        self._jobs: deque[Job] = deque(maxlen=KEPT_JOBS + 100)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._current: Job | None = None

    # ------------------------------------------------------------------ submitting
    def submit(self, label: str, fn: Callable[[IngestProgress], Any]) -> Job:
        """Queue ``fn(progress)`` (``progress``: the job's :class:`IngestProgress`, to pass on to an
        ingest) under the Chinese ``label``; returns the :class:`Job` (wait with ``job.done.wait()``)."""
        job = Job(id=next(self._ids), label=label, fn=fn, progress=_Throttled(self.settings.ingest_throttle_s))
        with self._lock:
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kb-worker", daemon=True)
                self._thread.start()
        self._queue.put(job)
        return job

    def submit_ingest(self, root: Path | None = None, label: str | None = None, show_progress: bool = False) -> Job:
        """Queue an incremental ingest of ``root`` (default: the knowledge base folder); its result is
        the :class:`bot.ingest.report.IngestReport`."""
        root = Path(root or self.settings.kb_dir)

        def run(progress: IngestProgress) -> IngestReport:
            return self.pipe.ingest(root, show_progress=show_progress, tracker=progress)

        return self.submit(label or f"索引 {root}", run)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            with self._lock:
                self._current = job
            job.state, job.started = "进行中", time.time()
            try:
                job.result = job.fn(job.progress)
                job.state = "已完成"
            except Exception as e:  # noqa: BLE001 - a failed job is reported; the worker and the app go on
                log.exception("知识库任务失败：%s", job.label)
                job.error = str(e) if isinstance(e, (OSError, ValueError, PermissionError)) and str(e) else \
                    f"{type(e).__name__}: {e}"
                job.state = "失败"
            finally:
                job.finished = time.time()
                with self._lock:
                    self._current = None
                job.done.set()
                self._queue.task_done()

    # ------------------------------------------------------------------ reading
    def jobs(self) -> list[Job]:
        """Recent jobs, newest first: those queued or running, and the last :data:`KEPT_JOBS` finished."""
        with self._lock:
            return list(reversed(self._jobs))[: KEPT_JOBS + self._queue.qsize() + 1]

    def status(self) -> dict[str, Any]:
        """The indexing state, as the ``/ingest_status`` API returns it:

        ``running`` (bool: a job runs or waits), ``job`` (label of the running one, "" if none),
        ``stage`` (准备/向量化/完成, "" if none), ``queued`` (jobs waiting), ``docs_done``/``docs_total``
        (documents written / to write in the running ingest), ``searchable`` (of those, the ones keyword
        search covers), ``regulations`` (documents of type 法规 among them, written first),
        ``chars_done``/``chars_total`` (characters embedded / to embed), ``eta_s`` (estimated seconds
        left in the running ingest, None before it knows its work), ``error`` (the last finished job's
        error, "" when it succeeded), ``failed_files`` (files the last finished ingest could not read),
        ``source`` (why another folder than the configured one is indexed, or "").
        """
        with self._lock:
            current = self._current
            queued = sum(j.state == "排队中" for j in self._jobs)
            finished = [j for j in self._jobs if j.state in ("已完成", "失败")]
        last = finished[-1] if finished else None
        p = current.progress if current else IngestProgress(stage="")
        report = last.result if last and isinstance(last.result, IngestReport) else None
        return {
            "running": current is not None or queued > 0,
            "job": current.label if current else "",
            "stage": p.stage if current else "",
            "queued": queued,
            "docs_done": p.docs_done, "docs_total": p.docs_total, "searchable": p.searchable,
            "regulations": p.regulations,
            "chars_done": p.chars_done, "chars_total": p.chars_total,
            "eta_s": self._eta(p) if current else None,
            "error": last.error if last else "",
            "failed_files": [f"{Path(f['file']).name}：{f['reason']}" for f in report.failed] if report else [],
            "source": self.source_note,
        }

    def _eta(self, p: IngestProgress) -> int | None:
        """Seconds left in an ingest: characters left ÷ the speed measured so far in this run (after
        its first document); before that, the work at ``settings.ingest_chars_per_s`` less the time
        spent, or None (unknown) once that is used up or before the work is known."""
        if p.stage != "向量化" or not p.chars_total:
            return None
        elapsed = time.monotonic() - p.started
        if p.chars_done and elapsed > 1:
            return int(round(max(p.chars_total - p.chars_done, 0) / (p.chars_done / elapsed)))
        left = p.chars_total / self.settings.ingest_chars_per_s - elapsed
        return int(round(left)) if left > 0 else None

    def note(self) -> str:
        """The note an answer carries while indexing runs (documents not yet written cannot be found),
        e.g. ``（索引仍在进行：已完成 3/10 篇，部分文档暂不可检索）``; "" when no job runs or waits."""
        s = self.status()
        if not s["running"]:
            return ""
        if s["stage"] == "向量化" and s["docs_total"]:
            return f"（索引仍在进行：已完成 {s['docs_done']}/{s['docs_total']} 篇，部分文档暂不可检索）"
        return "（索引仍在进行：正在读取文档，部分文档暂不可检索）"

    def with_note(self, text: str) -> str:
        """``text`` (Markdown) followed by :meth:`note` on its own line, when there is one."""
        note = self.note()
        return f"{text}\n\n> {note}" if note else text


__all__ = ["IngestWorker", "Job", "KEPT_JOBS", "fallback_kb_dir"]
