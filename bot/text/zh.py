"""Chinese-text helpers: numerals and sentences. One place for them, so every stage splits and counts
the same way."""

from __future__ import annotations

import re

import cn2an


def chinese_number(text: str) -> int:
    """'一百四十三' / '143' → 143 (via the ``cn2an`` library). Raises ValueError if not a number."""
    text = text.replace("两", "二").replace("〇", "零")
    return int(cn2an.cn2an(text, "smart"))


_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
MIN_SENTENCE_CHARS = 4


def split_sentences(text: str) -> list[str]:
    """Sentences of a chunk for the sentence-level embeddings: split after 。！？； (and their
    ASCII forms) and at line breaks; pieces shorter than ``MIN_SENTENCE_CHARS`` characters
    (item labels, stray punctuation) are dropped. Order is kept, duplicates are kept once.

    Example: ``split_sentences("预备期为一年。预备期从支部大会通过之日算起。")`` →
    ``['预备期为一年。', '预备期从支部大会通过之日算起。']``.
    """
    out = (s.strip() for s in _SENTENCE.findall(text))
    return list(dict.fromkeys(s for s in out if len(s) >= MIN_SENTENCE_CHARS))
