"""The connecting (frame) sentences of an offline lecture, from ``prompts/lecture_templates.yaml``: by
section, audience and topic family, rotated by topic so different topics read differently, no sentence
said twice (:class:`Templates`); and the topic family a topic belongs to (:func:`topic_family`)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from bot.llm.prompts import PROMPTS_DIR
from bot.schema import Chunk

#: the lecture templates (sections → groups → sentences; ``families`` → keywords, titles, chapters)
TEMPLATES_PATH = PROMPTS_DIR / "lecture_templates.yaml"
#: family without sentences of its own
GENERAL_FAMILY = "通用"
#: topic-family score (:func:`topic_family`): points per family keyword in the topic, per top retrieved
#: article whose regulation title names the family, per such article whose chapter heading does; how
#: many top articles count; the score a family needs (set with the topic families, #20)
FAMILY_KEYWORD_POINTS = 3.0
FAMILY_TITLE_POINTS = 1
FAMILY_CHAPTER_POINTS = 0.5
FAMILY_TOP_ARTICLES = 3
FAMILY_MIN_SCORE = 1.5


class Templates:
    """The frame sentences for one lecture (``topic``, ``audience``), read from ``path``; remembers the
    sentences used so none is said twice. ``data`` is the parsed YAML; ``family`` the topic family."""

    family = GENERAL_FAMILY

    def __init__(self, topic: str, audience: str, path: Path):
        self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.audience = audience
        self.seed = int(hashlib.sha1(f"{topic}|{audience}".encode()).hexdigest(), 16)
        self.used: set[str] = set()

    def pool(self, section: str, *groups: str) -> list[str]:
        """The sentences of ``groups`` of ``section``, rotated by the topic (numbered points 一是… keep their order)."""
        block = self.data.get(section, {})
        out: list[str] = []
        for g in groups:
            out += list(block.get(g, []) if isinstance(block, dict) else block)
        if any(re.match(r"[一二三四五]是", t) for t in out):
            return out  # numbered points keep their order
        k = self.seed % max(1, len(out))
        return out[k:] + out[:k]  # rotate by topic so different topics read differently

    def pick_audience(self, section: str, **values) -> str:
        """A sentence for the audience: its own group for a preset audience, else the generic 听众 group."""
        block = self.data.get(section, {})
        group = self.audience if self.audience in block else "听众" if "听众" in block else None
        return self.pick(section, group, **values) if group else ""

    def pick(self, section: str, group: str, **values) -> str:
        """An unused sentence of the group ("" when all are used: no sentence is said twice)."""
        for t in self.pool(section, group):
            if t not in self.used:
                self.used.add(t)
                return t.format(**values)
        return ""


def template_families(path: Path | None = None) -> dict:
    """The topic families of the lecture templates (``families`` of prompts/lecture_templates.yaml)."""
    path = path or TEMPLATES_PATH
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("families", {})


def topic_family(topic: str, articles: list[Chunk], families: dict) -> str:
    """The topic family (a key of ``families`` in the templates, or "通用"): 3 points per family keyword
    in the topic, 1 per top-3 retrieved article whose regulation title names the family, 0.5 per such
    article whose chapter does; a family needs 1.5 (constants above)."""
    scores: dict[str, float] = {}
    for name, spec in families.items():
        s = FAMILY_KEYWORD_POINTS * sum(k in topic for k in spec.get("keywords", []))
        for c in articles[:FAMILY_TOP_ARTICLES]:
            s += FAMILY_TITLE_POINTS * any(t in c.title for t in spec.get("titles", []))
            s += FAMILY_CHAPTER_POINTS * any(h in (c.heading or "") for h in spec.get("chapters", []))
        scores[name] = s
    best = max(scores, key=lambda k: scores[k], default=GENERAL_FAMILY)
    return best if scores.get(best, 0) >= FAMILY_MIN_SCORE else GENERAL_FAMILY
