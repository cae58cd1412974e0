"""Index stage on a real Chroma on disk: incremental ingest, removal, isolation, recovery."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from bot.config import Settings
from bot.store.bm25 import tokenize
from bot.store.chroma import EmbedderMismatchError
from bot.store.index import KnowledgeIndex
from bot.pipeline import Pipeline
from conftest import CASE_TITLES, PARTY_CONSTITUTION, STATE_CONSTITUTION



def test_bm25_tokens_are_unigrams_and_bigrams():
    assert tokenize("预备期一年") == ["预", "备", "期", "一", "年", "预备", "备期", "期一", "一年"]
    assert tokenize("Party 2017年") == ["party", "2017", "年"]


def test_hnsw_ef_search_is_applied_to_existing_collections(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "notes.txt").write_text("三会一课是党的组织生活的基本制度。", encoding="utf-8")
    first = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb, hnsw_ef_search=100))
    first.ingest(kb, show_progress=False)
    assert first.index.collection.configuration["hnsw"]["ef_search"] == 100
    del first
    reopened = KnowledgeIndex(Settings(data_dir=tmp_path / "data", kb_dir=kb, hnsw_ef_search=300))
    for col in (reopened.collection, reopened.sentences):
        assert col.configuration["hnsw"]["ef_search"] == 300
        # stored, not only held by this client: a fresh handle sees it
        assert reopened.client.get_collection(col.name, embedding_function=reopened.store.embedding_function).configuration["hnsw"]["ef_search"] == 300
    assert reopened.count() == 1  # the data is untouched


def test_pool_vectors_is_a_weighted_normalised_mean():
    from bot.store.embed import pool_vectors

    assert pool_vectors([(1.0, [1.0, 0.0]), (1.0, [0.0, 1.0])]) == pytest.approx([2 ** -0.5, 2 ** -0.5])
    assert pool_vectors([(3.0, [1.0, 0.0]), (1.0, [0.0, 1.0])]) == pytest.approx([0.9486833, 0.3162278])
    with pytest.raises(ValueError):
        pool_vectors([])
    with pytest.raises(ValueError):
        pool_vectors([(1.0, [1.0, 0.0]), (1.0, [-1.0, 0.0])])

