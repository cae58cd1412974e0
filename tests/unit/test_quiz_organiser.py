"""Gate rules from the independent organiser's reading of seven generated sets (issue #19, eval/README.md
"Independent organiser's reading"): no modal-flip falsehoods, no garbled number distractors, no stem
leaning on a sentence it does not show, no non-proposition as a 判断, one item per answer key and per
option set, and every item's own sentence on the topic. Literal examples, written for these tests."""

from __future__ import annotations

import dataclasses
import random

from bot.quiz.articles import TopicFocus
from bot.quiz.candidates import inclusive_variants, lifted_prohibition, number_items, statement_items
from bot.quiz.check import answer_key, dangling_reference, not_a_proposition, option_set
from bot.quiz.gate import item_keys
from bot.quiz.model import QuizItem, QuizSource, norm
from bot.schema import Chunk


def _chunk(text: str, title: str = "示例工作规定", heading: str = "") -> Chunk:
    return Chunk(id="c1", text=text, title=title, doc_type="法规", source="s", path="p", heading=heading,
                 article="第五条", article_no=5)


# ---- 1. modal flips are no way to make a false statement ----

def test_no_false_statement_by_flipping_a_modal_verb():
    chunk = _chunk("第五条 支部书记应当每季度向全体成员通报一次学习安排。小组成员可以在例会上提出书面建议。")
    made = statement_items(chunk)
    assert made, "the true statements are still made"
    assert all(item.answer == "正确" for item, _ in made)
    assert not any("不得" in (body or "") for _, body in made)


# ---- 5. a number distractor keeps its parenthetical consistent ----

def test_inclusive_parenthetical_changes_with_the_number():
    assert inclusive_variants("三年以下", "三年", ["两年以下", "四年以下"]) == ["两年以下（含两年）", "四年以下（含四年）"]
    # a parenthetical that is not the number's own: no distractor at all rather than a garbled one
    assert inclusive_variants("三人以上", "一人", ["两人以上", "四人以上"]) == []


def test_number_items_never_garble_an_inclusive_parenthetical():
    chunk = _chunk("第五条 情节较轻的，给予三年以下（含三年）的考察期，期满后重新评定等级。")
    made = number_items(random.Random(1), chunk, "中")
    choices = [i for i, _ in made if i.type == "单选"]
    assert choices, "a 单选 on the 考察期 is still made"
    for item in choices:
        for opt in item.options.values():
            num = opt.split("（含")[0].replace("以下", "")
            assert opt.endswith(f"（含{num}）"), opt  # "两年以下（含两年）", never "两年以下（含三年）"
        assert "（含" not in item.stem  # the blank covers the parenthetical too
    for item, body in made:
        if item.type == "判断":
            assert "以下（含三年）" not in body or "三年以下（含三年）" in body, body
    # the number inside the parenthetical is never an element of its own
    assert not any(i.type == "填空" and "（含（  ））" in i.stem for i, _ in made)


# ---- 3. stems without an antecedent, and non-propositions ----

def test_dangling_references_are_caught():
    assert dangling_reference("判断：依据审计结论，可以撤回其年度评优资格的，应当及时撤回。")  # 其 with no one before it
    assert dangling_reference("判断：小组长还应当在月底提交工作小结。")  # 还 adds to a sentence not shown
    assert dangling_reference("判断：该委员会的成员应当回避。")  # 该 + noun
    assert dangling_reference("判断：对于兼任外部职务的，应当建议外部单位免去相应职务。")  # 对于…的 naming no one
    assert dangling_reference("根据《示例规定》第五条，对于个别可以从轻的，应当报上级批准。")


def test_statements_with_their_antecedent_pass():
    assert dangling_reference("判断：受到通报的成员，一年内不得担任高于其原任岗位的岗位。") is None
    assert dangling_reference("判断：其他成员可以列席会议。") is None  # 其他 is no pronoun
    assert dangling_reference("判断：成员应该按时提交材料。") is None  # 应该 is no 该
    assert dangling_reference("判断：对于连续缺席会议的成员，应当谈话提醒。") is None  # names whom
    assert dangling_reference("判断：借用的设备应当按期归还。") is None  # 归还 is no 还


