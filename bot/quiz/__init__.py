"""Quiz items for 党章党规知识竞赛 (单选 / 多选 / 判断 / 填空), grounded in regulation text, checked.

Where things live:

* ``model``      — :class:`QuizItem`, :class:`QuizSet`, :data:`TYPES`, :func:`answer_text`, :func:`grade`, :func:`norm`;
* ``extract``    — what items are made from: sentences, numbers, enumerations of article text;
* ``articles``   — which regulation articles a topic or scope draws on;
* ``candidates`` — candidate items made from one article (offline mode);
* ``check``      — the quality gate's checks (pure functions over strings);
* ``gate``       — applying them to an item: key against source (:func:`check_item`), the gate, facts tested;
* ``offline``    — :class:`QuizGenerator`, the extractive generator that assembles a set;
* ``llm``        — LLM mode;
* ``generate``   — :func:`generate_quiz`, the entry point (LLM or offline, shortfall);
* ``paper``      — papers from a blueprint (组卷);
* ``export``     — docx/xlsx export and reading an existing bank's stems.
"""

from bot.quiz.export import XLSX_COLUMNS, export_docx, export_xlsx, read_bank_stems
from bot.quiz.extract import NUMBER, accepted_forms, number_variants, parse_articles
from bot.quiz.gate import check_item
from bot.quiz.generate import generate_quiz
from bot.quiz.llm import generate_quiz_llm
from bot.quiz.model import LETTERS, TYPES, QuizItem, QuizSet, QuizSource, answer_text, grade, norm, split_counts
from bot.quiz.offline import QuizGenerator
from bot.quiz.paper import SECTION_NAMES, Blueprint, Paper, build_paper, export_paper, load_blueprint

__all__ = [
    "LETTERS", "NUMBER", "SECTION_NAMES", "TYPES", "XLSX_COLUMNS", "Blueprint", "Paper", "QuizGenerator", "QuizItem",
    "QuizSet", "QuizSource", "accepted_forms", "answer_text", "build_paper", "check_item", "export_docx",
    "export_paper", "export_xlsx", "generate_quiz", "generate_quiz_llm", "grade", "load_blueprint", "norm",
    "number_variants", "parse_articles", "split_counts",
]
