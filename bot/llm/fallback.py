"""The one "try the LLM, else the offline path" rule shared by answers, quizzes and lectures.

An LLM path may fail in two ways: it raises :class:`~bot.llm.client.LLMError` itself (its message is already
Chinese and safe: "大模型连续两次返回了无效的 JSON"), or the endpoint fails (connection refused, timeout, HTTP
error: described by :func:`~bot.llm.client.describe_error`, never with the key). Either way the caller takes
its offline path and tells the user why, as "<reason>，<what was done instead>".

Public API: :func:`failure_reason`, :func:`try_llm`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.llm.client import LLMError, describe_error

T = TypeVar("T")


def failure_reason(e: BaseException) -> str:
    """Why an LLM path failed, in Chinese: the message of an :class:`LLMError`, else
    :func:`describe_error` of the endpoint's exception."""
    return str(e) if isinstance(e, LLMError) else describe_error(e)


def try_llm(attempt: Callable[[], T], instead: str) -> tuple[T | None, str | None]:
    """Run ``attempt()`` (the LLM path). Returns ``(its result, None)``, or — when it raised any
    :class:`Exception` — ``(None, "<failure_reason>，<instead>")``, the note the caller shows above its offline
    result (``instead`` says what was done: "已改用离线出题。"). ``BaseException`` (KeyboardInterrupt) is not
    caught."""
    try:
        return attempt(), None
    except Exception as e:  # LLMError, endpoint down, timeout, HTTP error
        return None, f"{failure_reason(e)}，{instead}"
