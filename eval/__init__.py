"""Evaluation and benchmarks of 党建学习助手 (not part of the test suite).

* ``python -m eval.retrieval`` — Recall@k / MRR@10 / nDCG@10, ours vs. baselines.
* ``python -m eval.quizbank`` — answer contest single-choice items by retrieval-grounded option scoring.
* ``python -m eval.bench`` — ingest throughput, latency percentiles, peak memory.
"""
