"""Typed read-only views of :class:`bot.config.Settings`, one per concern.

A component reads the group it needs (``settings.retrieval.rrf_k``, ``settings.answer.min_dense``,
``settings.llm.enabled``) instead of the whole flat Settings. The flat fields and their environment
names (``DANGJIAN_<FIELD>``) stay the contract: a group holds *copies of the same values under the same
names*, built on each access (:func:`view`), so nothing can be set through a group
(``dataclasses.FrozenInstanceError``) and a group never disagrees with its Settings.

Which field belongs to which group (every field of Settings is in exactly one group;
tests/unit/test_shells_unit.py fails on a field in none):

=============  ==========================================================================================
``store``      where things live and how they are embedded: kb_dir, data_dir, collection, embedding_model,
               embedding_batch_size, chroma_host, chroma_port, hnsw_ef_search, chunk_vectors,
               pooled_heading_weight, sentence_doc_types
``retrieval``  top_k, candidates, rrf_k, dense_weight, bm25_weight, regulation_weight, sentence_weight,
               centering, centering_pool, centering_min_vectors, near_duplicate, reranker_model,
               rerank_candidates, max_per_document, regulation_prior_bm25_share, regulation_prior_dense_margin,
               fusion_pool_factor, superseded_factor, near_duplicate_ngram
``answer``     the grounding rule: min_coverage, min_coverage_dense, min_dense; the focus check: focus_common_share,
               focus_min_cosine, min_coverage_sentence, min_sentence_cosine (#18); the extractive answer's selection policy: answer_* (#17)
``ingest``     input limits of documents and the ingest run: max_file_mb, max_document_chars, max_pdf_pages,
               max_container_mb, max_container_entries, parse_memory_mb, parse_timeout_s, bm25_refresh_s,
               ingest_throttle_s
``limits``     bounds on one request: max_question_chars, max_topic_chars, max_quiz_items,
               max_lecture_minutes, ask_rate, generation_rate
``llm``        llm_base_url, llm_model, llm_api_key, llm_timeout, llm_max_retries, llm_temperature,
               llm_history_tokens (and ``enabled``)
``study``      database_url, study_intervals, study_timezone, study_daily_size, study_daily_new_share
``app``        users, max_upload_mb, host, port, ingest_on_start, kb_fallback_dir, status_refresh_s,
               ingest_chars_per_s, kb_job_wait_s
``lecture``    lecture_dense_weight, lecture_min_article_coverage, lecture_min_coverage,
               lecture_good_coverage, lecture_min_neighbour_coverage, lecture_case_min_relevance, and the
               lecture_* numbers moved out of bot/lecture in #17
``quiz``       quiz_retrieve_k, quiz_keep, quiz_retrieve_k_wide, quiz_keep_wide, and the quiz_* numbers moved
               out of bot/quiz in #17
=============  ==========================================================================================

The meaning, unit and measurement source of each field are in its ``Field(description=…)`` in
:mod:`bot.config`; the annotations here repeat the field's type (checked by tests/test_shells.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import SecretStr

if TYPE_CHECKING:
    from bot.config import Settings

G = TypeVar("G")


def view(cls: type[G], settings: "Settings") -> G:
    """An instance of the group dataclass ``cls`` holding ``settings``' values of its fields."""
    return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class StoreSettings:
    """Where the knowledge base and the index live, the embedding model and the vector store."""

    kb_dir: Path
    data_dir: Path
    collection: str
    embedding_model: str
    embedding_batch_size: int
    chroma_host: str | None
    chroma_port: int
    hnsw_ef_search: int
    chunk_vectors: str
    sentence_doc_types: str
    pooled_heading_weight: float

    @property
    def chroma_dir(self) -> Path:
        """``<data_dir>/chroma``: the embedded Chroma database (also ``Settings.chroma_dir``)."""
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        """``<data_dir>/bm25``: the keyword index (also ``Settings.bm25_dir``)."""
        return self.data_dir / "bm25"


@dataclass(frozen=True)
class RetrievalSettings:
    """Hybrid retrieval: candidates, RRF fusion weights, centering, near-duplicates, reranking."""

    top_k: int
    candidates: int
    rrf_k: int
    dense_weight: float
    bm25_weight: float
    regulation_weight: float
    sentence_weight: float
    centering: bool
    centering_pool: int
    centering_min_vectors: int
    near_duplicate: float
    reranker_model: str | None
    rerank_candidates: int
    max_per_document: int
    regulation_prior_bm25_share: float
    regulation_prior_dense_margin: float
    fusion_pool_factor: int
    superseded_factor: float
    near_duplicate_ngram: int


