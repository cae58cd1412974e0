"""Quiz over all ten regulations (issue #19): exact scope, topic spread, shortfall, randomness.

Runs on the session index of the ten regulations (``regulations_built``); keys and quotes are checked
against the corpus files themselves, not against the generator's own parse.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from bot.quiz import generate_quiz, norm
from bot.quiz.check import balanced
from bot.text.zh import chinese_number
from conftest import CORPUS, run_cli

DISCIPLINE = "中国共产党纪律处分条例"


def _corpus_article(title: str, article: str) -> str:
    """The article's text from the corpus file whose name starts with the title."""
    path = next(p for p in (CORPUS / "regulations").glob("*.md") if p.name.startswith(title + "_"))
    text = path.read_text(encoding="utf-8").replace("\u3000", " ")
    m = re.search(rf"{article}[ \s].*?(?=\n\s*第[一二三四五六七八九十百零]+条[ \s]|\n#|\Z)", text, re.S)
    assert m, (title, article)
    return m.group(0)


def _no(article: str) -> int:
    return chinese_number(article.removeprefix("第").removesuffix("条"))


def test_exact_scope_stays_in_range_and_spreads(regulations_built):
    qs = generate_quiz(regulations_built, "", n=10, source=DISCIPLINE, articles="第八条-第十四条", seed=5)
    assert qs.items, qs.dropped
    per = Counter(i.source.article for i in qs.items)
    for it in qs.items:
        assert it.source.title == DISCIPLINE
        assert 8 <= _no(it.source.article) <= 14, it.source.article
        assert norm(it.source.quote) in norm(_corpus_article(DISCIPLINE, it.source.article))
        for o in it.options.values():
            assert balanced(o) and not o.endswith(("时", "的", "，", "、")), o
    assert max(per.values()) <= 2, per
    assert len(qs.items) == 10 or qs.to_json()["shortfall"]["made"] == len(qs.items)


def test_shortfall_is_reported_in_json(regulations_built):
    qs = generate_quiz(regulations_built, "", n=30, source=DISCIPLINE, articles="第八条-第九条", seed=1, per_article=2)
    data = qs.to_json()
    assert len(qs.items) <= 4
    assert data["shortfall"] == {"asked": 30, "made": len(qs.items), "why": data["shortfall"]["why"]}
    assert "第八条-第九条" in data["shortfall"]["why"] and data["shortfall"]["why"]


def test_topic_draws_on_its_regulation_without_repeating_facts(regulations_built):
    qs = generate_quiz(regulations_built, "发展党员", n=20, seed=2)
    titles = Counter(i.source.title for i in qs.items)
    assert len(qs.items) == 20 or qs.shortfall
    assert titles["中国共产党发展党员工作细则"] > len(qs.items) / 2, titles
    per = Counter((i.source.title, i.source.article) for i in qs.items)
    assert max(per.values()) <= 2, per
    # no true/false pair of one statement
    judged = Counter(norm(i.source.quote) for i in qs.items if i.type == "判断")
    assert max(judged.values(), default=1) == 1
    assert isinstance(qs.to_json()["dropped"], dict)


def test_random_by_default_reproducible_with_seed(regulations_built):
    stems = lambda qs: [(i.stem, tuple(i.options.items())) for i in qs.items]  # noqa: E731
    a = generate_quiz(regulations_built, "党的纪律处分", n=8, seed=11)
    b = generate_quiz(regulations_built, "党的纪律处分", n=8, seed=11)
    assert stems(a) == stems(b)
    runs = [stems(generate_quiz(regulations_built, "党的纪律处分", n=8)) for _ in range(3)]
    assert len({tuple(r) for r in runs}) > 1


def test_cli_scope_and_seed(regulations_built):
    env = {"DANGJIAN_DATA_DIR": str(regulations_built.settings.data_dir)}
    args = ("quiz", "--source", DISCIPLINE, "--articles", "第八条-第十四条", "--n", "6", "--format", "json", "--seed", "4")
    r1, r2 = run_cli(*args, env=env), run_cli(*args, env=env)
    assert r1.returncode == 0, r1.stderr
    d1, d2 = json.loads(r1.stdout), json.loads(r2.stdout)
    assert d1["items"] == d2["items"] and "shortfall" in d1
    assert {i["source"]["title"] for i in d1["items"]} == {DISCIPLINE}
    bad = run_cli("quiz", "--source", "不存在的条例", "--n", "3", "--format", "json", env=env)
    assert bad.returncode != 0 and "不存在的条例" in bad.stderr
