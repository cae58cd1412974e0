"""The evaluation harness's own parts: the question-file reader, the metrics, and the dev set's labels."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from eval.common import DATA, QuestionFileError, load_questions, metrics, norm


@pytest.mark.parametrize("name", ["dev_questions.jsonl", "blind_questions.jsonl"])
def test_question_set_labels_hold_on_the_corpus(corpus, name):
    """Every evidence phrase of the dev and blind sets occurs in its gold document. Phrases that other documents
    repeat (cases quote the 党章) are still unambiguous, because a hit is relevant only when it comes
    from the gold document (:func:`eval.common.evidence_relevant`)."""
    from bot.ingest.load import iter_files, load_document
    from eval.common import Hit, evidence_relevant

    texts, titles = {}, {}
    for f in iter_files(corpus):
        doc = load_document(f, corpus)
        texts[doc.source], titles[doc.source] = doc.text, doc.title
    questions = load_questions(DATA / name)
    assert len({q["id"] for q in questions}) == len(questions)
    if name == "dev_questions.jsonl":
        assert len(questions) >= 150 and {q["doc_type"] for q in questions} == {"法规", "案例", "资料"}
    repeated = 0
    for q in questions:
        assert q.get("gold_source"), q["id"]
        for phrase in q["evidence"]:
            holders = [s for s, t in texts.items() if norm(phrase) in norm(t)]
            relevant = [s for s in holders if evidence_relevant(q, Hit(text=texts[s], source=s))]
            assert len(relevant) == 1, (q["id"], phrase, holders[:3])
            repeated += len({titles[s] for s in holders}) > 1  # another version of the same regulation is no repeat
    assert repeated < len(questions) // 4  # mostly distinctive phrases, not stock formulas


def test_option_scoring_reads_the_blank_in_context(corpus):
    """The exam check's local match: on the real 第七条, the option that completes the sentence word for
    word scores 1, options that only share key terms with it score less."""
    from eval.quizbank import CONTEXT, local_match, plain as _plain

    text = next(corpus.glob("regulations/中国共产党章程*.md")).read_text(encoding="utf-8")
    article = text[text.index("第七条"): text.index("第八条")]
    left, right = "根据《中国共产党章程》，预备党员的预备期，从", "他为预备党员之日算起。"

    def score(option: str) -> float:
        return local_match(_plain(left)[-CONTEXT:] + option + _plain(right)[:CONTEXT], article)

    assert score("支部大会通过") == 1.0
    assert score("上级党组织批准") < 0.75 and score("党委批准") < 0.75
    assert local_match("", article) == 0.0


def test_near_domain_questions_are_unanswerable_from_the_corpus(corpus):
    """The near-domain set (eval/data/near_domain.jsonl: in-Party questions whose asked detail no indexed text
    states) stays unanswerable: none of each question's ``absent`` terms occurs in any document of the corpus."""
    from bot.ingest.load import iter_files, load_document
    from eval.common import load_jsonl

    text = "\n".join(norm(load_document(f, corpus).text) for f in iter_files(corpus))
    questions = load_jsonl(DATA / "near_domain.jsonl")
    assert len(questions) >= 40 and len({q["id"] for q in questions}) == len(questions)
    for q in questions:
        assert q["absent"] and norm(q["absent"][0]) in norm(q["question"]), q["id"]  # the asked detail
        present = [t for t in q["absent"] if norm(t) in text]
        assert not present, (q["id"], present)

