"""The study record (#23) on a real database: each test runs on a SQLite file and on a real
PostgreSQL server (``study_db_url`` in conftest.py). Items are small literal ones; the daily set uses
the real index built from ../shared."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from bot.guard import InputRejected
from bot.study import ItemRecord, StudyService, StudyStore, branch_xlsx, content_key
from bot.study.schedule import Answered, replay


SHANGHAI = timezone(timedelta(hours=8))


def at(day: str, hour: int = 10) -> datetime:
    """A time on ``day`` (YYYY-MM-DD) in Beijing time."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def test_leitner_boxes_and_due_days():
    intervals = (1, 2, 4, 8, 16)
    # right on the first answer: box 1 → 2, due two days later
    s = replay([Answered(at("2026-03-01"), True)], intervals, "Asia/Shanghai")
    assert (s.box, s.due, s.in_book) == (2, date(2026, 3, 3), False)
    # wrong, then right: back to box 1 (due next day), then box 2 (due two days after the right answer)
    s = replay([Answered(at("2026-03-01"), False), Answered(at("2026-03-02"), True)], intervals, "Asia/Shanghai")
    assert (s.box, s.due, s.wrong, s.right) == (2, date(2026, 3, 4), 1, 1)
    # five rights in a row stay in the top box: due 16 days after the last
    answers = [Answered(at(f"2026-03-0{d}"), True) for d in range(1, 7)]
    s = replay(answers, intervals, "Asia/Shanghai")
    assert (s.box, s.due) == (5, date(2026, 3, 22))
    assert replay([], intervals, "Asia/Shanghai") is None


def test_book_needs_right_answers_on_two_different_days():
    tz, iv = "Asia/Shanghai", (1, 2, 4, 8, 16)
    wrong = Answered(at("2026-03-01"), False)
    same_day = [wrong, Answered(at("2026-03-02", 9), True), Answered(at("2026-03-02", 20), True)]
    assert replay(same_day, iv, tz).in_book  # two rights on one day count once
    two_days = [wrong, Answered(at("2026-03-02"), True), Answered(at("2026-03-03"), True)]
    assert not replay(two_days, iv, tz).in_book
    broken = [wrong, Answered(at("2026-03-02"), True), Answered(at("2026-03-03"), False), Answered(at("2026-03-04"), True)]
    assert replay(broken, iv, tz).in_book  # a wrong answer starts the count again
    # 23:30 and 00:30 Beijing time are different days even though they are one hour apart
    midnight = [wrong, Answered(at("2026-03-02", 23), True), Answered(at("2026-03-03", 0), True)]
    assert not replay(midnight, iv, tz).in_book

