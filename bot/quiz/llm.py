"""LLM quiz mode: items written by the configured chat model from retrieved regulation passages,
validated with pydantic (one retry on invalid JSON), then put through the same source check as
offline items (:func:`bot.quiz.gate.check_item`).

Settings read (``pipeline.settings``): ``quiz_llm_retrieve_k``, ``quiz_llm_keep``, ``quiz_llm_passages``
(which passages the model is given) and the LLM endpoint settings."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, ValidationError

from bot.llm.json import extract_json
from bot.quiz.extract import accepted_forms
from bot.quiz.gate import check_item
from bot.quiz.model import TYPES, ItemType, QuizItem, QuizSet, QuizSource, item_id, norm, split_counts
from bot.quiz.offline import QuizGenerator
from bot.schema import Chunk


class _LLMItem(BaseModel):
    type: ItemType
    stem: str
    options: dict[str, str] = Field(default_factory=dict)
    answer: str | list[str]
    explanation: str
    source_n: int
    quote: str


class _LLMItems(BaseModel):
    items: list[_LLMItem]


def _ask(chat, messages: list) -> _LLMItems:
    """The model's items, asking once more when the first reply is not valid JSON.

    Raises:
        bot.answer.generative.LLMError: invalid JSON twice.
    """
    from langchain_core.messages import AIMessage, HumanMessage

    from bot.llm import LLMError

    for _attempt in range(2):
        raw = str(chat.invoke(messages).content)
        try:
            return _LLMItems.model_validate_json(extract_json(raw))
        except ValidationError as e:
            messages += [AIMessage(raw), HumanMessage(f"上面的输出不符合要求的 JSON 格式（{e.errors()[0]['msg']}），请只输出符合格式的 JSON。")]
    raise LLMError("大模型连续两次返回了无效的 JSON")


def _to_item(raw_item: _LLMItem, chunk: Chunk, difficulty: str) -> QuizItem:
    """A :class:`QuizItem` from the model's item on ``chunk`` (填空 answers in all written forms, 多选
    letters sorted). Raises pydantic.ValidationError when it does not fit the item model."""
    answer = raw_item.answer
    if raw_item.type == "填空" and isinstance(answer, str):
        answer = accepted_forms(answer)
    if raw_item.type == "多选" and isinstance(answer, str):
        answer = "".join(sorted(answer.replace(",", "").replace(" ", "")))
    return QuizItem(id=item_id(raw_item.stem), type=raw_item.type, stem=raw_item.stem, options=raw_item.options,
                    answer=answer, explanation=raw_item.explanation, difficulty=difficulty,
                    source=QuizSource(title=chunk.title, article=chunk.article, quote=raw_item.quote),
                    tags=[chunk.title, "大模型"])


def _check_body(item: QuizItem) -> str | None:
    """The statement of a model's stem that the source must hold (lead-in and "判断：" removed)."""
    body = re.sub(r"^根据《[^》]+》[^，]{0,12}，", "", item.stem)
    body = body.split("判断：", 1)[-1] if item.type == "判断" else body
    if item.type == "单选" and "（  ）" not in body:
        body = None
    return body


def _prompt(topic: str, chunks: list[Chunk], n: int, types: list[str], difficulty: str) -> str:
    from bot.llm import format_passages
    from bot.llm.prompts import render

    blocks = format_passages(chunks)
    counts = split_counts(n, types)
    return render("quiz", passages=blocks, n=n, counts="，".join(f"{t}{k}题" for t, k in counts.items() if k),
                  difficulty=difficulty, topic=topic)


def generate_quiz_llm(pipeline, topic: str, n: int = 12, types: list[str] | None = None, difficulty: str = "中",
                      existing: list[str] | None = None) -> QuizSet:
    """Items written by the configured LLM from retrieved regulation passages, validated with
    pydantic (one retry on invalid JSON), then put through the same checks as offline items.

    Raises:
        bot.answer.generative.LLMError: the model returned invalid JSON twice.
        openai.OpenAIError: the endpoint failed (callers fall back to the offline generator).
    """
    from langchain_core.messages import HumanMessage

    from bot.llm import make_chat_model

    st = pipeline.settings
    types = types or list(TYPES)
    gen = QuizGenerator(pipeline)
    chunks = gen.passages(topic, k=st.quiz_llm_retrieve_k, keep=st.quiz_llm_keep)[: st.quiz_llm_passages]
    if not chunks:
        return QuizSet(items=[])
    messages = [HumanMessage(_prompt(topic, chunks, n, types, difficulty))]
    parsed = _ask(make_chat_model(pipeline.settings, streaming=False), messages)
    result = QuizSet(items=[])
    seen = {norm(s) for s in (existing or [])}
    for raw_item in parsed.items:
        result.candidates += 1
        if not 1 <= raw_item.source_n <= len(chunks):
            result.dropped["出处编号不存在"] += 1
            continue
        chunk = chunks[raw_item.source_n - 1]
        try:
            item = _to_item(raw_item, chunk, difficulty)
        except ValidationError:
            result.dropped["格式不合要求"] += 1
            continue
        body = _check_body(item)
        if "不属于" in item.stem:
            item.tags.append("不属于")
        if norm(item.stem) in seen:
            result.dropped["题干重复"] += 1
            continue
        item.check_body = body
        reason = check_item(item, chunk.text, gen.truth_probe, body=body if item.type != "多选" else None)
        if reason:
            result.dropped[reason] += 1
            continue
        seen.add(norm(item.stem))
        result.items.append(item)
    result.items.sort(key=lambda i: TYPES.index(i.type))
    return result
