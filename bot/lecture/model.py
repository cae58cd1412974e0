"""The lecture as data: :class:`Lecture` (sections, discussion, references, coverage), its Markdown, the
section plan (:data:`SECTION_SHARES`) and how the spoken length is counted (:func:`spoken_len`).

Timing: the script is sized at ``rate`` characters a minute (default 220, a common estimate of Mandarin
speaking speed for prepared talks); each section gets a share of the duration (:data:`SECTION_SHARES`)
and its text is fitted to within ±:data:`TOLERANCE` of its budget (:func:`bot.lecture.offline.fit_section`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: audience suggestions (the audience is free text; these have sentences of their own in the templates)
AUDIENCES = ("普通党员", "支部党员", "入党积极分子", "青年党员", "党务干部")
#: share of the duration per section (sums to 1).
SECTION_SHARES = {"开场导入": 0.12, "理论要点": 0.36, "案例剖析": 0.28, "实践要求": 0.16, "结语": 0.08}
#: a section's text is fitted to within ±15% of its character budget (set with the first offline drafts, #20)
TOLERANCE = 0.15
#: how well the knowledge base covers a topic, best first (:func:`coverage_level`)
COVERAGE_LEVELS = ("充分", "部分", "不足")


def spoken_len(text: str) -> int:
    """Characters that are spoken: no whitespace, Markdown marks or citation markers."""
    text = re.sub(r"\[\d+\]", "", text)
    return len(re.sub(r"[\s#>*|`_]", "", text))


def coverage_level(best_coverage: float, settings) -> str:
    """充分 / 部分 / 不足 from the best article's key-term coverage (in [0, 1]): 充分 from
    ``settings.lecture_good_coverage``, 部分 from ``settings.lecture_min_coverage``, else 不足."""
    if best_coverage >= settings.lecture_good_coverage:
        return "充分"
    if best_coverage >= settings.lecture_min_coverage:
        return "部分"
    return "不足"


@dataclass
class Reference:
    n: int
    title: str
    article: str | None
    doc_type: str
    source: str
    quote: str

    def label(self) -> str:
        return f"《{self.title}》{self.article or ''}"


@dataclass
class Section:
    name: str
    minutes: float
    target_chars: int
    paragraphs: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)  # key points for slides
    quotes: list[tuple[int, str]] = field(default_factory=list)  # (reference n, verbatim quote)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def chars(self) -> int:
        return spoken_len(self.text)


@dataclass
class Lecture:
    title: str
    topic: str
    audience: str
    minutes: float
    rate: int
    sections: list[Section]
    discussion: list[str]
    references: list[Reference]
    notes: list[str] = field(default_factory=list)
    coverage: str = "充分"  # 充分 / 部分 / 不足: how well the knowledge base covers the topic
    coverage_score: float = 1.0
    family: str = "通用"  # topic family whose frame sentences were used
    case_relevance: float = 0.0  # relevance score of the best library case (used only above the threshold)

    @property
    def chars(self) -> int:
        return sum(s.chars for s in self.sections)

    def timing_rows(self) -> list[tuple[str, str, int, int, str]]:
        """(section, planned minutes, target chars, actual chars, estimated minutes at the rate)."""
        return [(s.name, f"{s.minutes:.1f}", s.target_chars, s.chars, f"{s.chars / self.rate:.1f}") for s in self.sections]

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        if self.coverage == "不足":
            lines += [f"> **注意**：知识库对本主题覆盖不足（覆盖率 {self.coverage_score:.2f}），讲稿可能偏离主题。", ""]
        lines += [
                 f"**主题**：{self.topic}　**听众**：{self.audience}　**时长**：约 {self.minutes:g} 分钟"
                 f"（按每分钟 {self.rate} 字计，全文 {self.chars} 字，约 {self.chars / self.rate:.1f} 分钟）", "",
                 "## 时间安排", "", "| 环节 | 计划时长（分钟） | 目标字数 | 实际字数 | 预计用时（分钟） |", "|---|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in self.timing_rows()]
        for i, s in enumerate(self.sections):
            lines += ["", f"## {'一二三四五六'[i]}、{s.name}（约 {s.minutes:.1f} 分钟）", ""]
            for p in s.paragraphs:
                lines += [p, ""]
        lines += ["## 讨论题", ""] + [f"{i}. {q}" for i, q in enumerate(self.discussion, 1)]
        # one list item per reference (lines in a row would run together in any Markdown viewer)
        lines += ["", "## 参考依据", ""] + [f"- [{r.n}] {r.label()}（{r.doc_type}）" for r in self.references]
        if self.notes:
            lines += ["", "> " + "；".join(self.notes)]
        return "\n".join(lines).strip() + "\n"
