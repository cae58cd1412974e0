"""Benchmarks: ``python -m eval.bench [--corpus DIR] [--data-dir DIR] [--synthetic 100000] [--full-ingest]``.

Prints (nothing is asserted):

0. characters embedded by a first index of the corpus in each ``--modes`` mode, counted by loading and
   splitting only (exact: the same splitter and sentence splitter the writer uses; takes a minute);
1. ingest throughput (documents/s, characters/s, characters embedded, wall time) — on a fresh temporary
   index: the regulations plus ``--ingest-docs`` case files by default, the whole corpus with
   ``--full-ingest``; once per ``--modes`` mode:

   * ``default`` — the shipped settings: passages embedded whole, sentences embedded for the types in
     ``sentence_doc_types`` (not the case library);
   * ``all-sentences`` — the setting before issue 21: every document's sentences embedded too;
   * ``pooled`` — passage vectors pooled from sentence vectors (every type's sentences embedded);

   ``--keep-index DIR`` keeps the last mode's index there (e.g. to evaluate retrieval on it);
   ``--ingest-only`` stops after this;
2. ``retrieve`` and ``ask`` latency p50/p95 over the dev questions at corpus size (warm, one process);
3. the same ``retrieve`` latency after adding ``--synthetic`` synthetic chunks to a copy of the
   index (texts: shuffled corpus sentences; vectors: real chunk vectors plus Gaussian noise, so the
   HNSW graph sees a realistic distribution without hours of embedding), each with the corpus's
   average number of sentence embeddings (real sentence vectors plus noise);
4. peak resident memory of the process (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.common import DATA, DEFAULT_CORPUS, load_questions


def pct(values: list[float], p: float) -> float:
    """p-th percentile (nearest-rank on sorted values), in the values' unit."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def timed(fn, questions: list[str]) -> list[float]:
    out = []
    for q in questions:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    return f"  {name:<34} p50 {pct(ms, 50):7.1f} ms   p95 {pct(ms, 95):7.1f} ms   mean {statistics.mean(ms):7.1f} ms  (n={len(ms)})"


ALL_TYPES = "法规,案例,讲稿,资料"
#: ``--modes``: name → (Settings overrides, description).
MODES: dict[str, tuple[dict, str]] = {
    "default": ({}, "默认：片段整段向量化，句向量只建法规/资料/讲稿（sentence_doc_types）"),
    "all-sentences": ({"sentence_doc_types": ALL_TYPES}, "改动前：所有文档的片段与句子都向量化"),
    "pooled": ({"sentence_doc_types": ALL_TYPES, "chunk_vectors": "pooled"}, "片段向量由句向量汇聚"),
}


def count_embed_chars(corpus: Path, modes: list[str]) -> None:
    """Print the characters a first index of ``corpus`` embeds in each mode, by loading and splitting
    every document (no embedding) and counting with the writer's own rule
    (:func:`bot.ingest.writer.chars_to_embed`); also passages and sentences per document type."""
    from bot.config import Settings
    from bot.ingest.load import iter_files, load_document
    from bot.ingest.split import split_document
    from bot.ingest.writer import chars_to_embed

    every = Settings(sentence_doc_types=ALL_TYPES)  # counts sentences of every type, for the table by type
    per_mode = {mode: Settings(**MODES[mode][0]) for mode in modes}
    totals = dict.fromkeys(modes, 0)
    passages: dict[str, int] = {}
    sentences: dict[str, int] = {}
    for f in iter_files(corpus):
        try:
            doc = load_document(f, corpus)
        except Exception as e:  # noqa: BLE001 - a benchmark counts what loads
            print(f"  跳过 {f}：{e}", file=sys.stderr)
            continue
        chunks = split_document(doc)
        if not chunks:
            continue
        t = doc.doc_type
        whole = sum(len(c.embed_text) for c in chunks)
        passages[t] = passages.get(t, 0) + whole
        sentences[t] = sentences.get(t, 0) + chars_to_embed(chunks, every) - whole
        for mode, st in per_mode.items():
            totals[mode] += chars_to_embed(chunks, st)
    print("\n[0] 首次索引需要向量化的字数（只切分、不向量化；按文档类型）")
    for t in sorted(passages):
        print(f"  {t}：片段 {passages[t]} 字，句子 {sentences[t]} 字")
    for mode in modes:
        print(f"  {mode:<14} {totals[mode] / 1e6:5.2f} M 字  （{MODES[mode][1]}）")


