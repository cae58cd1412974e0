"""Retrieval evaluation: ``python -m eval.retrieval [--corpus DIR] [--data-dir DIR] [--no-naive]``.

Runs, on the same corpus and questions in one run:

* **ours** — the product pipeline (hybrid dense + BM25, RRF, article look-up, de-duplication);
* **bm25** — our BM25 index alone (same chunks);
* **dense** — our Chroma index alone (same chunks, same embedder);
* **sentence-dense** — our sentence embeddings alone (each passage ranked by its best sentence);
* **naive-langchain** — the setup other tools ship: raw file text, LangChain
  ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)``, Chroma, the same embedder
  (built once into ``<data-dir>/naive-langchain``; ~15 min on 2 cores the first time).

``--traditional`` converts every question to traditional script (OpenCC ``s2t``) first, to measure the
query normaliser (the naive baseline does not normalise).

Question sets: ``eval/data/dev_questions.jsonl`` (written by us; ``--questions FILE`` evaluates another
set in the same format, e.g. a held-out one, see :func:`eval.common.load_questions`), ``eval/data/blind_questions.jsonl``
(79 questions written without looking at any ranking, a check on over-fitting to the dev set) and a set derived from the quiz
banks in ``../shared/eval/quizbanks`` (:mod:`eval.quizbank_questions`). Prints tables (overall and
per document type, evidence match and article match, ratios against the naive setup) and writes a
JSON report to ``eval/reports/retrieval.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from eval.common import (
    DATA, REPORTS, Hit, QuestionFileError, add_corpus_args, article_relevant, evidence_relevant, load_questions, metrics,
    print_table,
)

#: questions written blind (before any ranking was looked at) in the fourth session, to check that a change
#: generalises beyond the dev set it was measured on; see eval/README.md
BLIND = DATA / "blind_questions.jsonl"
COLUMNS = ["R@1", "R@5", "R@10", "MRR@10", "nDCG@10"]
K = 10


def open_pipeline(corpus: Path, data_dir: Path | None, ingest: bool = True):
    """The pipeline over the index in ``data_dir`` (default: settings) with ``corpus`` as its knowledge-base
    folder; ``corpus`` is ingested first unless ``ingest`` is False (then the index is read as it is, e.g. a
    prebuilt index of the regulations alone, whose paths are relative to the corpus root)."""
    from bot.config import Settings
    from bot.pipeline import Pipeline

    kw = {"kb_dir": corpus}
    if data_dir:
        kw["data_dir"] = data_dir
    pipe = Pipeline(Settings(**kw))
    if not ingest:
        print(f"索引：{pipe.stats()['chunks']} 个片段（未重新导入）", file=sys.stderr)
        return pipe
    report = pipe.ingest(corpus)
    print(f"索引：{pipe.stats()['chunks']} 个片段（本次新写入 {report.chunks_added}）", file=sys.stderr)
    return pipe


def _hit(chunk) -> Hit:
    return Hit(text=chunk.text, source=chunk.source, title=chunk.title, article=chunk.article)


def systems(pipe) -> dict[str, Callable[[str], list[Hit]]]:
    from bot.retrieval.query import keyword_query, normalize_query

    idx = pipe.index

    def ours(q: str) -> list[Hit]:
        return [_hit(r.chunk) for r in pipe.retrieve(q, k=K)]

    def hits(ids: list[str]) -> list[Hit]:
        got = idx.get(ids)
        return [_hit(got[i]) for i in ids if i in got]

    def bm25(q: str) -> list[Hit]:
        return hits([i for i, _ in idx.bm25_search(keyword_query(normalize_query(q)), K)])

    def dense(q: str) -> list[Hit]:
        return hits([i for i, _ in idx.dense_search(normalize_query(q), K)])

    def sentence(q: str) -> list[Hit]:
        return hits([i for i, _ in idx.sentence_search(normalize_query(q), K)])

    runs = {"ours": ours, "bm25": bm25, "dense": dense}
    if idx.sentence_count():
        runs["sentence-dense"] = sentence
    return runs


class NaiveLangChain:
    """The naive baseline: RecursiveCharacterTextSplitter(500, 50) on raw text + Chroma + same embedder."""

    def __init__(self, corpus: Path, directory: Path, embeddings):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.corpus = corpus
        self.embeddings = embeddings
        self.client = chromadb.PersistentClient(path=str(directory), settings=ChromaSettings(anonymized_telemetry=False))
        files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".md", ".txt") and p.name != "MANIFEST.md")
        fp = hashlib.sha1("".join(f"{p}:{p.stat().st_size}" for p in files).encode()).hexdigest()
        from bot.store.embed import ChromaEmbeddingAdapter

        ef = ChromaEmbeddingAdapter(embeddings=embeddings)
        col = self.client.get_or_create_collection("naive", embedding_function=ef, metadata={"hnsw:space": "cosine"})
        if (col.metadata or {}).get("fingerprint") != fp or col.count() == 0:
            self.client.delete_collection("naive")
            col = self.client.create_collection("naive", embedding_function=ef, metadata={"hnsw:space": "cosine", "fingerprint": fp})
            self._build(col, files)
        self.collection = col

    def _build(self, col, files) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from tqdm import tqdm

        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        texts, metas = [], []
        for f in files:
            raw = f.read_text(encoding="utf-8", errors="replace")
            for t in splitter.split_text(raw):
                texts.append(t)
                metas.append({"source": str(f.relative_to(self.corpus.parent))})
        bar = tqdm(total=len(texts), desc="naive baseline 向量化", unit="片段")
        for i in range(0, len(texts), 64):
            batch = texts[i: i + 64]
            col.add(ids=[f"n{i + j}" for j in range(len(batch))], documents=batch, metadatas=metas[i: i + 64],
                    embeddings=self.embeddings.embed_documents(batch))
            bar.update(len(batch))
        bar.close()

    def search(self, q: str) -> list[Hit]:
        res = self.collection.query(query_embeddings=[self.embeddings.embed_query(q)], n_results=K,
                                    include=["documents", "metadatas"])
        return [Hit(text=d, source=m["source"], title=m.get("title")) for d, m in zip(res["documents"][0], res["metadatas"][0])]

    def all_texts(self) -> list[Hit]:
        got = self.collection.get(include=["documents", "metadatas"])
        return [Hit(text=d, source=m["source"], title=m.get("title")) for d, m in zip(got["documents"], got["metadatas"])]


def count_relevant(questions: list[dict], collection: list[Hit], fn) -> list[int]:
    """Relevant passages in the whole collection per question (for the ideal DCG)."""
    return [sum(1 for h in collection if fn(q, h)) for q in questions]


def evaluate(questions: list[dict], search: Callable[[str], list[Hit]], collection: list[Hit], fn) -> tuple[dict, list[list[bool]], float]:
    t0 = time.perf_counter()
    ranked = [[fn(q, h) for h in search(q["question"])] for q in questions]
    elapsed = (time.perf_counter() - t0) / max(1, len(questions))
    return metrics(ranked, count_relevant(questions, collection, fn)), ranked, elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="检索质量评测（ours vs. baselines）")
    add_corpus_args(ap)
    ap.add_argument("--questions", type=Path, default=DATA / "dev_questions.jsonl",
                    help="问题集（JSON Lines：question、evidence，可选 id、gold_source、gold_title、gold_article、doc_type），默认开发集")
    ap.add_argument("--no-naive", action="store_true", help="跳过 naive LangChain 基线（首次构建约 15 分钟）")
    ap.add_argument("--report", type=Path, default=REPORTS / "retrieval.json")
    ap.add_argument("--sets", default="dev,blind,quizbank",
                    help="要评测的问题集，逗号分隔：dev（--questions）、blind（eval/data/blind_questions.jsonl）、quizbank")
    ap.add_argument("--traditional", action="store_true",
                    help="先把问题转成繁体（OpenCC s2t）再检索：检验查询归一化（证据仍按简体语料匹配）")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"错误：找不到语料目录 {args.corpus}", file=sys.stderr)
        return 2

    try:
        question_sets = {"dev": load_questions(args.questions)} if "dev" in args.sets else {}
        if "blind" in args.sets:
            question_sets["blind"] = load_questions(BLIND)
    except QuestionFileError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2

    pipe = open_pipeline(args.corpus, args.data_dir)
    ours_collection = [_hit(c) for c in pipe.index.iter_chunks()]
    if args.quizbanks.is_dir() and "quizbank" in args.sets:
        from eval.quizbank_questions import derive

        regs = [(h.source.split("/", 1)[1], h.text) for h in ours_collection if "/regulations/" in "/" + h.source]
        question_sets["quizbank"] = derive(regs, args.quizbanks)
    if args.traditional:
        import opencc

        s2t = opencc.OpenCC("s2t")
        question_sets = {k: [{**q, "question": s2t.convert(q["question"])} for q in v] for k, v in question_sets.items()}
    runs = systems(pipe)
    naive = None
    if not args.no_naive:
        naive = NaiveLangChain(args.corpus, (args.data_dir or pipe.settings.data_dir) / "naive-langchain", pipe.index.embeddings)
        runs["naive-langchain"] = naive.search
    naive_collection = naive.all_texts() if naive else []

    report: dict = {"corpus": str(args.corpus), "chunks": len(ours_collection), "sets": {}}
    for set_name, questions in question_sets.items():
        source = {"dev": f"（{args.questions}）", "blind": f"（{BLIND}）"}.get(set_name, "")
        print(f"\n=== 问题集 {set_name}{source}：{len(questions)} 题 ===")
        set_report: dict = {"n": len(questions), "evidence": {}, "article": {}, "by_type": {}, "latency_ms": {}}
        per_q: dict[str, list[list[bool]]] = {}
        for name, search in runs.items():
            coll = naive_collection if name == "naive-langchain" else ours_collection
            m, ranked, sec = evaluate(questions, search, coll, evidence_relevant)
            set_report["evidence"][name] = m
            set_report["latency_ms"][name] = round(sec * 1000, 1)
            per_q[name] = ranked
        rows = [(n, set_report["evidence"][n]) for n in runs]
        extra = {n: f"{set_report['latency_ms'][n]:.0f} ms/题" for n in runs}
        print_table("证据匹配（evidence match）", rows, COLUMNS, extra)
        if "naive-langchain" in runs:
            base = set_report["evidence"]["naive-langchain"]
            ratios = {n: {c: (set_report["evidence"][n][c] / base[c] if base[c] else float("nan")) for c in COLUMNS} for n in runs}
            set_report["ratio_vs_naive"] = ratios
            print_table("相对 naive LangChain 的倍数", [(n, ratios[n]) for n in runs], COLUMNS)
        with_article = [q for q in questions if q.get("gold_article")]
        if with_article:
            for name in [n for n in runs if n != "naive-langchain"]:
                m, _, _ = evaluate(with_article, runs[name], ours_collection, article_relevant)
                set_report["article"][name] = m
            print_table(f"条款匹配（article match，{len(with_article)} 题）", [(n, set_report["article"][n]) for n in set_report["article"]], COLUMNS)
        types = sorted({q["doc_type"] for q in questions})
        if len(types) > 1:
            by_type_rows = []
            for t in types:
                idx = [i for i, q in enumerate(questions) if q["doc_type"] == t]
                for name in runs:
                    coll = naive_collection if name == "naive-langchain" else ours_collection
                    sub_q = [questions[i] for i in idx]
                    m = metrics([per_q[name][i] for i in idx], count_relevant(sub_q, coll, evidence_relevant))
                    set_report["by_type"].setdefault(t, {})[name] = m
                    by_type_rows.append((f"{t}/{name} (n={len(idx)})", m))
            print_table("按文档类型（证据匹配）", by_type_rows, COLUMNS)
        misses = [q["id"] + " " + q["question"] for q, r in zip(questions, per_q["ours"]) if not any(r[:5])]
        set_report["ours_misses_at_5"] = misses
        if misses:
            print(f"\nours 在前 5 名未命中的问题（{len(misses)}）：")
            for m_ in misses[:30]:
                print("  -", m_)
        report["sets"][set_name] = set_report
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nJSON 报告：{args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
