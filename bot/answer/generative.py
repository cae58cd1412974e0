"""Generative answers through any OpenAI-compatible chat endpoint (vLLM, Ollama ``/v1``,
Xinference, DeepSeek, DashScope …) via LangChain's ``ChatOpenAI`` with ``base_url``.

The extractive answerer stays the default and the fallback: when no endpoint is configured, when
the evidence is too weak (same grounding check as :mod:`bot.answer.grounding`), or when the endpoint fails
(connection refused, timeout, HTTP error, malformed stream), the answer is the extractive one with a
note saying why. Every generated answer goes through :func:`bot.answer.verify.verify_citations`.

The chat client, its errors and the fallback rule are :mod:`bot.llm` (``client``, ``fallback``); the passages
are formatted by :func:`bot.llm.passages.format_passages`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.grounding import NOT_FOUND, instructs, missing_articles, unstated_words
from bot.config import Settings
from bot.llm.client import LLMError, describe_error, make_chat_model
from bot.llm.fallback import failure_reason
from bot.llm.passages import format_passages
from bot.llm.prompts import render
from bot.retrieval.hybrid import HybridRetriever
from bot.schema import Answer, RetrievedChunk
from bot.answer.verify import verify_citations

log = logging.getLogger(__name__)

#: A chat turn: {"role": "user"|"assistant", "content": str} (Gradio's messages format).
Turn = dict[str, Any]

FOLLOW_UP = re.compile(r"^(那|那么|那如果|如果|它|这|这个|这种|其|还有|另外)|呢[？?]?$")


def history_text(history: list[Turn], max_tokens: int) -> str:
    """The most recent turns that fit in ``max_tokens`` (counted as characters), oldest first."""
    from langchain_core.messages import AIMessage, HumanMessage, trim_messages

    msgs = [HumanMessage(t["content"]) if t.get("role") == "user" else AIMessage(t["content"])
            for t in history if isinstance(t.get("content"), str) and t.get("content")]
    kept = trim_messages(msgs, max_tokens=max_tokens, strategy="last",
                         token_counter=lambda ms: sum(len(m.content) for m in ms), allow_partial=False)
    return "\n".join(("用户：" if isinstance(m, HumanMessage) else "助手：") + str(m.content) for m in kept)


class GenerativeAnswerer:
    """Answers with an LLM over retrieved passages, citations verified; extractive fallback."""

    def __init__(self, retriever: HybridRetriever, extractive: ExtractiveAnswerer, settings: Settings):
        self.retriever = retriever
        self.extractive = extractive
        self.settings = settings
        self._chat = None

    @property
    def chat(self):
        if self._chat is None:
            self._chat = make_chat_model(self.settings)
        return self._chat

    # ------------------------------------------------------------------ multi-turn
    def condense(self, question: str, history: list[Turn] | None) -> str:
        """Rewrite a follow-up into a standalone question using the chat history (LLM); on failure
        or without history, the question itself (or, for an obvious follow-up, the previous
        question joined with it)."""
        if not history:
            return question
        try:
            prompt = render("condense_question", history=history_text(history, self.settings.llm_history_tokens),
                            question=question)
            out = self.chat.invoke(prompt).content
            text = str(out).strip().splitlines()[0].strip() if str(out).strip() else ""
            return text or question
        except Exception as e:  # endpoint down: fall back to the heuristic
            log.warning("改写追问失败：%s", describe_error(e))
            return heuristic_condense(question, history)

    # ------------------------------------------------------------------ answering
    def _messages(self, question: str, passages: list[RetrievedChunk]):
        from langchain_core.messages import HumanMessage, SystemMessage

        return [SystemMessage(render("answer_system")),
                HumanMessage(render("answer_user", passages=format_passages(p.chunk for p in passages),
                                    question=question))]

    def stream(self, question: str, history: list[Turn] | None = None, doc_type: str | None = None) -> Iterator[str | Answer]:
        """Yield answer text as it is generated (str pieces), then the final verified
        :class:`~bot.schema.Answer` (always last; extractive fallback on any failure)."""
        standalone = self.condense(question, history)
        lookups = self.retriever.article_lookups(standalone)
        missing, none_found = missing_articles(lookups, doc_type)
        if none_found:  # never let the model answer 第九十条 from another article
            yield Answer(answer=missing, grounded=False, question=standalone, mode="generative", notes=[missing])
            return
        passages = self.retriever.retrieve(standalone, doc_type=doc_type, lookups=lookups)
        # document text is data, never instructions: a passage that addresses the assistant is not sent
        passages = [p for p in passages if not instructs(p.chunk.text)]
        if not passages:
            yield Answer(answer=NOT_FOUND, grounded=False, question=standalone, mode="generative")
            return
        ok, best = self.extractive.grounded(standalone, passages)
        if not ok:
            yield Answer(answer=NOT_FOUND, grounded=False, question=standalone, mode="generative",
                         notes=[f"最相关片段的关键词覆盖率 {best:.2f} 低于阈值，未调用大模型"])
            return
        if not any(p.direct for p in passages) and unstated_words(standalone, self.extractive.occurs,
                                                                 "\n".join(p.chunk.text for p in passages)):
            yield self.extractive.answer_from(standalone, passages)  # the asked detail is in no text: never ask the model
            return
        pieces: list[str] = []
        try:
            finished = False
            for chunk in self.chat.stream(self._messages(standalone, passages)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if (chunk.response_metadata or {}).get("finish_reason"):
                    finished = True
                if piece:
                    pieces.append(piece)
                    yield piece
            if not finished:
                raise LLMError("大模型服务中断，回答不完整")
        except Exception as e:
            reason = failure_reason(e)
            log.warning("生成式回答失败，改用抽取式回答：%s", reason)
            fallback = self.extractive.answer_from(standalone, passages)
            fallback.mode = "extractive-fallback"
            fallback.notes = [f"{reason}，已改用离线抽取式回答。", *fallback.notes]
            yield fallback
            return
        final = self.finish("".join(pieces), standalone, passages)
        if missing and final.grounded:
            final.answer += f"\n（注意：{missing}）"
        yield final

    def finish(self, text: str, question: str, passages: list[RetrievedChunk]) -> Answer:
        """Verify a complete generated ``text`` and build the Answer."""
        text = text.strip()
        if not text:
            fallback = self.extractive.answer_from(question, passages)
            fallback.mode = "extractive-fallback"
            fallback.notes = ["大模型返回了空回答，已改用离线抽取式回答。", *fallback.notes]
            return fallback
        index = self.retriever.index
        v = verify_citations(text, passages, lambda titles, n: bool(index.find_article(titles, n)),
                             self.retriever.known_titles())
        not_found = "未找到依据" in v.text and not v.citations
        return Answer(answer=NOT_FOUND if not_found else v.text, grounded=not not_found and bool(v.citations),
                      citations=v.citations, question=question, mode="generative", verified=v.verified,
                      notes=v.reasons)

    def answer(self, question: str, history: list[Turn] | None = None, doc_type: str | None = None) -> Answer:
        """Non-streaming: the final Answer of :meth:`stream`."""
        final: Answer | None = None
        for item in self.stream(question, history, doc_type):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final


def heuristic_condense(question: str, history: list[Turn] | None) -> str:
    """Without an LLM: an obvious follow-up ("那延长预备期呢？") is joined with the previous user
    question so retrieval sees both; other questions are returned unchanged."""
    if not history:
        return question
    previous = next((t["content"] for t in reversed(history) if t.get("role") == "user" and isinstance(t.get("content"), str)), "")
    if previous and (FOLLOW_UP.search(question.strip()) or len(question.strip()) <= 6):
        return f"{previous} {question}"
    return question
