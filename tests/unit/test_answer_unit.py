"""Retrieval and grounded extractive answers on the real subset index."""

from __future__ import annotations

import re

import pytest

from bot.answer.grounding import NOT_FOUND, key_terms
from bot.retrieval.articles import parse_article_refs
from bot.retrieval.query import normalize_query



def test_parse_article_refs():
    refs = parse_article_refs("党章第十条和宪法第34条", ["中国共产党章程", "中华人民共和国宪法"])
    assert [(r.titles[0], r.number) for r in refs] == [("中国共产党章程", 10), ("中华人民共和国宪法", 34)]
    assert parse_article_refs("第七条说了什么", ["中国共产党章程", "中华人民共和国宪法"]) == []
    # a bare article right after a reference belongs to the same regulation
    refs = parse_article_refs("党章第七条和第九条，宪法第三条", ["中国共产党章程", "中华人民共和国宪法"])
    assert [(r.titles[0], r.number) for r in refs] == [("中国共产党章程", 7), ("中国共产党章程", 9), ("中华人民共和国宪法", 3)]
    # a regulation that is not indexed is still a reference (so the answer can say it is missing)
    refs = parse_article_refs("《党政机关厉行节约反对浪费条例》第十条", ["中国共产党章程"])
    assert [(r.titles, r.number) for r in refs] == [(["党政机关厉行节约反对浪费条例"], 10)]


def test_query_normalisation_and_key_terms():
    assert normalize_query("黨章　第７條") == "党章 第7条"
    assert key_terms("预备党员的预备期是多长时间？") == ["预备", "备党", "党员", "备期"]


def test_near_identical_passages_are_kept_once(tmp_path):
    from bot.config import Settings
    from bot.pipeline import Pipeline

    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "cases").mkdir()
    article = "第九条 党员领导干部应当带头参加双重组织生活，每年至少参加一次所在党支部的组织生活会，认真开展批评和自我批评。"
    (kb / "regulations" / "组织生活规定.md").write_text(f"# 组织生活规定\n\n{article}\n", encoding="utf-8")
    # a case that quotes the article with one character added (resemblance 0.9), and one that discusses it
    quoted = article.replace("认真", "认真地")
    (kb / "cases" / "案例一.md").write_text(f"# 案例一\n\n{quoted}\n", encoding="utf-8")
    (kb / "cases" / "案例二.md").write_text(
        "# 案例二\n\n某局党员领导干部三年未参加所在党支部的组织生活会，被给予诫勉谈话。\n", encoding="utf-8")
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb))
    pipe.ingest(kb, show_progress=False)
    titles = [r.chunk.title for r in pipe.retrieve("领导干部要参加党支部的组织生活会吗", k=5)]
    assert titles.count("组织生活规定") + titles.count("案例一") == 1 and "案例二" in titles
    loose = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb, near_duplicate=1.0))
    assert len(loose.retrieve("领导干部要参加党支部的组织生活会吗", k=5)) == 3  # only exact copies are merged


def test_abbreviations_expanded_for_keyword_search():
    from bot.retrieval.query import expand_abbreviations, keyword_query

    assert "纪律检查委员会" in keyword_query("纪委受谁领导？")
    assert "人民代表大会" in expand_abbreviations("全国人大代表怎么选出来")
    assert expand_abbreviations("个人大额财产来源不明怎么处理") == "个人大额财产来源不明怎么处理"  # 人 + 大额, not 人大
    assert "地区委员会" in keyword_query("地委是什么机构")
    assert expand_abbreviations("纪律检查委员会和纪委") == "纪律检查委员会和纪委"  # full form already there


def test_opinion_and_endorsement_patterns():
    from bot.answer.cases import ENDORSE_RE, OPINION_RE, VERDICT_RE

    assert OPINION_RE.search("第二种意见认为：何某构成违反政治规矩错误。").group(1) == "二"
    assert OPINION_RE.search("关于定性，存在两种不同意见：第一种意见认为，李某构成职务侵占违纪；").group(1) == "一"
    assert OPINION_RE.search("也有观点认为，相关税费属于行贿成本。") and not OPINION_RE.search("笔者认为，应当认定为受贿。")
    assert [m.group(1) for m in ENDORSE_RE.finditer("笔者赞同第三种意见。我们同意第二种观点。笔者赞同上述第一种意见")] == ["三", "二", "一"]
    assert VERDICT_RE.search("他们的行为不构成职务侵占违纪。") and not VERDICT_RE.search("符合受贿罪的构成要件。")


def test_bibliography_entries_are_not_answer_sentences():
    from bot.answer.selection import NUMBERED_HEADING, REFERENCE_ENTRY

    assert REFERENCE_ENTRY.search("- [1] 刘某. 新时代国有企业基层党建工作创新研究[J]. 人力资源管理, 2018(4): 1.")
    assert NUMBERED_HEADING.match("4.2 工作机制僵化与创新活力不足的问题。")
    assert not REFERENCE_ENTRY.search("党员必须履行下列义务：") and not NUMBERED_HEADING.match("2018年1月，王某收受礼金。")


def test_sentence_pieces_variants_and_article_references():
    from bot.text.lexicon import REGULATION_ALIASES
    from bot.text.refs import BARE_ARTICLE, article_reference
    from bot.text.zh import CN_STOPS, STOP_ENDS, cited_sentences, sentence_pieces

    text = "党员必须履行下列义务：\n（一）认真学习；遵守纪律。\n预备期为一年!"
    assert sentence_pieces(text, keep_newlines=True) == [
        "党员必须履行下列义务：", "\n", "（一）认真学习；", "遵守纪律。", "\n", "预备期为一年!"]
    assert sentence_pieces(text, STOP_ENDS) == ["党员必须履行下列义务：", "（一）认真学习；遵守纪律。", "预备期为一年!"]
    assert sentence_pieces("一。二\n三。", CN_STOPS, at_newline=False) == ["一。", "二\n三。"]
    assert cited_sentences("预备期为一年。[1]他说：“不。”[2]") == ["预备期为一年。[1]", "他说：“不。”[2]"]
    titled = article_reference(REGULATION_ALIASES)
    loose = article_reference(REGULATION_ALIASES, title_required=False)
    assert titled.search("党章 的 第 7 条").group("alias", "num") == ("党章", "7")
    assert titled.search("请看第七条") is None and loose.search("请看第七条").group("num") == "七"
    assert BARE_ARTICLE.search("第一百二十二条").group("num") == "一百二十二"