def test_non_propositions_are_caught():
    assert not_a_proposition("为了做好示例工作，根据有关规定，制定本办法。")
    assert not_a_proposition("本办法由办公室负责解释。")
    assert not_a_proposition("重点整治推诿扯皮、敷衍塞责的作风问题。")  # a task without a subject
    assert not_a_proposition("注重从一线职工中选拔骨干。")
    assert not_a_proposition("针对新成员的实际情况，采取灵活方式开展培训。")
    assert not_a_proposition("暂不具备建组条件的，做好成员的联络登记等工作。")  # whose task is not said
    assert not_a_proposition("违反保密规定的，给予批评教育。") is None  # a case and its consequence
    assert not_a_proposition("小组每月至少召开一次例会。") is None
    assert not_a_proposition("判断：成员应当按时提交月度小结。") is None


# ---- 4. one item per answer key and per option set ----

def test_answer_key_reads_a_number_whatever_its_form():
    assert answer_key("六个月") == answer_key("6个月以上") == answer_key("六个月（含六个月）")
    assert answer_key("六个月") != answer_key("六年")
    assert answer_key("两名") == answer_key("2名")
    assert answer_key("按期报告") == "按期报告"


def test_option_sets_ignore_order_and_letters():
    a = option_set({"A": "三个月", "B": "六个月", "C": "一年", "D": "两年"})
    b = option_set({"A": "两年", "B": "1年", "C": "6个月", "D": "3个月"})
    assert a == b
    assert a != option_set({"A": "三个月", "B": "六个月", "C": "一年", "D": "三年"})


def _item(type_: str, answer, options=None, explanation="", tags=None) -> QuizItem:
    return QuizItem(id="x", type=type_, stem="题干", options=options or {}, answer=answer, explanation=explanation,
                    source=QuizSource(title="示例工作规定", article="第五条", quote="原文"), tags=tags or [])


def test_items_sharing_a_key_are_recognised():
    fill = _item("填空", ["六个月", "6个月"])
    single = _item("单选", "B", {"A": "五个月以上", "B": "6个月以上", "C": "七个月以上", "D": "八个月以上"})
    false_judgement = _item("判断", "错误", explanation="规定：“…”题中“五个月”应为“六个月”，故错误。")
    assert item_keys(fill) == item_keys(single) == item_keys(false_judgement)
    # a "下列说法正确的是" key is a whole sentence, not an answer another item could share
    assert item_keys(_item("单选", "A", {"A": "甲", "B": "乙", "C": "丙", "D": "丁"}, tags=["说法辨析"])) == set()



def test_a_lifted_prohibition_is_the_false_statement_of_a_prohibiting_sentence():
    chunk = _chunk("第五条 受到通报批评未满一年的成员，不得担任小组召集人。评议结果应当存入个人档案。")
    made = statement_items(chunk)
    false = [(item, body) for item, body in made if item.answer == "错误"]
    assert len(false) == 1  # only the prohibition is lifted; the duty (应当) is never turned into 不得
    item, body = false[0]
    assert body == "受到通报批评未满一年的成员，可以担任小组召集人。"
    assert "“可以”应为“不得”" in item.explanation


def test_no_prohibition_is_lifted_inside_a_condition_or_a_noun_phrase():
    assert lifted_prohibition("擅自动用不得挪用的专项经费的，给予警告处分。") is None
    assert lifted_prohibition("违反规定不得公款旅游的，予以批评教育。") is None
    assert lifted_prohibition("工作人员不得不加班时，应当登记。") is None
    assert lifted_prohibition("借调人员不能超过两名。") == ("借调人员可以超过两名。", "不能", "可以")

# ---- 2. an item's own sentence is about the topic ----

