"""Load test: ``python -m eval.load [--url URL] [--users 1,5,20] [--requests 40]``.

Sends dev questions to the app's ``/ask`` API from 1, 5 and 20 concurrent users (threads, one
gradio_client each) and prints throughput (answers/s) and latency p50/p95 per level, then the resident
memory of the app when it started it. Without
``--url`` it starts ``python app.py`` on a free loopback port with the current settings (index in
``DANGJIAN_DATA_DIR``). Requests are bounded in number; only loopback is contacted by default.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eval.bench import pct
from eval.common import DATA, load_questions, start_app


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="并发压测（/ask 接口）")
    ap.add_argument("--url", default=None, help="已运行的应用地址（默认自动在本机启动一个）")
    ap.add_argument("--users", default="1,5,20", help="并发用户数，逗号分隔")
    ap.add_argument("--requests", type=int, default=40, help="每个并发级别的请求总数")
    args = ap.parse_args(argv)
    from gradio_client import Client

    proc = None
    url = args.url
    if not url:
        proc, url = start_app()
    questions = [q["question"] for q in load_questions(Path(DATA) / "dev_questions.jsonl")]
    try:
        Client(url, verbose=False).predict(questions[0], api_name="/ask")  # warm-up
        print(f"{'并发用户':>8}{'请求数':>8}{'吞吐（答/秒）':>14}{'p50（ms）':>12}{'p95（ms）':>12}{'失败':>6}")
        for users in [int(u) for u in args.users.split(",")]:
            clients = [Client(url, verbose=False) for _ in range(users)]
            jobs = [(clients[i % users], questions[i % len(questions)]) for i in range(args.requests)]
            latencies: list[float] = []
            failures = 0

            def one(job):
                client, q = job
                t = time.perf_counter()
                client.predict(q, api_name="/ask")
                return (time.perf_counter() - t) * 1000

            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=users) as pool:
                for fut in [pool.submit(one, j) for j in jobs]:
                    try:
                        latencies.append(fut.result())
                    except Exception:
                        failures += 1
            wall = time.perf_counter() - t0
            print(f"{users:>10}{args.requests:>10}{len(latencies) / wall:>16.2f}{pct(latencies, 50):>12.0f}"
                  f"{pct(latencies, 95):>12.0f}{failures:>8}")
        status = Path(f"/proc/{proc.pid}/status") if proc else None
        if status and status.exists():
            rss = next((line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmRSS:")), None)
            if rss:
                print(f"\n应用进程常驻内存（VmRSS，压测之后）：{int(rss) / 1024:.0f} MB")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
