"""Quality gate (issue #19) on literal examples: pure functions, no index."""

from bot.quiz.check import (balanced, count_mismatch, dangling_opening, fact_key, fragment_option, kind_mismatch,
                           kind_of, leaks_key, resolve_opening, stated_count)


def test_fragment_options_are_caught():
    assert fragment_option("“三个代表") == "选项引号括号不成对"
    assert fragment_option("《关于党内政治生活的若干准则") == "选项引号括号不成对"
    assert fragment_option("对党的决议和政策如有不同意见") == "选项是残句"
    assert fragment_option("在党组织讨论决定对党员的党纪处分或作出鉴定时") == "选项是残句"
    assert fragment_option("坚持党的基本路线的") == "选项是残句"
    assert fragment_option("密切联系群众，") == "选项是残句"
    # whole units pass
    for ok in ("“三个代表”重要思想", "留党察看", "撤销党内职务", "参加党的有关会议（含党小组会）", "一年以上"):
        assert fragment_option(ok) is None, ok
    assert balanced("（含）《章程》") and not balanced("）（")


def test_list_parsing_is_checked_against_stated_count():
    assert stated_count("党员必须履行下列八项义务") == 8
    assert stated_count("对党员的纪律处分有五种") == 5
    assert stated_count("支部委员会的职责如下") is None
    seven = ["甲事项", "乙事项", "丙事项", "丁事项", "戊事项", "己事项", "庚事项"]
    assert count_mismatch("党员必须履行下列八项义务", seven) == "列举项数与原文所述不符"
    assert count_mismatch("党员必须履行下列八项义务", [*seven, "辛事项"]) is None
    assert count_mismatch("党员享有下列权利", seven) is None


def test_leaking_stems():
    stem = "对党员的纪律处分有（  ）：警告、严重警告、撤销党内职务、留党察看、开除党籍。"
    assert leaks_key(stem, ["ABCDE"], ["警告", "严重警告", "留党察看", "开除党籍", "罚款"]) == "题干泄露答案"
    assert leaks_key("预备党员的预备期为（  ），自预备期满之日起一年内转正。", ["一年"]) == "题干泄露答案"
    assert leaks_key("预备党员的预备期为（  ）。", ["一年"]) is None


def test_dangling_pronouns():
    assert dangling_opening("根据《某条例》第五条，判断：他们的工作不得受到该机关的支持。") == "题干指代不明"
    assert dangling_opening("根据《某条例》第五条，判断：其成员由上级任命。") == "题干指代不明"
    assert dangling_opening("根据《某条例》第五条，判断：党员应当按期交纳党费。") is None
    assert dangling_opening("判断：其他党员可以列席会议。") is None
    assert resolve_opening("他们的工作应当接受监督。", "党组成员") == "党组成员的工作应当接受监督。"
    assert resolve_opening("其任期为三年。", "支部委员会") == "支部委员会的任期为三年。"
    assert resolve_opening("他们的工作应当接受监督。", None) is None
    assert resolve_opening("该机关应当报告。", "党组") is None


def test_distractors_of_the_same_kind():
    assert kind_of("一年") == kind_of("六个月") == "时长"
    assert kind_of("三人以上") == "人数"
    assert kind_of("五分之一") == "分数"
    assert kind_of("留党察看") == "文字"
    assert kind_mismatch("一年", ["两年", "三个月", "五人"]) == "干扰项与答案不同类"
    assert kind_mismatch("一年", ["两年", "三个月", "半年"]) is None
    assert kind_mismatch("警告", ["记过", "罚款", "降级"]) is None


def test_same_fact_keys():
    s = "预备党员的预备期为一年。"
    assert fact_key(s, "一年") == fact_key("预备党员的预备期为一年", "一年")
    assert fact_key(s, "一年") != fact_key(s, None)
    # a true and a false version of one statement share the key (masked element None)
    assert fact_key(s, None) == fact_key(s, None)


