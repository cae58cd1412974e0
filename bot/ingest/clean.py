"""Cleaning: a document's raw text → the text that is split and indexed (:func:`clean_text`):
whitespace normalised, web and Markdown boilerplate and HTML markup removed, and — for PDF-extracted
text — hard line wraps inside sentences joined.

Public API: :func:`clean_text`.
"""

from __future__ import annotations

import re

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^)(]|\([^)]*\))*\)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: markup left in a document's text (an HTML file's entities decode to it, a Markdown file may hold it):
#: script/style blocks with their content, then any other start, end or declaration tag
_MARKUP_BLOCK = re.compile(r"<(script|style|iframe|object|embed|svg|math|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_MARKUP_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>|<![a-zA-Z][^<>]*>")
_BREADCRUMB = re.compile(r"^\s*(当前位置|您的位置|你的位置|首页\s*[>＞»])")
_BOILERPLATE = re.compile(r"^\s*[\\>]*\s*(>>)?\s*(点击查看更多|点击进入|了解本书更多|返回顶部|打印本页|关闭窗口|分享到)")
_SEPARATOR = re.compile(r"^\s*([_\-*=]\s*){3,}$")
#: the credit line of an illustration whose image is gone: a line without sentence punctuation ending in
#: 绘图/漫画/插图, naming an organ (江西省永修县纪委监委 刘仁竣 绘图, …纪工委绘图) or just a name (薛红伟 漫画)
_IMAGE_CREDIT = re.compile(
    r"^(?:[^。，；！？,;!?]{0,24}(?:纪委|监委|纪工委|纪检组|报社|日报)[^。，；！？,;!?]{0,16}"
    r"|[\u4e00-\u9fff]{2,4}\s+)(?:绘图|漫画|插图)$"
)
_SOURCE_LINE = re.compile(r"^\s*_?来源[：:].*?(_?发布时间[：:]\s*([0-9]{4}-[0-9]{2}-[0-9]{2})[^_]*_?)?\s*$")
_TERMINAL = "。！？；：…”’」』）)】.!?;:"


def clean_text(text: str, *, repair_wraps: bool) -> str:
    """Normalise whitespace and drop web/Markdown boilerplate.

    * full-width spaces (U+3000) and NBSP become ordinary spaces; line ends are normalised;
    * Markdown images, link targets, HTML comments, bold markers, ``___`` rules, site
      breadcrumbs, "点击查看更多" lines and the credit lines of removed illustrations
      (某某县纪委监委 张三 绘图) are removed (link text is kept);
    * HTML markup is removed (``<script>…</script>`` and ``<style>`` blocks whole, other tags such
      as ``<img src=x onerror=…>`` alone): document text is knowledge, never markup that a client
      rendering an answer could run;
    * with ``repair_wraps`` (PDF-extracted text), hard line wraps inside sentences are joined.

    Returns the cleaned text (may be empty).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\ufeff", "")
    text = _HTML_COMMENT.sub("", text)
    text = _MARKUP_TAG.sub("", _MARKUP_BLOCK.sub("", text))
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = text.replace("**", "").replace("\\>", ">")
    lines = []
    for line in text.split("\n"):
        s = line.strip()
        if _BREADCRUMB.match(s) or _BOILERPLATE.match(s) or _SEPARATOR.match(s) or _IMAGE_CREDIT.match(s):
            continue
        if _SOURCE_LINE.match(s):
            continue
        if re.fullmatch(r"#+", s):
            continue
        lines.append(re.sub(r"[ \t]{2,}", " ", s))
    if repair_wraps:
        lines = _join_wrapped(lines)
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


_STRUCTURAL = re.compile(
    r"^(#|第[一二三四五六七八九十百零〇两\d]+[编章节条]|[（(][一二三四五六七八九十\d]+[)）]|"
    r"[一二三四五六七八九十]+、|\d+[.、．]\s*\S|[【\[]|摘\s*要|关键词|参考文献|Abstract|Keywords)"
)


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join lines that a PDF extractor broke mid-sentence.

    A line is a wrapped fragment when it is long (≥ 70% of the document's typical full line,
    the 90th percentile of line lengths), does not end a sentence, and the next non-empty line
    does not start a structural element (heading, numbered item). Blank lines between such
    fragments are artefacts and dropped. Example: "按职工工资总额" + "1%预算" → one line.
    """
    lengths = sorted(len(s) for s in lines if s)
    if len(lengths) < 5:
        return lines
    full = lengths[int(len(lengths) * 0.9) - 1]
    threshold = max(20, int(full * 0.7))
    out: list[str] = []
    buf = ""
    pending_join = False
    for s in lines:
        if not s:
            if buf and not pending_join:
                out.append(buf)
                buf = ""
                out.append("")
            continue
        if buf and pending_join and not _STRUCTURAL.match(s):
            sep = " " if (buf[-1].isascii() and s[0].isascii()) or (buf[-1] in ",，" and s[0].isascii()) else ""
            buf = buf + sep + s
        else:
            if buf:
                out.append(buf)
            buf = s
        pending_join = len(s) >= threshold and s[-1] not in _TERMINAL
    if buf:
        out.append(buf)
    return out