def test_topic_focus_needs_the_topic_words_in_the_items_own_sentence():
    # topic "成员的权利和义务": subject 成员, focus terms 权利 and 义务
    focus = TopicFocus(words=["权利", "义务"], terms=["权利", "义务"], weights={},
                       all_terms=["成员", "权利", "义务"], all_weights={"成员": 1.0, "权利": 1.0, "义务": 1.0})
    elsewhere = _chunk("第五条 …", title="示例培训办法")
    assert focus("成员享有查阅本组织会议记录的权利。", elsewhere)
    assert not focus("成员培训是组织建设的基础性工作。", elsewhere)  # names 成员, not the topic
    # in the topic's home (a title holding every topic word) every sentence is on the topic
    home = _chunk("第五条 …", title="示例成员权利义务规定")
    assert focus("成员培训是组织建设的基础性工作。", home)
    # a topic word must stand whole: 组织 and 生活 apart are not 组织生活
    life = TopicFocus(words=["组织生活"], terms=["组织", "织生", "生活"], weights={"组织": 1.0, "织生": 3.0, "生活": 1.0},
                      all_terms=["组织", "织生", "生活"], all_weights={})
    assert not life("组织应当从工作、生活上关心成员。", elsewhere)
    assert life("每名成员都应当参加组织生活。", elsewhere)

    # most of a long topic's terms, not the words whole: "成员的教育培训" for 成员教育培训
    training = TopicFocus(words=["成员教育培训"], terms=["成员", "员教", "教育", "育培", "培训"], weights={},
                          all_terms=["成员", "员教", "教育", "育培", "培训"], all_weights={})
    assert training("加强成员的教育培训。", elsewhere)
    assert not training("成员应当按时参加培训。", elsewhere)



def test_a_duration_without_its_owner_needs_context():
    from bot.quiz.check import missing_context

    assert missing_context("根据《示例规定》第五条，培训时间一般不少于（  ）。")  # whose training?
    assert missing_context("根据《示例规定》第五条，见习期限最长不得超过（  ）。") is None  # 见习 says whose


def test_a_number_distractor_never_repeats_a_number_of_its_sentence():
    chunk = _chunk("第五条 见习期分为见习一年、见习二年。联络人由一至两名老成员担任。")
    made = number_items(random.Random(3), chunk, "中")
    assert any(item.type == "单选" for item, _ in made)
    for item, _ in made:
        if item.type == "单选":
            opts = set(item.options.values())
            assert not ({"一年", "二年", "两年"} - {item.options[item.answer]}) & opts, item.options
            assert "一名" not in opts, item.options  # "一至一名" is a slip, not a rule


# ==== the organiser's fourth reading (eval/README.md "Fourth round"): literal examples written for these tests ====

def _gate(item, body, chunk):
    from bot.quiz.gate import gate

    return gate(item, body, chunk)


def test_no_fill_in_blank_on_a_member_of_an_open_list():
    from bot.quiz.candidates import enumeration_items
    from bot.quiz.extract import enumerations

    open_chunk = _chunk("第五条 拒不服从小组的轮岗、借调、培训等安排的，给予通报批评。")
    closed_chunk = _chunk("第五条 组织成员参加晨读、夜学、周末讲座，并记录出勤情况。")
    open_items = [x for e in enumerations(open_chunk) for x in enumeration_items(random.Random(1), e, [])]
    closed_items = [x for e in enumerations(closed_chunk) for x in enumeration_items(random.Random(1), e, [])]
    fills = [(i, b) for i, b in open_items if i.type == "填空"]
    assert fills, "the blank is made and then dropped, so the drop is counted"
    assert all(_gate(i, b, open_chunk) == "开放列举（…等）答案不唯一" for i, b in fills)
    closed = [(i, b) for i, b in closed_items if i.type == "填空"]
    assert closed and all(_gate(i, b, closed_chunk) is None for i, b in closed)


def test_a_true_judgement_needs_something_to_test():
    from bot.quiz.check import no_test_point

    assert no_test_point("各级小组对评比中弄虚作假的行为应当严肃处理。") == "判断题没有考点"
    assert no_test_point("对在联络工作中敷衍塞责的，按照有关规定予以追责。") == "判断题没有考点"
    assert no_test_point("各单位应当重视退休成员的经验，充分发挥他们的作用。") == "判断题没有考点"
    assert no_test_point("主管部门应当加强对联络工作的检查考核。") == "判断题没有考点"
    assert no_test_point("新成员的见习期为六个月。") is None  # a duration
    assert no_test_point("小组每季度至少召开一次全体会议。") is None  # a frequency
    assert no_test_point("受到通报批评的成员不宜担任联络人。") is None  # a prohibition
    assert no_test_point("年度计划由小组全体会议讨论决定。") is None  # who decides
    assert no_test_point("评议结果报上级工会备案。") is None  # who is reported to
    assert no_test_point("评议坚持公开、公平、公正的原则。") is None  # a closed list of three
    assert no_test_point("小组可以开展读书、观影、参观等活动。") is None  # a permission
    assert no_test_point("小组应当开展读书、观影、参观等活动。") == "判断题没有考点"  # an open list is no test point


