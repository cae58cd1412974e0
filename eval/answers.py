"""Extractive answers: ``python -m eval.answers [--corpus DIR] [--data-dir DIR]``.

What a member reads is the answer, not the ranking. For every question of the dev and blind sets,
the offline (extractive) answer is counted, per set and per doc type (nothing is asserted):

* **answer holds the evidence** — the answer text itself (citations excluded) contains one of the
  question's gold evidence strings (whitespace-insensitive), i.e. the quoted sentences are the ones
  that answer it;
* **a citation holds it** — some cited passage contains it (the passage is right, the quoted sentence
  may not be);
* **refused** — 知识库中未找到依据 (the grounding rule, see ``eval.grounding``) although every question
  here has an answer in the corpus.

Where retrieval ranked a relevant passage first and the answer still misses the evidence, the
question is listed, so a change to sentence selection can be judged question by question.
"""

from __future__ import annotations

import argparse
import sys

from eval.common import DATA, Hit, add_corpus_args, evidence_relevant, load_questions, norm


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="抽取式回答：回答正文是否含标注证据、引用是否含证据、拒答数")
    add_corpus_args(ap)
    ap.add_argument("--list", action="store_true", help="列出检索首条相关但回答正文不含证据的问题")
    args = ap.parse_args(argv)
    from eval.retrieval import BLIND, open_pipeline

    pipe = open_pipeline(args.corpus, args.data_dir)
    sets = {"dev": load_questions(DATA / "dev_questions.jsonl"), "blind": load_questions(BLIND)}
    print(f"{'问题集/类型':<14}{'题数':>6}{'回答正文含证据':>16}{'引用含证据':>12}{'拒答':>8}")
    for name, questions in sets.items():
        rows: dict[str, list[int]] = {}
        missed: list[str] = []
        for q in questions:
            passages = pipe.retrieve(q["question"])
            ans = pipe.answerer.answer_from(q["question"], passages)
            in_answer = any(norm(e) in norm(ans.answer) for e in q["evidence"])
            cited = any(evidence_relevant(q, Hit(text=c.text, source=c.source, title=c.title)) for c in ans.citations)
            for key in (name, f"{name}/{q['doc_type']}"):
                r = rows.setdefault(key, [0, 0, 0, 0])
                r[0] += 1
                r[1] += in_answer
                r[2] += cited
                r[3] += not ans.grounded
            top_relevant = bool(passages) and evidence_relevant(q, Hit(text=passages[0].chunk.text, source=passages[0].chunk.source, title=passages[0].chunk.title))
            if top_relevant and not in_answer:
                missed.append(f"{q['id']} {q['question']} → {ans.answer[:60]}")
        for key, (n, a, c, refused) in sorted(rows.items(), key=lambda kv: (kv[0] != name, kv[0])):
            print(f"{key:<14}{n:>6}{a:>10} ({a / n:.3f}){c:>6} ({c / n:.3f}){refused:>8}")
        print(f"  检索首条即相关、回答正文却不含证据：{len(missed)} 题")
        if args.list:
            for m in missed:
                print("   -", m.replace("\n", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
