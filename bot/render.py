"""Render stage: answers and citations as Markdown that is safe to display, shared by the app, its
API and the CLI.

Every text that comes from a document or a user is escaped before it leaves: HTML special
characters become entities (``<script>`` → ``&lt;script&gt;``) and Markdown link/image syntax is
disarmed, so a client that renders the Markdown (the chat bubble, a browser, another program) shows
the text and never runs it. The markers this module writes itself (``[n]``, ``**依据**``) stay live.

Public API: :func:`escape_html`, :func:`inert_markdown`, :func:`answer_notice`, :func:`render_markdown`.
"""

from __future__ import annotations

import html
import re

from bot.schema import Answer

#: a citation marker [n] the answerer writes after a quoted sentence
_MARKER = re.compile(r"&#91;(\d{1,3})&#93;")


def escape_html(text: str) -> str:
    """``text`` with ``& < > " '`` replaced by HTML entities (no tag can survive)."""
    return html.escape(text or "", quote=True)


def inert_markdown(text: str, keep_markers: bool = False) -> str:
    """``text`` as inert Markdown: HTML escaped (:func:`escape_html`), square brackets as entities so no
    ``[label](javascript:…)`` link or ``![](…)`` image can form, line breaks kept. With
    ``keep_markers`` the citation markers ``[1]`` … ``[999]`` stay plain brackets (they link nowhere)."""
    out = escape_html(text).replace("[", "&#91;").replace("]", "&#93;")
    if keep_markers:
        out = _MARKER.sub(r"[\1]", out)
    return out.replace("\n", "  \n")


def answer_notice(ans: Answer) -> str:
    """The warning shown with an answer: failed citation verification, or the LLM fallback; "" if none."""
    if ans.verified is False:
        return "⚠ 引用核验未通过：" + "；".join(ans.notes)
    if ans.mode == "extractive-fallback" and ans.notes:
        return "⚠ " + ans.notes[0]
    return ""


def render_markdown(ans: Answer) -> str:
    """Answer + 依据 list as safe Markdown (the app's ``/ask`` and ``/chat`` API, the CLI's human
    output): the answer keeps its ``[n]`` markers, every document text is escaped (:func:`inert_markdown`);
    a quoted passage is cut at 300 characters."""
    lines = [inert_markdown(ans.answer, keep_markers=True)]
    if notice := answer_notice(ans):
        lines.append("\n> " + inert_markdown(notice))
    if ans.citations:
        lines.append("\n**依据**")
        for c in ans.citations:
            quote = c.text if len(c.text) <= 300 else c.text[:300] + "…"
            version = f"（{c.version}）" if c.version else ""
            lines.append(f"[{c.n}] {inert_markdown(c.label() + version)}：{inert_markdown(quote)}")
    return "\n".join(lines)


__all__ = ["answer_notice", "escape_html", "inert_markdown", "render_markdown"]