def test_an_exhortation_is_dropped_by_the_gate_and_counted():
    chunk = _chunk("第五条 经小组批准吸收的新成员，其见习期为六个月。各级小组对评比中弄虚作假的行为应当严肃处理。")
    made = [(i, b) for i, b in statement_items(chunk) if i.answer == "正确"]
    reasons = sorted(str(_gate(i, b, chunk)) for i, b in made)
    assert reasons == ["None", "判断题没有考点"]


def test_list_leads_become_noun_phrases():
    from bot.quiz.check import list_noun_phrase

    assert list_noun_phrase("会员必须履行下列职责") == "会员必须履行的职责"
    assert list_noun_phrase("会员享有下列五项权利") == "会员享有的权利"
    assert list_noun_phrase("联络员的主要任务是") == "联络员的主要任务"
    assert list_noun_phrase("年度评议遵循以下原则") == "年度评议遵循的原则"
    assert list_noun_phrase("有下列情形之一的") is None  # no noun phrase: the framed item is dropped
    assert list_noun_phrase("会员有下列行为的") is None


def test_framed_items_read_as_plain_sentences_or_are_dropped():
    text = ("第五条 会员必须履行下列职责：（一）按时参加小组组织的各项学习活动和志愿服务；（二）如实向小组报告个人的重大事项和工作变动情况；"
            "（三）按照规定的标准和期限足额缴纳会费。")
    chunk = _chunk(text)
    framed = [(i, b) for i, b in statement_items(chunk) if "列表项" in i.tags]
    assert framed
    for item, _ in framed:
        assert "会员必须履行的职责包括：" in item.stem and "下列" not in item.stem and "其中包括" not in item.stem
    stiff = _chunk("第五条 会员有下列情形之一的，应当停止活动：（一）连续三个月不参加学习活动的；（二）拒不缴纳会费的；"
                   "（三）不按规定报告个人情况的。")
    for item, body in statement_items(stiff):
        if "列表项" in item.tags:
            assert _gate(item, body, stiff) == "列举引导语无法改写"


def test_a_changed_bound_leaves_its_range():
    # an upper bound: a smaller value is still true ("两年以下" ⊂ "三年以下"), so the false value is larger
    chunk = _chunk("第五条 连续缺勤三个月以内的，给予提醒谈话。")
    false = [i for i, _ in number_items(random.Random(2), chunk, "中") if i.type == "判断"]
    assert false
    for item in false:
        wrong = item.explanation.split("题中“")[1].split("”")[0]
        assert wrong in ("六个月以内", "一年以内", "十八个月以内", "两年以内", "四个月以内", "五个月以内"), wrong
    # a lower bound: the false value is smaller
    chunk = _chunk("第五条 参加活动满六个月的，可以申请结业证书。")
    false = [i for i, _ in number_items(random.Random(2), chunk, "中") if i.type == "判断"]
    assert false
    for item in false:
        wrong = item.explanation.split("题中“")[1].split("”")[0]
        assert wrong in ("三个月", "两个月", "一个月", "五个月"), wrong
    from bot.quiz.check import bound_of

    s = "判处两年以下（含两年）拘役的，一般应当除名。"
    assert bound_of(s, 2, 6) == "upper"
    assert bound_of("会议应当有三人以上参加。", 5, 9) == "lower"
    assert bound_of("会期不超过五天。", 5, 7) == "upper"
    assert bound_of("见习期为一年。", 4, 6) is None


def test_number_distractors_prefer_halves_doubles_and_common_periods():
    from bot.quiz.extract import number_variants

    assert number_variants("六个月")[:2] == ["三个月", "一年"]
    assert not {"五个月", "七个月"} & set(number_variants("六个月")[:3])
    assert number_variants("五年")[:2] == ["三年", "十年"]


