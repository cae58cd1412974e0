"""Chinese-text helpers: numerals, sentences, character runs and bigrams. One place for them, so every stage
splits and counts the same way.

Sentence splitting comes in variants that stages measured with, kept exactly (:func:`sentence_pieces`'s
parameters reproduce each): which marks end a sentence, whether a line break ends one too, and whether the
line breaks are kept as pieces of their own (the extractive answerer reads enumeration lines from them).
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an


def chinese_number(text: str) -> int:
    """'一百四十三' / '143' → 143 (via the ``cn2an`` library). Raises ValueError if not a number."""
    text = text.replace("两", "二").replace("〇", "零")
    return int(cn2an.cn2an(text, "smart"))


# ---------------------------------------------------------------------------------------------- sentences
#: the sentence ends of Chinese prose: 。！？ and the clause end ；
CN_ENDS = "。！？；"
#: :data:`CN_ENDS` and their ASCII forms (the sentence index and highlighting)
ALL_ENDS = "。！？；!?;"
#: full stops only, Chinese and ASCII (the answer-first spans: a ； clause stays in its sentence)
STOP_ENDS = "。！？!?"
#: full stops only, Chinese (a lecture's own sentences, which never hold a line break)
CN_STOPS = "。！？"


@lru_cache(maxsize=None)
def sentence_pattern(ends: str = CN_ENDS, at_newline: bool = True, keep_newlines: bool = False) -> re.Pattern:
    """The compiled pattern of :func:`sentence_pieces` (cached): ``[^<ends>\\n]+[<ends>]?`` (no ``\\n`` in the
    first class when ``at_newline`` is False), with ``|\\n`` appended when ``keep_newlines``."""
    body = re.escape(ends)
    stop = body + (r"\n" if at_newline else "")
    pattern = "[^" + stop + "]+[" + body + "]?" + (r"|\n" if keep_newlines else "")
    return re.compile(pattern)


def sentence_pieces(text: str, ends: str = CN_ENDS, at_newline: bool = True, keep_newlines: bool = False) -> list[str]:
    """The raw sentence pieces of ``text``, in order, nothing dropped or stripped: each piece runs up to and
    including the next character of ``ends`` (the last may have none).

    Args:
        ends: the characters that end a sentence (:data:`CN_ENDS`, :data:`ALL_ENDS`, :data:`STOP_ENDS`,
            :data:`CN_STOPS`; the order of the characters does not matter).
        at_newline: a line break also ends a piece (and is in no piece); False: line breaks stay inside pieces.
        keep_newlines: each line break is returned as a piece ``"\\n"`` of its own (so a caller can tell which
            line a piece is on). Only meaningful with ``at_newline``.

    Example: ``sentence_pieces("第一条 党员。\\n（一）学习；", keep_newlines=True)`` →
    ``['第一条 党员。', '\\n', '（一）学习；']``.
    """
    return sentence_pattern(ends, at_newline, keep_newlines).findall(text)


MIN_SENTENCE_CHARS = 4


def split_sentences(text: str) -> list[str]:
    """Sentences of a chunk for the sentence-level embeddings: split after 。！？； (and their
    ASCII forms) and at line breaks; pieces shorter than ``MIN_SENTENCE_CHARS`` characters
    (item labels, stray punctuation) are dropped. Order is kept, duplicates are kept once.

    Example: ``split_sentences("预备期为一年。预备期从支部大会通过之日算起。")`` →
    ``['预备期为一年。', '预备期从支部大会通过之日算起。']``.
    """
    out = (s.strip() for s in sentence_pieces(text, ALL_ENDS))
    return list(dict.fromkeys(s for s in out if len(s) >= MIN_SENTENCE_CHARS))


_CITED_END = "。！？；\n"


def cited_sentences(text: str) -> list[str]:
    """Sentences of generated text with ``[n]`` citation markers: split at 。！？； and line breaks outside
    “…” quotations; the ``[n]`` markers that follow a sentence end (or a closing quotation mark) stay with
    that sentence. Blank sentences are dropped; nothing is stripped.

    Example: ``cited_sentences("预备期为一年。[1]他说：“不。”[2]")`` → ``['预备期为一年。[1]', '他说：“不。”[2]']``.
    """
    out, cur, depth, i = [], "", 0, 0
    while i < len(text):
        ch = text[i]
        cur += ch
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _CITED_END or ch == "”"):
            m = re.match(r"(?:\s*\[\d{1,3}\])+", text[i + 1:])
            if m:
                cur += m.group(0)
                i += len(m.group(0))
            if ch in _CITED_END or m:
                nxt = text[i + 1: i + 2]
                if ch in _CITED_END or nxt in _CITED_END or not nxt:
                    out.append(cur)
                    cur = ""
        i += 1
    if cur.strip():
        out.append(cur)
    return [x for x in out if x.strip()]


# ---------------------------------------------------------------------------------------------- terms
#: runs a question's key terms are made of: CJK characters (basic block), Latin words, digit runs
TERM_RUN = re.compile(r"[\u4e00-\u9fff]+|[a-zA-Z]+|\d+")


def is_cjk(ch: str) -> bool:
    """Whether the character ``ch`` is in the CJK Unified Ideographs basic block (U+4E00–U+9FFF)."""
    return "\u4e00" <= ch <= "\u9fff"


def char_bigrams(text: str) -> list[str]:
    """The overlapping two-character windows of ``text``, in order, repeats kept ([] for fewer than two
    characters). Example: ``char_bigrams("预备期")`` → ``['预备', '备期']``."""
    return [text[i: i + 2] for i in range(len(text) - 1)]
