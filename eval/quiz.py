"""Quiz quality report: ``python -m eval.quiz [--corpus DIR] [--data-dir DIR] [--no-ingest] [--per-topic 12] [--topics A,B]``.

Generates items over topics spanning the regulations in the corpus (≥ 300 items from 26 topics spanning all ten regulations with the default
``--per-topic 12``) and reports:

* share of items whose key re-verifies against the quoted source (:func:`bot.quiz.gate.check_item`,
  must be 100%);
* duplicate stems across the whole run (normalised text);
* candidates dropped by the checks, by reason ("干扰项也是正确说法" = invalid distractors found);
* type and difficulty mix;
* round-trip accuracy: our own retrieval-grounded answering (the option scoring of
  :mod:`eval.quizbank` for 单选; passage look-up for 判断/填空/多选) gets the item right.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from eval.common import REPORTS, add_corpus_args

#: issue #19: ≥ 20 topics spanning all ten regulations, each with the regulation it is mainly about
#: (used to measure how many items come from elsewhere; 党章 topics accept either 党章 version)
TOPIC_SOURCES = {
    "党员的权利和义务": "中国共产党章程", "民主集中制": "中国共产党章程", "党的基层组织": "中国共产党章程",
    "党的干部": "中国共产党章程", "公民的基本权利和义务": "中华人民共和国宪法", "全国人民代表大会": "中华人民共和国宪法",
    "党的纪律处分": "中国共产党纪律处分条例", "违反政治纪律的行为": "中国共产党纪律处分条例",
    "违反廉洁纪律的行为": "中国共产党纪律处分条例", "纪律处分运用规则": "中国共产党纪律处分条例",
    "组织生活": "中国共产党党员教育管理工作条例", "党员教育培训": "中国共产党党员教育管理工作条例",
    "流动党员管理": "中国共产党党员教育管理工作条例", "党员组织关系": "中国共产党党员教育管理工作条例",
    "发展党员": "中国共产党发展党员工作细则", "入党积极分子的培养教育": "中国共产党发展党员工作细则",
    "预备党员的教育考察和转正": "中国共产党发展党员工作细则", "入党介绍人": "中国共产党发展党员工作细则",
    "机关党组织的职责": "中国共产党党和国家机关基层组织工作条例", "机关党的建设": "中国共产党党和国家机关基层组织工作条例",
    "党史学习教育": "党史学习教育工作条例", "公务接待": "党政机关厉行节约反对浪费条例",
    "国内差旅": "党政机关厉行节约反对浪费条例", "公务用车": "党政机关厉行节约反对浪费条例",
    "干部人事档案的管理": "干部人事档案工作条例", "档案材料的收集鉴别": "干部人事档案工作条例",
}
TOPICS = list(TOPIC_SOURCES)


def round_trip(pipe, item) -> bool:
    """Does our own retrieval-grounded answering get ``item`` right?"""
    from bot.answer.grounding import coverage, key_terms
    from bot.quiz import norm
    from eval.quizbank import score_item

    if item.type == "单选":
        chosen, _, _ = score_item(pipe, {"question": item.stem, "options": item.options})
        return chosen == item.answer
    hits = pipe.retrieve(item.stem, k=5)
    texts = [norm(h.chunk.text) for h in hits]
    if item.type == "填空":
        return any(norm(a) in texts[0] for a in item.answer) if texts else False
    if item.type == "判断":
        statement = item.stem.split("判断：", 1)[-1].rstrip("。；")  # a clause ends with "。" in the stem
        if "其中包括：" in statement:  # membership of a listed item in that article
            statement = statement.split("其中包括：", 1)[1].rstrip("。")
            head = [t for t in texts if norm(item.source.quote[:20]) in t] or texts[:1]
            found = any(norm(statement) in t for t in head)
        else:
            found = any(norm(statement) in t for t in texts)
        return found == (item.answer == "正确")
    # 多选: an option is chosen when it appears (nearly) verbatim in the passage that covers the stem best
    terms = key_terms(item.stem)
    w = pipe.term_weights(terms)
    best = max(hits, key=lambda h: coverage(terms, w, h.chunk.embed_text), default=None)
    if best is None:
        return False
    chosen = "".join(x for x, t in item.options.items() if norm(t) in norm(best.chunk.text))
    return chosen == item.answer


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="出题质量报告")
    add_corpus_args(ap)
    ap.add_argument("--per-topic", type=int, default=12)
    ap.add_argument("--seed", type=int, default=19, help="随机种子（报告可复现）")
    ap.add_argument("--dump", type=Path, default=None, help="把全部题目写入此 JSON 文件（供人工抽查）")
    ap.add_argument("--report", type=Path, default=REPORTS / "quiz.json")
    ap.add_argument("--no-ingest", action="store_true",
                    help="直接使用 --data-dir 中已建好的索引（不再按 --corpus 增量索引）")
    ap.add_argument("--topics", default="", help="只评这些主题（逗号分隔，默认全部）")
    args = ap.parse_args(argv)
    from bot.quiz import QuizGenerator, check_item, generate_quiz, norm
    from eval.retrieval import open_pipeline

    if args.no_ingest:
        from bot.config import Settings
        from bot.pipeline import Pipeline

        pipe = Pipeline(Settings(**({"data_dir": args.data_dir} if args.data_dir else {})))
    else:
        pipe = open_pipeline(args.corpus, args.data_dir)
    topics = [t.strip() for t in args.topics.split(",") if t.strip()] or TOPICS
    items, dropped, candidates = [], Counter(), 0
    per_topic: dict[str, dict] = {}
    for topic in topics:
        # like a secretary growing one bank: earlier stems are passed as the existing bank
        qs = generate_quiz(pipe, topic, n=args.per_topic, existing=[i.stem for i in items], seed=args.seed)
        for it in qs.items:
            it.tags.append(f"topic:{topic}")
        items += qs.items
        dropped += qs.dropped
        candidates += qs.candidates
        arts = Counter((i.source.title, i.source.article) for i in qs.items)
        on = sum(1 for i in qs.items if i.source.title == TOPIC_SOURCES.get(topic))
        per_topic[topic] = {"asked": args.per_topic, "made": len(qs.items), "articles": len(arts),
                            "max_per_article": max(arts.values(), default=0), "from_topic_regulation": on,
                            "shortfall": qs.shortfall}
        print(f"  {topic}: {len(qs.items)}/{args.per_topic} 题，{len(arts)} 条条文，本法规 {on} 题"
              + (f"；不足：{qs.shortfall['why']}" if qs.shortfall else ""), file=sys.stderr)
    gen = QuizGenerator(pipe)
    def source_text(it) -> str:
        """The cited article's text (all pieces of a long article)."""
        return "\n".join(c.text for c in gen.regulation_chunks()
                         if c.title == it.source.title and c.article == it.source.article)

    verified = 0
    for it in items:
        reason = check_item(it, source_text(it), gen.truth_probe, body=it.check_body)
        if reason is None:
            verified += 1
        else:
            print(f"  复核未通过：{reason} | {it.type} | {it.stem[:60]}", file=sys.stderr)
    stems = Counter(norm(i.stem) + "|" + str(i.answer) for i in items)
    dups = sum(n - 1 for n in stems.values() if n > 1)
    rt = Counter()
    rt_total = Counter()
    for it in items:
        rt_total[it.type] += 1
        rt[it.type] += round_trip(pipe, it)
    n = len(items)
    print(f"\n出题质量报告（{len(topics)} 个主题 × {args.per_topic} 题）")
    print(f"  生成题目：{n}（候选 {candidates}）")
    print(f"  答案经原文复核通过：{verified}/{n} = {verified / max(1, n):.1%}")
    print(f"  重复题干：{dups}")
    print(f"  校验丢弃的候选：{sum(dropped.values())}  {dict(dropped)}")
    print(f"  其中发现的无效干扰项（干扰项也是正确说法）：{dropped.get('干扰项也是正确说法', 0)}")
    asked = args.per_topic * len(topics)
    print(f"  交付/要求：{n}/{asked} = {n / max(1, asked):.1%}；不足的主题 {sum(1 for v in per_topic.values() if v['shortfall'])} 个")
    print(f"  条文分布：{len({(i.source.title, i.source.article) for i in items})} 条不同条文；"
          f"单个主题内同一条文至多 {max(v['max_per_article'] for v in per_topic.values())} 题")
    on = sum(v["from_topic_regulation"] for v in per_topic.values())
    print(f"  出自主题所属法规：{on}/{n} = {on / max(1, n):.1%}")
    print(f"  题型分布：{dict(Counter(i.type for i in items))}")
    print(f"  难度分布：{dict(Counter(i.difficulty for i in items))}")
    print(f"  出处分布：{dict(Counter(i.source.title for i in items))}")
    print("  往返准确率（本系统检索作答）：")
    for t in ("单选", "多选", "判断", "填空"):
        if rt_total[t]:
            print(f"    {t}：{rt[t]}/{rt_total[t]} = {rt[t] / rt_total[t]:.1%}")
    total_rt = sum(rt.values()) / max(1, n)
    print(f"    合计：{total_rt:.1%}")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps({
        "items": n, "verified": verified, "duplicates": dups, "dropped": dict(dropped),
        "types": dict(Counter(i.type for i in items)), "round_trip": {t: rt[t] / rt_total[t] for t in rt_total},
        "round_trip_total": total_rt, "asked": asked, "per_topic": per_topic,
        "regulations": dict(Counter(i.source.title for i in items)), "sample": [i.model_dump() for i in items[:: max(1, n // 20)]],
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.dump:
        args.dump.write_text(json.dumps([i.model_dump() for i in items], ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nJSON 报告：{args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
