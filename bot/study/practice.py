"""Practice that is remembered: topic sets, the daily set (每日一练), re-practising the 错题本, and
answering one item — grading on the server and recording the answer for the logged-in member.

The service sits between the pipeline (quiz generation, the regulation catalogue) and the
:class:`~bot.study.store.StudyStore`. Items are stored by content before they are shown, so every
answer refers to an item the server generated; the client sends only the item's key and its response.

Public API: :class:`StudyService`, :class:`PracticeSet`, :class:`Feedback`, :func:`check_response`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.guard import InputRejected
from bot.study.records import ItemRecord
from bot.study.store import StudyStore

MODES = ("练习", "每日一练", "重练错题")
#: longest accepted 填空 response (characters); blanks are words or short phrases
MAX_BLANK_CHARS = 200


@dataclass
class PracticeSet:
    """Items to practise, in order. ``review``/``new``: how many are due reviews / new items
    (daily sets); ``notes``: Chinese remarks for the member (e.g. why the set is short)."""

    mode: str
    items: list[ItemRecord]
    review: int = 0
    new: int = 0
    notes: list[str] = field(default_factory=list)

    def public(self) -> dict:
        """The set as the API returns it: no answers or 解析 (those come with :meth:`StudyService.answer`)."""
        return {"mode": self.mode, "review": self.review, "new": self.new, "notes": self.notes,
                "items": [{"key": i.key, "type": i.type, "stem": i.stem, "options": i.options,
                           "source": i.label()} for i in self.items]}


@dataclass
class Feedback:
    """The result of one answer: right or wrong, the key as text, 解析, source label and quote."""

    correct: bool
    answer: str
    explanation: str
    source: str
    quote: str
    recorded: bool

    def to_json(self) -> dict:
        return {"correct": self.correct, "answer": self.answer, "explanation": self.explanation,
                "source": self.source, "quote": self.quote, "recorded": self.recorded}


def answer_text(item: ItemRecord) -> str:
    """The key as a member reads it: ``B. 一年`` (单选), ``A. …；C. …`` (多选), ``正确`` (判断),
    ``一年`` (填空; accepted forms joined by ；)."""
    if item.type in ("单选", "多选") and isinstance(item.answer, str):
        return "；".join(f"{x}. {item.options.get(x, '')}" for x in item.answer)
    return "；".join(item.answer) if isinstance(item.answer, list) else str(item.answer)


def check_response(item: ItemRecord, response: object) -> str | list[str]:
    """Validate a response to ``item`` before anything is graded or stored.

    Returns:
        The normalised response: a letter (单选), sorted letters as a list (多选), 正确/错误 (判断),
        the stripped text (填空).

    Raises:
        InputRejected: the response does not fit the item (Chinese message).
    """
    letters = list(item.options)
    if item.type == "单选":
        r = str(response or "").strip()[:1].upper()
        if r not in letters:
            raise InputRejected(f"请选择一个选项（{'、'.join(letters)}）")
        return r
    if item.type == "多选":
        raw = response if isinstance(response, list) else list(str(response or "").replace(",", "").replace(" ", ""))
        picked = sorted({str(x).strip()[:1].upper() for x in raw if str(x).strip()})
        if not picked or any(x not in letters for x in picked):
            raise InputRejected(f"请选择至少一个选项（{'、'.join(letters)}）")
        return picked
    if item.type == "判断":
        r = str(response or "").strip()
        if r not in ("正确", "错误"):
            raise InputRejected("请回答“正确”或“错误”")
        return r
    r = str(response or "").strip()
    if not r:
        raise InputRejected("请填写答案")
    if len(r) > MAX_BLANK_CHARS:
        raise InputRejected(f"答案太长（{len(r)} 字，上限 {MAX_BLANK_CHARS} 字）")
    return r


class StudyService:
    """Practice sets and answers for one pipeline and one store.

    Args:
        pipeline: a :class:`bot.pipeline.Pipeline` (quiz generation and the regulation catalogue).
        store: the study record.
    """

    def __init__(self, pipeline, store: StudyStore):
        self.pipeline = pipeline
        self.store = store
        self.settings = pipeline.settings

    # --- sets ----------------------------------------------------------------------------
    def topic_set(self, topic: str, n: int, seed: int | None = None, avoid: Iterable[str] = ()) -> PracticeSet:
        """``n`` items on ``topic`` (generated, checked against the source, stored by content), drawn
        at random (``seed`` for a reproducible set).

        ``avoid``: keys of items practised just before (the member's previous sets in this session):
        no item with the same stem is drawn again while the topic has enough other items; only a set
        that would otherwise be short is topped up with them.
        """
        from bot.quiz import norm

        avoid_stems = [r.stem for r in self.store.items(avoid).values()]
        items = self._generate(topic, n, seed=seed, existing=avoid_stems or None)
        if len(items) < n and avoid_stems:
            have = {norm(i.stem) for i in items}
            for r in self._generate(topic, n, seed=seed):
                if len(items) >= n:
                    break
                if norm(r.stem) not in have:
                    items.append(r)
                    have.add(norm(r.stem))
        notes = [f"这个主题只组出 {len(items)} 题（要求 {n} 题）：相关条文中通过质量检查的题目不够。"] \
            if 0 < len(items) < n else []
        return PracticeSet("练习", items, notes=notes)

    def daily_set(self, member: str, n: int | None = None, today: date | None = None) -> PracticeSet:
        """The daily set: due review items (Leitner schedule, most overdue first) and new items from
        the regulations the member has answered fewest items of; ``settings.study_daily_new_share`` of the
        set is kept for new items, and each kind fills what the other cannot.

        Raises:
            InputRejected: no logged-in member.
        """
        member = _required(member)
        n = int(n or self.settings.study_daily_size)
        due = self.store.due(member, today)
        keep_new = math.ceil(n * self.settings.study_daily_new_share) if n > 1 else 0
        review = due[: max(0, n - keep_new)]
        new = self._new_items(member, n - len(review), today)
        if len(review) + len(new) < n:
            review = due[: n - len(new)]
        stored = self.store.items(review)
        review_items = [stored[k] for k in review if k in stored]
        items = _interleave(review_items, new)
        notes = []
        if len(items) < n:
            notes.append(f"今天只组出 {len(items)} 题（到期复习 {len(review_items)} 题，新题 {len(new)} 题）："
                         + ("知识库中没有法规，无法出新题。" if not self.pipeline.regulation_titles() else "可出的新题不够。"))
        return PracticeSet("每日一练", items, review=len(review_items), new=len(new), notes=notes)

    def wrong_set(self, member: str, n: int = 20) -> PracticeSet:
        """Items of the member's 错题本 to practise again (up to ``n``, most overdue first).

        Raises:
            InputRejected: no logged-in member.
        """
        member = _required(member)
        book = self.store.wrong_book(member)
        book.sort(key=lambda e: (e.state.due, e.state.last_at))
        items = [e.item for e in book[:n]]
        notes = [] if items else ["错题本是空的：没有需要重练的题目。"]
        return PracticeSet("重练错题", items, review=len(items), notes=notes)

    # --- answers -------------------------------------------------------------------------
    def answer(self, member: str | None, key: str, response: object, mode: str = "练习") -> Feedback:
        """Grade ``response`` to the stored item ``key``; record it when ``member`` is logged in.

        The response is validated first (:func:`check_response`); nothing is written for an unknown
        item, an invalid response or an unknown mode.

        Raises:
            InputRejected: unknown item, invalid response or mode (Chinese message).
        """
        from bot.quiz import grade

        if mode not in MODES:
            raise InputRejected(f"未知的练习方式：{mode}（可选：{'、'.join(MODES)}）")
        item = self.store.items([str(key or "")]).get(str(key or ""))
        if item is None:
            raise InputRejected("题目不存在或已失效，请重新开始练习")
        response = check_response(item, response)
        correct = grade(item.to_quiz_item(), response)
        recorded = False
        if member:
            self.store.record(member, item.key, response, correct, mode)
            recorded = True
        return Feedback(correct, answer_text(item), item.explanation, item.label(), item.source_quote, recorded)

    # --- helpers -------------------------------------------------------------------------
    def _generate(self, topic: str, n: int, seed: int | None = None, source: str | None = None,
                  existing: list[str] | None = None) -> list[ItemRecord]:
        from bot.quiz import generate_quiz

        try:
            qs = generate_quiz(self.pipeline, topic, n=int(n), seed=seed, source=source, existing=existing)
        except ValueError as e:  # unknown regulation or type: the member's input, said in Chinese
            raise InputRejected(str(e)) from None
        items = [i for i in qs.items if source is None or i.source.title == source]
        records = [ItemRecord.from_quiz_item(i, self.pipeline.article_heading(i.source.title, i.source.article))
                   for i in items]
        return self.store.add_items(records)

    def _new_items(self, member: str, k: int, today: date | None = None) -> list[ItemRecord]:
        """Up to ``k`` items the member has not answered, spread over the regulations they covered
        least: at most three regulations are tried (so a set never waits on the whole catalogue), each
        gives about a third. Ties (e.g. everything unseen for a new member) are broken by a shuffle
        seeded with the member and the day, so members and days differ."""
        if k <= 0:
            return []
        seen = self.store.seen_by_regulation(member)
        answered = set(self.store.states(member))
        titles = sorted(self.pipeline.regulation_titles())
        random.Random(f"{member}|{today or date.today()}").shuffle(titles)
        titles = sorted(titles, key=lambda t: seen.get(t, 0))[:3]  # stable: the shuffle orders ties
        out: list[ItemRecord] = []
        for i, title in enumerate(titles):
            share = math.ceil((k - len(out)) / (len(titles) - i))
            taken = {o.key for o in out}
            fresh = [r for r in self._generate(title, max(4, 2 * share), source=title)
                     if r.key not in answered and r.key not in taken]
            out += fresh[:share]
        return out[:k]


def _interleave(a: list, b: list) -> list:
    out = []
    for i in range(max(len(a), len(b))):
        out += a[i:i + 1] + b[i:i + 1]
    return out


def _required(member: str | None) -> str:
    if not member:
        raise InputRejected("请先登录：学习记录按登录用户保存")
    return member


__all__ = ["Feedback", "MODES", "PracticeSet", "StudyService", "answer_text", "check_response"]