def test_a_sentence_under_an_earlier_case_loses_its_premise():
    from bot.quiz.check import lost_premise

    sentences = ["会员去世的，不再进行评议。", "对于应当给予通报以下处理的，作出书面说明并存档。"]
    assert lost_premise(sentences, sentences[1]) == "题干缺少前提"
    assert lost_premise(sentences, sentences[0]) is None
    case = ["会员调离本单位的，应当办理转出手续。", "转出手续一般在一个月内办结。"]
    assert lost_premise(case, case[1]) == "题干缺少前提"  # the case of the first sentence still governs
    plain = ["会员的见习期为六个月。", "见习期满，小组应当及时讨论其能否转正。"]
    assert lost_premise(plain, plain[1]) is None


def test_statement_choice_cites_the_regulation_and_each_options_article():
    from bot.quiz.candidates import statement_choices

    def chunk(no, text):
        c = _chunk(text)
        return dataclasses.replace(c, id=f"c{no}", article=f"第{'一二三四五六七八九'[no - 1]}条", article_no=no)

    chunks = [chunk(1, "第一条 小组全体会员会议每季度召开一次，由组长召集并主持。"),
              chunk(2, "第二条 经小组批准吸收的新会员，见习期为一年，自批准之日算起。"),
              chunk(3, "第三条 小组组长和副组长每届任期为三年，可以连选连任。"),
              chunk(4, "第四条 会员无正当理由连续六个月不参加小组活动的，视为自动退会。")]
    cands = []
    for r, c in enumerate(chunks):
        cands += [(i, b, c, r) for i, b in number_items(random.Random(r), c, "中") + statement_items(c)]
    texts = {norm(c.text) for c in chunks}
    # the index answers as the four articles do: a statement is true when one of them says it
    made = [x[0] for x in statement_choices(random.Random(5), cands, lambda s: any(norm(s) in t for t in texts))]
    right = [i for i in made if "正确" in i.stem]
    wrong = [i for i in made if "错误" in i.stem]
    assert right and wrong and len(right) + len(wrong) == len(made)
    for item in made:
        assert item.stem in ("根据《示例工作规定》，下列说法正确的是（  ）。", "根据《示例工作规定》，下列说法错误的是（  ）。")
        for letter in "ABCD":
            assert f"{letter} 项" in item.explanation
        assert "等规定" not in item.stem
        true = [t for t in item.options.values() if any(norm(t) in x for x in texts)]
        # "正确": the key alone is said by an article; "错误": the key alone is not
        assert len(true) == (1 if item in right else 3)
        assert (item.options[item.answer] in true) == (item in right)
        # a false key never sits beside its own sentence's true version
        if item in wrong:
            assert norm(item.source.quote).rstrip("。") not in {norm(t) for t in item.options.values()}


def test_false_judgements_are_at_least_thirty_percent_of_the_judgements():
    from bot.quiz.offline import MIN_FALSE_SHARE, _SetBuilder

    builder = _SetBuilder.__new__(_SetBuilder)
    from collections import Counter

    builder.judged = Counter({"错误": 0})
    assert builder.true_cap() == 0  # no false statement: no true one either
    builder.judged = Counter({"错误": 3})
    cap = builder.true_cap()
    assert 3 / (3 + cap) >= MIN_FALSE_SHARE and 3 / (3 + cap + 1) < MIN_FALSE_SHARE


def test_one_statement_is_not_shown_twice_in_a_set():
    from bot.quiz.offline import _SetBuilder

    a = _item("单选", "B", {"A": "按时参加小组学习", "B": "如实报告个人情况", "C": "按期缴纳会费", "D": "自觉接受批评"})
    b = _item("判断", "正确")
    assert _SetBuilder.statements(a, None) & _SetBuilder.statements(b, "如实报告个人情况。")
    assert not _SetBuilder.statements(_item("单选", "A", {"A": "六个月", "B": "一年", "C": "三个月", "D": "两年"}), None)


