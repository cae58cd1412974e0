"""Case answers: ``python -m eval.case_answers [--corpus DIR] [--data-dir DIR]``.

The extractive answers to the case-library questions of the dev and blind sets, counted for what a
reader of a 典型案例 needs (nothing is asserted):

* **states a verdict** — of the questions that ask for a judgement (算不算受贿, 是…还是…, 怎么定性;
  :data:`bot.answer.cases.JUDGEMENT_RE`), how many answers contain a verdict sentence
  (:data:`bot.answer.cases.VERDICT_RE`: 构成/不构成…, 应认定为…);
* **quotes a numbered view** — answers containing 第X种意见认为…, listed with whether the case endorses
  that view (笔者同意第X种意见 anywhere in the document);
* **cites the evidence** — answers whose first (any) citation holds the question's gold evidence.
"""

from __future__ import annotations

import argparse
import sys

from eval.common import DATA, Hit, add_corpus_args, evidence_relevant, load_questions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="案例问题的抽取式回答：是否给出定性结论、是否引用了未被采纳的意见")
    add_corpus_args(ap)
    args = ap.parse_args(argv)
    from bot.answer.cases import JUDGEMENT_RE, OPINION_RE, VERDICT_RE
    from eval.retrieval import BLIND, open_pipeline

    pipe = open_pipeline(args.corpus, args.data_dir)
    questions = [q for f in (DATA / "dev_questions.jsonl", BLIND) for q in load_questions(f) if q["doc_type"] == "案例"]
    judgement = verdict = first = anywhere = 0
    views: list[str] = []
    for q in questions:
        passages = pipe.retrieve(q["question"])
        ans = pipe.answerer.answer_from(q["question"], passages)
        rel = [evidence_relevant(q, Hit(text=c.text, source=c.source, title=c.title)) for c in ans.citations]
        first += bool(rel and rel[0])
        anywhere += any(rel)
        if JUDGEMENT_RE.search(q["question"]):
            judgement += 1
            verdict += bool(VERDICT_RE.search(ans.answer))
        # the answer may quote any passage of a retrieved case (its verdict passages are looked up)
        documents = {(p.chunk.path, p.chunk.doc_hash): p.chunk for p in passages}  # each document version once
        chunks = [c for chunk in documents.values() for c in pipe.answerer.document_passages(chunk)]
        for m in OPINION_RE.finditer(ans.answer):
            holder = next((c for c in chunks if m.group(0) in c.text), None)
            if m.group(1) and holder is not None:
                endorsed = m.group(1) in pipe.answerer.endorsed_views(holder)
                views.append(f"{q['id']} 《{holder.title}》第{m.group(1)}种意见：{'该案采纳' if endorsed else '该案未采纳'}")
    n = len(questions)
    print(f"案例问题 {n} 道（开发集 + 盲测集）")
    print(f"  问定性的 {judgement} 道中，回答给出定性结论的：{verdict}")
    print(f"  回答引用“第X种意见认为”的：{len(views)}")
    for v in views:
        print("   -", v)
    print(f"  首条引用含标注证据：{first}/{n}；任一引用含标注证据：{anywhere}/{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
