"""The records the study store reads and writes, as plain dataclasses: a stored quiz item
(:class:`ItemRecord`, keyed by :func:`content_key`), an answer (:class:`AttemptRecord`), and the rows of
the 错题本, progress and branch views."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from bot.study.models import StudyItem


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def content_key(item_type: str, stem: str, options: dict[str, str], answer: str | list[str]) -> str:
    """A stable key of a quiz item's content: SHA-1 (hex, 40 characters) of its type, stem, option
    texts in sorted order and answer texts, whitespace removed. The same question generated again,
    with its options in another order, has the same key."""
    if item_type in ("单选", "多选") and isinstance(answer, str):
        answer_texts = sorted(_norm(options.get(letter, letter)) for letter in answer)
    else:
        answer_texts = sorted(_norm(a) for a in (answer if isinstance(answer, list) else [answer]))
    payload = [item_type, _norm(stem), sorted(_norm(v) for v in options.values()), answer_texts]
    return hashlib.sha1(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class ItemRecord:
    """A practised item as stored (see :class:`bot.study.models.StudyItem`)."""

    key: str
    type: str
    stem: str
    options: dict[str, str]
    answer: str | list[str]
    explanation: str
    source_title: str
    source_article: str = ""
    source_quote: str = ""
    source_chapter: str = ""
    difficulty: str = "中"

    @classmethod
    def from_quiz_item(cls, item, chapter: str = "") -> "ItemRecord":
        """From a :class:`bot.quiz.QuizItem`; ``chapter``: the heading of its article (e.g. ``第一章 党员``)."""
        return cls(key=content_key(item.type, item.stem, item.options, item.answer), type=item.type, stem=item.stem,
                   options=dict(item.options), answer=item.answer, explanation=item.explanation,
                   source_title=item.source.title, source_article=item.source.article or "",
                   source_quote=item.source.quote, source_chapter=chapter, difficulty=item.difficulty)

    def to_quiz_item(self):
        """As a :class:`bot.quiz.QuizItem` (id = the content key), for grading and display."""
        from bot.quiz import QuizItem

        return QuizItem.model_validate({
            "id": self.key, "type": self.type, "stem": self.stem, "options": self.options, "answer": self.answer,
            "explanation": self.explanation, "difficulty": self.difficulty if self.difficulty in ("易", "中", "难") else "中",
            "source": {"title": self.source_title, "article": self.source_article or None, "quote": self.source_quote},
        })

    def label(self) -> str:
        """``《标题》第X条`` (the article may be empty)."""
        return f"《{self.source_title}》{self.source_article}"

    @classmethod
    def _from_row(cls, row: StudyItem) -> "ItemRecord":
        return cls(key=row.key, type=row.type, stem=row.stem, options=dict(row.options or {}), answer=row.answer,
                   explanation=row.explanation, source_title=row.source_title, source_article=row.source_article,
                   source_quote=row.source_quote, source_chapter=row.source_chapter, difficulty=row.difficulty)


@dataclass
class AttemptRecord:
    """One stored answer."""

    member: str
    item_key: str
    response: object
    correct: bool
    answered_at: datetime
    mode: str


@dataclass
class ProgressRow:
    """Progress on one regulation chapter: distinct items answered (``seen``), items whose latest
    answer is right (``mastered``), answers given and right answers."""

    regulation: str
    chapter: str
    seen: int = 0
    mastered: int = 0
    attempts: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float:
        """Right answers / answers (0 when none)."""
        return self.right / self.attempts if self.attempts else 0.0


@dataclass
class WeakArticle:
    """An article a member answers badly: answers, wrong answers, accuracy."""

    regulation: str
    article: str
    attempts: int
    wrong: int

    @property
    def accuracy(self) -> float:
        return (self.attempts - self.wrong) / self.attempts if self.attempts else 0.0

    def question(self) -> str:
        """A question to ask the assistant about this article."""
        return f"《{self.regulation}》{self.article}是怎么规定的？" if self.article else f"《{self.regulation}》的主要内容是什么？"


@dataclass
class BookEntry:
    """An item in the 错题本 with the member's answers to it."""

    item: ItemRecord
    state: ItemState
    last_response: object = None


@dataclass
class BranchRow:
    """One member's practice on one regulation over a period."""

    member: str
    regulation: str
    attempts: int = 0
    right: int = 0
    items: int = 0
    days: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.attempts if self.attempts else 0.0
