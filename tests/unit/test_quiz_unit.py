"""Quiz generation on the real 党章/宪法 index; answers re-checked against the corpus files."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from bot.quiz import QuizItem, QuizSource, accepted_forms, check_item, generate_quiz, norm, number_variants
from conftest import PARTY_CONSTITUTION, STATE_CONSTITUTION, run_cli



def _item(**kw) -> QuizItem:
    base = dict(id="x", type="单选", stem="根据《章程》第七条，预备党员的预备期为（  ）。",
                options={"A": "一年", "B": "两年", "C": "三年", "D": "半年"}, answer="A", explanation="e",
                source=QuizSource(title="章程", article="第七条", quote="预备党员的预备期为一年。"))
    base.update(kw)
    return QuizItem(**base)


def test_checks_reject_bad_items():
    src = "预备党员的预备期为一年。党组织对预备党员应当认真教育和考察。"
    never = lambda s: False  # noqa: E731
    body = "预备党员的预备期为（  ）。"
    assert check_item(_item(), src, never, body=body) is None
    assert check_item(_item(answer="B"), src, never, body=body) == "答案与原文不符"
    assert check_item(_item(options={"A": "一年", "B": "一年", "C": "三年", "D": "半年"}), src, never, body=body) == "选项重复"
    also_true = lambda s: "两年" in s  # noqa: E731  (another passage says 两年)
    assert check_item(_item(), src, also_true, body=body) == "干扰项也是正确说法"
    giveaway = _item(type="填空", options={}, answer=["一年"], stem="预备期为一年，即（  ）。")
    assert check_item(giveaway, src, never, body="预备党员的预备期为（  ）。") == "题干泄露答案"
    false_true = _item(type="判断", options={}, answer="错误", stem="判断：预备党员的预备期为一年。")
    assert check_item(false_true, src, never, body="预备党员的预备期为一年。") == "错误说法在原文中成立"


def test_number_variants_and_forms():
    assert number_variants("一年")[:3] == ["半年", "两年", "三年"]
    assert "三分之一以上" in number_variants("三分之二以上")
    assert all(v.endswith("人以上") for v in number_variants("三人以上"))
    assert accepted_forms("一年") == ["一年", "1年"]
    # a count of a hundred is varied by halves and doubles, not by one
    assert not {"99人", "101人"} & set(number_variants("100人")) and "50人" in number_variants("100人")


def test_grade_responses():
    from bot.quiz import grade

    single = _item()
    assert grade(single, "A") and not grade(single, "B")
    multi = _item(type="多选", answer="ABD")
    assert grade(multi, ["D", "A", "B"]) and grade(multi, "ABD") and not grade(multi, ["A", "B"])
    fill = _item(type="填空", options={}, answer=["一年", "1年"])
    assert grade(fill, "1年") and grade(fill, " 一年。") and not grade(fill, "两年")
    judge = _item(type="判断", options={}, answer="错误")
    assert grade(judge, "错误") and not grade(judge, "正确")

