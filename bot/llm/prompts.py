"""Prompt templates, loaded from ``prompts/*.txt`` and validated at start-up.

Each template is a ``str.format`` string; :data:`REQUIRED` lists the exact variables each must use.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"

#: template name → the variables it must use (exactly).
REQUIRED: dict[str, set[str]] = {
    "answer_system": set(),
    "answer_user": {"passages", "question"},
    "passage": {"n", "title", "article", "doc_type", "text"},
    "condense_question": {"history", "question"},
    "quiz": {"passages", "n", "counts", "difficulty", "topic"},
    "lecture": {"audience", "minutes", "topic", "rate", "total", "passages", "budget"},
}


class PromptError(ValueError):
    """A template file is missing or uses the wrong variables (message names the file)."""


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@lru_cache(maxsize=None)
def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> str:
    """The template ``name`` (file ``<directory>/<name>.txt``), validated.

    Raises:
        PromptError: file missing, unreadable, or its variables differ from :data:`REQUIRED`.
    """
    path = Path(directory) / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise PromptError(f"提示词模板 {path} 无法读取：{e.strerror or e}") from e
    try:
        found = _fields(text)
    except ValueError as e:
        raise PromptError(f"提示词模板 {path} 格式错误：{e}") from e
    expected = REQUIRED.get(name)
    if expected is not None and found != expected:
        raise PromptError(
            f"提示词模板 {path} 的变量应为 {sorted(expected) or '（无）'}，实际为 {sorted(found) or '（无）'}"
        )
    return text


def validate_all(directory: Path = PROMPTS_DIR) -> None:
    """Load every required template (raises :class:`PromptError` on the first bad one)."""
    for name in REQUIRED:
        load_prompt(name, directory)


def render(name: str, **values) -> str:
    """Fill template ``name`` with ``values``."""
    return load_prompt(name).format(**values)
