"""Offline (extractive) quiz generation, by the structure of regulation text as real contest banks are
made — no model needed:

* *numbers and durations* ("预备期为一年", "三人以上", "五分之一") → 填空, 单选 (nearby numbers of the
  same unit as distractors), 判断 (one number changed);
* *enumerations* — 顿号 lists ("警告、严重警告、撤销党内职务…") and article item lists
  ("党员享有下列权利：（一）…（二）…") → 多选 ("下列属于…的有", distractors from a parallel
  enumeration such as 权利 vs 义务), 填空 and 单选 (one member masked);
* *whole sentences* → true 判断 items when they hold a test point, and false ones from a lifted
  prohibition (不得 → 可以) or a permission made a duty (可以 → 应当); never 应当 → 不得 (an organiser
  reads "党组织不得做好…" as absurd). False 判断 are at least :data:`MIN_FALSE_SHARE` of a set's 判断.

The steps: the topic's articles (:class:`bot.quiz.articles.RegulationArticles`) → candidates per
article (:mod:`bot.quiz.candidates`, from what :mod:`bot.quiz.extract` reads off the text) → a set:
best articles first in a random window, types interleaved, every candidate through
:func:`bot.quiz.gate.check_item` and :func:`bot.quiz.gate.gate`, one item per fact, at most
``per_article`` per article (:meth:`QuizGenerator.generate`).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from bot.quiz.articles import RegulationArticles
from bot.quiz.candidates import enumeration_items, number_items, organ_items, statement_choices, statement_items
from bot.quiz.check import answer_key, count_mismatch, option_set, same_fact, statement_of
from bot.quiz.extract import ITEM, NUMBER, Enumeration, enumerations
from bot.quiz.gate import ITEMS_PER_LIST, check_item, fact_text, gate, item_facts, item_keys, item_lists
from bot.quiz.model import ENUM_TAG, TYPES, QuizItem, QuizSet, norm
from bot.schema import Chunk

#: the order in which types take turns making up for one that runs short
FILL_ORDER = ("单选", "多选", "填空", "判断")
#: least share of false 判断 among a set's 判断 items: a contest wants "错误" at least 30% of the time (an
#: independent organiser found 48 of 50 判断 "正确" and read the row as giving the key away, issue #19).
#: False statements are scarce, so a set makes fewer 判断 — the other types fill the place, or the set
#: falls short — rather than fill with true ones
MIN_FALSE_SHARE = 0.3


class QuizGenerator(RegulationArticles):
    """Offline generator over a :class:`bot.pipeline.Pipeline`'s index (articles as in
    :class:`bot.quiz.articles.RegulationArticles`). ``seed``: None draws from system entropy, a
    different set each time; the same seed gives the same set.

    Settings read (``pipeline.settings``): ``quiz_article_jitter`` and those of
    :class:`~bot.quiz.articles.RegulationArticles`."""

    def __init__(self, pipeline, seed: int | None = None):
        super().__init__(pipeline)
        self.rng = random.Random(seed)  # None: system entropy, a different set each time
        self._precounted: Counter = Counter()
        self._enum_pool: list[Enumeration] | None = None

    def _candidates(self, chunks: list[Chunk], difficulty: str) -> list[tuple[QuizItem, str | None, Chunk, int]]:
        """(item, body, chunk, rank of the chunk) of every candidate from ``chunks``; lists whose parse
        disagrees with the article's own count are counted in ``_precounted`` and left out."""
        if self._enum_pool is None:
            self._enum_pool = [e for c in self.regulation_chunks() for e in enumerations(c)]
        pool = self._enum_pool
        out = []
        for rank, chunk in enumerate(chunks):
            cands: list[tuple[QuizItem, str | None]] = []
            cands += number_items(self.rng, chunk, difficulty)
            cands += organ_items(self.rng, chunk)
            for enum in enumerations(chunk):
                made = enumeration_items(self.rng, enum, pool)
                for item, _ in made:  # every item on one list tests the same thing: a set keeps one
                    item.tags.append(ENUM_TAG + norm(enum.lead)[-40:])
                # list parsing verified against the article's own count ("八项义务" → 8 items)
                is_items = enum.sentence.endswith("：")
                lead_text = enum.sentence if is_items else enum.lead
                marked = len(ITEM.findall(chunk.text)) if is_items else len(enum.members)
                if count_mismatch(lead_text, enum.members) or marked != len(enum.members):
                    self._precounted["列举项数与原文所述不符"] += len(made)
                    continue
                cands += made
            cands += statement_items(chunk)
            out += [(item, body, chunk, rank) for item, body in cands]
        return out + statement_choices(self.rng, out, self.truth_probe)

    def gate(self, item: QuizItem, body: str | None, chunk: Chunk) -> str | None:
        """The issue-#19 quality gate on one item (:func:`bot.quiz.gate.gate`). Returns the drop reason or None."""
        return gate(item, body, chunk)

    def _queues(self, cands: list, total: int, per_article: int) -> dict[str, list]:
        """Candidates per type, best articles first, shuffled within a window of
        ``settings.quiz_article_jitter`` ranks (widened to the articles the set needs,
        ``total / per_article``): a different set each time (unless seeded) that still draws on the
        articles closest to the topic."""
        window = max(self.pipe.settings.quiz_article_jitter, total / max(1, per_article))
        jitter = {r: r + self.rng.uniform(0, window) for r in {x[3] for x in cands}}
        return {t: sorted((x for x in cands if x[0].type == t), key=lambda x: (jitter[x[3]], self.rng.random()))
                for t in TYPES}

    def generate(self, topic: str, counts: dict[str, int], difficulty: str = "中",
                 existing: list[str] | None = None, k: int = 20, keep: float = 0.9,
                 chunks: list[Chunk] | None = None, per_article: int = 2, more: list[Chunk] | None = None,
                 on_topic: bool = False) -> QuizSet:
        """Items for ``topic``: ``counts`` per type (e.g. {"单选": 3, "多选": 3, "判断": 3, "填空": 3});
        passages as in :meth:`passages` (``k``, ``keep``) unless ``chunks`` is given; ``more``: further
        passages used only when the first ones do not give enough items. At most ``per_article``
        items from one article; no two items on one fact (:func:`bot.quiz.check.fact_key`); every
        candidate through :func:`check_item` and :meth:`gate`. When a type runs short, the other
        requested types fill up to the total. ``on_topic``: every item's own sentence must be about
        ``topic`` (:meth:`topic_focus`), not only its article (topic mode; a scope given exactly is
        taken whole)."""
        self._precounted = Counter()
        chunks = self.passages(topic, k=k, keep=keep) if chunks is None else chunks
        cands = self._candidates(chunks, difficulty)
        if more:
            known = {c.id for c in chunks}
            cands += [(i, b, c, r + len(chunks)) for i, b, c, r in self._candidates([c for c in more if c.id not in known], difficulty)]
        result = QuizSet(items=[])
        result.dropped += self._precounted
        result.candidates += sum(self._precounted.values())  # candidates = items + dropped, always
        result.articles = len({(c.title, c.article) for c in chunks})
        total = sum(counts.values())
        builder = _SetBuilder(self, result, self._queues(cands, total, per_article), existing, per_article)
        builder.focus = self.topic_focus(topic) if on_topic and topic.strip() else None
        builder.fill(counts, total)
        return result


