"""Answer first, then the evidence (issue 18, item 2): a question asking for a number, a time span, a point in
time, a count or a yes/no gets a short direct answer taken from the cited text before the quoted article; quotes
never start mid-item or end mid-sentence; a rule stated in both the 党章 and a 条例 is cited from both.

The questions are worded here, not copied from the issue; the expected facts were read in the regulations."""

from __future__ import annotations

import re

import pytest

from bot.answer.direct import direct_answer, question_type


@pytest.mark.parametrize("question,kind", [
    ("市里的党代会隔多少年换一届？", "duration"),
    ("入党介绍人要找几个人？", "number"),
    ("党员一共享有几项权利？", "count"),
    ("党的纪律处分分为哪几种？", "count"),
    ("党龄自哪天开始计算？", "time"),
    ("留党察看的党员可不可以参加选举？", "yesno"),
    ("党员有哪些义务？", "list"),
    ("如何转为正式党员？", "procedure"),
    ("什么是民主集中制？", "definition"),
    ("申请入党对年龄有什么规定？", "number"),  # lexicon answer_types: 年龄 asks for a number
])
def test_question_type(question, kind):
    assert question_type(question) == kind


def test_direct_answer_is_a_span_of_the_evidence_of_the_asked_kind():
    # sentences written for this test (not from the corpus)
    club = "本协会的会员大会，每三年召开一次。会员大会由理事会召集。"
    assert direct_answer("会员大会多久开一次？", [club], ["会员大会"]) == "每三年召开一次。"
    rule = "会员受到警告处分的，一年内不得担任理事，也不得被推荐为代表。"
    assert direct_answer("受警告的会员多少年内不能当理事？", [rule], ["警告", "理事"]) == "一年内不得担任理事。"
    listing = "会员享有下列权利：\n（一）参加活动。\n（二）提出建议。\n（三）申请退会。\n协会不得剥夺上述权利。"
    assert direct_answer("会员有几项权利？", [listing], ["会员", "权利"]) == "三项。"
    assert direct_answer("会员有哪些权利？", [listing], ["会员", "权利"]) == "共三项。"
    stated = "对会员的处理有三种：提醒、警告、除名。"
    assert direct_answer("对会员的处理有几种？", [stated], ["会员"]) == "三种：提醒、警告、除名。"
    assert direct_answer("会员的会龄从什么时候算起？", ["会员的会龄，从理事会批准之日算起。"], ["会龄"]) \
        == "从理事会批准之日算起。"
    guest = "观察员的权利，除了没有表决权以外，与会员相同。"
    assert direct_answer("观察员能不能投票？", [guest], ["观察员", "投票", "表决权"]).startswith("不能。")
    assert direct_answer("会员可以退会吗？", ["会员有退会的自由。"], ["会员", "退会"]).startswith("可以。")


def test_no_direct_answer_without_a_span_of_the_asked_kind():
    assert direct_answer("会员大会多久开一次？", ["会员大会由理事会召集。"], ["会员大会"]) == ""
    assert direct_answer("协会有几种处理方式？", ["协会实行“四种形态”的管理方法。"], ["协会"]) == ""  # a name, no count
    # yes/no undecidable: the sentence states the term without a negation or a modal before it
    assert direct_answer("观察员能不能投票？", ["表决权的行使办法另行规定。"], ["观察员", "表决权"]) == ""
    # a sentence that does not hold every content word decides nothing
    assert direct_answer("会员出国要报告吗？", ["会员应当向理事会报告住址变动。"], ["会员", "出国", "报告"],
                         required=[["会员"], ["出国"]]) == ""



def test_yes_no_is_decided_by_the_asked_term_not_by_a_noun_it_qualifies():
    from bot.answer.direct import locate_direct_answer

    q = "预备党员在支部大会上可以参加表决吗？"
    meeting = "召开讨论接收预备党员的党支部党员大会，实际到会有表决权的党员人数必须超过应到会有表决权的党员人数的半数。"
    rights = "预备党员的权利，除了没有表决权、选举权和被选举权以外，也同正式党员一样。"
    focus = ["预备党员", "支部", "大会", "参加", "表决"]
    # 有表决权的党员 says nothing of whether a probationary member votes; the sentence need not name the meeting
    answer, at = locate_direct_answer(q, [meeting, rights], focus, "yesno", [["预备党员"], ["支部"]])
    assert (answer, at) == ("不可以。" + rights, 1)
