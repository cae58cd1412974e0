"""Answerability (issue 18): a question asking about a detail that no indexed text states is declined with a
plain statement of what is missing, while colloquial wording of what the texts do state is still answered."""

from __future__ import annotations

import shutil

import pytest

from bot.answer.grounding import (abbreviates, content_words, covers, key_terms, not_stated, uncovered_focus,
                                  unstated_words)
from bot.config import Settings
from bot.pipeline import Pipeline
from conftest import CORPUS



def test_content_words_leave_out_question_and_asking_words():
    assert content_words("党员可以在家里养宠物吗？") == ["党员", "家里", "宠物"]
    assert content_words("党纪处分一共有几种？") == ["党纪处分"]
    assert "KTV" in content_words("党员下班后可以去KTV唱歌吗？")
    assert content_words("What are the main problems of Party building?") == []  # no word-by-word reading of English


def test_unstated_words_on_a_literal_vocabulary():
    text = "预备党员没有表决权、选举权和被选举权。党员应当按月交纳党费。年满十八岁的中国工人可以申请入党。人民法院审理案件。"

    def occurs(word: str) -> bool:
        return word in text

    assert unstated_words("党费可以用信用卡缴纳吗？", occurs) == ["信用卡", "缴纳"]
    assert unstated_words("预备党员能不能投票？", occurs) == []  # lexicon: 投票 → 表决权
    assert unstated_words("多大年纪可以申请入党？", occurs) == []  # lexicon: 年纪 → 年满
    assert unstated_words("党员对决定有看法怎么办？", occurs) == []  # 决定, 看法: everyday vocabulary
    assert unstated_words("法院怎么审案？", occurs) == ["审案"]
    assert unstated_words("法院怎么审案？", occurs, context="人民法院审理案件") == []  # 审案 abbreviates 审理案件
    assert abbreviates("环保", "加强环境保护工作") and not abbreviates("手写", "应当向党组织提出书面的入党申请")


def test_keyword_search_also_looks_for_the_regulations_wording():
    from bot.text.lexicon import expand_synonyms
    from bot.retrieval.query import keyword_query

    assert "表决权" in expand_synonyms("预备党员能不能投票？") and "提升职务" in keyword_query("受处分多久不能提拔？")
    assert expand_synonyms("预备党员的预备期多长？") == "预备党员的预备期多长？"  # no lexicon word, nothing added



def test_the_quoted_sentences_must_state_the_questions_focus():
    # a sentence on reporting to the Party organisation that never speaks of going abroad
    reporting = "党员应当如实向党组织报告个人有关事项，不得隐瞒。"
    assert uncovered_focus("党员出国要向组织报告吗？", reporting) == ["出国"]
    # everyday words (处理, 所有) and short names of regulations are not the asked detail
    assert uncovered_focus("不交党费会怎样处理？", "党员应当按月交纳党费。") == []
    assert uncovered_focus("党章对党费有什么规定？", "党员应当按月交纳党费。") == []
    # the lexicon's wordings, an abbreviation spelled out with other words between, a one-character core
    assert covers("投票", "预备党员没有表决权、选举权和被选举权。")
    assert covers("党代会", "党的省、自治区、直辖市的代表大会，每五年举行一次。")
    assert covers("县里", "县（旗）、自治县的代表大会")
    assert not covers("出国", reporting)


def test_the_statement_of_what_is_missing_names_the_text_and_the_detail():
    msg = not_stated(["中国共产党发展党员工作细则", "中国共产党发展党员工作细则"], ["组织", "报告"], ["出国"])
    assert msg == "知识库中的《中国共产党发展党员工作细则》规定了与“组织”、“报告”有关的内容（见下），但没有规定“出国”。"
    assert "收录的文本" in not_stated([], [], ["手写"])


def test_time_and_frequency_frames_are_no_key_terms():
    # 哪一天, 开始算, 每隔 ask for a time or a frequency: their bigrams (哪一, 始算, 每隔) are in no text
    assert key_terms("党龄从哪一天开始算？") == ["党龄", "龄从"]
    assert "每隔" not in key_terms("县级党代会每隔几年召开一次？")
