"""Split stage: structure of regulations, fallback splitting, metadata."""

from __future__ import annotations

from bot.ingest.load import load_document
from bot.schema import Document
from bot.ingest.split import CHUNK_SIZE, split_document
from bot.text.zh import chinese_number, split_sentences
from conftest import CASES, PARTY_CONSTITUTION, STATE_CONSTITUTION



def test_party_constitution_one_chunk_per_article(corpus):
    chunks = split_document(load_document(PARTY_CONSTITUTION, corpus))
    numbers = {c.article_no for c in chunks if c.article_no}
    assert numbers == set(range(1, 56))  # 第一条 … 第五十五条
    art7 = [c for c in chunks if c.article == "第七条"]
    assert len(art7) == 1 and art7[0].text.startswith("第七条 预备党员的预备期为一年")
    assert art7[0].heading == "第一章 党员"
    assert art7[0].embed_text.startswith("中国共产党章程 › 第一章 党员 › 第七条\n")
    # every chunk outside 总纲 and the title block carries its article label
    for c in chunks:
        if c.heading not in ("总纲", "前言"):
            assert c.article and c.article_no, c.text[:40]
    assert all(c.version == "2017年10月24日通过" for c in chunks)


def test_state_constitution_articles_and_sections(corpus):
    chunks = split_document(load_document(STATE_CONSTITUTION, corpus))
    assert {c.article_no for c in chunks if c.article_no} == set(range(1, 144))
    art34 = next(c for c in chunks if c.article_no == 34)
    assert art34.article == "第三十四条" and art34.heading == "第二章 公民的基本权利和义务"
    art62 = next(c for c in chunks if c.article_no == 62)
    assert art62.heading == "第三章 国家机构 › 第一节 全国人民代表大会"
    assert any(c.heading == "序言" for c in chunks)


def test_general_split_sentence_aware_with_headings(corpus):
    doc = load_document(CASES / "“利用职务上便利”中的“隶属关系、制约关系”解析.md", corpus)
    chunks = split_document(doc)
    assert all(50 <= len(c.text) <= CHUNK_SIZE for c in chunks[:-1])
    assert {"【基本案情】", "【评析意见】"} <= {c.heading for c in chunks}
    # chunks end at sentence boundaries, not mid-word
    assert sum(c.text[-1] in "。！？；”" for c in chunks) >= len(chunks) * 0.7


def test_chunk_ids_stable_and_distinct(corpus):
    doc = load_document(PARTY_CONSTITUTION, corpus)
    a, b = split_document(doc), split_document(doc)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)

