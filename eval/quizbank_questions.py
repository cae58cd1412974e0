"""Derive retrieval questions from the real quiz banks in ../shared/eval/quizbanks (read in place,
never copied): items whose answer appears, in context, in a regulation of the corpus.

Derivation: fill the item's blank (（）, runs of spaces/NBSP, ____) with its answer text; take the
answer with up to six characters of context on each side from the filled stem; the item is kept when
that window (whitespace-insensitive, at least four characters longer than the answer, shrinking the
context down to two characters per side) occurs in a regulation passage. The window becomes the
item's evidence string and the passage's document its gold source.
"""

from __future__ import annotations

import re
from pathlib import Path

from eval.common import DEFAULT_QUIZBANKS, load_jsonl, norm

BLANK = re.compile(r"[（(]\s*[）)]|[\u00a0 ]{2,}|_{2,}")
SOURCES = ("autoAnswerDangjian", "XXQG", "maogai")


def answer_text(item: dict) -> str | None:
    if item.get("answer_text"):
        return str(item["answer_text"])
    ans = item.get("answer")
    opts = item.get("options") or {}
    if isinstance(ans, str) and ans in opts:
        return str(opts[ans])
    if isinstance(ans, str) and not opts and 2 <= len(ans) <= 30:
        return ans
    return None


def derive(passages: list[tuple[str, str]], quizbanks: Path = DEFAULT_QUIZBANKS) -> list[dict]:
    """Questions ``{id, question, doc_type, evidence, gold_source, bank}`` from the banks.

    Args:
        passages: (source relative to the corpus, text) of every regulation passage.
    """
    items = load_jsonl(quizbanks / "all_normalized.jsonl")
    normed = [(src, norm(text)) for src, text in passages]
    out = []
    for item in items:
        if not str(item.get("source", "")).startswith(SOURCES):
            continue
        ans = answer_text(item)
        stem = str(item.get("question", ""))
        if not ans or len(norm(ans)) < 2 or not BLANK.search(stem):
            continue
        filled = norm(BLANK.sub(ans, stem, count=1))
        a = norm(ans)
        pos = filled.find(a)
        if pos < 0:
            continue
        for ctx in (6, 4, 3, 2):
            window = filled[max(0, pos - ctx): pos + len(a) + ctx]
            window = re.sub(r"^[，。、；：“”《》（）]+|[，。、；：“”《》（）]+$", "", window)
            if len(window) < len(a) + 4:
                continue
            srcs = sorted({src for src, t in normed if window in t})
            if len(srcs) == 1:
                out.append({
                    "id": item["id"], "question": BLANK.sub("（  ）", stem).replace("\u00a0", ""),
                    "doc_type": "法规", "evidence": [window], "gold_source": srcs[0],
                    "gold_title": None, "gold_article": None, "bank": item["source"].split("(")[0],
                })
                break
    # the banks repeat items: keep one per normalised stem
    seen, unique = set(), []
    for q in out:
        key = norm(q["question"])
        if key not in seen:
            seen.add(key)
            unique.append(q)
    return unique
