"""Latency of the practice endpoints under concurrent members:
``python -m eval.study_load [--data-dir DIR] [--database-url URL] [--users 20] [--items 10]``.

Starts the real app (``python app.py``, a subprocess) with ``--users`` member accounts, logs each in
with ``gradio_client`` (one after another: a login checks a bcrypt hash), then lets all members
practise at once, each in its own thread: a topic set (``/study_set``, 练习), an answer to every item
(``/study_answer``), the daily set (``/study_set``, 每日一练), ``/study_progress`` and
``/study_wrong_book``. Prints p50/p95/max per endpoint in milliseconds (wall time at the client,
queueing included) and checks that every answer was recorded (the branch view's counts). Nothing is
asserted; a lost answer is printed as an error and gives exit code 1.

``--data-dir``: an index to copy (e.g. one built with ``dangjian ingest ../shared/corpus/regulations``;
``--kb-dir``: the folder it was built from);
without it the ten regulations of ``--corpus`` are indexed into a temporary directory first
(a few minutes on 2 cores). ``--database-url``: the study record's database (default: a new SQLite
file in the copied data dir); a PostgreSQL database given here should be empty.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eval.bench import pct
from eval.common import DEFAULT_CORPUS, REPO, start_app


TOPICS = ["党员的权利和义务", "党的纪律", "党的组织制度", "发展党员", "党员教育管理", "党的基层组织"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--data-dir", type=Path, help="an existing index to copy (default: index the regulations)")
    ap.add_argument("--kb-dir", type=Path, help="the knowledge base the --data-dir index was built from "
                    "(default: the corpus's regulations)")
    ap.add_argument("--database-url", default="", help="study-record database (default: SQLite in the data dir)")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--items", type=int, default=10, help="items per practice set")
    args = ap.parse_args(argv)

    from gradio_client import Client

    from bot.kb import admin as kb

    tmp = Path(tempfile.mkdtemp(prefix="dj-study-load-"))
    data = tmp / "data"
    kb_dir = args.kb_dir or args.corpus / "regulations"
    if args.data_dir:
        shutil.copytree(args.data_dir, data)
    else:
        print(f"索引 {kb_dir} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "bot", "ingest", str(kb_dir)], check=True, cwd=REPO,
                       env={**os.environ, "DANGJIAN_DATA_DIR": str(data)})
    members = [f"member{i:02d}" for i in range(1, args.users + 1)]
    pw = kb.hash_password("pw")
    users = {m: {"password_hash": pw, "role": "member"} for m in members}
    users["admin"] = {"password_hash": pw, "role": "admin"}
    env = {"DANGJIAN_DATA_DIR": str(data), "DANGJIAN_KB_DIR": str(kb_dir), "DANGJIAN_USERS": json.dumps(users),
           "GRADIO_ANALYTICS_ENABLED": "False"}
    if args.database_url:
        env["DANGJIAN_DATABASE_URL"] = args.database_url
    proc, url = start_app(env)
    times: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    sent: dict[str, int] = defaultdict(int)

    def call(c, name: str, *a, api: str):
        t = time.perf_counter()
        out = c.predict(*a, api_name=api)
        with lock:
            times[name].append((time.perf_counter() - t) * 1000)
        return out

    def practise(pair: tuple[int, object]) -> None:
        i, (member, c) = pair
        items = call(c, "/study_set 练习", "练习", TOPICS[i % len(TOPICS)], args.items, api="/study_set")["items"]
        for it in items:
            letters = sorted(it["options"])
            response = {"单选": letters[:1] and letters[0], "多选": letters[:1], "判断": "正确"}.get(it["type"], "不知道")
            if call(c, "/study_answer", it["key"], response, "练习", api="/study_answer")["recorded"]:
                with lock:
                    sent[member] += 1
        call(c, "/study_set 每日一练", "每日一练", "", args.items, api="/study_set")
        call(c, "/study_progress", "", api="/study_progress")
        call(c, "/study_wrong_book", "", api="/study_wrong_book")

    try:
        print(f"登录 {args.users} 位党员 …", file=sys.stderr)
        clients = [(m, Client(url, auth=(m, "pw"), verbose=False)) for m in members]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            list(pool.map(practise, enumerate(clients)))
        wall = time.perf_counter() - t0
        rows = Client(url, auth=("admin", "pw"), verbose=False).predict(
            "2000-01-01", "2100-01-01", api_name="/study_branch")["rows"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    stored: dict[str, int] = defaultdict(int)
    for r in rows:
        stored[r["member"]] += r["attempts"]
    db = args.database_url.split("://")[0] if args.database_url else "sqlite (默认)"
    print(f"练习接口延迟：{args.users} 位党员同时练习，每组 {args.items} 题，数据库 {db}，总用时 {wall:.1f} 秒")
    for name in ("/study_set 练习", "/study_answer", "/study_set 每日一练", "/study_progress", "/study_wrong_book"):
        ms = times.get(name, [])
        if ms:
            print(f"  {name:<20} p50 {pct(ms, 50):8.0f} ms   p95 {pct(ms, 95):8.0f} ms   max {max(ms):8.0f} ms  (n={len(ms)})")
    lost = {m: (sent[m], stored.get(m, 0)) for m in members if sent[m] != stored.get(m, 0)}
    print(f"  作答：发送并确认 {sum(sent.values())} 条，数据库中 {sum(stored.values())} 条" +
          (f"；丢失：{lost}" if lost else "，没有丢失"))
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
