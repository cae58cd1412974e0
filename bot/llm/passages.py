"""Passages as the LLM sees them: each retrieved passage numbered ``n`` (1-based, the number its ``[n]``
citation marker uses) and filled into the ``passage`` prompt template (``prompts/passage.txt``).

Document text is data, never instructions: the template fences it with ``<<<`` … ``>>>``, so those marks
inside a passage are replaced by look-alikes (‹‹‹ ›››) and the text cannot close its fence.

Public API: :func:`format_passage`, :func:`format_passages`.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.llm.prompts import render
from bot.schema import Chunk


def format_passage(n: int, chunk: Chunk) -> str:
    """The ``passage`` template filled for ``chunk`` as passage number ``n`` (title, article — "" when the
    passage has none —, document type, and the text with its fence marks neutralised)."""
    return render("passage", n=n, title=chunk.title, article=chunk.article or "", doc_type=chunk.doc_type,
                  text=chunk.text.replace("<<<", "‹‹‹").replace(">>>", "›››"))


def format_passages(chunks: Iterable[Chunk]) -> str:
    """The passages numbered 1, 2, … in the given order (:func:`format_passage`), one after another
    separated by a line break: the ``passages`` value of the answer, quiz and lecture prompts."""
    return "\n".join(format_passage(n, c) for n, c in enumerate(chunks, start=1))