def test_article_ranges():
    from bot.quiz import parse_articles

    assert parse_articles("第八条-第十四条") == set(range(8, 15))
    assert parse_articles("8-10") == {8, 9, 10}
    assert parse_articles("第三条,第五条") == {3, 5}
    assert parse_articles("第二十条至第二十二条") == {20, 21, 22}
    import pytest

    with pytest.raises(ValueError):
        parse_articles("第八条-第九条-第十条")
    with pytest.raises(ValueError):
        parse_articles("八月")


def test_numbers_are_whole_elements():
    from bot.quiz import NUMBER

    found = [m.group(0) for m in NUMBER.finditer("受到严重警告处分一年半内不得提升职务，预备期为一年，察看期二年。")]
    assert found == ["一年", "二年"]  # "一年半" is not cut into "一年" + "半"


def test_stems_without_context():
    from bot.quiz.check import missing_context

    assert missing_context("根据《某条例》第六条，（二）查阅材料应当（  ），一般均为党员；") == "题干缺少上下文"
    assert missing_context("根据《某条例》第九条，判断：情节严重的，给予撤销党内职务处分。") == "题干缺少上下文"
    assert missing_context("根据《某条例》第九条，判断：有前款行为的，依照规定处理。") == "题干缺少上下文"
    assert missing_context("根据《某条例》第九条，判断：党员应当按期交纳党费。") is None
    # a clause that leans on the sentence before it (纪律处分条例第十一条、第十三条)
    assert missing_context("根据《某条例》第十一条，判断：如果决定撤销其一个职务，必须撤销其担任的最高职务。") == "题干缺少上下文"
    assert missing_context("根据《某条例》第十三条，判断：另有规定不准重新入党的，依照规定。") == "题干缺少上下文"
    assert missing_context("根据《某条例》第十六条，判断：其中，符合党员条件的，应当恢复其组织生活。") == "题干缺少上下文"
    assert missing_context("根据《某条例》第二条，判断：但是不得超过一年。") == "题干缺少上下文"
    assert missing_context("根据《某条例》第二条，判断：党员也可以列席会议。") is None


def test_paraphrased_number_leaks():
    # "二人以上（含二人）": the parenthesis next to the blank spells the key
    assert leaks_key("根据《某条例》第二十五条，（  ）（含二人）共同故意违纪的，是共同违纪。", ["二人以上"]) == "题干泄露答案"
    assert leaks_key("根据《某条例》第二十三条，有（  ）（含两种）违纪行为的，应当合并处理。", ["两种以上"]) == "题干泄露答案"
    assert leaks_key("根据《某条例》第二十五条，（  ）共同故意违纪的，是共同违纪。", ["二人以上"]) is None
    assert leaks_key("留党察看处分，分为留党察看一年、留党察看（  ）。", ["二年"]) is None


def test_overlong_and_unfinished_stems():
    from bot.quiz.check import too_long, unfinished_sentence

    long_stem = "根据《某细则》第十条，" + "对入党积极分子进行马克思列宁主义教育，" * 6 + "使他们懂得党的性质、纲领、宗旨、（  ）。"
    assert too_long(long_stem) == "题干过长"
    assert too_long("根据《某细则》第十四条，发展对象应当有（  ）正式党员作入党介绍人。") is None
    assert unfinished_sentence("党的各级领导干部必须信念坚定、为民服务、勤政务实、敢于担当、清正廉洁，并且必须具备以下的基本条件") == "题干是残句"
    assert unfinished_sentence("党员必须履行下列义务：") == "题干是残句"
    assert unfinished_sentence("预备党员的预备期为一年。") is None
    assert unfinished_sentence("受到留党察看处分的，应当终止其代表资格；") is None


def test_a_subject_is_not_an_option():
    from bot.quiz.check import subject_only

    # 党章第十条（三）: its first clause is who the item is about, not a principle
    assert subject_only("党的最高领导机关", "，是党的全国代表大会和它所产生的中央委员会") == "选项是残句"
    assert subject_only("党的各级领导机关", "，除它们派出的代表机关和在非党组织中的党组以外，都由选举产生") is None
    assert subject_only("坚持党和人民的利益高于一切", "，个人利益服从党和人民的利益") is None


