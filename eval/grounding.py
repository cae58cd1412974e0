"""Grounding threshold: ``python -m eval.grounding [--corpus DIR] [--data-dir DIR]``.

For thresholds of the best passage's key-term coverage (:attr:`bot.config.Settings.min_coverage`)
it reports the share of in-scope questions (eval/data/dev_questions.jsonl) that get a grounded
answer, the share of those whose first citation is relevant (evidence match), and the share of
out-of-scope questions (eval/data/out_of_scope.jsonl) correctly refused with 知识库中未找到依据.
"""

from __future__ import annotations

import argparse
import sys

from eval.common import DATA, Hit, add_corpus_args, evidence_relevant, load_jsonl, load_questions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="“未找到依据”阈值评测")
    add_corpus_args(ap)
    args = ap.parse_args(argv)
    from eval.retrieval import open_pipeline

    pipe = open_pipeline(args.corpus, args.data_dir)
    inside = load_questions(DATA / "dev_questions.jsonl")
    outside = load_jsonl(DATA / "out_of_scope.jsonl")
    rows = []
    for q in inside + outside:
        passages = pipe.retrieve(q["question"])
        best, _ = pipe.answerer.evidence(q["question"], passages)
        grounded, _ = pipe.answerer.grounded(q["question"], passages)
        top = passages[0].chunk if passages else None
        ok = bool(top) and "evidence" in q and evidence_relevant(q, Hit(top.text, top.source, top.title, top.article))
        rows.append((q, best, ok, grounded))
    print(f"{'阈值':>6}{'范围内有据作答':>14}{'首条引用相关':>12}{'范围外拒答':>12}")
    print("只用关键词覆盖率：")
    for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        answered = [ok for q, best, ok, _ in rows[: len(inside)] if best >= t]
        refused = sum(1 for _, best, _, _ in rows[len(inside):] if best < t)
        print(f"{t:>8.1f}{len(answered) / len(inside):>14.3f}{(sum(answered) / max(1, len(answered))):>14.3f}"
              f"{refused / len(outside):>14.3f}")
    s = pipe.settings
    answered = [ok for _, _, ok, g in rows[: len(inside)] if g]
    refused = sum(1 for _, _, _, g in rows[len(inside):] if not g)
    print(f"\n当前规则（覆盖率 ≥ {s.min_coverage}，或覆盖率 ≥ {s.min_coverage_dense} 且向量相似度 ≥ {s.min_dense}）：")
    print(f"  范围内有据作答 {len(answered) / len(inside):.3f}，首条引用相关 {sum(answered) / max(1, len(answered)):.3f}，"
          f"范围外拒答 {refused / len(outside):.3f}")
    wrong = [q["question"] for q, _, _, g in rows[len(inside):] if g]
    if wrong:
        print("  未拒答的范围外问题：" + "；".join(wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())
