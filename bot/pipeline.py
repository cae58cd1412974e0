"""The assembled pipeline that the CLI and the Gradio app share: one object that owns the index,
the retriever and the answerer for one :class:`~bot.config.Settings`.

Public API: :class:`Pipeline` — ``from_settings``, ``ingest``, ``retrieve``, ``ask``, ``ask_stream``,
``stats``; the products ``quiz``, ``paper``, ``lecture`` and ``export`` (delegating to :mod:`bot.quiz`,
:mod:`bot.lecture` and :mod:`bot.render`); ``admin`` (:class:`KnowledgeAdmin`, over :mod:`bot.kb.admin`) —
and :func:`get_pipeline` (one pipeline per distinct settings per process).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path

from collections.abc import Iterator

from bot.answer.extractive import ExtractiveAnswerer
from bot.config import Settings, get_settings
from bot.answer.generative import GenerativeAnswerer, Turn, heuristic_condense
from bot.guard import check_question
from bot.ingest.report import IngestProgress, IngestReport, ProgressFn
from bot.store.index import KnowledgeIndex
from bot.retrieval.hybrid import HybridRetriever
from bot.schema import Answer, RetrievedChunk


class Pipeline:
    """load → split → index → retrieve → answer, configured by one :class:`Settings`.

    Raises:
        bot.store.chroma.EmbedderMismatchError: the index was built with another embedding model.
        bot.store.embed.EmbedderError: the embedding model cannot be loaded.
    """

    @classmethod
    def from_settings(cls, settings: Settings) -> "Pipeline":
        """A new pipeline configured by ``settings`` (the same as ``Pipeline(settings)``)."""
        return cls(settings)

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.index = KnowledgeIndex(self.settings)
        self.retriever = HybridRetriever(self.index, self.settings)
        self.answerer = ExtractiveAnswerer(self.retriever, settings=self.settings)
        self.generator: GenerativeAnswerer | None = None
        self._headings: dict[tuple[str, int], str] = {}
        if self.settings.llm_enabled:
            from bot.llm.prompts import validate_all

            validate_all()  # a broken template is a start-up error, not a mid-chat one
            self.generator = GenerativeAnswerer(self.retriever, self.answerer, self.settings)

    @property
    def has_llm(self) -> bool:
        """True when an OpenAI-compatible chat model is configured (quiz and lecture then use it)."""
        return self.generator is not None

    def term_weights(self, terms: list[str]) -> dict[str, float]:
        """IDF weight of each term over the indexed chunks (see :class:`bot.ports.TermWeights`)."""
        return self.answerer.weights(terms)

    def ingest(self, path: Path | None = None, progress: ProgressFn | None = None, show_progress: bool = True,
               tracker: IngestProgress | None = None) -> IngestReport:
        """Index ``path`` (default: the knowledge base folder) incrementally; see :meth:`KnowledgeIndex.ingest`."""
        report = self.index.ingest(Path(path or self.settings.kb_dir), progress=progress, show_progress=show_progress,
                                   tracker=tracker)
        self.retriever.invalidate()
        self._headings.clear()
        return report

    def retrieve(self, question: str, k: int | None = None, doc_type: str | None = None) -> list[RetrievedChunk]:
        """The top ``k`` passages for ``question``.

        Raises:
            bot.guard.InputRejected: the question is empty or longer than ``settings.max_question_chars``.
        """
        return self.retriever.retrieve(check_question(question, self.settings), k=k, doc_type=doc_type)

    def ask(self, question: str, doc_type: str | None = None, history: list[Turn] | None = None) -> Answer:
        """Grounded answer with citations: generative and verified when an LLM is configured
        (:mod:`bot.answer.generative`), else extractive (:mod:`bot.answer.extractive`). ``history`` (chat turns) lets a
        follow-up question be resolved against earlier ones.

        Raises:
            bot.guard.InputRejected: the question is empty or longer than ``settings.max_question_chars``
                (checked before any retrieval, so an oversized question costs nothing).
        """
        question = check_question(question, self.settings)
        history = self._bounded(history)
        if self.generator is not None:
            return self.generator.answer(question, history=history, doc_type=doc_type)
        return self.answerer.answer(heuristic_condense(question, history), doc_type=doc_type)

    def ask_stream(self, question: str, doc_type: str | None = None, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        """Yield text pieces while generating, then the final :class:`Answer` (always last).

        Raises:
            bot.guard.InputRejected: as :meth:`ask`, before anything is yielded.
        """
        question = check_question(question, self.settings)
        history = self._bounded(history)
        if self.generator is not None:
            yield from self.generator.stream(question, history=history, doc_type=doc_type)
        else:
            yield self.answerer.answer(heuristic_condense(question, history), doc_type=doc_type)

    def _bounded(self, history: list[Turn] | None) -> list[Turn] | None:
        """The last turns of a chat history whose text fits ``settings.llm_history_tokens`` × 4 characters
        (each turn cut to ``max_question_chars`` × 4): a client may send any history, and only the recent
        turns are read (for condensing a follow-up) anyway."""
        if not history:
            return history
        budget = max(self.settings.llm_history_tokens, self.settings.max_question_chars) * 4
        out: list[Turn] = []
        for turn in reversed(history[-50:]):
            content = str(turn.get("content", ""))[: self.settings.max_question_chars * 4]
            if budget - len(content) < 0 and out:
                break
            budget -= len(content)
            out.append({"role": turn.get("role", "user"), "content": content})
        return list(reversed(out))

    def regulation_titles(self) -> list[str]:
        """Distinct titles of the indexed regulations (doc type 法规), sorted."""
        return self.index.titles()

    def article_heading(self, title: str, article: str | None) -> str:
        """The heading (chapter path, e.g. ``第一章 党员``) of ``article`` (``第七条``) in the regulation
        ``title`` — its current version when several are indexed; "" when unknown."""
        from bot.text.zh import chinese_number

        m = re.fullmatch(r"第(.+)条", (article or "").strip())
        if not m:
            return ""
        try:
            number = chinese_number(m.group(1))
        except ValueError:
            return ""
        key = (title, number)
        if key not in self._headings:
            chunks = self.index.find_article([title], number)
            self._headings[key] = chunks[0].heading if chunks else ""
        return self._headings[key]

    def stats(self) -> dict:
        return self.index.stats()

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for (the embedding model's first
        call, the BM25 index, jieba's dictionary, OpenCC): about 1.6 s on 2 cores. The app calls
        it in a background thread at start-up. Does nothing on an empty index."""
        if self.index.count():
            self.retriever.retrieve("党员有哪些权利？", k=1)

    # ------------------------------------------------------------------ products (quiz, paper, lecture, files)
    def quiz(self, topic: str, n: int = 12, types: list[str] | None = None, difficulty: str = "中",
             existing: list[str] | None = None, use_llm: bool | None = None, *, seed: int | None = None,
             source: str | None = None, articles: str | None = None, per_article: int = 2):
        """A checked quiz set on ``topic`` (or regulation ``source`` and article range ``articles``):
        :func:`bot.quiz.generate_quiz` over this pipeline; returns its ``QuizSet``.

        Raises:
            ValueError: as ``generate_quiz`` (unknown regulation or article range, bad counts).
        """
        from bot.quiz import generate_quiz

        return generate_quiz(self, topic, n=n, types=types, difficulty=difficulty, existing=existing, use_llm=use_llm,
                             seed=seed, source=source, articles=articles, per_article=per_article)

    def paper(self, blueprint, existing: list[str] | None = None, seed: int | None = None):
        """A whole paper from a :class:`bot.quiz.paper.Blueprint`: :func:`bot.quiz.build_paper` over this
        pipeline; ``seed`` overrides the blueprint's. Returns its ``Paper``.

        Raises:
            ValueError: as ``build_paper``.
        """
        from bot.quiz import build_paper

        return build_paper(self, blueprint, existing=existing, seed=seed)

    def lecture(self, topic: str, minutes: float = 8, audience: str = "普通党员", rate: int = 220,
                templates: Path | None = None, use_llm: bool | None = None):
        """A micro-lecture draft: :func:`bot.lecture.draft_lecture` over this pipeline (``minutes`` of
        speech at ``rate`` characters per minute). Returns its ``Lecture``.

        Raises:
            ValueError: as ``draft_lecture`` (empty topic, audience over 20 characters, empty knowledge base).
        """
        from bot.lecture import draft_lecture

        return draft_lecture(self, topic, minutes=minutes, audience=audience, rate=rate, templates=templates,
                             use_llm=use_llm)

    @staticmethod
    def export(product, fmt: str, path: Path, **kw) -> Path:
        """Write a quiz set, a lecture or a paper to ``path`` in ``fmt`` — the one file writer of the CLI
        and the app (:func:`bot.render.write_quiz` for json/xlsx/docx, ``title=`` for the docx;
        :func:`bot.render.write_lecture` for md/docx/pptx/json; :func:`bot.render.write_paper` for
        ``fmt="paper"``, with ``key_path=`` and optional ``xlsx=``). Returns ``path``.

        Raises:
            ValueError: a format the product has not.
        """
        from bot import render

        if fmt == "paper":
            render.write_paper(product, path, kw["key_path"], kw.get("xlsx"))
            return Path(path)
        if hasattr(product, "to_markdown"):
            return render.write_lecture(product, fmt, path)
        return render.write_quiz(product, fmt, path, title=kw.get("title"))

    @property
    def admin(self) -> "KnowledgeAdmin":
        """Knowledge-base administration over this pipeline (:class:`KnowledgeAdmin`)."""
        return KnowledgeAdmin(self)


