"""The assembled pipeline that the CLI and the Gradio app share: one object that owns the index,
the retriever and the answerer, built once per process.

Public API: :class:`Pipeline` (``ingest``, ``retrieve``, ``ask``, ``stats``), :func:`get_pipeline`.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from collections.abc import Iterator

from bot.answer.extractive import ExtractiveAnswerer
from bot.config import Settings, get_settings
from bot.answer.generative import GenerativeAnswerer, Turn, heuristic_condense
from bot.guard import check_question
from bot.store.index import IngestProgress, IngestReport, KnowledgeIndex, ProgressFn
from bot.retrieval.hybrid import HybridRetriever
from bot.schema import Answer, RetrievedChunk


class Pipeline:
    """load → split → index → retrieve → answer, configured by one :class:`Settings`.

    Raises:
        bot.store.index.EmbedderMismatchError: the index was built with another embedding model.
        bot.store.embed.EmbedderError: the embedding model cannot be loaded.
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.index = KnowledgeIndex(self.settings)
        self.retriever = HybridRetriever(self.index, self.settings)
        self.answerer = ExtractiveAnswerer(self.retriever)
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


_PIPELINE: Pipeline | None = None
_LOCK = threading.Lock()


def get_pipeline(settings: Settings | None = None) -> Pipeline:
    """The process-wide pipeline (created on first use)."""
    global _PIPELINE
    with _LOCK:
        if _PIPELINE is None:
            _PIPELINE = Pipeline(settings)
        return _PIPELINE
