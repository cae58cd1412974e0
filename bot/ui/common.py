"""Request helpers shared by the app's tabs: who is asking, rate limits, clean Chinese errors."""

from __future__ import annotations

import gradio as gr

from bot.guard import InputRejected, RateLimiter


def user_of(request: gr.Request | None) -> str:
    """Who sent a request: the login name, else the browser session (each gradio_client has its own),
    else the client address. Per-user state and rate limits are keyed by it."""
    if request is None:
        return "(本机)"
    name = getattr(request, "username", None)
    if name:
        return f"user:{name}"
    session = getattr(request, "session_hash", None)
    if session:
        return f"session:{session}"
    client = getattr(request, "client", None)
    return f"host:{getattr(client, 'host', '')}"


def login_of(request: gr.Request | None) -> str | None:
    """The logged-in user's name, or None (no login configured, or an anonymous request). Personal
    records are kept only for a login name, never for a browser session."""
    return getattr(request, "username", None) or None


def admit(limiter: RateLimiter, kind: str, request: gr.Request | None) -> None:
    """Count one request of ``kind`` for its user; a refusal reaches the client as a clean gr.Error."""
    try:
        limiter.hit(kind, user_of(request))
    except InputRejected as e:
        raise gr.Error(str(e)) from None


def checked(fn, *args, **kw):
    """``fn(*args)``, with a rejected input turned into a gr.Error (its Chinese message, no traceback)."""
    try:
        return fn(*args, **kw)
    except InputRejected as e:
        raise gr.Error(str(e)) from None


__all__ = ["admit", "checked", "login_of", "user_of"]
