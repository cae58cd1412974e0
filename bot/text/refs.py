"""Article references: the numeral pattern of 第N条 headings, the label that opens an article's passage,
joining an article's pieces back into one text, and the patterns that find article references
(党章第七条, 《中国共产党章程》第七条, 第七条) in questions and generated text."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: a Chinese or Arabic numeral as regulations write article, chapter and item numbers (第一百二十二条, 第7条)
NUMERAL = r"[一二三四五六七八九十百千零〇两\d]+"

#: the label that opens an article's passage: 第七条, 第一百二十二条, or 第七条（续） on a later piece
ARTICLE_LABEL = re.compile(r"^第[^条]{1,8}条(（续）)?\s*")


def strip_article_label(text: str) -> str:
    """``text`` without its leading article label (``第七条 预备党员…`` → ``预备党员…``; see
    :data:`ARTICLE_LABEL`); text without a label is returned as it is."""
    return ARTICLE_LABEL.sub("", text)


def join_article_pieces(texts: list[str]) -> str:
    """The text of one regulation article from the passages :func:`split_document` cut it into, given in
    order (``第三条 党员必须履行下列义务：\n（一）…`` then ``第三条（续） 党员必须履行下列义务：\n（八）…``): the
    first passage as it is, then each later one without its label and without the lead line it repeats.
    One text, so a list is quoted and counted whole (党章第三条 lists eight duties, its first piece seven).

    Args:
        texts: the pieces' texts, at least one.
    Returns:
        The joined text, pieces separated by a line break.
    """
    first = texts[0].rstrip()
    lead = strip_article_label(first).split("\n", 1)[0].strip()
    parts = [first]
    for text in texts[1:]:
        body = strip_article_label(text)
        head, newline, rest = body.partition("\n")
        if lead and newline and head.strip() == lead:
            body = rest
        parts.append(body.strip())
    return "\n".join(p for p in parts if p)




#: the numeral of an article *reference* in a question or generated text (第7条, 第一百二十二条): Arabic digits
#: 0-9 and Chinese numerals without 千 (as retrieval and citation checking have always matched them)
REF_NUMERAL = r"[0-9一二三四五六七八九十百零〇两]+"

#: a bare article reference, 第七条 / 第 7 条 (group ``num``)
BARE_ARTICLE = re.compile(r"第\s*(?P<num>" + REF_NUMERAL + r")\s*条")


def article_reference(aliases: Iterable[str], title_required: bool = True) -> re.Pattern:
    """The pattern of an article reference naming its regulation: ``《书名》第七条`` (group ``book``, 2–40
    characters) or ``<alias>第七条`` with one of ``aliases`` (党章, 宪法 …: group ``alias``; longer aliases
    tried first), an optional 的 and spaces between, then 第N条 (group ``num``, :data:`REF_NUMERAL`).

    Args:
        aliases: the short names of regulations (``bot.retrieval.hybrid.REGULATION_ALIASES``' keys).
        title_required: False makes the regulation optional, so a bare 第七条 matches too (with ``book`` and
            ``alias`` None): how retrieval reads a question; citation checking requires it.
    """
    names = "|".join(sorted(map(re.escape, aliases), key=len, reverse=True))
    title = r"(?:《(?P<book>[^》]{2,40})》|(?P<alias>" + names + r"))" + ("" if title_required else "?")
    return re.compile(title + r"\s*(?:的)?\s*第\s*(?P<num>" + REF_NUMERAL + r")\s*条")
