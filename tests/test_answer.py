"""Retrieval and grounded extractive answers on the real subset index."""

from __future__ import annotations

import pytest

from bot.answer import NOT_FOUND, key_terms
from bot.retrieve import normalize_query, parse_article_refs


def test_probation_period(pipeline):
    ans = pipeline.ask("预备党员的预备期是多长时间？")
    assert ans.grounded
    assert "一年" in ans.answer and "[1]" in ans.answer
    first = ans.citations[0]
    assert (first.title, first.article, first.doc_type) == ("中国共产党章程", "第七条", "法规")
    assert "预备党员的预备期为一年" in first.text


def test_rights_cite_article_four(pipeline):
    ans = pipeline.ask("党员有哪些权利？")
    assert ans.grounded and ans.citations[0].article == "第四条"
    assert "表决权、选举权" in ans.answer


@pytest.mark.parametrize("q", ["今天北京天气怎么样？", "怎么做红烧肉？", "明天股市会涨吗", "推荐一部好看的电影"])
def test_out_of_scope_not_found(pipeline, q):
    ans = pipeline.ask(q)
    assert not ans.grounded and ans.answer == NOT_FOUND and ans.citations == []


def test_missing_person_case(pipeline):
    ans = pipeline.ask("违纪后下落不明的党员怎么处理？")
    assert ans.grounded and ans.citations[0].doc_type == "案例"
    assert "六个月" in ans.answer or "开除" in ans.answer


@pytest.mark.parametrize(
    "q,title,article",
    [
        ("党章第七条是怎么规定的？", "中国共产党章程", "第七条"),
        ("宪法第34条", "中华人民共和国宪法", "第三十四条"),
        ("《中华人民共和国宪法》第三十四条讲了什么", "中华人民共和国宪法", "第三十四条"),
        ("黨章第四條", "中国共产党章程", "第四条"),
    ],
)
def test_named_article_fetched_first(pipeline, q, title, article):
    hits = pipeline.retrieve(q, k=5)
    assert hits[0].direct and (hits[0].chunk.title, hits[0].chunk.article) == (title, article)
    ans = pipeline.ask(q)
    assert ans.citations[0].article == article


def test_doc_type_filter(pipeline):
    hits = pipeline.retrieve("党员 处分", k=5, doc_type="案例")
    assert hits and all(h.chunk.doc_type == "案例" for h in hits)


def test_citations_only_from_retrieved(pipeline):
    q = "党的纪律处分有哪几种？"
    hits = pipeline.retrieve(q)
    ans = pipeline.answerer.answer_from(q, hits)
    retrieved = {(h.chunk.title, h.chunk.article, h.chunk.text) for h in hits}
    for c in ans.citations:
        assert (c.title, c.article, c.text) in retrieved


def test_parse_article_refs():
    refs = parse_article_refs("党章第十条和宪法第34条", ["中国共产党章程", "中华人民共和国宪法"])
    assert [(r.titles[0], r.number) for r in refs] == [("中国共产党章程", 10), ("中华人民共和国宪法", 34)]
    assert parse_article_refs("第七条说了什么", ["中国共产党章程", "中华人民共和国宪法"]) == []


def test_query_normalisation_and_key_terms():
    assert normalize_query("黨章　第７條") == "党章 第7条"
    assert key_terms("预备党员的预备期是多长时间？") == ["预备", "备党", "党员", "备期"]