def test_locative_and_temporal_clauses_are_not_options():
    assert fragment_option("在党的会议上和党报党刊上") == "选项是残句"
    assert fragment_option("发展对象批准为预备党员后") == "选项是残句"
    assert fragment_option("向党的上级组织直至中央提出请求、申诉和控告") is None
    assert fragment_option("享受在后") is None


def test_back_references_and_long_quoted_leads():
    from bot.quiz.check import missing_context, too_long

    assert missing_context("根据《某条例》第五十七条，对以提供场地等方式支持上述活动者，给予警告处分。") == "题干缺少上下文"
    assert missing_context("根据《某条例》第十一条，依照前款规定受到严重警告处分的，（  ）内不得提拔。") == "题干缺少上下文"
    lead = "培养联系人由经过一定时间党内生活的锻炼、能够用党员标准严格要求自己、先锋模范作用发挥比较好的党员担任，主要任务是"
    assert too_long(f"根据《某细则》第九条，“{lead}”，下列选项中属于其所列内容的有（  ）。") == "题干过长"
    assert too_long("根据《某章程》第三条，“党员必须履行下列义务”，下列选项中属于其所列内容的有（  ）。") is None


def test_one_fact_in_two_regulations():
    from bot.quiz.check import same_fact

    assert same_fact("要有两名正式党员作介绍人", "发展对象应当有两名正式党员作入党介绍人")
    assert same_fact("可以延长预备期，但不能超过一年", "可以延长一次预备期，延长时间不能少于半年，最长不超过一年")
    assert not same_fact("脱离组织出走时间不满六个月又自动回归的", "占用公物归个人使用，时间超过六个月")
    assert not same_fact("预备党员的预备期为一年", "留党察看期限最长不得超过二年")


def test_distractor_lists_name_the_same_kind():
    from bot.quiz.check import list_suffix, same_kind_list

    materials = ["履历类材料", "自传和思想类材料", "考核鉴定类材料", "学历学位类材料", "政审类材料"]
    principles = ["党管干部、党管人才", "依规依法、全面从严", "分级负责、集中管理", "真实准确、完整规范"]
    duties = ["负责干部人事档案的建立", "办理其他有关事项", "指导和监督检查下级单位干部人事档案工作"]
    assert list_suffix(materials) == "类材料" and list_suffix(principles) is None
    assert not same_kind_list(principles, materials)
    assert same_kind_list(principles, duties)
    assert same_kind_list(["政治纪律", "组织纪律", "廉洁纪律"], ["群众纪律", "工作纪律", "生活纪律"])
    assert not same_kind_list(["警告", "严重警告", "撤销党内职务"], ["政治纪律", "组织纪律", "廉洁纪律"])
    assert missing_context_of("主要有表彰和嘉奖、记功、（  ），先进事迹以及撤销奖励等材料。")


def missing_context_of(statement: str) -> bool:
    from bot.quiz.check import missing_context

    return missing_context("根据《某条例》第十九条，" + statement) == "题干缺少上下文"


def test_a_paragraph_of_the_article_is_context():
    assert missing_context_of("本条例规定的只有开除党籍处分一个档次的违纪行为，不适用第一款减轻处分的规定。")


def test_consequences_and_lists_not_shown_are_context():
    # judged sample of the second round: 宪法第四十五条, 纪律处分条例第四十九条、第四十六条
    assert missing_context_of("国家发展为公民享受这些权利所需要的社会保险、社会救济和医疗卫生事业。")
    assert missing_context_of("导致本地区、本部门、本单位政治生态恶化的，给予留党察看或者开除党籍处分。")
    assert missing_context_of("利用讲座、论坛、报告会、（  ）等方式，有下列行为之一，情节较轻的，给予警告处分。")
    assert not missing_context_of("在涉外活动中，其言行在政治上造成恶劣影响的，给予撤销党内职务处分。")
    # the list an item asks about is shown by the item itself
    assert not missing_context_of("判断：“有下列情形之一的，应当从重或者加重处分”，其中包括：强迫、唆使他人违纪的。")



def test_this_kind_of_member_needs_the_sentence_before():
    # "这样的党员" points back at a sentence the stem does not show
    assert missing_context_of("支部大会应当决定把这样的党员除名，并报上级党组织批准。")
