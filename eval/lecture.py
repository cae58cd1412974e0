"""Micro-lecture quality report (issue #20): ``python -m eval.lecture [--corpus DIR] [--data-dir DIR]
[--dump DIR] [--minutes 8]``.

Drafts a lecture per topic (TOPICS: the six topic families, general topics, and off-topic probes the
knowledge base does not cover) on the index in --data-dir and reports per draft:

* ``verbatim``: share of the sentences inside quotation marks (regulation quotes) and of the case story's
  sentences that occur word for word (whitespace ignored) in a corpus file;
* ``cut``: quoted pieces that do not end a sentence (not at 。！？, or ending in ：);
* ``expected``: whether the article a member would expect (e.g. 三会一课 → 党员教育管理工作条例第十六条) is quoted;
* ``case``: the case used (or none) and the best case's relevance score (threshold in bot/config.py);
* ``repeats``: sentences said twice; ``frame``: template sentences (the script less quotes and case
  material); ``frame_bad``: frame sentences not true of what follows (不得-talk without 不得 in the quotes,
  纪律 talk on a non-纪律 topic, a quotation attributed to someone, 谢谢大家 not exactly once at the end);
* ``timing``: relative error of the script's length against minutes × rate;
* ``coverage``: 充分/部分/不足 (the CLI exits 3 on 不足 without --force).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from eval.common import REPORTS, add_corpus_args, norm

#: (topic, audience, expected (regulation title part, article) or None)
TOPICS = [
    ("严守党的纪律", "普通党员", None),
    ("坚决反对“两面人”", "党务干部", None),
    ("廉洁自律守底线", "青年党员", None),
    ("三会一课制度", "支部党员", ("党员教育管理工作条例", "第十六条")),
    ("坚持民主集中制", "普通党员", ("中国共产党章程", "第十条")),
    ("开好组织生活会", "支部党员", ("党员教育管理工作条例", "第十七条")),
    ("民主评议党员", "党务干部", ("党员教育管理工作条例", "第十八条")),
    ("坚定理想信念", "青年党员", None),
    ("学好党史", "普通党员", ("党史学习教育工作条例", None)),
    ("厉行节约反对浪费", "党务干部", ("厉行节约反对浪费条例", None)),
    ("力戒形式主义官僚主义", "普通党员", None),
    ("发挥党员先锋模范作用", "普通党员", None),
    ("全心全意为人民服务", "社区党员志愿者", None),
    ("做合格的入党积极分子", "入党积极分子", ("发展党员工作细则", None)),
    ("预备党员的教育考察", "入党积极分子", ("发展党员工作细则", None)),
    ("党员的权利", "普通党员", ("中国共产党章程", "第四条")),
    ("干部人事档案管理", "党务干部", ("干部人事档案工作条例", None)),
    ("人工智能芯片产业发展", "普通党员", None),  # off-topic probe
    ("足球比赛战术", "普通党员", None),  # off-topic probe
]
OFF_TOPIC = {"人工智能芯片产业发展", "足球比赛战术"}
_QUOTE = re.compile(r"“((?:[^“”]|“[^“”]*”)+)”\[(\d+)\]")
_CASE_MARK = re.compile(r"[：:]([^：:]*?)\[(\d+)\]")


def corpus_text(corpus: Path) -> str:
    return "".join(norm(p.read_text(encoding="utf-8")) for p in (corpus / "regulations").glob("*.md")) + "".join(
        norm(p.read_text(encoding="utf-8")) for p in (corpus / "cases").rglob("*.md"))


def measure(lec, corpus_norm: str, expected) -> dict:
    from bot.lecture import whole_sentences

    script = "\n".join(p for s in lec.sections for p in s.paragraphs)
    quoted, cut = [], 0
    for q, _n in _QUOTE.findall(script):
        for piece in q.split("……"):
            quoted += whole_sentences(piece) or [piece]
            if not piece.rstrip("”").endswith(("。", "！", "？")) or piece.endswith(("：", ":")):
                cut += 1
    case_sec = next((s for s in lec.sections if s.name == "案例剖析"), None)
    case_sents = []
    if case_sec:
        for p in case_sec.paragraphs:
            if re.search(r"\[\d+\]$", p):
                body = re.sub(r"\[\d+\]$", "", p).split("：", 1)[-1]
                case_sents += whole_sentences(body)
    checked = quoted + case_sents
    found = sum(norm(re.sub(r"^第[一二三四五六]种(?:意见|观点)认为[，,]?", "", x)) in corpus_norm for x in checked)
    sentences = [x for x in re.findall(r"[^。！？\n]+[。！？]", re.sub(r"\[\d+\]", "", script)) if len(x.strip()) >= 6]
    seen, repeats = set(), 0
    for x in sentences:
        k = norm(x)
        repeats += k in seen
        seen.add(k)
    material = "".join(q for q, _ in _QUOTE.findall(script)) + "".join(case_sents)
    frame = [x for x in sentences if norm(x) not in norm(material)]
    quotes_text = "".join(q for q, _ in _QUOTE.findall(script))
    bad = []
    for x in frame:
        bare = re.sub(r"《[^》]*》", "", x)  # a regulation's title is not frame talk
        if "不得" in bare and "不得" not in quotes_text:
            bad.append(x)
        elif "纪律" in bare and lec.family not in ("纪律规矩",) and "纪律" not in quotes_text and "纪律" not in lec.topic:
            bad.append(x)
        elif re.search(r"(强调|指出|说过)[，：:]?“", x):
            bad.append(x)
    thanks = script.count("谢谢大家")
    if thanks != 1 or not script.rstrip().endswith("谢谢大家！"):
        bad.append(f"谢谢大家×{thanks}")
    target = lec.minutes * lec.rate
    exp = None
    if expected:
        title, art = expected
        exp = any(title in r.title and (art is None or r.article == art) for r in lec.references if r.doc_type == "法规")
    return {
        "topic": lec.topic, "audience": lec.audience, "family": lec.family, "coverage": lec.coverage,
        "coverage_score": lec.coverage_score, "quoted_sentences": len(checked),
        "verbatim": round(found / len(checked), 3) if checked else None, "cut": cut, "expected": exp,
        "articles": [f"{r.title}{r.article or ''}" for r in lec.references if r.doc_type == "法规"],
        "case": next((r.title for r in lec.references if r.doc_type == "案例"), None),
        "case_relevance": lec.case_relevance, "repeats": repeats, "frame": len(frame), "frame_bad": bad,
        "timing_error": round(abs(lec.chars - target) / target, 3), "chars": lec.chars,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_args(ap)
    ap.add_argument("--dump", type=Path, default=None, help="每篇讲稿的 Markdown 写入此目录（供人工评审）")
    ap.add_argument("--minutes", type=float, default=8)
    args = ap.parse_args(argv)
    from bot.config import Settings
    from bot.lecture import draft_lecture
    from bot.pipeline import Pipeline

    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    pipe = Pipeline(settings)
    corpus_norm = corpus_text(args.corpus)
    rows = []
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    for topic, audience, expected in TOPICS:
        t0 = time.perf_counter()
        lec = draft_lecture(pipe, topic, minutes=args.minutes, audience=audience, use_llm=False)
        row = measure(lec, corpus_norm, expected) | {"seconds": round(time.perf_counter() - t0, 2)}
        rows.append(row)
        if args.dump:
            (args.dump / f"{topic}.md").write_text(lec.to_markdown(), encoding="utf-8")
    print("| 主题 | 类别 | 覆盖 | 逐字引文 | 截断 | 应引条文 | 案例（相关度） | 重复句 | 衔接句（不实） | 时长误差 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        case = f"{r['case'][:14]}（{r['case_relevance']:.2f}）" if r["case"] else f"无（{r['case_relevance']:.2f}）"
        exp = "—" if r["expected"] is None else ("是" if r["expected"] else "否")
        v = "—" if r["verbatim"] is None else f"{r['verbatim']:.0%}（{r['quoted_sentences']}）"
        print(f"| {r['topic']} | {r['family']} | {r['coverage']} {r['coverage_score']:.2f} | {v} | {r['cut']} | {exp} | {case} | "
              f"{r['repeats']} | {r['frame']}（{len(r['frame_bad'])}） | {r['timing_error']:.1%} |")
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "lecture.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    on = [r for r in rows if r["topic"] not in OFF_TOPIC]
    print(f"\n{len(rows)} drafts; on-topic: coverage 不足 {sum(r['coverage'] == '不足' for r in on)}/{len(on)}; "
          f"off-topic probes flagged 不足 {sum(r['coverage'] == '不足' for r in rows if r['topic'] in OFF_TOPIC)}/{len(OFF_TOPIC)}; "
          f"verbatim {sum(r['verbatim'] or 0 for r in on) / len(on):.1%}; cut quotes {sum(r['cut'] for r in rows)}; "
          f"repeated sentences {sum(r['repeats'] for r in rows)}; untrue frame sentences {sum(len(r['frame_bad']) for r in rows)}; "
          f"expected article quoted {sum(bool(r['expected']) for r in rows)}/{sum(r['expected'] is not None for r in rows)}; "
          f"max timing error {max(r['timing_error'] for r in rows):.1%}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
