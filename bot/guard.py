"""Bounds on what one request may ask for: input length and count checks, and per-user rate limits.

Every entry point (the app, its API, the CLI) calls these before any work is done, so one oversized
or repeated request costs nothing but its refusal. The messages are Chinese and say what the limit is.

Public API: :class:`InputRejected`, :func:`check_question`, :func:`check_topic`, :func:`check_count`,
:class:`RateLimiter`, :class:`RateLimited`.
"""

from __future__ import annotations

import threading

from bot.config import Settings


class InputRejected(ValueError):
    """A request's input is empty or beyond a configured bound; ``str(err)`` is the Chinese message."""


class RateLimited(InputRejected):
    """A user sent more requests of one kind than ``Settings.ask_rate`` / ``generation_rate`` allow."""


def check_question(question: object, settings: Settings) -> str:
    """The question stripped of surrounding white space.

    Raises:
        InputRejected: not a string, empty, or longer than ``settings.max_question_chars`` characters.
    """
    if not isinstance(question, str):
        raise InputRejected("问题必须是文字")
    text = question.strip()
    if not text:
        raise InputRejected("问题不能为空，请输入要问的内容")
    if len(text) > settings.max_question_chars:
        raise InputRejected(f"问题太长（{len(text)} 字，上限 {settings.max_question_chars} 字），请精简后再问")
    return text


def check_topic(topic: object, settings: Settings, what: str = "主题") -> str:
    """A quiz or lecture topic stripped of white space.

    Raises:
        InputRejected: empty or longer than ``settings.max_topic_chars`` characters.
    """
    text = topic.strip() if isinstance(topic, str) else ""
    if not text:
        raise InputRejected(f"请填写{what}")
    if len(text) > settings.max_topic_chars:
        raise InputRejected(f"{what}太长（{len(text)} 字，上限 {settings.max_topic_chars} 字）")
    return text


def check_count(value: object, low: float, high: float, what: str) -> float:
    """``value`` as a number within [low, high].

    Raises:
        InputRejected: not a number, or outside the bounds.
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputRejected(f"{what}必须是数字") from None
    if not low <= number <= high:
        raise InputRejected(f"{what}应在 {low:g} 到 {high:g} 之间（收到 {number:g}）")
    return number


class RateLimiter:
    """Per-user moving-window limits (the ``limits`` library, in memory, per app replica).

    Args:
        rates: kind of request → rate in ``limits`` notation, e.g. ``{"ask": "60/minute"}``.

    ``hit(kind, user)`` counts one request and raises :class:`RateLimited` when the user is over
    the limit of that kind. Thread-safe.
    """

    def __init__(self, rates: dict[str, str]):
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self._items = {kind: parse(rate) for kind, rate in rates.items()}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "RateLimiter":
        return cls({"ask": settings.ask_rate, "generation": settings.generation_rate})

    def hit(self, kind: str, user: str) -> None:
        item = self._items[kind]
        with self._lock:
            allowed = self._limiter.hit(item, kind, user or "-")
        if not allowed:
            raise RateLimited(f"请求过于频繁（上限 {item.amount} 次/{_PERIODS.get(item.GRANULARITY.name, item.GRANULARITY.name)}），"
                              "请稍后再试")


_PERIODS = {"second": "秒", "minute": "分钟", "hour": "小时", "day": "天"}


__all__ = ["InputRejected", "RateLimited", "RateLimiter", "check_count", "check_question", "check_topic"]
