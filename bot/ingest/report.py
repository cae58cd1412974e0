"""What an ingest run reports: :class:`IngestReport` (the result) and :class:`IngestProgress` (live
counters read by the app's progress banner and :mod:`bot.kb.worker` while the run goes on).

Public API: :class:`IngestReport`, :class:`IngestProgress`, :data:`ProgressFn`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: ``progress(fraction, message)``: fraction in [0, 1] of the characters to embed, message in Chinese
ProgressFn = Callable[[float, str], None]


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
    (:meth:`bot.ingest.ingestor.Ingestor.ingest` counts passages and, when enabled, their sentences).

    ``searchable`` is how many of the written documents keyword (BM25) search covers: the keyword
    index is rebuilt after the regulations (doc type 法规, written first; see
    :meth:`bot.ingest.ingestor.Ingestor.ingest`), every ``settings.bm25_refresh_s`` seconds and at the
    end. Vector search sees each document as soon as it is written (``docs_done``).
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