@dataclass(frozen=True)
class AnswerSettings:
    """The grounding rule of the answerer (coverage of key terms, dense similarity)."""

    min_coverage: float
    min_coverage_dense: float
    min_dense: float
    focus_common_share: float
    focus_min_cosine: float
    min_coverage_sentence: float
    min_sentence_cosine: float
    answer_max_chars: int
    answer_overflow_chars: int
    answer_max_sentences: int
    answer_fragment_chars: int
    answer_join_share: float
    answer_passage_share: float
    answer_rank_bonus: float
    answer_first_passage_share: float
    answer_second_source_share: float
    answer_verdict_bonus: float
    answer_time_span_bonus: float


@dataclass(frozen=True)
class IngestSettings:
    """Limits on documents (refused before parsing or embedding) and the pacing of an ingest run."""

    max_file_mb: float
    max_document_chars: int
    max_pdf_pages: int
    max_container_mb: float
    max_container_entries: int
    parse_memory_mb: int
    parse_timeout_s: float
    bm25_refresh_s: float
    ingest_throttle_s: float


@dataclass(frozen=True)
class LimitSettings:
    """Bounds on one request and per-user rates (bot.guard)."""

    max_question_chars: int
    max_topic_chars: int
    max_quiz_items: int
    max_lecture_minutes: float
    ask_rate: str
    generation_rate: str


@dataclass(frozen=True)
class LLMSettings:
    """The optional OpenAI-compatible chat model."""

    llm_base_url: str | None
    llm_model: str | None
    llm_api_key: SecretStr | None
    llm_timeout: float
    llm_max_retries: int
    llm_temperature: float
    llm_history_tokens: int

    @property
    def enabled(self) -> bool:
        """True when an endpoint and a model are configured (same as ``Settings.llm_enabled``)."""
        return bool(self.llm_base_url and self.llm_model)


@dataclass(frozen=True)
class StudySettings:
    """The study record (practice history, Leitner schedule, daily sets)."""

    database_url: str | None
    study_intervals: list[int]
    study_timezone: str
    study_daily_size: int
    study_daily_new_share: float


@dataclass(frozen=True)
class AppSettings:
    """The web app: accounts, binding, uploads, the background indexer's start-up and progress display."""

    users: dict[str, dict[str, str]]
    max_upload_mb: float
    host: str
    port: int
    ingest_on_start: bool
    kb_fallback_dir: str
    status_refresh_s: float
    ingest_chars_per_s: float
    kb_job_wait_s: float


@dataclass(frozen=True)
class LectureSettings:
    """Article and case selection of micro-lectures (measured with ``python -m eval.lecture``)."""

    lecture_dense_weight: float
    lecture_min_article_coverage: float
    lecture_min_coverage: float
    lecture_good_coverage: float
    lecture_min_neighbour_coverage: float
    lecture_case_min_relevance: float
    lecture_retrieve_k: int
    lecture_case_retrieve_k: int
    lecture_max_articles: int
    lecture_article_floor_share: float
    lecture_max_articles_with_neighbours: int
    lecture_case_title_weight: float
    lecture_case_text_weight: float
    lecture_case_min_mentions: int


@dataclass(frozen=True)
class QuizSettings:
    """Topic → articles selection of the quiz generator (measured with ``python -m eval.quiz``)."""

    quiz_retrieve_k: int
    quiz_keep: float
    quiz_retrieve_k_wide: int
    quiz_keep_wide: float
    quiz_dense_bonus: float
    quiz_home_keep: float
    quiz_outside_home_keep: float
    quiz_article_jitter: float
    quiz_llm_retrieve_k: int
    quiz_llm_keep: float
    quiz_llm_passages: int


#: group name (the Settings property) → its view class
GROUPS: dict[str, type] = {
    "store": StoreSettings, "retrieval": RetrievalSettings, "answer": AnswerSettings, "ingest": IngestSettings,
    "limits": LimitSettings, "llm": LLMSettings, "study": StudySettings, "app": AppSettings,
    "lecture": LectureSettings, "quiz": QuizSettings,
}

__all__ = ["AnswerSettings", "AppSettings", "GROUPS", "IngestSettings", "LLMSettings", "LectureSettings",
           "LimitSettings", "QuizSettings", "RetrievalSettings", "StoreSettings", "StudySettings", "view"]
