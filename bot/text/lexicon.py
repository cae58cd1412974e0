"""The domain lexicon, kept as data in ``bot/lexicon.yaml``: members' words that the regulations write
otherwise (投票 → 表决权/选举权), and words that only say what kind of answer a question asks for.

Read by retrieval (keyword search also looks for the regulations' wording) and by answerability (a
question's word counts as stated when one of its wordings is). Public API: :func:`synonyms`,
:func:`asking_words`, :func:`answer_types`, :func:`expand_synonyms`.
"""

from __future__ import annotations

import logging
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


def expand_synonyms(question: str) -> str:
    """``question`` with the regulations' wordings of its colloquial words appended (预备党员能不能投票 →
    … 表决权 选举权 表决), for keyword search. A word counts only as a jieba search-mode word of the question."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = set(jieba.cut_for_search(question))
    extra = [w for word, wordings in synonyms().items() if word in words for w in wordings if w not in question]
    return question + (" " + " ".join(dict.fromkeys(extra)) if extra else "")
