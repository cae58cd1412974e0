"""The domain lexicon, kept as data in ``bot/text/lexicon.yaml``: members' words that the regulations write
otherwise (投票 → 表决权/选举权), words that only say what kind of answer a question asks for, short names of
regulations (党章) and of Party and State bodies (纪委), and the question and function words retrieval drops.

Read by retrieval (keyword search also looks for the regulations' wording; article references name
regulations by short names) and by answerability (a question's word counts as stated when one of its
wordings is). Public API: the accessors :func:`synonyms`, :func:`asking_words`, :func:`answer_types`,
:func:`regulation_aliases`, :func:`abbreviations`, :func:`stop_phrases`, :func:`question_words`, the
same lists as module constants (:data:`REGULATION_ALIASES`, :data:`ABBREVIATIONS`, :data:`STOP_PHRASES`,
:data:`STOP_RE`, :data:`QUESTION_RE`; read when this module is imported), and :func:`expand_synonyms`.
The file is read once per process; do not modify what the accessors return.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("lexicon.yaml")
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _data() -> dict:
    import yaml

    with _LOCK:
        return yaml.safe_load(PATH.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    """Colloquial word → the wordings of the indexed texts that state the same thing (read once; do not
    modify the result)."""
    return {str(k): [str(x) for x in v or []] for k, v in (_data().get("synonyms") or {}).items()}


@lru_cache(maxsize=1)
def asking_words() -> frozenset[str]:
    """Words that tell the kind of answer asked for (哪天, 几项, 算不算), not its subject (read once)."""
    return frozenset(str(x) for x in _data().get("asking_words") or [])


@lru_cache(maxsize=1)
def answer_types() -> dict[str, str]:
    """Question word → the kind of answer it asks for (年龄 → ``number``; :func:`bot.answer.direct.question_type`),
    read once; do not modify the result."""
    return {str(k): str(v) for k, v in (_data().get("answer_types") or {}).items()}


@lru_cache(maxsize=1)
def regulation_aliases() -> dict[str, list[str]]:
    """Short name of a regulation → its candidate full titles, in the file's order (党章 → [中国共产党章程];
    the first title is the one appended to keyword queries)."""
    return {str(k): [str(x) for x in v or []] for k, v in (_data().get("regulation_aliases") or {}).items()}


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, list[str]]:
    """Abbreviation of a Party or State body or formula → the regulations' full wordings, in the file's order
    (纪委 → [纪律检查委员会])."""
    return {str(k): [str(x) for x in v or []] for k, v in (_data().get("abbreviations") or {}).items()}


@lru_cache(maxsize=1)
def stop_phrases() -> list[str]:
    """Question and function words that carry no topic, longest first (a stable sort: equal lengths keep the
    file's order, which decides the alternation order of :data:`STOP_RE`)."""
    return sorted((str(x) for x in _data().get("stop_phrases") or []), key=len, reverse=True)


@lru_cache(maxsize=1)
def question_words() -> list[str]:
    """Interrogatives dropped from the keyword query (什么, 哪些 …), longest first (stable sort, as
    :func:`stop_phrases`)."""
    return sorted((str(x) for x in _data().get("question_words") or []), key=len, reverse=True)


def _alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


#: Short names of regulations → full titles (:func:`regulation_aliases`).
REGULATION_ALIASES: dict[str, list[str]] = regulation_aliases()
#: Abbreviations of bodies and formulas → the regulations' wordings (:func:`abbreviations`).
ABBREVIATIONS: dict[str, list[str]] = abbreviations()
#: Question and function words removed before key terms are formed, longest first (:func:`stop_phrases`).
STOP_PHRASES: list[str] = stop_phrases()
#: Matches any of :data:`STOP_PHRASES`, longest first.
STOP_RE: re.Pattern[str] = _alternation(STOP_PHRASES)
#: Matches any interrogative of :func:`question_words`, longest first.
QUESTION_RE: re.Pattern[str] = _alternation(question_words())


def expand_synonyms(question: str) -> str:
    """``question`` with the regulations' wordings of its colloquial words appended (预备党员能不能投票 →
    … 表决权 选举权 表决), for keyword search. A word counts only as a jieba search-mode word of the question."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = set(jieba.cut_for_search(question))
    extra = [w for word, wordings in synonyms().items() if word in words for w in wordings if w not in question]
    return question + (" " + " ".join(dict.fromkeys(extra)) if extra else "")
