"""The review schedule and the 错题本 rule, as pure functions over a member's answers to one item.

**Leitner boxes** (Sebastian Leitner, *So lernt man lernen*, 1972): every item a member has answered
sits in one of five boxes. A right answer moves it up one box (at most box 5), a wrong answer back to
box 1; the item is due again ``intervals[box - 1]`` days after the day of the answer. With the default
intervals (1, 2, 4, 8, 16 days; ``Settings.study_intervals``) an item answered wrong comes back the
next day, and one answered right five times in a row on schedule rests 16 days. A first answer counts
from box 1 like any other: right → box 2 (due in 2 days), wrong → box 1 (due tomorrow).

**错题本**: an item enters the book when it is answered wrong and leaves it after it is answered
right twice in a row *on different days* (two right answers on the same day count once; a wrong
answer starts the count again).

Days are calendar days in the members' time zone (``Settings.study_timezone``, default
Asia/Shanghai), so an answer at 23:50 and one at 00:10 are on different days, as a member reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

#: right answers on distinct days that take an item out of the 错题本
DAYS_TO_LEAVE_BOOK = 2


@dataclass(frozen=True)
class Answered:
    """One answer: when (timezone-aware) and whether it was right."""

    at: datetime
    correct: bool


@dataclass(frozen=True)
class ItemState:
    """Where one item stands for one member after replaying their answers.

    Attributes:
        box: Leitner box 1–5.
        due: the day the item is due for review (members' time zone).
        in_book: whether the item is in the 错题本.
        attempts, right, wrong: answer counts.
        last_correct: whether the latest answer was right.
        last_at: time of the latest answer.
    """

    box: int
    due: date
    in_book: bool
    attempts: int
    right: int
    wrong: int
    last_correct: bool
    last_at: datetime


def local_day(at: datetime, tz: str) -> date:
    """The calendar day of ``at`` (aware; a naive value is read as UTC) in time zone ``tz``."""
    if at.tzinfo is None:
        from datetime import timezone

        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(ZoneInfo(tz)).date()


def replay(answers: Iterable[Answered], intervals: Sequence[int], tz: str) -> ItemState | None:
    """Replay one member's answers to one item, oldest first (they are sorted here).

    Args:
        answers: the answers; order does not matter.
        intervals: days until the next review for boxes 1..len(intervals) (positive integers).
        tz: IANA time zone name of the members' calendar days.

    Returns:
        The item's state, or None when there are no answers.
    """
    ordered = sorted(answers, key=lambda a: a.at)
    if not ordered:
        return None
    top = len(intervals)
    box, in_book, right_days = 1, False, set()
    right = wrong = 0
    for a in ordered:
        day = local_day(a.at, tz)
        if a.correct:
            right += 1
            box = min(box + 1, top)
            if in_book:
                right_days.add(day)
                if len(right_days) >= DAYS_TO_LEAVE_BOOK:
                    in_book, right_days = False, set()
        else:
            wrong += 1
            box, in_book, right_days = 1, True, set()
        due = day + timedelta(days=int(intervals[box - 1]))
    last = ordered[-1]
    return ItemState(box=box, due=due, in_book=in_book, attempts=len(ordered), right=right, wrong=wrong,
                     last_correct=last.correct, last_at=last.at)


__all__ = ["DAYS_TO_LEAVE_BOOK", "Answered", "ItemState", "local_day", "replay"]
