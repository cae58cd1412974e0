"""The study record in a SQL database through SQLAlchemy: SQLite under ``DANGJIAN_DATA_DIR`` by
default, any SQLAlchemy URL (``DANGJIAN_DATABASE_URL``, e.g. ``postgresql+psycopg://…``) for a
deployment whose app replicas share one record. The schema is created and upgraded with Alembic
(:func:`migrate`, run when the store opens).

Public API: :class:`StudyStore`, :class:`ItemRecord`, :func:`content_key`, :func:`database_url`, :func:`migrate`.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.study.models import StudyAttempt, StudyItem
from bot.study.schedule import Answered, ItemState, local_day, replay

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StudyStoreError(RuntimeError):
    """The database cannot be opened or migrated (Chinese message naming the URL without password)."""


def database_url(settings) -> str:
    """``settings.database_url``, else SQLite at ``<data_dir>/study.sqlite3``."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{Path(settings.data_dir).resolve() / 'study.sqlite3'}"


def _safe_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages and logs)."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def migrate(engine: Engine) -> None:
    """Upgrade the database behind ``engine`` to the newest Alembic revision (creating the tables on
    first use). Safe to call on every start: an up-to-date database is left alone."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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
        """From a :class:`bot.quiz.generator.QuizItem`; ``chapter``: the heading of its article (e.g. ``第一章 党员``)."""
        return cls(key=content_key(item.type, item.stem, item.options, item.answer), type=item.type, stem=item.stem,
                   options=dict(item.options), answer=item.answer, explanation=item.explanation,
                   source_title=item.source.title, source_article=item.source.article or "",
                   source_quote=item.source.quote, source_chapter=chapter, difficulty=item.difficulty)

    def to_quiz_item(self):
        """As a :class:`bot.quiz.generator.QuizItem` (id = the content key), for grading and display."""
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


@dataclass
class StudyStore:
    """Access to the study record. Thread-safe (one engine, one session per call).

    Args:
        url: SQLAlchemy database URL.
        intervals: Leitner review intervals in days (:mod:`bot.study.schedule`).
        tz: IANA time zone of members' calendar days.

    Raises:
        StudyStoreError: the database cannot be reached or migrated (message names the URL, password hidden).
    """

    url: str
    intervals: tuple[int, ...] = (1, 2, 4, 8, 16)
    tz: str = "Asia/Shanghai"
    engine: Engine = field(init=False, repr=False)
    _sessions: sessionmaker = field(init=False, repr=False)

    def __post_init__(self) -> None:
        kw: dict = {"pool_pre_ping": True}
        if self.url.startswith("sqlite"):
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                try:
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise StudyStoreError(f"学习记录数据库目录无法创建：{Path(path).parent}（{e}）") from e
            kw["connect_args"] = {"timeout": 30, "check_same_thread": False}
        try:
            self.engine = create_engine(self.url, **kw)
        except Exception as e:  # bad URL, missing driver
            raise StudyStoreError(f"学习记录数据库地址不可用：{_safe_url(self.url)}（{e}）") from e
        if self.engine.dialect.name == "sqlite":
            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _record):  # WAL: readers do not block the writer; FKs enforced
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()
        try:
            with _MIGRATE_LOCK:
                migrate(self.engine)
        except Exception as e:
            raise StudyStoreError(f"学习记录数据库无法打开或升级：{_safe_url(self.url)}（{type(e).__name__}: {e}）") from e
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings) -> "StudyStore":
        """The store of ``settings`` (:func:`database_url`, ``study_intervals``, ``study_timezone``)."""
        return cls(database_url(settings), tuple(settings.study_intervals), settings.study_timezone)

    def session(self) -> Session:
        return self._sessions()

    # --- items ---------------------------------------------------------------------------
    def add_items(self, items: Iterable[ItemRecord]) -> list[ItemRecord]:
        """Store ``items`` that are not stored yet (by content key) and return the stored version of
        each, in the given order: an item generated again keeps the options order it was first
        practised with, so recorded answers stay readable."""
        items = list(items)
        now = datetime.now(timezone.utc)
        rows = [dict(key=it.key, type=it.type, stem=it.stem, options=it.options, answer=it.answer,
                     explanation=it.explanation, source_title=it.source_title[:200],
                     source_chapter=it.source_chapter[:200], source_article=it.source_article[:40],
                     source_quote=it.source_quote, difficulty=it.difficulty, created_at=now)
                for it in {i.key: i for i in items}.values()]
        if rows:
            dialect = self.engine.dialect.name
            with self.session() as s:
                if dialect in ("sqlite", "postgresql"):
                    # INSERT … ON CONFLICT DO NOTHING: an item stored meanwhile by another session is kept as is
                    insert = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert
                    s.execute(insert(StudyItem).values(rows).on_conflict_do_nothing(index_elements=["key"]))
                    s.commit()
                else:
                    have = {k for (k,) in s.execute(select(StudyItem.key).where(StudyItem.key.in_([r["key"] for r in rows])))}
                    for r in rows:
                        if r["key"] not in have:
                            try:
                                s.add(StudyItem(**r))
                                s.commit()
                            except IntegrityError:
                                s.rollback()
        stored = self.items([i.key for i in items])
        return [stored[i.key] for i in items if i.key in stored]

    def items(self, keys: Iterable[str]) -> dict[str, ItemRecord]:
        """Stored items by key (unknown keys are left out)."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        with self.session() as s:
            rows = s.scalars(select(StudyItem).where(StudyItem.key.in_(keys))).all()
        return {r.key: ItemRecord._from_row(r) for r in rows}

    # --- answers -------------------------------------------------------------------------
    def record(self, member: str, key: str, response: object, correct: bool, mode: str = "练习",
               at: datetime | None = None) -> None:
        """Add one answer (one INSERT; concurrent answers of one member never overwrite each other).

        Raises:
            ValueError: empty member or unknown item key.
        """
        if not member:
            raise ValueError("没有登录用户，不保存学习记录")
        at = (at or datetime.now(timezone.utc)).astimezone(timezone.utc)
        with self.session() as s:
            if s.get(StudyItem, key) is None:
                raise ValueError("题目不存在")
            s.add(StudyAttempt(member=member, item_key=key, response=response, correct=bool(correct),
                               answered_at=at, mode=mode[:16]))
            s.commit()

    def attempts(self, member: str | None = None, start: datetime | None = None,
                 end: datetime | None = None) -> list[AttemptRecord]:
        """Answers, oldest first; of one member when ``member`` is given; within [start, end)."""
        q = select(StudyAttempt).order_by(StudyAttempt.answered_at, StudyAttempt.id)
        if member is not None:
            q = q.where(StudyAttempt.member == member)
        if start is not None:
            q = q.where(StudyAttempt.answered_at >= start.astimezone(timezone.utc))
        if end is not None:
            q = q.where(StudyAttempt.answered_at < end.astimezone(timezone.utc))
        with self.session() as s:
            rows = s.scalars(q).all()
        return [AttemptRecord(r.member, r.item_key, r.response, r.correct, _aware(r.answered_at), r.mode) for r in rows]

    def states(self, member: str) -> dict[str, ItemState]:
        """Each answered item's Leitner box, due day and 错题本 membership for ``member``."""
        by_item: dict[str, list[Answered]] = defaultdict(list)
        for a in self.attempts(member):
            by_item[a.item_key].append(Answered(a.answered_at, a.correct))
        out = {}
        for key, answers in by_item.items():
            state = replay(answers, self.intervals, self.tz)
            if state is not None:
                out[key] = state
        return out

    def today(self, now: datetime | None = None) -> date:
        """Today in the members' time zone."""
        return local_day(now or datetime.now(timezone.utc), self.tz)

    def due(self, member: str, today: date | None = None) -> list[str]:
        """Keys of items due for review on ``today`` (default: today), most overdue and lowest box first."""
        today = today or self.today()
        states = self.states(member)
        due = [(s.due, s.box, k) for k, s in states.items() if s.due <= today]
        return [k for _, _, k in sorted(due)]

    def wrong_book(self, member: str) -> list[BookEntry]:
        """The member's 错题本, ordered by regulation, then article number, then stem."""
        states = {k: s for k, s in self.states(member).items() if s.in_book}
        items = self.items(states)
        last: dict[str, object] = {}
        for a in self.attempts(member):
            if a.item_key in states and not a.correct:
                last[a.item_key] = a.response
        entries = [BookEntry(items[k], states[k], last.get(k)) for k in states if k in items]
        entries.sort(key=lambda e: (e.item.source_title, _article_no(e.item.source_article), e.item.stem))
        return entries

    # --- progress ------------------------------------------------------------------------
    def progress(self, member: str) -> list[ProgressRow]:
        """Per regulation and chapter: items seen and mastered, answers and right answers."""
        states = self.states(member)
        items = self.items(states)
        rows: dict[tuple[str, str], ProgressRow] = {}
        for key, st in states.items():
            it = items.get(key)
            if it is None:
                continue
            row = rows.setdefault((it.source_title, it.source_chapter), ProgressRow(it.source_title, it.source_chapter))
            row.seen += 1
            row.mastered += int(st.last_correct)
            row.attempts += st.attempts
            row.right += st.right
        return sorted(rows.values(), key=lambda r: (r.regulation, _chapter_no(r.chapter), r.chapter))

    def weakest(self, member: str, k: int = 3) -> list[WeakArticle]:
        """The ``k`` articles with the most wrong answers (ties: lower accuracy, then more answers);
        articles never answered wrong are not weak and are left out."""
        states = self.states(member)
        items = self.items(states)
        agg: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for key, st in states.items():
            it = items.get(key)
            if it is None:
                continue
            a = agg[(it.source_title, it.source_article)]
            a[0] += st.attempts
            a[1] += st.wrong
        weak = [WeakArticle(t, art, n, w) for (t, art), (n, w) in agg.items() if w]
        weak.sort(key=lambda w: (-w.wrong, w.accuracy, -w.attempts, w.regulation, _article_no(w.article)))
        return weak[:k]

    def seen_by_regulation(self, member: str) -> dict[str, int]:
        """Distinct items the member answered, per regulation title."""
        q = (select(StudyItem.source_title, func.count(func.distinct(StudyAttempt.item_key)))
             .join(StudyItem, StudyItem.key == StudyAttempt.item_key)
             .where(StudyAttempt.member == member).group_by(StudyItem.source_title))
        with self.session() as s:
            return {t: int(n) for t, n in s.execute(q)}

    def day_bounds(self, start: date, end: date) -> tuple[datetime, datetime]:
        """[start 00:00, end+1 00:00) in the members' time zone, as UTC datetimes."""
        zone = ZoneInfo(self.tz)
        lo = datetime.combine(start, time.min, zone).astimezone(timezone.utc)
        hi = datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(timezone.utc)
        return lo, hi

    def branch(self, start: date, end: date, members: Iterable[str] = ()) -> list[BranchRow]:
        """Per member and regulation, answers / right answers / distinct items / active days from
        ``start`` to ``end`` (inclusive, members' calendar). ``members`` that did not practise get one
        row with zeros, so an organiser sees who has not studied."""
        lo, hi = self.day_bounds(start, end)
        q = (select(StudyAttempt.member, StudyItem.source_title, StudyAttempt.item_key, StudyAttempt.correct,
                    StudyAttempt.answered_at)
             .join(StudyItem, StudyItem.key == StudyAttempt.item_key)
             .where(StudyAttempt.answered_at >= lo, StudyAttempt.answered_at < hi))
        rows: dict[tuple[str, str], BranchRow] = {}
        keys: dict[tuple[str, str], set] = defaultdict(set)
        days: dict[tuple[str, str], set] = defaultdict(set)
        with self.session() as s:
            for member, title, key, correct, at in s.execute(q):
                row = rows.setdefault((member, title), BranchRow(member, title))
                row.attempts += 1
                row.right += int(bool(correct))
                keys[(member, title)].add(key)
                days[(member, title)].add(local_day(_aware(at), self.tz))
        for k, row in rows.items():
            row.items, row.days = len(keys[k]), len(days[k])
        practised = {m for m, _ in rows}
        out = list(rows.values()) + [BranchRow(m, "") for m in members if m not in practised]
        return sorted(out, key=lambda r: (r.member, r.regulation))

    # --- the member's own record ----------------------------------------------------------
    def export_member(self, member: str) -> dict:
        """Everything stored about ``member``: their answers with each item's text and source (JSON-ready)."""
        attempts = self.attempts(member)
        items = self.items(a.item_key for a in attempts)
        return {
            "member": member,
            "exported_at": datetime.now(timezone.utc).isoformat(),
            "answers": [{
                "time": a.answered_at.isoformat(), "mode": a.mode, "response": a.response, "correct": a.correct,
                "item": {"key": a.item_key, "type": items[a.item_key].type, "stem": items[a.item_key].stem,
                         "options": items[a.item_key].options, "answer": items[a.item_key].answer,
                         "source": items[a.item_key].label(), "quote": items[a.item_key].source_quote},
            } for a in attempts if a.item_key in items],
        }

    def delete_member(self, member: str) -> int:
        """Delete all answers of ``member``; returns how many. Items (shared content) stay."""
        if not member:
            raise ValueError("没有登录用户")
        with self.session() as s:
            n = s.execute(delete(StudyAttempt).where(StudyAttempt.member == member)).rowcount or 0
            s.commit()
        return int(n)

    def members(self) -> list[str]:
        """Members who have any answer stored."""
        with self.session() as s:
            return sorted(m for (m,) in s.execute(select(StudyAttempt.member).distinct()))

    def close(self) -> None:
        self.engine.dispose()


_MIGRATE_LOCK = threading.Lock()
_CN = "零〇一二两三四五六七八九十百千"


def _aware(at: datetime) -> datetime:
    """SQLite returns naive datetimes (stored as UTC); PostgreSQL aware ones."""
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _article_no(label: str) -> int:
    """The number of an article label (``第二十五条`` → 25; 0 when there is none), for sorting."""
    from bot.text.zh import chinese_number

    m = re.search(rf"第([{_CN}\d]+)条", label or "")
    return chinese_number(m.group(1)) if m else 0


def _chapter_no(heading: str) -> int:
    from bot.text.zh import chinese_number

    m = re.search(rf"第([{_CN}\d]+)章", heading or "")
    return chinese_number(m.group(1)) if m else 0


__all__ = ["AttemptRecord", "BookEntry", "BranchRow", "ItemRecord", "ProgressRow", "StudyStore", "StudyStoreError",
           "WeakArticle", "content_key", "database_url", "migrate"]
