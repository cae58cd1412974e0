"""The entry point of micro-lecture (微党课) drafting: :func:`draft_lecture` checks the request and drafts
with the configured LLM (:mod:`bot.lecture.llm`) when there is one, else (or when it fails) offline
(:mod:`bot.lecture.offline`)."""

from __future__ import annotations

from pathlib import Path

from bot.lecture.llm import draft_lecture_llm
from bot.lecture.model import AUDIENCES, Lecture
from bot.lecture.offline import draft_offline

#: longest audience text (characters)
MAX_AUDIENCE_CHARS = 20


def draft_lecture(pipeline, topic: str, minutes: float = 8, audience: str = "普通党员", rate: int = 220,
                  templates: Path | None = None, use_llm: bool | None = None) -> Lecture:
    """Draft a micro-lecture from the knowledge base: with the configured LLM when there is one
    (``use_llm`` None = when configured; verified, one repair round, offline fallback), else offline.

    Args:
        topic: e.g. "三会一课制度", "严守党的纪律".
        minutes: duration (default 8; micro-lecture contests cap talks at about 8 minutes).
        audience: free text (:data:`AUDIENCES` are suggestions with their own sentences), at most 20 characters.
        rate: speaking rate in characters per minute (default 220, a common estimate of Mandarin speaking
            speed for prepared talks).
        templates: the frame sentences (default prompts/lecture_templates.yaml).

    The result's ``coverage`` is 充分/部分/不足 (how well the knowledge base covers the topic, from the
    best article's key-term coverage, thresholds ``lecture_min_coverage`` and ``lecture_good_coverage``).

    Raises:
        ValueError: empty topic or audience, non-positive duration or rate, empty knowledge base.
    """
    audience = (audience or "").strip()
    if not topic.strip():
        raise ValueError("请给出微党课主题")
    if not audience or len(audience) > MAX_AUDIENCE_CHARS:
        raise ValueError(f"请填写听众（不超过 20 字），例如：{'、'.join(AUDIENCES)}")
    if minutes <= 0 or rate <= 0:
        raise ValueError("时长和语速必须大于 0")
    if pipeline.index.count() == 0:
        from bot.kb.admin import empty_message

        raise ValueError(empty_message("起草微党课"))
    fallback_note = None
    if use_llm or (use_llm is None and pipeline.has_llm):
        from bot.llm import try_llm

        drafted, fallback_note = try_llm(lambda: draft_lecture_llm(pipeline, topic, minutes, audience, rate),
                                         "已改用离线模板起草。")
        if drafted is not None:
            return drafted
    lecture = draft_offline(pipeline, topic, minutes, audience, rate, templates)
    if fallback_note:
        lecture.notes.insert(0, fallback_note)
    return lecture
