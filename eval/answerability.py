"""Answerability: ``python -m eval.answerability [--corpus DIR] [--data-dir DIR] [--list]``.

Does the assistant answer what the knowledge base answers and decline what it does not? For each set
the share of questions answered (``grounded``) is printed, under two rules side by side:

* **passage rule** — the grounding rule alone (the best passage covers enough of the question's key
  terms, :meth:`bot.answer.grounding.Grounding.grounded`): what decided before answerability looked at the
  answer;
* **answer rule** — the full decision of :meth:`bot.pipeline.Pipeline.ask`: on top of the passage rule, a
  question asking about a detail the knowledge base states nowhere (:func:`bot.answer.grounding.unstated_words`)
  is declined with 知识库中未找到…依据…没有规定…, and so is a reply whose quoted sentences leave a specific focus
  word of the question unstated (:func:`bot.answer.grounding.uncovered_focus`: 党员出国要向组织报告吗 answered from a
  sentence on reporting that never says 出国) unless the question is close in meaning to a quoted sentence
  (``settings.focus_min_cosine``): 知识库中的《…》规定了…，但没有规定…. A question close in meaning to a quoted sentence
  (``settings.min_sentence_cosine``) needs only ``min_coverage_sentence`` of the passage rule, and a word no text uses
  then declines it only when the quoted sentences hold no answer of the asked kind.

``--no-ingest`` reads a prebuilt index as it is (``--corpus`` is then only the knowledge-base root its paths are
relative to), e.g. the ten-regulation index: ``--corpus ../shared/corpus --data-dir <copy of the index> --no-ingest``.

Sets: eval/data/dev_questions.jsonl and blind_questions.jsonl (answerable: higher is better),
near_domain.jsonl (in-Party questions whose asked detail no indexed text states) and out_of_scope.jsonl
(unanswerable: lower is better); for answerable sets also the regulation questions apart and the share of answered
questions whose first citation holds the gold evidence (:func:`cites_evidence`: answering with a wrong citation is
worse than declining). A declined near-domain answer counts as correct when it is
知识库中未找到依据 with no citation, or ``grounded`` false with a statement that the detail is not there.
"""

from __future__ import annotations

import argparse
import re
import sys

from eval.common import DATA, add_corpus_args, load_jsonl, load_questions

SETS = {"dev": ("dev_questions.jsonl", True), "blind": ("blind_questions.jsonl", True),
        "near-domain": ("near_domain.jsonl", False), "out-of-scope": ("out_of_scope.jsonl", False)}


def declined_properly(ans) -> bool:
    """No answer given: 知识库中未找到依据 without citations, or not grounded and saying what is missing."""
    if ans.grounded:
        return False
    return (not ans.citations and "未找到依据" in ans.answer) or "没有规定" in ans.answer or "没有第" in ans.answer


def cites_evidence(ans, q: dict) -> bool:
    """Whether the answer's first citation holds the question's gold evidence: one of its ``evidence`` phrases
    (whitespace ignored) is in the cited text, or it is the gold article (``gold_title`` and ``gold_article``)."""
    if not ans.citations:
        return False
    c = ans.citations[0]
    text = re.sub(r"\s", "", c.text)
    if any(re.sub(r"\s", "", e) in text for e in q.get("evidence") or []):
        return True
    return bool(q.get("gold_article")) and c.article == q["gold_article"] and (q.get("gold_title") or "") in c.title


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="可答性：范围内作答率、近域与范围外拒答率（段落规则 vs 回答规则）")
    add_corpus_args(ap)
    ap.add_argument("--list", action="store_true", help="列出答错的问题（范围内被拒、范围外被答）")
    ap.add_argument("--no-ingest", action="store_true", help="不导入语料，直接读取 --data-dir 中已建好的索引")
    args = ap.parse_args(argv)
    from eval.retrieval import open_pipeline

    pipe = open_pipeline(args.corpus, args.data_dir, ingest=not args.no_ingest)
    print(f"{'问题集':<14}{'题数':>5}{'段落规则作答率':>16}{'回答规则作答率':>16}{'恰当拒答':>10}{'首条引用含证据':>14}")
    for name, (file, answerable) in SETS.items():
        path = DATA / file
        questions = load_questions(path) if answerable else load_jsonl(path)
        rows = []
        wrong: list[str] = []
        for q in questions:
            passages = pipe.retrieve(q["question"])
            old = bool(pipe.answerer.grounded(q["question"], passages)[0]) if passages else False
            ans = pipe.ask(q["question"])
            rows.append((q, old, ans))
            if ans.grounded != answerable:
                wrong.append(f"{q['id']} {q['question']} → {ans.answer[:70]}".replace("\n", " "))
        groups = [(name, rows)]
        if answerable:  # the regulation questions apart (on an index of the regulations alone the rest has no gold)
            groups.append((f"{name}（法规题）", [r for r in rows if r[0].get("doc_type") == "法规"]))
        for label, part in groups:
            n = len(part) or 1
            answered = [(q, a) for q, _, a in part if a.grounded]
            cited = (f"{sum(cites_evidence(a, q) for q, a in answered) / len(answered):.3f}"
                     if answerable and answered else "")
            print(f"{label:<14}{len(part):>5}{sum(o for _, o, _ in part) / n:>16.3f}{len(answered) / n:>16.3f}"
                  f"{sum(declined_properly(a) for _, _, a in part) / n:>12.3f}{cited:>14}")
        if args.list:
            for w in wrong:
                print("   -", w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
