"""Micro-lecture (微党课) drafting: outline with timings, a script sized to the duration, regulation
quotes word for word with citations, one or two real cases, discussion questions, references.

Offline mode (default) composes the talk from retrieved passages: regulation sentences quoted
verbatim, a case from the case library shortened extractively, and connecting sentences from the
templates in ``prompts/lecture_templates.yaml`` (varied by section, audience and topic).

Modules: ``model`` (Lecture, sections, timing, coverage levels), ``select`` (articles and the case for a
topic), ``extract`` (verbatim quotes, case stories), ``frames`` (template sentences, topic families),
``offline`` (the extractive draft), ``llm`` (LLM mode and its checks), ``export`` (docx, pptx),
``draft`` (:func:`draft_lecture`, the entry point).
"""

from bot.lecture.draft import draft_lecture
from bot.lecture.export import export_docx, export_pptx
from bot.lecture.extract import CaseStory, case_story, quote_for, whole_sentences
from bot.lecture.frames import template_families, topic_family
from bot.lecture.llm import check_generated, draft_lecture_llm
from bot.lecture.model import (AUDIENCES, COVERAGE_LEVELS, SECTION_SHARES, Lecture, Reference, Section, coverage_level,
                               spoken_len)
from bot.lecture.select import case_relevance, select_articles, select_case, topic_words, whole_article

__all__ = ["AUDIENCES", "COVERAGE_LEVELS", "SECTION_SHARES", "CaseStory", "Lecture", "Reference", "Section",
           "case_relevance", "case_story", "check_generated", "coverage_level", "draft_lecture", "draft_lecture_llm",
           "export_docx", "export_pptx", "quote_for", "select_articles", "select_case", "spoken_len",
           "template_families", "topic_family", "topic_words", "whole_article", "whole_sentences"]
