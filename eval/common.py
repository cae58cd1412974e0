"""Shared pieces of the evaluation scripts: corpus location, question sets, relevance, metrics.

Metrics follow the usual IR definitions (Manning, Raghavan & Schütze, *Introduction to Information
Retrieval*, 2008, ch. 8): Recall@k here is the share of questions with at least one relevant passage
in the top k ("success@k"); MRR@10 is the mean of 1/rank of the first relevant passage (0 beyond
rank 10); nDCG@10 uses binary gains, DCG = Σ rel_i / log2(i + 1) over ranks i = 1..10, normalised by
the ideal DCG for the number of relevant passages in the collection (at most 10).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_QUIZBANKS = REPO.parent / "shared" / "eval" / "quizbanks"
DATA = Path(__file__).resolve().parent / "data"
REPORTS = Path(__file__).resolve().parent / "reports"

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def norm(text: str) -> str:
    """Whitespace-insensitive comparison form."""
    return re.sub(r"\s+", "", text or "")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


# a folder of the corpus layout (../shared/corpus) → doc type, for question files without one
_TYPE_BY_FOLDER = {"regulations": "法规", "cases": "案例", "seeds": "资料"}


class QuestionFileError(ValueError):
    """A question file that cannot be used; the message names the file, the line and the problem."""


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Read a retrieval question set (JSON Lines) and fill in what a hand-written set may leave out.

    Each line is an object with ``question`` (str) and ``evidence`` (a str or a non-empty list of
    str: short exact phrases, any of which makes a passage relevant). Optional: ``id`` (default
    ``<file stem>-<line>``), ``gold_source`` (corpus-relative path of the right document),
    ``gold_title`` and ``gold_article`` (for article match), ``doc_type`` (法规/案例/资料; default:
    from a regulations/cases/seeds folder in ``gold_source``, else 未标注). See ``data/dev_questions.jsonl``.

    Raises:
        QuestionFileError: the file is missing, or a line is not JSON or lacks question/evidence.
    """
    path = Path(path)
    if not path.is_file():
        raise QuestionFileError(f"找不到问题文件：{path}")
    out: list[dict[str, Any]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            raise QuestionFileError(f"{path} 第 {n} 行不是合法的 JSON：{e.msg}") from None
        evidence = q.get("evidence") if isinstance(q, dict) else None
        if isinstance(evidence, str):
            evidence = [evidence]
        if not isinstance(q, dict) or not str(q.get("question") or "").strip() or not evidence \
                or not all(isinstance(e, str) and e.strip() for e in evidence):
            raise QuestionFileError(f"{path} 第 {n} 行缺少 question 或 evidence（证据短语，字符串或字符串列表）")
        folders = str(q.get("gold_source") or "").replace("\\", "/").split("/")[:-1]
        typed = [_TYPE_BY_FOLDER[d] for d in folders if d in _TYPE_BY_FOLDER]
        out.append({
            **q,
            "id": str(q.get("id") or f"{path.stem}-{n}"),
            "evidence": evidence,
            "doc_type": q.get("doc_type") or (typed[0] if typed else "未标注"),
        })
    if not out:
        raise QuestionFileError(f"{path} 中没有问题")
    return out


@dataclass
class Hit:
    """One retrieved passage as the metrics see it."""

    text: str
    source: str
    title: str | None = None
    article: str | None = None


def evidence_relevant(q: dict, hit: Hit) -> bool:
    """A passage is relevant when it contains a gold evidence string (whitespace-insensitive) and,
    when the question names its gold document (``gold_source``), comes from that document — or from another
    version of the same regulation (``gold_title``): the corpus holds the 党章 of 2017 and of 2022, and the
    answer should come from the current one."""
    same_regulation = bool(q.get("gold_title")) and hit.title == q["gold_title"]
    if q.get("gold_source") and not norm(hit.source).endswith(norm(q["gold_source"])) and not same_regulation:
        return False
    t = norm(hit.text)
    return any(norm(e) in t for e in q["evidence"])


def article_relevant(q: dict, hit: Hit) -> bool:
    """A passage is relevant when it is the gold article of the gold regulation."""
    return bool(q.get("gold_article")) and hit.title == q.get("gold_title") and hit.article == q.get("gold_article")


def metrics(ranked: list[list[bool]], n_relevant: list[int], ks=(1, 5, 10)) -> dict[str, float]:
    """Recall@k (success), MRR@10 and nDCG@10 from per-question relevance flags (best first)."""
    n = len(ranked)
    if n == 0:
        return {}
    out: dict[str, float] = {}
    for k in ks:
        out[f"R@{k}"] = sum(any(r[:k]) for r in ranked) / n
    mrr = ndcg = 0.0
    for rel, total in zip(ranked, n_relevant):
        first = next((i for i, r in enumerate(rel[:10]) if r), None)
        mrr += 1.0 / (first + 1) if first is not None else 0.0
        dcg = sum(1.0 / math.log2(i + 2) for i, r in enumerate(rel[:10]) if r)
        ideal_n = max(1, min(10, total))
        idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal_n))
        ndcg += dcg / idcg
    out["MRR@10"] = mrr / n
    out["nDCG@10"] = ndcg / n
    return out


def print_table(title: str, rows: list[tuple[str, dict[str, float]]], columns: list[str], extra: dict[str, str] | None = None) -> None:
    """A fixed-width table on stdout."""
    print(f"\n{title}")
    width = max(len(r[0]) for r in rows) + 2 if rows else 10
    header = "".join(f"{c:>10}" for c in columns) + ("" if not extra else f"  {'':>10}")
    print(f"{'':<{width}}{header}")
    for name, vals in rows:
        line = "".join(f"{vals.get(c, float('nan')):>10.3f}" for c in columns)
        print(f"{name:<{width}}{line}{'  ' + extra[name] if extra and name in extra else ''}")


def add_corpus_args(ap) -> None:
    """The --corpus / --data-dir / --quizbanks options every evaluation script takes."""
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="语料目录（默认 ../shared/corpus）")
    ap.add_argument("--data-dir", type=Path, default=None, help="索引目录（默认 DANGJIAN_DATA_DIR 或 ./data）")
    ap.add_argument("--quizbanks", type=Path, default=DEFAULT_QUIZBANKS, help="题库目录（默认 ../shared/eval/quizbanks）")


def start_app(env: dict | None = None, timeout: float = 180) -> tuple["subprocess.Popen", str]:
    """Start ``python app.py`` on a free loopback port with the current environment plus ``env``;
    returns (process, URL) once the port accepts connections.

    Raises:
        SystemExit: the app exited or did not start within ``timeout`` seconds (Chinese message).
    """
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    full = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {}), "DANGJIAN_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=full,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("错误：应用启动失败（python app.py 已退出）")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"错误：应用 {timeout:.0f} 秒内没有启动")
