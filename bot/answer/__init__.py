"""Answering: the grounding rule (``grounding``), case questions (``cases``), sentence selection
(``selection``), the answer-first sentence (``direct``), the extractive answerer (``extractive``), citation
verification (``verify``) and the LLM answerer (``generative``).

The names below are the package's public API (quiz, lecture and eval import them from ``bot.answer``).
"""

from bot.answer.cases import ENDORSE_RE, JUDGEMENT_RE, OPINION_RE, VERDICT_RE
from bot.answer.direct import direct_answer, question_type
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.generative import GenerativeAnswerer, Turn, heuristic_condense
from bot.answer.grounding import (COMMON_WORD_FREQUENCY, NOT_FOUND, abbreviates, content_words, coverage, instructs,
                                  key_terms, missing_articles, unstated_words)
from bot.answer.verify import verify_citations

__all__ = ["COMMON_WORD_FREQUENCY", "ENDORSE_RE", "ExtractiveAnswerer", "GenerativeAnswerer", "JUDGEMENT_RE",
           "NOT_FOUND", "OPINION_RE", "Turn", "VERDICT_RE", "abbreviates", "content_words", "coverage",
           "direct_answer", "heuristic_condense", "instructs", "key_terms", "missing_articles", "question_type",
           "unstated_words", "verify_citations"]
