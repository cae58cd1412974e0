"""The quiz item model: :class:`QuizItem` (with its :class:`QuizSource`), a generated :class:`QuizSet`,
the written form of a key (:func:`answer_text`), grading a member's response (:func:`grade`), and the
type mix of a set (:func:`split_counts`).

Shapes: an item's ``answer`` is one letter (单选), letters in order (多选, "ABD"), "正确"/"错误" (判断)
or a list of accepted strings (填空); options are keyed "A", "B", … in order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from bot.schema import Chunk

ItemType = Literal["单选", "多选", "判断", "填空"]
#: the item types, in the order a paper and a set list them
TYPES: tuple[str, ...] = ("单选", "多选", "判断", "填空")
#: option letters (a 多选 has at most five options)
LETTERS = "ABCDE"
#: tag prefix marking the items made from one enumeration (one list → one item in a set)
ENUM_TAG = "列举:"


class QuizSource(BaseModel):
    title: str
    article: str | None = None
    quote: str


class QuizItem(BaseModel):
    """One quiz item. ``answer``: one letter (单选), letters in order (多选, "ABD"), "正确"/"错误"
    (判断), or a list of accepted strings (填空)."""

    id: str
    type: ItemType
    stem: str
    options: dict[str, str] = Field(default_factory=dict)
    answer: str | list[str]
    explanation: str
    source: QuizSource
    difficulty: Literal["易", "中", "难"] = "中"
    tags: list[str] = Field(default_factory=list)
    #: the statement checked against the source (blank as "（  ）"); internal, not exported
    check_body: str | None = Field(default=None, exclude=True)
    #: further source sentences an item states (the options of a "下列说法正确的是"); internal
    also_quotes: list[str] = Field(default_factory=list, exclude=True)

    @field_validator("options")
    @classmethod
    def _letters(cls, v: dict[str, str]) -> dict[str, str]:
        if v and list(v) != list(LETTERS[: len(v)]):
            raise ValueError("选项必须按 A、B、C… 顺序编号")
        return v


@dataclass
class QuizSet:
    """Generated items plus the count of candidates dropped, by reason."""

    items: list[QuizItem]
    dropped: Counter = field(default_factory=Counter)
    candidates: int = 0
    mode: str = "offline"
    notes: list[str] = field(default_factory=list)
    #: {"asked": n, "made": m, "why": "…"} when fewer than asked were made, else None
    shortfall: dict | None = None
    #: number of articles the set could draw on
    articles: int = 0

    def to_json(self) -> dict:
        return {"items": [i.model_dump() for i in self.items], "dropped": dict(self.dropped),
                "candidates": self.candidates, "mode": self.mode, "notes": self.notes,
                "shortfall": self.shortfall}


def norm(text: str) -> str:
    """Comparison form: no whitespace, no punctuation differences that matter for matching."""
    return re.sub(r"[\s　“”\"'‘’《》]", "", text or "")


def item_id(stem: str) -> str:
    """A stable item id from its stem: "q-" + the first 10 hex digits of SHA-1 of :func:`norm` (stem)."""
    return "q-" + hashlib.sha1(norm(stem).encode("utf-8")).hexdigest()[:10]


def cite(chunk: Chunk) -> str:
    """"《title》第X条" of a passage (the article left out when it has none)."""
    return f"《{chunk.title}》{chunk.article or ''}"


def lead_in(chunk: Chunk) -> str:
    """The opening of a stem made from ``chunk``: "根据《title》第X条，"."""
    return f"根据{cite(chunk)}，"


def answer_text(item: QuizItem) -> str:
    """The key as written in a bank: letters, 正确/错误, or the accepted 填空 forms joined by "；"."""
    return "；".join(item.answer) if isinstance(item.answer, list) else item.answer


def grade(item: QuizItem, response: str | list[str] | None) -> bool:
    """Is ``response`` right for ``item``? 单选: a letter; 多选: letters (any order, list or str);
    判断: "正确"/"错误"; 填空: text compared after normalisation with every accepted form."""
    if response is None:
        return False
    if item.type == "多选":
        letters = "".join(response) if isinstance(response, list) else str(response)
        return sorted(letters.replace(",", "").replace(" ", "")) == sorted(str(item.answer))
    if item.type == "填空":
        answers = item.answer if isinstance(item.answer, list) else [item.answer]
        text = norm(str(response)).rstrip("。")
        return any(text == norm(a) for a in answers)
    return str(response).strip() == str(item.answer)


#: share of each type in a set when the caller does not fix the counts: contest papers on 党章党规
#: lead with 单选 (the banks in ../shared/eval/quizbanks are mostly single choice), then 判断 and
#: 多选, a few 填空. Before #19's second round the split was even, and 判断 filled what the others
#: lacked (137 of 242 items in eval.quiz).
TYPE_SHARE = {"单选": 0.35, "多选": 0.2, "判断": 0.3, "填空": 0.15}


def split_counts(n: int, types: list[str] | None = None) -> dict[str, int]:
    """Spread ``n`` items over ``types`` by :data:`TYPE_SHARE` (largest remainder; every requested
    type gets at least one when ``n`` allows): 20 → 单选 7, 多选 4, 判断 6, 填空 3."""
    types = [t for t in TYPES if t in (types or TYPES)]
    total = sum(TYPE_SHARE[t] for t in types)
    raw = {t: n * TYPE_SHARE[t] / total for t in types}
    counts = {t: int(raw[t]) for t in types}
    for t in sorted(types, key=lambda t: raw[t] - counts[t], reverse=True)[: n - sum(counts.values())]:
        counts[t] += 1
    for t in types:  # a requested type with no share left (n small): take one from the largest
        if counts[t] == 0 and n >= len(types):
            big = max(counts, key=counts.get)
            counts[big] -= 1
            counts[t] += 1
    return counts