def test_a_permission_made_a_duty_is_a_false_statement():
    from bot.quiz.candidates import permission_made_duty

    assert permission_made_duty("主动说明情况并积极退赔的，可以减轻处理。") == ("主动说明情况并积极退赔的，应当减轻处理。", "可以", "应当")
    assert permission_made_duty("组长可以委托副组长主持会议，也可以委托其他成员主持。") is None  # 可以 twice
    assert permission_made_duty("确有困难的成员可以不参加晚间活动。") is None  # 可以不
    assert permission_made_duty("可以免予评议的，应当报组长同意。") is None  # inside a condition
    chunk = _chunk("第五条 主动说明情况并积极退赔损失的成员，可以减轻处理。")
    false = [i for i, _ in statement_items(chunk) if i.answer == "错误"]
    assert len(false) == 1 and "“应当”应为“可以”" in false[0].explanation


def test_a_sanction_or_consequence_is_a_test_point_and_a_but_clause_is_not_lifted():
    from bot.quiz.check import bound_of, no_test_point

    assert no_test_point("擅自离岗造成损失的，给予通报批评处分。") is None
    assert no_test_point("停职期间，当事人没有表决权和被推荐权。") is None
    assert lifted_prohibition("特殊情况可以适当延长，但不得超过三个月。") is None  # "但可以超过" is garbled
    assert bound_of("延长时间不能少于半年。", 8, 10) == "lower"


def test_one_list_gives_two_items_of_different_types_showing_different_members():
    from collections import defaultdict

    from bot.quiz.gate import ITEMS_PER_LIST, item_facts, item_lists
    from bot.quiz.model import ENUM_TAG
    from bot.quiz.offline import _SetBuilder

    tag = ENUM_TAG + "会员享有下列权利"
    quote = "第五条 会员享有下列权利：（一）参加年会；（二）查阅账目；（三）提出建议；（四）申请退会；（五）推荐新会员。"

    def listed(type_, answer, options, tags=()):
        item = _item(type_, answer, options, tags=[tag, *tags])
        item.source = QuizSource(title="示例工作规定", article="第五条", quote=quote)
        return item

    odd = listed("单选", "D", {"A": "参加年会", "B": "查阅账目", "C": "提出建议", "D": "按时缴费"}, ["不属于"])
    many = listed("多选", "ABC", {"A": "申请退会", "B": "推荐新会员", "C": "参加年会", "D": "按时缴费"})
    other = listed("多选", "AB", {"A": "申请退会", "B": "推荐新会员", "C": "列席理事会"})
    fourth = listed("判断", "错误", {})

    def builder_room_after(first, second):
        b = _SetBuilder.__new__(_SetBuilder)
        b.lists = defaultdict(list)
        for k in item_lists(first):
            b.lists[k].append((first.type, b.members_shown(first, None)))
        return all(b.list_room(k, second, None) for k in item_lists(second))

    # the 单选's key "按时缴费" (not a right) shown again answers the 多选's question on it
    assert not builder_room_after(odd, listed("多选", "AB", {"A": "申请退会", "B": "推荐新会员", "C": "按时缴费"}))
    # an article's item list is limited per list, not by its whole-article sentence key
    assert item_lists(odd) == item_lists(many) and item_lists(odd)
    assert not (item_facts(odd, None) & item_facts(other, None))
    builder = _SetBuilder.__new__(_SetBuilder)
    builder.lists = defaultdict(list)
    (key,) = item_lists(odd)
    assert builder.list_room(key, odd, None)
    builder.lists[key].append((odd.type, builder.members_shown(odd, None)))
    assert not builder.list_room(key, many, None)  # shows 参加年会 again: the two answer each other
    assert builder.list_room(key, other, None)  # 多选 on members the 单选 did not show
    assert not builder.list_room(key, listed("单选", "A", {"A": "申请退会", "B": "按时缴费"}), None)  # a second 单选
    builder.lists[key].append((other.type, builder.members_shown(other, None)))
    assert ITEMS_PER_LIST == 2 and not builder.list_room(key, fourth, "会员享有的权利包括：按时表决。")


