"""Tables of the study record (SQLAlchemy 2.0 declarative models).

Two tables, both append-only for a member's answers:

* ``study_items`` — a practised quiz item, keyed by its content (:func:`bot.study.content_key`):
  type, stem, options, answer, 解析 and its source (regulation title, chapter, article, quote). A bank
  generated again yields the same keys, so a member's history survives regeneration.
* ``study_attempts`` — one row per answer: member (login name), item, the response, right/wrong, the
  time (UTC) and the practice mode. Nothing else is stored about a member; the review schedule, the
  错题本 and progress are derived from these rows (:mod:`bot.study.schedule`), so two sessions of
  one member answering at the same time each add a row and no answer is lost to an update race.

The schema is created and upgraded by Alembic (``bot/study/migrations``); these models mirror
revision ``0001``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the study tables."""


class StudyItem(Base):
    """A quiz item as practised (content-keyed, shared by all members)."""

    __tablename__ = "study_items"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(8))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    answer: Mapped[object] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source_title: Mapped[str] = mapped_column(String(200), index=True)
    source_chapter: Mapped[str] = mapped_column(String(200), default="")
    source_article: Mapped[str] = mapped_column(String(40), default="")
    source_quote: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[str] = mapped_column(String(4), default="中")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StudyAttempt(Base):
    """One answer of one member to one item."""

    __tablename__ = "study_attempts"
    __table_args__ = (Index("ix_study_attempts_member_time", "member", "answered_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member: Mapped[str] = mapped_column(String(100))
    item_key: Mapped[str] = mapped_column(ForeignKey("study_items.key"), index=True)
    response: Mapped[object] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    mode: Mapped[str] = mapped_column(String(16), default="练习")
