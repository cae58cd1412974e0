"""Article references in a question ("党章第七条", "《中华人民共和国宪法》第三十四条", "宪法第34条") and what the index
holds for them.

Public API: :class:`ArticleRef`, :class:`ArticleLookup`, :func:`resolve_titles`, :func:`parse_article_refs`.
Short names of regulations are data (:data:`bot.text.lexicon.REGULATION_ALIASES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from bot.schema import Chunk
from bot.text.lexicon import REGULATION_ALIASES
from bot.text.zh import chinese_number

_ARTICLE_REF = re.compile(
    r"(?:《(?P<book>[^》]{2,40})》|(?P<alias>" + "|".join(sorted(map(re.escape, REGULATION_ALIASES), key=len, reverse=True))
    + r"))?\s*(?:的)?\s*第\s*(?P<num>[0-9一二三四五六七八九十百零〇两]+)\s*条"
)


@dataclass
class ArticleRef:
    """A reference in a question: ``titles`` are candidate full titles, ``number`` the article."""

    titles: list[str]
    number: int
    text: str


@dataclass
class ArticleLookup:
    """What the index holds for an article reference of a question.

    ``chunks``: the article's passages ([] when the index has no such article); ``indexed_title``:
    the referenced regulation's title as indexed (None when the regulation is not in the index);
    ``last_article``: that regulation's highest article number.
    """

    ref: ArticleRef
    chunks: list[Chunk]
    indexed_title: str | None
    last_article: int | None

    @property
    def found(self) -> bool:
        return bool(self.chunks)

    def message(self) -> str:
        """Why the article cannot be quoted, in Chinese ("" when it was found)."""
        if self.found:
            return ""
        number = cn2an.an2cn(self.ref.number)
        if self.indexed_title is None:
            return f"知识库中没有《{self.ref.titles[0]}》的原文，无法给出其第{number}条的内容。"
        total = f"，该版本共{cn2an.an2cn(self.last_article)}条" if self.last_article else ""
        return f"知识库中的《{self.indexed_title}》没有第{number}条{total}。"


def resolve_titles(book: str | None, alias: str | None, known_titles: list[str]) -> list[str]:
    """Candidate full titles for a regulation named as 《book》 or by a short ``alias`` (党章):
    indexed titles equal to or overlapping the book name, plus the titles of aliases inside it
    (and indexed titles that contain such a full title: 中国共产党纪律处分条例（2023年修订）)."""
    if alias:
        full = REGULATION_ALIASES[alias]
        return list(dict.fromkeys(full + [t for t in known_titles if any(f in t for f in full)]))
    if not book:
        return []
    titles = [t for t in known_titles if t == book] or [t for t in known_titles if book in t or t in book]
    for a, full in REGULATION_ALIASES.items():
        if a in book:
            titles += full
    return list(dict.fromkeys(titles))


def parse_article_refs(question: str, known_titles: list[str]) -> list[ArticleRef]:
    """Find "党章第七条" / "《中华人民共和国宪法》第三十四条" / "宪法第34条" references.

    The regulation may also be named by a full indexed title appearing before the article number,
    and a bare article right after another reference belongs to the same regulation (党章第七条和第九条).
    Otherwise a bare "第七条" with no regulation is ambiguous and ignored unless only one regulation
    is indexed. A 《book》 that is not indexed is still returned (with ``titles == [book]``).
    """
    refs: list[ArticleRef] = []
    prev_end = 0
    for m in _ARTICLE_REF.finditer(question):
        try:
            number = chinese_number(m.group("num"))
        except ValueError:
            continue
        if m.group("book") or m.group("alias"):
            # a 《book》 that is not indexed stays a reference, so the answer can say it is missing
            titles = resolve_titles(m.group("book"), m.group("alias"), known_titles) or [m.group("book")]
        elif refs and re.fullmatch(r"[\s和与及或、，,至到]{0,3}", question[prev_end : m.start()]):
            titles = list(refs[-1].titles)
        else:
            before = question[: m.start()]
            titles = [t for t in known_titles if t in before]
            if not titles and len(known_titles) == 1:
                titles = list(known_titles)
        prev_end = m.end()
        if titles and number > 0:
            refs.append(ArticleRef(list(dict.fromkeys(titles)), number, m.group(0)))
    return refs
