"""JSON repair for model replies: the JSON object a chat model wrapped in code fences or chatter.

Public API: :func:`extract_json`.
"""

from __future__ import annotations

import re


def extract_json(text: str) -> str:
    """The JSON object in a model reply (code fences and chatter around it removed): the span from the
    first ``{`` to the last ``}`` once Markdown fences (```json … ```) are stripped; the stripped text when
    it holds no such span. Not validated: parse the result (pydantic ``model_validate_json``)."""
    text = re.sub(r"^```(?:json)?|```$", "", text.strip(), flags=re.M).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start: end + 1] if start >= 0 and end > start else text
