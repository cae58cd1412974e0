"""Sentence selection of the extractive answer: which sentences of the retrieved passages are quoted.

1. Candidates (:func:`candidates`): every sentence of the retriever's first passage and of the passages covering
   at least ``answer_passage_share`` of what the best-covering passage covers, scored by its own key-term
   coverage plus ``answer_rank_bonus``/(retrieval rank). Questions, headings (Markdown, 4.2 …), bibliography
   entries and views a case does not endorse are never quoted; for a judgement asked about a case only its
   verdict sentences count from weaker passages, with ``answer_verdict_bonus``; a sentence stating a time span
   gets ``answer_time_span_bonus`` when one is asked for.
2. Choice (:func:`choose`): the best sentence (an enumeration lead or fragment brings what follows), then up to
   ``answer_max_sentences`` scoring at least ``answer_join_share`` of it within ``answer_max_chars``; the first
   passage's best sentence when none comes from it (``answer_first_passage_share``); a time-span sentence when one
   is asked for and none is quoted.
3. Trust order (:func:`regulation_decides`, :func:`second_source`) and completion (:func:`complete`: whole
   sentences, an item with its enumeration's lead, a lead with its items); :func:`body` writes one passage's
   quoted sentences.

The numbers of the policy are Settings fields (``answer_*``, :class:`Policy`), each with where it was measured.

Public API: :class:`Sentence`, :class:`Policy`, :func:`candidates`, :func:`choose`, :func:`complete`,
:func:`regulation_decides`, :func:`second_source`, :func:`body`, :func:`quotable`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.answer.cases import VERDICT_RE, rejected_view
from bot.answer.direct import direct_answer, is_item, question_type
from bot.answer.grounding import contradicts, coverage, instructs, quantities
from bot.config import Settings
from bot.schema import Chunk, RetrievedChunk
from bot.text.zh import sentence_pieces

#: A question asking for a time span or frequency (多久开一次, 预备期多长, 几年内不得…, 任期几年).
DURATION_RE = re.compile(r"多久|多长时间|多长|几年|多少年|几个月|多少天|几天|期限|任期|多少时间|什么时候|哪天|何时")
#: A sentence stating a time span or frequency (每五年举行一次, 一年, 二年内, 三个月, 六个月以上).
TIME_SPAN_RE = re.compile(r"(?<!第)[一二三四五六七八九十百两\d]+\s*(?:个月|年|月|日|天|周|个工作日|学时)")

#: a bibliography entry of a paper: "[1] 刘某. 题名[J]. 刊名, 2018(4)." (GB/T 7714 document type codes)
REFERENCE_ENTRY = re.compile(r"^\W*\[\d+\]\s*\S|\[(?:J|M|D|C|N|R|S|P|EB/OL)\]")
#: a numbered section heading of a paper: "4.2 工作机制僵化与创新活力不足的问题"
NUMBERED_HEADING = re.compile(r"^\W*\d+(?:\.\d+)+\s*\S")
#: what a quoted sentence may end with; any other ending gets a 。 (a heading line such as "（三）季某的行为构成贪污")
_END = ("。", "！", "？", "；", "：", "…", "”", "」", "）", ")", ".", "!", "?", ";", ":")


def pieces(text: str) -> list[str]:
    """A passage's sentence pieces as selection numbers them: split after 。！？； and at line breaks, each line
    break a piece ``"\\n"`` of its own (:func:`bot.text.zh.sentence_pieces` with ``keep_newlines``)."""
    return sentence_pieces(text, keep_newlines=True)


@dataclass
class Sentence:
    """A candidate or chosen sentence: its text (stripped), the index of its passage in the retrieved list,
    its position among :func:`pieces` of that passage, and its score."""

    text: str
    passage: int  # index into the retrieved list
    position: int
    score: float
    context: bool = False  # quoted only so that an item does not start without its enumeration's lead
    whole: str = ""  # the full sentence this piece belongs to (set by complete)


@dataclass(frozen=True)
class Policy:
    """The numbers of the selection policy, read from Settings (``answer_max_chars``, ``answer_overflow_chars``,
    ``answer_max_sentences``, ``answer_fragment_chars``, ``answer_join_share``, ``answer_passage_share``,
    ``answer_rank_bonus``, ``answer_first_passage_share``, ``answer_second_source_share``, ``answer_verdict_bonus``,
    ``answer_time_span_bonus``; their descriptions give the sources). Build it with :meth:`from_settings`."""

    max_chars: int
    overflow_chars: int
    max_sentences: int
    fragment_chars: int
    join_share: float
    passage_share: float
    rank_bonus: float
    first_passage_share: float
    second_source_share: float
    verdict_bonus: float
    time_span_bonus: float

    @classmethod
    def from_settings(cls, s: Settings, max_chars: int | None = None) -> Policy:
        """The policy of settings ``s``; ``max_chars`` overrides ``s.answer_max_chars`` when given."""
        return cls(max_chars=s.answer_max_chars if max_chars is None else max_chars,
                   overflow_chars=s.answer_overflow_chars, max_sentences=s.answer_max_sentences,
                   fragment_chars=s.answer_fragment_chars, join_share=s.answer_join_share,
                   passage_share=s.answer_passage_share, rank_bonus=s.answer_rank_bonus,
                   first_passage_share=s.answer_first_passage_share,
                   second_source_share=s.answer_second_source_share, verdict_bonus=s.answer_verdict_bonus,
                   time_span_bonus=s.answer_time_span_bonus)


def quotable(s: str) -> bool:
    """Whether the sentence piece ``s`` may be quoted at all: not blank, not a question (a question is no
    answer), not a Markdown heading (often the case's title, itself a question), not a bibliography entry
    (:data:`REFERENCE_ENTRY`) nor a short numbered section heading (:data:`NUMBERED_HEADING`)."""
    if not s.strip() or s == "\n" or s.strip().endswith(("？", "?")):
        return False
    if s.lstrip().startswith("#"):
        return False
    return not (REFERENCE_ENTRY.search(s) or (len(s.strip()) <= 40 and NUMBERED_HEADING.match(s)))


def candidates(question: str, passages: list[RetrievedChunk], covs: list[float], terms: list[str],
               weights: dict[str, float], judgement: bool, endorsed: Callable[[Chunk], set[str]],
               policy: Policy) -> list[Sentence]:
    """The scored candidate sentences of ``passages`` (``covs``: each passage's key-term coverage; ``terms`` and
    ``weights``: the question's key terms; ``judgement``: a judgement is asked about a case,
    :func:`bot.answer.cases.asks_judgement`; ``endorsed``: the views a case endorses), in passage and sentence
    order. A passage addressing the assistant gives none (:func:`bot.answer.grounding.instructs`)."""
    out: list[Sentence] = []
    best_cov = max(covs)
    best = passages[covs.index(best_cov)].chunk
    asks_time = bool(DURATION_RE.search(question))
    for i, p in enumerate(passages):
        if instructs(p.chunk.text):
            continue  # a passage that addresses the assistant is not evidence (INSTRUCTION_RE)
        own_case = judgement and p.chunk.path == best.path
        # a passage covering the key terms much less than the best one contributes only its case's
        # verdicts; the retriever's first passage always counts (it won on meaning, not on words:
        # 入党最少要多大年纪 → 第一条 年满十八岁 shares one bigram with the question)
        verdicts_only = covs[i] < best_cov * policy.passage_share and i > 0
        if verdicts_only and not own_case:
            continue
        for j, s in enumerate(pieces(p.chunk.text)):
            if not quotable(s) or rejected_view(s, p.chunk, endorsed):
                continue  # a view the case goes on to weigh (and may reject) is not its answer
            verdict = own_case and bool(VERDICT_RE.search(s))
            if verdicts_only and not verdict:
                continue
            score = (coverage(terms, weights, s) + policy.rank_bonus / (i + 1)
                     + (policy.verdict_bonus if verdict else 0.0))
            if asks_time and TIME_SPAN_RE.search(s):
                score += policy.time_span_bonus
            out.append(Sentence(s.strip(), i, j, score))
    return out


def choose(question: str, ranked: list[Sentence], policy: Policy) -> list[Sentence]:
    """The sentences quoted from ``ranked`` (the candidates, best score first, at least one): the best one
    (an enumeration lead ending in ： or a fragment shorter than ``fragment_chars`` brings the sentences after it,
    within ``max_chars + overflow_chars``), further ones scoring at least ``join_share`` of it within
    ``max_chars`` (at most ``max_sentences`` in all), then :func:`_first_passage` and :func:`_time_span`."""
    top = ranked[0]
    chosen = [top]
    length = len(top.text)
    if top.text.endswith("：") or len(top.text) < policy.fragment_chars:  # lead or fragment: take what follows
        follow = [s for s in ranked if s.passage == top.passage and s.position > top.position]
        for s in sorted(follow, key=lambda s: s.position):
            if length + len(s.text) > policy.max_chars + policy.overflow_chars:
                break
            chosen.append(s)
            length += len(s.text)
    for s in ranked[1:]:
        if s in chosen or s.score < top.score * policy.join_share or length + len(s.text) > policy.max_chars:
            continue
        if any(s.text == c.text for c in chosen):
            continue
        chosen.append(s)
        length += len(s.text)
        if len(chosen) >= policy.max_sentences:
            break
    _first_passage(ranked, chosen, length, policy)
    if DURATION_RE.search(question):
        _time_span(ranked, chosen, policy)
    return chosen


def _first_passage(ranked: list[Sentence], chosen: list[Sentence], length: int, policy: Policy) -> None:
    """The retriever's first passage ranked first on meaning: when no chosen sentence comes from it, its best
    sentence joins ``chosen`` if it scores at least ``first_passage_share`` of the best sentence and fits
    ``max_chars + overflow_chars`` (``length``: characters chosen so far)."""
    if all(s.passage != 0 for s in chosen):
        first = [s for s in ranked if s.passage == 0 and s.score >= ranked[0].score * policy.first_passage_share]
        if first and length + len(first[0].text) <= policy.max_chars + policy.overflow_chars:
            chosen.append(first[0])


def _time_span(ranked: list[Sentence], chosen: list[Sentence], policy: Policy) -> None:
    """A time span is asked for and none is quoted: the best sentence stating one (:data:`TIME_SPAN_RE`), from a
    passage the answer already quotes and scoring at least ``first_passage_share`` of the best, joins
    ``chosen`` (多久开一次 → 每五年举行一次 beside 由同级党的委员会召集)."""
    if not any(TIME_SPAN_RE.search(s.text) for s in chosen):
        quoted = {s.passage for s in chosen}
        spans = [s for s in ranked if s.passage in quoted and TIME_SPAN_RE.search(s.text)
                 and s.score >= ranked[0].score * policy.first_passage_share]
        if spans:
            chosen.append(spans[0])


def second_source(question: str, passages: list[RetrievedChunk], candidates: list[Sentence],
                  chosen: list[Sentence], policy: Policy, wider: list[Sentence] | None = None) -> list[Sentence]:
    """A rule stated both in the 党章 and in a 条例 is cited from both: when every quoted regulation sentence
    comes from one regulation, the best sentence of another regulation joins when it scores at least
    ``second_source_share`` of the best sentence and, for a question asking for a number, duration or time,
    states one (:data:`TIME_SPAN_RE` / a quantity / a point in time, the same test as the direct answer).

    For a number or duration question, a sentence of another regulation among ``wider`` (the candidates of every
    passage, whatever its share of coverage) whose direct answer (:func:`direct_answer`) states the same quantity as
    a quoted sentence's (:func:`quantities`, 二年 = 两年) restates the rule: it joins when it scores at least ``first_passage_share`` of the best sentence
    (党章第四十一条 留党察看最长不超过两年 beside 纪律处分条例第十二条 留党察看期限最长不得超过二年, which shares more of
    the question's words)."""
    titles = {passages[s.passage].chunk.title for s in chosen if passages[s.passage].chunk.doc_type == "法规"}
    if len(titles) != 1 or not chosen:
        return chosen
    top = max(s.score for s in chosen)
    kind = question_type(question)
    if kind in ("duration", "number") and wider:
        stated = [quantities(direct_answer(question, [s.text], kind=kind)) for s in chosen
                  if passages[s.passage].chunk.doc_type == "法规"]
        for s in wider:
            c = passages[s.passage].chunk
            if c.doc_type != "法规" or c.title in titles or s.score < top * policy.first_passage_share:
                continue
            own = quantities(direct_answer(question, [s.text], kind=kind))
            if own and any(unit in q and values & q[unit] for q in stated for unit, values in own.items()):
                return chosen + [s]
    for s in candidates:
        c = passages[s.passage].chunk
        if c.doc_type != "法规" or c.title in titles or s.score < top * policy.second_source_share:
            continue
        if kind in ("duration", "number", "time", "count") and not direct_answer(question, [s.text], kind=kind):
            continue
        return chosen + [s]
    return chosen


def regulation_decides(passages: list[RetrievedChunk], candidates: list[Sentence],
                       chosen: list[Sentence], policy: Policy) -> list[Sentence]:
    """Trust order of a rule question: a 资料/案例 sentence that states another quantity than the best
    regulation sentence (:func:`contradicts`: 预备期为三年 against 党章 预备期为一年) is dropped, and that
    regulation sentence answers instead. Only a regulation sentence scoring at least
    ``first_passage_share`` of the best sentence is relevant enough to decide."""
    rules = [s for s in candidates if passages[s.passage].chunk.doc_type == "法规"]
    if not rules or rules[0].score < candidates[0].score * policy.first_passage_share:
        return chosen
    rule = rules[0]
    kept = [s for s in chosen if passages[s.passage].chunk.doc_type == "法规" or not contradicts(s.text, rule.text)]
    if len(kept) < len(chosen) and all(s.text != rule.text for s in kept):
        kept.insert(0, rule)
    return kept


def _line_groups(segs: list[str]) -> tuple[list[int], list[int]]:
    """For each piece of :func:`pieces`: the line it is on, and its sentence group (pieces up to a full stop
    。！？!? form one sentence; a line break is in group -1 and ends the group)."""
    lines, groups, line, group = [], [], 0, 0
    for seg in segs:
        if seg == "\n":
            line += 1
            group += 1
            lines.append(line - 1)
            groups.append(-1)
            continue
        lines.append(line)
        groups.append(group)
        if seg.rstrip().endswith(("。", "！", "？", "!", "?")):
            group += 1
    return lines, groups


def complete(passages: list[RetrievedChunk], chosen: list[Sentence]) -> list[Sentence]:
    """The chosen sentences made whole: a clause cut at ； is extended to its full sentence (never
    "…恢复其党员的权利；"), an item of an enumeration brings its whole item line and the enumeration's lead
    ("党员享有下列权利：" before "（五）…"; marked ``context``, it brings no other item), and a chosen lead
    ("党员必须履行下列义务：") brings all its items. Returns the sentences, the added ones scored 0."""
    out: dict[tuple[int, int], Sentence] = {(s.passage, s.position): s for s in chosen}
    for p_idx in {s.passage for s in chosen}:
        _complete_passage(passages[p_idx].chunk.text, p_idx, out)
    return list(out.values())


def _complete_passage(text: str, p_idx: int, out: dict[tuple[int, int], Sentence]) -> None:
    """:func:`complete` for the chosen sentences of one passage (``text``, index ``p_idx``); adds to ``out``."""
    segs = pieces(text)
    lines, groups = _line_groups(segs)
    raw_lines = text.split("\n")

    def add(j: int, context: bool = False) -> None:
        if (p_idx, j) not in out and segs[j].strip() and segs[j] != "\n":
            out[(p_idx, j)] = Sentence(segs[j].strip(), p_idx, j, 0.0, context=context)

    def line_segments(n: int) -> list[int]:
        return [j for j in range(len(segs)) if lines[j] == n and segs[j] != "\n"]

    for s in [x for x in out.values() if x.passage == p_idx]:
        j = s.position
        if j >= len(segs) or segs[j] == "\n" or s.text != segs[j].strip():
            s.whole = s.whole or s.text  # a whole passage quoted (an article asked for by number)
            continue
        s.whole = "".join(segs[k] for k in range(len(segs)) if groups[k] == groups[j]).strip()
        for k in range(len(segs)):  # the whole sentence
            if groups[k] == groups[j]:
                add(k, s.context)
        n = lines[j]
        if is_item(raw_lines[n]):  # an item: the whole item line, and the enumeration's lead
            for k in line_segments(n):
                add(k, s.context)
            m = n - 1
            while m >= 0 and (not raw_lines[m].strip() or is_item(raw_lines[m])):
                m -= 1
            lead = line_segments(m) if m >= 0 else []
            if lead and segs[lead[-1]].rstrip().endswith(("：", ":")):
                last = groups[lead[-1]]
                for k in lead:
                    if groups[k] == last:
                        add(k, context=True)
        elif segs[j].rstrip().endswith(("：", ":")) and not s.context:  # a lead: all of its items
            m = n + 1
            while m < len(raw_lines) and (not raw_lines[m].strip() or is_item(raw_lines[m])):
                for k in line_segments(m):
                    add(k)
                m += 1


def body(text: str, sentences: list[Sentence]) -> str:
    """The quoted sentences of one passage in document order: sentences of one line run together, a new line
    of the passage (an enumeration item) starts a new line, and "……" marks items left out between an
    enumeration's lead and the item quoted."""
    segs = pieces(text)
    out, prev = "", None
    for s in sorted(sentences, key=lambda s: s.position):
        # a heading line such as "（三）季某的行为构成贪污" has no full stop of its own
        piece = s.text if s.text.endswith(_END) else s.text + "。"
        if prev is not None:
            between = segs[prev + 1: s.position]
            if "\n" in between:
                skipped = any(x.strip() and x != "\n" for x in between)
                out += "\n……\n" if skipped and is_item(piece) else "\n"
        out += piece
        prev = s.position
    return out.strip()