def bench_ingest(corpus: Path, full: bool, n_docs: int, mode: str = "default", keep: Path | None = None) -> None:
    """Fresh-index ingest of the corpus (or a subset) in one of :data:`MODES`; prints wall time, load
    average and characters embedded. ``keep``: move the index there afterwards (replacing it)."""
    from bot.config import Settings
    from bot.pipeline import Pipeline

    tmp = Path(tempfile.mkdtemp(prefix="dj-bench-"))
    try:
        if full:
            src = tmp / "kb"
            shutil.copytree(corpus, src)  # a copy: one document is edited below
        else:
            src = tmp / "kb"
            (src / "regulations").mkdir(parents=True)
            (src / "cases").mkdir()
            for f in (corpus / "regulations").glob("*.md"):
                shutil.copy(f, src / "regulations")
            for f in sorted((corpus / "cases").rglob("*.md"))[:n_docs]:
                shutil.copy(f, src / "cases")
        pipe = Pipeline(Settings(data_dir=tmp / "data", **MODES[mode][0]))
        t = time.perf_counter()
        r = pipe.ingest(src, show_progress=True)
        sec = time.perf_counter() - t
        docs = r.added + r.updated
        source_chars = sum(len(c.text) for c in pipe.index.iter_chunks())
        print(f"\n[1] 索引吞吐（{'全量语料' if full else f'子集：全部法规 + {n_docs} 篇案例'}，全新索引，"
              f"{mode}：{MODES[mode][1]}；结束时负载 {os.getloadavg()[0]:.1f}，CPU {os.cpu_count()} 核）")
        print(f"  文档 {docs} 篇，片段 {r.chunks_added} 个（正文 {source_chars} 字），句向量 {pipe.stats()['sentences']} 条，"
              f"共向量化 {r.chars_embedded} 字（片段含标题路径 + 句子），用时 {sec:.1f} s")
        print(f"  {docs / sec:.2f} 篇/s，正文 {source_chars / sec:.0f} 字/s，向量化 {r.chars_embedded / sec:.0f} 字/s")
        t = time.perf_counter()
        r2 = pipe.ingest(src, show_progress=False)
        print(f"  再次索引（无改动）：{time.perf_counter() - t:.2f} s，新写入 {r2.chunks_added} 个片段")
        # a member corrects one sentence of the longest case: only what changed is embedded again
        case = max((src / "cases").rglob("*.md"), key=lambda f: f.stat().st_size)
        text = case.read_text(encoding="utf-8")
        sentence = max(re.findall(r"[^。\n]{20,}。", text), key=len)
        case.write_text(text.replace(sentence, sentence[:-1] + "（已更正）。", 1), encoding="utf-8")
        t = time.perf_counter()
        r3 = pipe.ingest(src, show_progress=False)
        doc_chars = sum(len(c.text) for c in pipe.index.iter_chunks()
                        if c.path.endswith(case.name))
        print(f"  改动一篇文档中的一句后再次索引：{time.perf_counter() - t:.2f} s，更新 {r3.updated} 篇，"
              f"向量化 {r3.chars_embedded} 字（该文档正文 {doc_chars} 字）")
        if keep is not None:
            del pipe
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(str(tmp / "data"), str(keep))
            print(f"  索引已保留在 {keep}（知识库副本已删除：检索评测请用 --corpus {corpus}）")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def add_synthetic(pipe, n: int, seed: int = 0) -> None:
    """Add ``n`` synthetic chunks (see module docstring) to ``pipe``'s index, each with as many
    synthetic sentence embeddings as the real chunks have on average, then rebuild BM25."""
    from tqdm import tqdm

    rng = np.random.default_rng(seed)
    idx = pipe.index
    data = idx.records(["documents", "embeddings"])
    sentences = [s for d in data["documents"] for s in re.split(r"(?<=[。！？；])", d) if len(s) > 8]
    vecs = np.asarray(data["embeddings"], dtype=np.float32)
    per_chunk = round(idx.sentence_count() / max(1, len(vecs)))
    svecs = idx.sentence_vectors(5000) if per_chunk else None
    random.seed(seed)
    bar = tqdm(total=n, desc="合成片段", unit="片段")
    batch = 2000
    for start in range(0, n, batch):
        m = min(batch, n - start)
        texts = ["".join(random.sample(sentences, 3)) for _ in range(m)]
        base = vecs[rng.integers(0, len(vecs), m)]
        noisy = base + rng.normal(0, 0.03, base.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        idx.add_records(
            ids=[f"syn-{start + i}" for i in range(m)],
            documents=texts,
            embeddings=noisy.tolist(),
            metadatas=[{"title": "合成片段", "doc_type": "资料", "source": "synthetic", "path": "/synthetic",
                        "version": "", "heading": "", "article": "", "article_no": -1, "index": i,
                        "n_chunks": 1, "doc_hash": "syn", "sentences": int(bool(per_chunk))} for i in range(m)],
        )
        if per_chunk:
            ms = m * per_chunk
            sv = svecs[rng.integers(0, len(svecs), ms)] + rng.normal(0, 0.03, (ms, svecs.shape[1])).astype(np.float32)
            sv /= np.linalg.norm(sv, axis=1, keepdims=True)
            owners = [f"syn-{start + i}" for i in range(m) for _ in range(per_chunk)]
            for j in range(0, ms, 5000):
                idx.add_sentence_records(
                    owners=[(o, (j + k) % per_chunk) for k, o in enumerate(owners[j: j + 5000])],
                    documents=[random.choice(sentences) for _ in owners[j: j + 5000]],
                    embeddings=sv[j: j + 5000].tolist(),
                    metadatas=[{"chunk_id": o, "path": "/synthetic", "doc_hash": "syn", "doc_type": "资料"}
                               for o in owners[j: j + 5000]],
                )
        bar.update(m)
    bar.close()
    t = time.perf_counter()
    idx.rebuild_bm25()
    print(f"  BM25 重建（{idx.count()} 个片段）：{time.perf_counter() - t:.1f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="性能基准")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--data-dir", type=Path, default=Path("data"))
    ap.add_argument("--full-ingest", action="store_true", help="在全新索引上完整索引全部语料（约 30 分钟）")
    ap.add_argument("--ingest-docs", type=int, default=40, help="吞吐测试使用的案例篇数（非 --full-ingest 时）")
    ap.add_argument("--synthetic", type=int, default=100_000, help="追加的合成片段数（0 跳过）")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--ingest-only", action="store_true", help="只测向量化字数与索引吞吐（第 0、1 项），不测检索延迟")
    ap.add_argument("--modes", default="all-sentences,default",
                    help="逗号分隔，逐一在全新索引上测吞吐：" + "；".join(f"{k}（{v[1]}）" for k, v in MODES.items()))
    ap.add_argument("--keep-index", type=Path, default=None, help="把最后一种方式建好的索引保留到此目录")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"错误：找不到语料目录 {args.corpus}", file=sys.stderr)
        return 2
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        print(f"错误：未知的 --modes {'、'.join(unknown)}（可选：{'、'.join(MODES)}）", file=sys.stderr)
        return 2
    count_embed_chars(args.corpus, modes)
    if not args.skip_ingest:
        for i, mode in enumerate(modes):
            bench_ingest(args.corpus, args.full_ingest, args.ingest_docs, mode,
                         args.keep_index if i == len(modes) - 1 else None)
    if args.ingest_only:
        return 0

    from bot.config import Settings
    from bot.pipeline import Pipeline

    pipe = Pipeline(Settings(data_dir=args.data_dir, kb_dir=args.corpus))
    r = pipe.ingest(args.corpus, show_progress=True)
    questions = [q["question"] for q in load_questions(DATA / "dev_questions.jsonl")]
    pipe.retrieve(questions[0])
    pipe.ask(questions[0])  # warm-up: BM25 load, OpenCC, first query
    print(f"\n[2] 语料规模延迟（{pipe.stats()['chunks']} 个片段，{len(questions)} 个问题，单进程，已预热）")
    print(line("retrieve (k=5)", timed(lambda q: pipe.retrieve(q, k=5), questions)))
    print(line("ask (extractive)", timed(pipe.ask, questions)))

    if args.synthetic:
        tmp = Path(tempfile.mkdtemp(prefix="dj-bench-syn-"))
        try:
            shutil.copytree(args.data_dir, tmp / "data", ignore=shutil.ignore_patterns("naive-langchain"))
            big = Pipeline(Settings(data_dir=tmp / "data"))
            print(f"\n[3] 追加 {args.synthetic} 个合成片段")
            t = time.perf_counter()
            add_synthetic(big, args.synthetic)
            print(f"  写入与重建用时 {time.perf_counter() - t:.1f} s；索引共 {big.index.count()} 个片段，"
                  f"{big.index.sentence_count()} 条句向量")
            big.retrieve(questions[0])
            print(line("retrieve (k=5) @ +synthetic", timed(lambda q: big.retrieve(q, k=5), questions)))
            print(line("ask (extractive) @ +synthetic", timed(big.ask, questions)))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n[4] 进程峰值内存（ru_maxrss）：{peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
