"""Contest papers (组卷, issue #19): a blueprint → a docx paper, a separate answer key, an xlsx bank.

A blueprint (YAML or JSON)::

    title: 2026年党章党规知识竞赛
    minutes: 60                      # optional, printed in the 卷头
    seed: 7                          # optional: the same seed gives the same paper
    per_article: 2                   # optional
    sections:                        # order of the paper; counts and points per type
      - {type: 单选, count: 10, points: 1}
      - {type: 多选, count: 5, points: 2}
      - {type: 判断, count: 10, points: 1}
      - {type: 填空, count: 5, points: 2}
    cover:                           # what to draw from, spread evenly; a topic or an exact scope
      - {source: 中国共产党纪律处分条例, articles: 第八条-第十四条}
      - {topic: 发展党员}
    difficulty: {易: 0.3, 中: 0.5, 难: 0.2}   # optional mix; followed as far as the items allow

Items come from :func:`bot.quiz.generate.generate_quiz` (so every item passed the quality gate), are
deduplicated against an existing bank and across the cover entries, and a section that cannot be
filled is reported as a shortfall, never padded.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from bot.quiz.generate import generate_quiz
from bot.quiz.model import TYPES, QuizItem, answer_text, norm

SECTION_NAMES = {"单选": "单项选择题", "多选": "多项选择题", "判断": "判断题", "填空": "填空题"}
CN_ORDINALS = "一二三四五六七八九十"


class Section(BaseModel):
    type: str
    count: int = Field(ge=1, le=200)
    points: float = Field(gt=0, le=100)

    @field_validator("type")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in TYPES:
            raise ValueError(f"未知题型“{v}”（可选：单选、多选、判断、填空）")
        return v


class Cover(BaseModel):
    topic: str | None = None
    source: str | None = None
    articles: str | None = None


class Blueprint(BaseModel):
    title: str = "党章党规知识竞赛试卷"
    minutes: int | None = None
    seed: int | None = None
    per_article: int = Field(2, ge=1, le=20)
    sections: list[Section]
    cover: list[Cover] = Field(min_length=1)
    difficulty: dict[str, float] = Field(default_factory=dict)

    @property
    def total_points(self) -> float:
        return sum(s.count * s.points for s in self.sections)


def load_blueprint(path: Path) -> Blueprint:
    """Read a blueprint from YAML or JSON.

    Raises:
        ValueError: unreadable file or invalid blueprint (the message names the problem).
    """
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
        bp = Blueprint.model_validate(data)
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise ValueError(f"无法读取组卷蓝图 {path}：{e}") from e
    if not bp.sections:
        raise ValueError("组卷蓝图没有题型（sections）")
    return bp


@dataclass
class Paper:
    blueprint: Blueprint
    sections: list[tuple[Section, list[QuizItem]]]
    shortfall: list[dict] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)

    def to_json(self) -> dict:
        return {"title": self.blueprint.title, "total_points": self.blueprint.total_points,
                "sections": [{"type": s.type, "count": s.count, "points": s.points,
                              "items": [i.model_dump() for i in items]} for s, items in self.sections],
                "shortfall": self.shortfall or None, "dropped": dict(self.dropped)}


def _pick_by_difficulty(items: list[QuizItem], count: int, mix: dict[str, float], rng: random.Random) -> list[QuizItem]:
    """``count`` items following the difficulty ``mix`` as far as the items allow, then any."""
    if not mix:
        return items[:count]
    total = sum(mix.values()) or 1
    want = {d: round(count * w / total) for d, w in mix.items()}
    chosen: list[QuizItem] = []
    for d, k in want.items():
        chosen += [i for i in items if i.difficulty == d][:k]
    rest = [i for i in items if i not in chosen]
    chosen += rest[: count - len(chosen)]
    rng.shuffle(chosen)
    return chosen[:count]


def build_paper(pipeline, bp: Blueprint, existing: list[str] | None = None, seed: int | None = None) -> Paper:
    """Items for every section of the blueprint, spread over its cover entries."""
    seed = bp.seed if seed is None else seed
    rng = random.Random(seed)
    taken: set[str] = {norm(s) for s in (existing or [])}
    paper = Paper(blueprint=bp, sections=[])
    for sec in bp.sections:
        share, extra = divmod(sec.count, len(bp.cover))
        pool: list[QuizItem] = []
        for k, cov in enumerate(bp.cover):
            want = share + (1 if k < extra else 0)
            if want == 0:
                continue
            ask = min(200, want * 2 if bp.difficulty else want)  # room to follow the difficulty mix
            qs = generate_quiz(pipeline, cov.topic or cov.source or "", n=ask, types=[sec.type],
                               existing=sorted(taken), seed=None if seed is None else rng.randrange(1 << 30),
                               source=cov.source, articles=cov.articles, per_article=bp.per_article, use_llm=False)
            paper.dropped += qs.dropped
            got = [i for i in qs.items if norm(i.stem) not in taken]
            got = _pick_by_difficulty(got, want, bp.difficulty, rng)
            taken.update(norm(i.stem) for i in got)
            pool += got
        if len(pool) < sec.count:  # another cover entry may have more
            for cov in bp.cover:
                if len(pool) >= sec.count:
                    break
                qs = generate_quiz(pipeline, cov.topic or cov.source or "", n=sec.count - len(pool), types=[sec.type],
                                   existing=sorted(taken), seed=None if seed is None else rng.randrange(1 << 30),
                                   source=cov.source, articles=cov.articles, per_article=bp.per_article, use_llm=False)
                more = [i for i in qs.items if norm(i.stem) not in taken]
                taken.update(norm(i.stem) for i in more)
                pool += more
        if len(pool) < sec.count:
            paper.shortfall.append({"type": sec.type, "asked": sec.count, "made": len(pool),
                                    "why": "蓝图所列范围内通过质量检查的此类题目不够"})
        paper.sections.append((sec, pool[: sec.count]))
    return paper


def _fmt_points(p: float) -> str:
    return f"{p:g}"


def export_paper(paper: Paper, path: Path, key_path: Path) -> None:
    """The paper (卷头, sections with 题号 and 分值, 答题卡) and a separate answer key with 解析."""
    import docx

    bp = paper.blueprint
    d = docx.Document()
    d.add_heading(bp.title, level=0)
    head = f"满分 {_fmt_points(bp.total_points)} 分" + (f"，考试时间 {bp.minutes} 分钟" if bp.minutes else "")
    d.add_paragraph(head)
    d.add_paragraph("姓名：__________  单位（支部）：__________  得分：__________")
    numbered: list[tuple[int, Section, QuizItem]] = []
    n = 0
    for k, (sec, items) in enumerate(paper.sections):
        d.add_heading(f"{CN_ORDINALS[k]}、{SECTION_NAMES[sec.type]}（共 {len(items)} 题，每题 {_fmt_points(sec.points)} 分，"
                      f"共 {_fmt_points(len(items) * sec.points)} 分）", level=1)
        for it in items:
            n += 1
            numbered.append((n, sec, it))
            d.add_paragraph(f"{n}. {it.stem}（{_fmt_points(sec.points)} 分）")
            for letter, text in it.options.items():
                d.add_paragraph(f"{letter}. {text}")
    d.add_page_break()
    d.add_heading("答题卡", level=1)
    cols = 5
    rows = (len(numbered) + cols - 1) // cols
    table = d.add_table(rows=rows * 2, cols=cols)
    table.style = "Table Grid"
    for i, (num, _, _) in enumerate(numbered):
        r, c = divmod(i, cols)
        table.cell(r * 2, c).text = str(num)
        table.cell(r * 2 + 1, c).text = ""
    d.save(path)

    k = docx.Document()
    k.add_heading(f"{bp.title}（参考答案与解析）", level=0)
    for num, sec, it in numbered:
        p = k.add_paragraph()
        p.add_run(f"{num}. 答案：{answer_text(it)}（{_fmt_points(sec.points)} 分）").bold = True
        k.add_paragraph(f"解析：{it.explanation}")
        k.add_paragraph(f"出处：《{it.source.title}》{it.source.article or ''}")
    k.save(key_path)
