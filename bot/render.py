"""Render stage: answers and citations as Markdown that is safe to display, shared by the app, its
API and the CLI.

Every text that comes from a document or a user is escaped before it leaves: HTML special
characters become entities (``<script>`` → ``&lt;script&gt;``) and Markdown link/image syntax is
disarmed, so a client that renders the Markdown (the chat bubble, a browser, another program) shows
the text and never runs it. The markers this module writes itself (``[n]``, ``**依据**``) stay live.

Public API: :func:`escape_html`, :func:`inert_markdown`, :func:`answer_notice`, :func:`render_markdown`,
:func:`quoted_spans`, :func:`citation_cards`, :func:`link_markers`; the output files of quizzes, papers and
lectures: :data:`QUIZ_FORMATS`, :data:`LECTURE_FORMATS`, :func:`check_format`, :func:`write_quiz`,
:func:`write_paper`, :func:`write_lecture`, :func:`quiz_json_text`, :func:`lecture_json`.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

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


#: a quote's lead-in the answerer writes before quoting (``《中国共产党章程》第七条规定：``, or after a direct
#: answer ``依据《中国共产党章程》第七条：``)
_LEAD_IN = re.compile(r"^.*?》[^：]{0,20}规定[：:]|^依据《[^》]+》[^：]{0,20}[：:]")
#: the shortest answer sentence that is looked for in a citation's text (characters, punctuation excluded)
MIN_QUOTE_CHARS = 6


def quoted_spans(text: str, answer: str) -> list[tuple[int, int]]:
    """Character spans ``[(start, end), …]`` of ``text`` that the answer quotes verbatim: each answer
    sentence (split by :func:`bot.text.zh.split_sentences`, without ``[n]`` markers, its lead-in
    ``《…》第X条规定：`` / ``依据《…》第X条：`` and closing punctuation) of at least :data:`MIN_QUOTE_CHARS` characters that
    occurs in ``text``. Overlapping spans are merged; sorted by start."""
    from bot.text.zh import split_sentences

    plain = re.sub(r"\[\d{1,3}\]", "", answer or "")
    spans = []
    for sentence in split_sentences(plain):
        core = _LEAD_IN.sub("", sentence).strip().rstrip("。！？；!?;，,")
        if len(core) < MIN_QUOTE_CHARS:
            continue
        start = text.find(core)
        while start >= 0:
            spans.append((start, start + len(core)))
            start = text.find(core, start + len(core))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _highlighted(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for a, b in spans:
        out += [escape_html(text[pos:a]), "<mark>", escape_html(text[a:b]), "</mark>"]
        pos = b
    out.append(escape_html(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def card_id(turn: int, n: int) -> str:
    """The HTML id of citation ``n`` of the ``turn``-th answer in a conversation (``cite-3-1``)."""
    return f"cite-{turn}-{n}"


def citation_cards(ans: Answer, turn: int, show_source: bool = False, open_first: bool = True) -> str:
    """The citations of one answer as collapsible HTML cards (``<details id="cite-T-N">``): the summary
    holds ``[n] 《标题》第X条``, the version ("版本未注明" when the document has none) and its status
    (现行有效/已修订); the body the whole passage,
    escaped, with the sentences the answer quotes in ``<mark>`` (:func:`quoted_spans`), and the file
    name only when ``show_source`` (admins). Returns "" when the answer has no citations."""
    cards = []
    for i, c in enumerate(ans.citations):
        # every card says which edition it quotes; a document without one says so rather than nothing
        version = f' · <span class="cite-version">{escape_html(c.version) if c.version else "版本未注明"}</span>'
        status = escape_html(c.status or "")
        badge = f' <span class="cite-status cite-status-{"current" if status == "现行有效" else "old"}">{status}</span>' \
            if status else ""
        source = f'<div class="cite-file">文件：{escape_html(c.source.rsplit("/", 1)[-1])}</div>' if show_source else ""
        body = _highlighted(c.text, quoted_spans(c.text, ans.answer))
        opened = " open" if open_first and i == 0 else ""
        cards.append(f'<details id="{card_id(turn, c.n)}" class="cite-card"{opened}><summary><b>[{c.n}] '
                     f'{escape_html(c.label())}</b>{version}{badge} <small>{escape_html(c.doc_type)}</small></summary>'
                     f'<div class="cite-text">{body}</div>{source}</details>')
    return "\n".join(cards)


def link_markers(markdown: str, turn: int, numbers: set[int]) -> str:
    """``markdown`` with each citation marker ``[n]`` (n in ``numbers``) turned into a link to its card
    (``<a href="#cite-T-N">[n]</a>``); other brackets are left as they are."""
    return re.sub(r"\[(\d{1,3})\]", lambda m: f'<a href="#{card_id(turn, int(m.group(1)))}" class="cite-link">[{m.group(1)}]</a>'
                  if int(m.group(1)) in numbers else m.group(0), markdown)


# ---------------------------------------------------------------------------- files (quiz, paper, lecture)
# The output formats and file writers the CLI and the app share (Pipeline.export delegates here). The
# writers of each format live in their package (bot.quiz: xlsx/docx, bot.quiz.paper: the paper docx,
# bot.lecture: docx/pptx); this section only picks one and writes the JSON and Markdown texts.

#: formats of ``dangjian quiz --format`` (json = :meth:`QuizSet.to_json`, xlsx = exam-platform import, docx = paper)
QUIZ_FORMATS = ("json", "xlsx", "docx")
#: formats of ``dangjian lecture --format`` (md = the draft's Markdown, json = its fields plus chars and markdown)
LECTURE_FORMATS = ("md", "docx", "pptx", "json")
#: formats that exist only as a file (no stdout form)
FILE_ONLY_FORMATS = ("xlsx", "docx", "pptx")


def check_format(fmt: str, formats: tuple[str, ...], output=None) -> None:
    """Check an output format of the CLI (``--format``) against ``formats``.

    Raises:
        ValueError: ``fmt`` is not one of ``formats`` (``--format 只能是 json、xlsx 或 docx``), or a
            file-only format (:data:`FILE_ONLY_FORMATS`) has no ``output`` (``--format docx 需要 --output 文件名``).
    """
    if fmt not in formats:
        raise ValueError(f"--format 只能是 {'、'.join(formats[:-1])} 或 {formats[-1]}")
    if fmt in FILE_ONLY_FORMATS and not output:
        raise ValueError(f"--format {fmt} 需要 --output 文件名")


def quiz_json_text(qs) -> str:
    """A quiz set (:class:`bot.quiz.QuizSet`) as the JSON file written by the CLI and the app
    (``indent=1``, Chinese kept)."""
    return json.dumps(qs.to_json(), ensure_ascii=False, indent=1)


def lecture_json(lec) -> dict:
    """A lecture (:class:`bot.lecture.draft.Lecture`) as JSON: its fields plus ``chars`` and ``markdown``."""
    from dataclasses import asdict

    return asdict(lec) | {"chars": lec.chars, "markdown": lec.to_markdown()}


def write_quiz(qs, fmt: str, path: Path, title: str | None = None) -> Path:
    """Write quiz set ``qs`` to ``path`` as ``fmt`` (:data:`QUIZ_FORMATS`); ``title`` heads a docx
    (default: the exporter's 党章党规知识竞赛试题). Returns ``path``.

    Raises:
        ValueError: unknown format.
    """
    from bot.quiz import export_docx, export_xlsx

    path = Path(path)
    if fmt == "json":
        path.write_text(quiz_json_text(qs), encoding="utf-8")
    elif fmt == "xlsx":
        export_xlsx(qs.items, path)
    elif fmt == "docx":
        export_docx(qs.items, path) if title is None else export_docx(qs.items, path, title=title)
    else:
        raise ValueError(f"--format 只能是 {'、'.join(QUIZ_FORMATS[:-1])} 或 {QUIZ_FORMATS[-1]}")
    return path


def write_lecture(lec, fmt: str, path: Path) -> Path:
    """Write lecture ``lec`` to ``path`` as ``fmt`` (:data:`LECTURE_FORMATS`). Returns ``path``.

    Raises:
        ValueError: unknown format.
    """
    from bot.lecture import export_docx, export_pptx

    path = Path(path)
    if fmt == "md":
        path.write_text(lec.to_markdown(), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(lecture_json(lec), ensure_ascii=False, indent=1), encoding="utf-8")
    elif fmt in ("docx", "pptx"):
        (export_docx if fmt == "docx" else export_pptx)(lec, path)
    else:
        raise ValueError(f"--format 只能是 {'、'.join(LECTURE_FORMATS[:-1])} 或 {LECTURE_FORMATS[-1]}")
    return path


def write_paper(paper, path: Path, key_path: Path, xlsx: Path | None = None) -> None:
    """Write a built paper (:class:`bot.quiz.paper.Paper`): the paper docx at ``path``, its answer key
    at ``key_path`` and, with ``xlsx``, every item as an exam-platform bank."""
    from bot.quiz import export_xlsx
    from bot.quiz import export_paper

    export_paper(paper, path, key_path)
    if xlsx:
        export_xlsx([i for _, items in paper.sections for i in items], xlsx)


__all__ = ["FILE_ONLY_FORMATS", "LECTURE_FORMATS", "QUIZ_FORMATS", "answer_notice", "card_id", "check_format",
           "citation_cards", "escape_html", "inert_markdown", "lecture_json", "link_markers", "quiz_json_text",
           "quoted_spans", "render_markdown", "write_lecture", "write_paper", "write_quiz"]