class KnowledgeAdmin:
    """Upload, delete, status, re-index and the document list of one pipeline's knowledge base: each
    method is the function of the same name in :mod:`bot.kb.admin` with this pipeline (role checks,
    audit log, errors as documented there: ``PermissionDenied``, ``ValueError``)."""

    def __init__(self, pipe: Pipeline):
        self.pipe = pipe

    def documents(self) -> list[dict]:
        """``[{"title", "doc_type", "version", "status", "chunks", "source", "path"}, …]`` by source."""
        from bot.kb.admin import list_documents

        return list_documents(self.pipe)

    def indexed_document(self, key: str) -> dict:
        from bot.kb.admin import indexed_document

        return indexed_document(self.pipe, key)

    def upload(self, files: list[Path], doc_type: str, user: str | None, max_files: int = 50):
        from bot.kb.admin import upload

        return upload(self.pipe, files, doc_type, user, max_files)

    def save_uploads(self, files: list[Path], doc_type: str, user: str | None, max_files: int = 50):
        from bot.kb.admin import save_uploads

        return save_uploads(self.pipe, files, doc_type, user, max_files)

    def index_uploads(self, target: Path, written: list[Path], user: str | None, tracker=None):
        from bot.kb.admin import index_uploads

        return index_uploads(self.pipe, target, written, user, tracker=tracker)

    def delete(self, path: str, user: str | None) -> int:
        from bot.kb.admin import delete

        return delete(self.pipe, path, user)

    def set_status(self, path: str, status: str, user: str | None) -> None:
        from bot.kb.admin import set_status

        return set_status(self.pipe, path, status, user)

    def reindex(self, user: str | None, path: Path | None = None, tracker=None):
        from bot.kb.admin import reindex

        return reindex(self.pipe, user, path=path, tracker=tracker)

    def role(self, username: str | None) -> str:
        """``"admin"`` or ``"member"`` (:func:`bot.kb.admin.role_of`)."""
        from bot.kb.admin import role_of

        return role_of(self.pipe.settings, username)

    def require_admin(self, username: str | None, action: str) -> None:
        from bot.kb.admin import require_admin

        require_admin(self.pipe.settings, username, action)


def settings_key(settings: Settings) -> str:
    """A digest that is equal for two Settings exactly when every field is (secrets included, but only
    their digest is kept)."""
    data = settings.model_dump(mode="json")
    if settings.llm_api_key is not None:
        data["llm_api_key"] = settings.llm_api_key.get_secret_value()
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


_PIPELINES: dict[str, Pipeline] = {}
_LOCK = threading.Lock()


def get_pipeline(settings: Settings | None = None) -> Pipeline:
    """The process's pipeline for ``settings`` (default: :func:`bot.config.get_settings`), created on
    first use: one per distinct settings (:func:`settings_key`), so a second call with other settings
    gets its own pipeline instead of the first one. Pipelines are kept for the life of the process (the
    CLI and the app use one each)."""
    settings = settings or get_settings()
    key = settings_key(settings)
    with _LOCK:
        if key not in _PIPELINES:
            _PIPELINES[key] = Pipeline(settings)
        return _PIPELINES[key]
