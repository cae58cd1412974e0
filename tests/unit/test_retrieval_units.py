"""Retrieval's parts on their own, without Chroma: the fusion, the regulation prior, the post-processors,
the question's forms and the lexicon's word lists."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.retrieval.fusion import fused_order, reciprocal_rank_fusion
from bot.retrieval.postprocess import (NearDuplicateFilter, PerDocumentCap, RerankStep, StatusPenalty, resemblance,
                                       select, shingles, text_key)
from bot.retrieval.prior import RegulationPrior
from bot.schema import Chunk, RetrievedChunk
from bot.text import lexicon


def _chunk(cid: str, text: str, doc_type: str = "案例", path: str | None = None, status: str = "现行有效") -> Chunk:
    return Chunk(id=cid, text=text, title="T", doc_type=doc_type, source=path or cid, path=path or cid, status=status)


def _p(cid: str, text: str, score: float = 1.0, direct: bool = False, **kw) -> RetrievedChunk:
    return RetrievedChunk(chunk=_chunk(cid, text, **kw), score=score, direct=direct)


def _ids(passages: list[RetrievedChunk]) -> list[str]:
    return [p.chunk.id for p in passages]


# --- fusion ---------------------------------------------------------------------------------------------

def test_rrf_sums_weight_over_k_plus_rank():
    fused = reciprocal_rank_fusion([(0.7, [("a", 0.9), ("b", 0.8)]), (1.0, [("b", 12.0), ("c", 3.0)])], k=10)
    assert fused == {"a": 0.7 / 11, "b": 0.7 / 12 + 1.0 / 11, "c": 1.0 / 12}
    assert fused_order(fused) == ["b", "c", "a"]  # 1/12 > 0.7/11


def test_rrf_ignores_scores_and_keeps_first_appearance_for_ties():
    fused = reciprocal_rank_fusion([(1.0, [("x", 100.0)]), (1.0, [("y", 0.0)])], k=60)
    assert fused["x"] == fused["y"] == 1 / 61
    assert fused_order(fused) == ["x", "y"]
    assert reciprocal_rank_fusion([], k=10) == {} and reciprocal_rank_fusion([(0.0, [("z", 1.0)])], k=10) == {"z": 0.0}


# --- regulation prior -----------------------------------------------------------------------------------

def test_regulation_prior_keeps_only_competitive_regulation_passages():
    index = SimpleNamespace(
        bm25_search=lambda q, n, doc_type: [("r1", 9.0), ("r2", 3.0), ("r3", 2.9)],
        dense_search=lambda q, n, doc_type, vector=None: [("r3", 0.90), ("r1", 0.86), ("r2", 0.84)],
    )
    prior = RegulationPrior(index, bm25_share=0.3, dense_margin=0.05)
    reg_dense, reg_bm25 = prior.rankings("q", "kw", None, 40, dense=[("c", 0.90)], sparse=[("c", 10.0)])
    assert reg_bm25 == [("r1", 9.0), ("r2", 3.0)]  # 2.9 < 0.3 × 10
    assert reg_dense == [("r1", 0.86)]  # r3 not lexically competitive, r2 below 0.90 − 0.05


# --- post-processors ------------------------------------------------------------------------------------

def test_status_penalty_scales_and_resorts_stably():
    ps = [_p("old", "甲", 1.0, status="已修订"), _p("a", "乙", 0.5), _p("b", "丙", 0.5), _p("gone", "丁", 0.4, status="已废止")]
    out = StatusPenalty(0.3).run("q", ps)
    assert _ids(out) == ["a", "b", "old", "gone"]
    assert out[2].score == 1.0 * 0.3 and out[3].score == 0.4 * 0.3


def test_shingles_and_resemblance():
    assert shingles("党员，权利。") == {"党员权", "员权利"}
    assert shingles("党") == {"党"}
    assert resemblance({"a", "b"}, {"b", "c"}) == 1 / 3 and resemblance(set(), set()) == 1.0
    assert text_key("党员 权利。") == text_key("党员权利")


def test_near_duplicate_filter_drops_resembling_passages_but_only_exact_direct_repeats():
    text = "预备党员的预备期为一年，预备期从支部大会通过他为预备党员之日算起。"
    ps = [_p("d1", text, direct=True), _p("d2", text + "。", direct=True), _p("d3", text[:-3] + "起来。", direct=True),
          _p("c1", text.replace("一年", "一年半")), _p("c2", "党员有表决权、选举权，有被选举权。")]
    out = NearDuplicateFilter(0.8).run("q", ps)
    assert _ids(out) == ["d1", "d3", "c2"]  # d2: same text as d1; c1 resembles d1; d3 near but direct


def test_per_document_cap_exempts_regulations_and_direct_passages():
    ps = [_p("d", "甲", direct=True, path="x"), _p("a1", "乙", path="x"), _p("a2", "丙", path="x"),
          _p("r1", "丁", path="reg", doc_type="法规"), _p("r2", "戊", path="reg", doc_type="法规"), _p("b1", "己", path="y")]
    assert _ids(PerDocumentCap(1).run("q", ps)) == ["d", "a1", "r1", "r2", "b1"]
    assert _ids(PerDocumentCap(0).run("q", ps)) == _ids(ps)


def test_select_applies_filters_together_and_stops_at_the_limit():
    text = "党员必须履行下列义务：认真学习马克思列宁主义。"
    ps = [_p("a1", "第一段完全不同的内容甲乙丙", path="x"), _p("a2", text, path="x"), _p("b1", text + "丁", path="y"),
          _p("c1", "另一个文件的另一段内容", path="z"), _p("e1", "再一个文件的内容", path="w")]
    gates = lambda: [NearDuplicateFilter(0.8).gate(), PerDocumentCap(1).gate()]  # noqa: E731
    # a2 is capped, so it does not hide its near-duplicate b1
    assert _ids(select(ps, gates())) == ["a1", "b1", "c1", "e1"]
    assert _ids(select(ps, gates(), limit=2)) == ["a1", "b1"]
    direct = [_p("d1", "直接", direct=True), _p("d2", "命中", direct=True)]
    assert _ids(select(direct + ps, gates(), limit=1)) == ["d1", "d2"]


def test_rerank_step_keeps_direct_passages_first(monkeypatch):
    import bot.retrieval.rerank as rerank

    class Fake:
        def rerank(self, question, passages, k):
            return sorted(passages, key=lambda p: p.chunk.id, reverse=True)[:k]

    monkeypatch.setattr(rerank, "get_reranker", lambda name: Fake())
    ps = [_p("d", "甲", direct=True), _p("a", "乙"), _p("b", "丙"), _p("c", "丁")]
    assert _ids(RerankStep("fake", 2).run("q", ps)) == ["d", "c", "b"]


# --- question forms and lexicon -------------------------------------------------------------------------

def test_lexicon_lists_are_typed_and_ordered():
    assert lexicon.REGULATION_ALIASES["党章"] == ["中国共产党章程"]
    assert list(lexicon.REGULATION_ALIASES)[:3] == ["党章", "章程", "宪法"]
    assert lexicon.ABBREVIATIONS["纪委"] == ["纪律检查委员会"]
    lengths = [len(w) for w in lexicon.STOP_PHRASES]
    assert lengths == sorted(lengths, reverse=True) and lexicon.STOP_PHRASES[0] == "多长时间"
    assert lexicon.STOP_RE.sub("", "请问什么是党员") == "党员"
    assert lexicon.QUESTION_RE.sub(" ", "党员有哪些权利？") == "党员有 权利？"
    assert lexicon.stop_phrases() is lexicon.STOP_PHRASES and lexicon.regulation_aliases() is lexicon.REGULATION_ALIASES


def test_query_forms():
    from bot.retrieval.query import expand_aliases, normalize_query

    assert normalize_query("  黨章 第７條  ") == "党章 第7条"
    assert expand_aliases("党章第七条") == "党章第七条 中国共产党章程"
    assert expand_aliases("中国共产党章程") == "中国共产党章程"


@pytest.mark.parametrize("question, titles, number", [
    ("党章第七条", ["中国共产党章程"], 7),
    ("《中华人民共和国宪法》第三十四条", ["中华人民共和国宪法"], 34),
])
def test_article_refs(question, titles, number):
    from bot.retrieval.articles import parse_article_refs

    refs = parse_article_refs(question, ["中国共产党章程", "中华人民共和国宪法"])
    assert [(r.titles, r.number) for r in refs] == [(titles, number)]
