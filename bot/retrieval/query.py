"""The question as retrieval reads it: normalised (simplified Chinese, half-width ASCII, single spaces) for
every ranking, and, for keyword (BM25) search, without interrogatives and with the regulations' wording of
short names, abbreviations and colloquial words appended.

Public API: :func:`normalize_query`, :func:`t2s`, :func:`keyword_query`, :func:`expand_aliases`,
:func:`expand_abbreviations`. The word lists are data in ``bot/text/lexicon.yaml`` (:mod:`bot.text.lexicon`).
"""

from __future__ import annotations

import logging
import re
import threading

from bot.text.lexicon import ABBREVIATIONS, QUESTION_RE, REGULATION_ALIASES, expand_synonyms

_T2S = None
_T2S_LOCK = threading.Lock()


def t2s(text: str) -> str:
    """``text`` in simplified Chinese (OpenCC ``t2s``; the converter is built on first use, thread-safe)."""
    global _T2S
    with _T2S_LOCK:
        if _T2S is None:
            import opencc

            _T2S = opencc.OpenCC("t2s")
        return _T2S.convert(text)


def normalize_query(question: str) -> str:
    """Traditional → simplified Chinese (OpenCC), full-width ASCII → half-width, collapsed spaces."""
    q = t2s(question)
    q = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" and c not in "（）：；，？！" else c for c in q)
    return re.sub(r"\s+", " ", q).strip()


def expand_aliases(question: str) -> str:
    """Append full titles for short names (党章 → 中国共产党章程, :data:`bot.text.lexicon.REGULATION_ALIASES`)
    so keyword search matches them."""
    extra = [full[0] for alias, full in REGULATION_ALIASES.items() if alias in question and full[0] not in question]
    return question + (" " + " ".join(dict.fromkeys(extra)) if extra else "")


def expand_abbreviations(question: str) -> str:
    """Append the full wording of abbreviations in ``question`` (纪委 → 纪律检查委员会, 市委 → 党的地方各级委员会 …,
    :data:`bot.text.lexicon.ABBREVIATIONS`) so keyword search matches the regulations' text.

    A two- or three-character abbreviation counts only as a jieba search-mode word of the question
    (so 人大 is found in 全国人大代表 but not in 个人大额); longer formulas (四个意识) as substrings.
    """
    import jieba  # imported on first use: loading its dictionary costs about half a second

    jieba.setLogLevel(logging.WARNING)
    words = set(jieba.cut_for_search(question))
    extra: list[str] = []
    for short, full in ABBREVIATIONS.items():
        if short in words or (len(short) >= 4 and short in question):
            extra += [f for f in full if f not in question]
    return question + (" " + " ".join(dict.fromkeys(extra)) if extra else "")


def keyword_query(question: str) -> str:
    """The question for keyword search: interrogatives removed (they only add noise bigrams such
    as 哪些; :data:`bot.text.lexicon.QUESTION_RE`), short names expanded (党章 → 中国共产党章程, 纪委 →
    纪律检查委员会), colloquial words given the regulations' wording (投票 → 表决权 选举权,
    :func:`bot.text.lexicon.expand_synonyms`)."""
    return expand_synonyms(expand_abbreviations(expand_aliases(QUESTION_RE.sub(" ", question))))