def test_a_swapped_procedure_term_is_a_false_statement_only_when_the_other_side_is_absent():
    from bot.quiz.candidates import swapped_term

    assert swapped_term("吸收新会员，须经理事会讨论后公布。") is None  # no contrast term at all
    made = swapped_term("小组的年度计划，由支部委员会讨论后报上级党组织批准。")
    assert made == ("小组的年度计划，由支部大会讨论后报上级党组织批准。", "支部委员会", "支部大会")
    # both sides in one sentence: the swap would restate the other half, not contradict the rule
    assert swapped_term("经支部委员会审查同意后，提请支部大会表决。") is None
    # 批准 only where something is reported for approval; 备案 is the weaker act put in its place
    assert swapped_term("调整方案报市级主管部门批准后实施。")[0] == "调整方案报市级主管部门备案后实施。"
    assert swapped_term("批准的事项应当公开。") is None
    # 从轻 ↔ 从重 is not swapped: "打击报复的，从轻处分" reads as absurd, not as a test
    assert swapped_term("主动交代的，可以从轻或者减轻处理。") is None
    # a body named inside a longer term is left alone: "支部大会会议" is no term of any regulation
    assert swapped_term("小组每季度召开一次支部委员会会议，研究学习安排。") is None
    assert swapped_term("不得擅自批准超标准接待。") is None  # a negation makes the swap unclear
    assert swapped_term("小组的总支部委员会和支部委员会各设委员一名。") is None  # 总支部委员会 is another body


def test_a_body_of_party_procedure_gives_a_choice_among_other_bodies():
    from bot.quiz.candidates import ORGAN_CLASSES, organ_items

    chunk = _chunk("第五条 小组的年度学习计划，应当经支部大会讨论通过后执行。"
                   "县级党委组织部门负责汇总全县的学习计划。经支部委员会审查后，提交支部大会讨论。")
    made = organ_items(random.Random(3), chunk)
    assert len(made) == 1, [i.stem for i, _ in made]  # one body in the sentence; not after 县级; not two bodies
    item, body = made[0]
    assert item.type == "单选" and body == "小组的年度学习计划，应当经（  ）讨论通过后执行。"
    assert item.options[item.answer] == "支部大会"
    names = {name for name, _ in ORGAN_CLASSES}
    distractors = [t for x, t in item.options.items() if x != item.answer]
    assert len(distractors) == 3 and set(distractors) <= names - {"支部大会"}
    # a body that goes on as another noun ("党小组长") is not masked
    assert organ_items(random.Random(3), _chunk("第五条 学习记录由党小组长每月汇总一次并存档。")) == []


def test_a_prohibition_of_a_deed_named_as_wrong_is_not_lifted():
    # lifted, these contradict themselves: an organiser read them as no test (issue #19)
    assert lifted_prohibition("小组成员不得在群聊中转发违反会规的内容。") is None
    assert lifted_prohibition("无书面通知的活动一律不予报销，不得将私人开支计入活动经费。") is None
    # a prohibition of a neutral deed still gives the classic false statement
    assert lifted_prohibition("见习期内的会员，不得担任小组组长。")[0] == "见习期内的会员，可以担任小组组长。"


def test_choices_among_bodies_are_made_only_for_a_branch_body():
    from bot.quiz.candidates import organ_items

    # 上级党组织 acts on organisations: 党小组 or 支部大会 offered there is no distractor
    assert organ_items(random.Random(1), _chunk("第五条 对工作不力的小组，上级党组织应当责令其限期整改。")) == []
    made = organ_items(random.Random(1), _chunk("第五条 吸收新会员，应当经支部委员会审查后报上级批准。"))
    assert [i.options[i.answer] for i, _ in made] == ["支部委员会"]
    assert set(made[0][0].options.values()) == {"党小组", "支部委员会", "支部大会", "上级党委"}


def test_an_option_stating_the_changed_value_betrays_the_false_one():
    from bot.quiz.candidates import betrays

    false = _item("判断", "错误", explanation="规定：“…”题中“半年、二年”应为“一年、二年”，故错误。")
    assert betrays(false, ["受到观察处分一年的会员，期满后恢复其会员权利"])
    assert not betrays(false, ["会员无正当理由连续六个月不参加活动的，视为自动退会"])
    swapped = _item("判断", "错误", explanation="规定：“…”题中“支部大会”应为“支部委员会”，故错误。")
    assert betrays(swapped, ["支部委员会每月召开一次"]) and not betrays(swapped, ["小组每季度召开一次例会"])