class _SetBuilder:
    """Takes candidates into ``result`` one at a time (:meth:`take`), keeping the set's invariants:
    stems unique (also against ``existing``), one item per fact, one per answer key and per option
    set, at most ``per_article`` per article, false 判断 at least :data:`MIN_FALSE_SHARE` of the 判断,
    and (``focus``) every item's own sentence on the topic."""

    def __init__(self, gen: QuizGenerator, result: QuizSet, queues: dict[str, list], existing: list[str] | None,
                 per_article: int):
        self.gen, self.result, self.queues, self.per_article = gen, result, queues, per_article
        self.seen = {norm(s) for s in (existing or [])}
        self.facts: set = set()
        self.texts: list[str] = []  # fact texts of the items taken (same fact in another article)
        self.per: Counter = Counter()
        self.keys: set[str] = set()  # answer keys taken (item_keys): one 六个月 item per set
        self.option_sets: set = set()  # option sets of the choice items taken
        self.focus = None  # TopicFocus of the topic, or None (scoped sets)
        self.judged: Counter = Counter()  # 判断 taken, by answer (MIN_FALSE_SHARE)
        self.art_keys: defaultdict = defaultdict(set)  # article → answer keys of its items taken
        self.art_said: defaultdict = defaultdict(set)  # article → numbers its items' stems state
        self.deferred: list = []  # true 判断 held back for want of false ones (MIN_FALSE_SHARE), in queue order
        self.stated: set[str] = set()  # option texts and judged statements of the items taken
        self.stated_in: defaultdict = defaultdict(set)  # the same, per article (list items are checked here)
        self.claimed: set[str] = set()  # the statements of the 判断 taken (list items are checked against them too)
        self.lists: defaultdict = defaultdict(list)  # list fact → [(type, members shown)] of its items taken

    def true_cap(self) -> int:
        """How many true 判断 the set may hold now: as many as keep the false ones at
        :data:`MIN_FALSE_SHARE` of the 判断 items (1 false → 2 true, 3 false → 7 true)."""
        return int(self.judged["错误"] * (1 - MIN_FALSE_SHARE) / MIN_FALSE_SHARE + 1e-9)

    @staticmethod
    def statements(item: QuizItem, body: str | None) -> set[str]:
        """What an item shows as a statement or option (normalised, six characters or more): two items
        showing one ("切实开展批评和自我批评" an option of two items, the key of one the statement of a
        判断) answer each other."""
        texts = [t for t in (item.options or {}).values()] if item.type in ("单选", "多选") else []
        if item.type == "判断":
            texts.append(statement_of(body or item.stem))
        return {n for n in (norm(t).rstrip("。；") for t in texts) if len(n) >= 6}

    @staticmethod
    def members_shown(item: QuizItem, body: str | None) -> set[str]:
        """Every option text and stated member of a list item, normalised, of any length ("警告")."""
        texts = list((item.options or {}).values()) if item.type in ("单选", "多选") else []
        if item.type == "判断" and body:
            texts.append(body)
        return {norm(t).rstrip("。；") for t in texts}

    def list_room(self, key, item: QuizItem, body: str | None) -> bool:
        """Whether list ``key`` takes ``item``: fewer than :data:`ITEMS_PER_LIST` taken, none of its type,
        and no member shown by both."""
        taken = self.lists[key]
        shown = self.members_shown(item, body)
        return (len(taken) < ITEMS_PER_LIST and all(t != item.type and not (m & shown) for t, m in taken))

    def take(self, t: str) -> bool:
        """Add the next candidate of type ``t`` that passes; False when the type's queue runs out."""
        q, result = self.queues[t], self.result
        while q:
            item, body, chunk, _ = q.pop(0)
            art = (chunk.title, chunk.article or chunk.id)
            if self.per[art] >= self.per_article:
                continue
            if item.type == "判断" and item.answer == "正确" and self.judged["正确"] >= self.true_cap():
                self.deferred.append((item, body, chunk, _))  # taken when a false one makes room
                continue
            result.candidates += 1
            if self.focus is not None and not self.focus(item.source.quote + statement_of(item.stem), chunk):
                result.dropped["题目不在主题内"] += 1
                continue
            answers = item_keys(item)
            opts = option_set(item.options) if item.options and item.type != "判断" else None
            said = {answer_key(m.group(0)) for m in NUMBER.finditer(item.stem)}
            # nor may a stem state the key of another item on the same article, or the reverse ("留党察看（  ）、
            # 留党察看二年" beside "恢复党员权利后（  ）内" whose key is 二年)
            if (answers & self.keys or (opts and opts in self.option_sets)
                    or said & self.art_keys[art] or answers & self.art_said[art]):
                result.dropped["与已选题答案或选项相同"] += 1
                continue
            keys = item_facts(item, body)
            text = fact_text(item, body)
            shown = self.statements(item, body)
            lists = item_lists(item)
            # a list item shown again in another article's list item is no answer to it: "行使表决权…" offered as
            # not a duty (党章第三条) does not say whether it is a right (第四条)
            listish = bool(lists) or bool({"列表项", "列举归属"} & set(item.tags))
            # but a 判断 states its text as a claim, and reads as telling the answer of an item offering it ("党员必须
            # 履行的义务包括：切实开展批评和自我批评" beside "下列不属于党员享有的权利的是" with that option; organiser)
            against = ((self.stated if item.type == "判断" else self.stated_in[art] | self.claimed) if listish
                       else self.stated)
            if (keys & self.facts or (text and any(same_fact(text, t) for t in self.texts)) or shown & against
                    or not all(self.list_room(k, item, body) for k in lists)):
                result.dropped["与已选题考同一知识点"] += 1
                continue
            item.check_body = body
            reason = check_item(item, chunk.text, self.gen.truth_probe, body=body) or self.gen.gate(item, body, chunk)
            if reason:
                result.dropped[reason] += 1
                continue
            if norm(item.stem) in self.seen:  # after the gate, which may rewrite the stem
                result.dropped["题干重复"] += 1
                continue
            self.seen.add(norm(item.stem))
            self.facts.update(keys)
            for k in lists:
                self.lists[k].append((item.type, self.members_shown(item, body)))
            self.stated.update(shown)
            self.stated_in[art].update(shown)
            if item.type == "判断":
                self.claimed.update(shown)
            self.keys.update(answers)
            self.art_keys[art].update(answers)
            self.art_said[art].update(said)
            if opts:
                self.option_sets.add(opts)
            if text:
                self.texts.append(text)
            self.per[art] += 1
            if item.type == "判断":
                self.judged[str(item.answer)] += 1
                if item.answer == "错误" and self.deferred:  # room for true ones again
                    self.queues["判断"] = self.deferred + self.queues["判断"]
                    self.deferred = []
            result.items.append(item)
            return True
        return False

    def fill(self, counts: dict[str, int], total: int) -> None:
        """Types interleaved so article slots are shared across types; then, when a type ran short,
        the other requested types in :data:`FILL_ORDER` fill up to ``total`` (no true 判断 beyond
        :data:`MIN_FALSE_SHARE` allows: the set falls short instead)."""
        made = Counter()
        progress = True
        while progress:
            progress = False
            for t in TYPES:
                if made[t] < counts.get(t, 0) and self.take(t):
                    made[t] += 1
                    progress = True
        progress = True
        while len(self.result.items) < total and progress:
            progress = False
            for t in FILL_ORDER:
                if counts.get(t, 0) > 0 and len(self.result.items) < total and self.take(t):
                    progress = True
        if self.deferred:  # counted once, as candidates that did not make it
            self.result.candidates += len(self.deferred)
            self.result.dropped["错误的判断题太少，少出正确的判断题"] += len(self.deferred)
