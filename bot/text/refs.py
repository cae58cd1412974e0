"""Article references: the numeral pattern of 第N条 headings, the label that opens an article's passage,
and joining an article's pieces back into one text."""

from __future__ import annotations

import re

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


