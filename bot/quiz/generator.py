"""Quiz items for 党章党规知识竞赛: 单选 / 多选 / 判断 / 填空, grounded in regulation text, checked.

Offline generation (default) works on the structure of regulation text, as real contest banks do:

* *numbers and durations* ("预备期为一年", "三人以上", "五分之一") → 填空, 单选 (nearby numbers of the
  same unit as distractors), 判断 (one number changed);
* *enumerations* — 顿号 lists ("警告、严重警告、撤销党内职务…") and article item lists
  ("党员享有下列权利：（一）…（二）…") → 多选 ("下列属于…的有", distractors from a parallel
  enumeration such as 权利 vs 义务), 填空 and 单选 (one member masked);
* *modal verbs* (可以 ↔ 不得, 必须 ↔ 可以) → false 判断 items.

Every item is checked before it is kept (:func:`check_item`): the key is supported by the quoted
source text; no distractor is also true according to the source (nor verbatim anywhere in the
index); options are distinct; the stem does not contain the answer; stems are unique within the set
and against an existing bank. Items that fail are dropped and counted by reason.

Public API: :class:`QuizItem`, :func:`generate_quiz`, :func:`check_item`, :func:`export_xlsx`,
:func:`export_docx`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import cn2an
from pydantic import BaseModel, Field, field_validator

from bot.quiz.check import (count_mismatch, in_topic_clause, same_fact, same_kind_list, dangling_opening, fact_key, fragment_option, kind_mismatch, leaks_key,
                           missing_context, resolve_opening, statement_of, subject_only, too_long,
                           unfinished_sentence)
from bot.schema import Chunk
from bot.text.zh import chinese_number
from bot.text.refs import join_article_pieces, strip_article_label

ItemType = Literal["单选", "多选", "判断", "填空"]
TYPES: tuple[str, ...] = ("单选", "多选", "判断", "填空")
LETTERS = "ABCDE"


class QuizSource(BaseModel):
    title: str
    article: str | None = None
    quote: str


class QuizItem(BaseModel):
    """One quiz item. ``answer``: one letter (单选), letters in order (多选, "ABD"), "正确"/"错误"
    (判断), or a list of accepted strings (填空)."""

    id: str
    type: ItemType
    stem: str
    options: dict[str, str] = Field(default_factory=dict)
    answer: str | list[str]
    explanation: str
    source: QuizSource
    difficulty: Literal["易", "中", "难"] = "中"
    tags: list[str] = Field(default_factory=list)
    #: the statement checked against the source (blank as "（  ）"); internal, not exported
    check_body: str | None = Field(default=None, exclude=True)
    #: further source sentences an item states (the options of a "下列说法正确的是"); internal
    also_quotes: list[str] = Field(default_factory=list, exclude=True)

    @field_validator("options")
    @classmethod
    def _letters(cls, v: dict[str, str]) -> dict[str, str]:
        if v and list(v) != list(LETTERS[: len(v)]):
            raise ValueError("选项必须按 A、B、C… 顺序编号")
        return v


@dataclass
class QuizSet:
    """Generated items plus the count of candidates dropped, by reason."""

    items: list[QuizItem]
    dropped: Counter = field(default_factory=Counter)
    candidates: int = 0
    mode: str = "offline"
    notes: list[str] = field(default_factory=list)
    #: {"asked": n, "made": m, "why": "…"} when fewer than asked were made, else None
    shortfall: dict | None = None
    #: number of articles the set could draw on
    articles: int = 0

    def to_json(self) -> dict:
        return {"items": [i.model_dump() for i in self.items], "dropped": dict(self.dropped),
                "candidates": self.candidates, "mode": self.mode, "notes": self.notes,
                "shortfall": self.shortfall}


def norm(text: str) -> str:
    """Comparison form: no whitespace, no punctuation differences that matter for matching."""
    return re.sub(r"[\s　“”\"'‘’《》]", "", text or "")


# --------------------------------------------------------------------------------------
# elements of a sentence
# --------------------------------------------------------------------------------------

_CN = "零一二三四五六七八九十百两半"
NUMBER = re.compile(
    rf"(?<![{_CN}\d第])(?:[{_CN}\d]+分之[{_CN}\d]+|[{_CN}\d]+(?:个)?(?:年|个月|日|天|周岁|岁|人|名|次|种))(?:以上|以下|以内)?(?!半)"
)
#: flips that turn a rule into its opposite (必须 → 可以 would leave a true statement, so it is not used)
MODALS = [("不得", "可以"), ("必须", "不得"), ("应当", "不得"), ("可以", "不得"), ("禁止", "允许")]
SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_MEMBER = r"[^、，。；：（）\s的]{2,10}|“[^”]{1,8}”[^、，。；：（）\s]{0,6}"
_FIRST = r"[^、，。；：（）\s]{2,20}|“[^”]{1,8}”[^、，。；：（）\s]{0,6}"
_LAST = r"[^、，。；：（）\s的等]{2,10}?|“[^”]{1,8}”[^、，。；：（）\s等]{0,6}?"
LIST_RUN = re.compile(rf"(?:^|(?<=[，。；：（）“”\s]))(?:{_FIRST})、(?:(?:{_MEMBER})、)+(?:{_LAST})(?=[，。；：）”]|等|$)")
#: a lead that introduces a list ("党的纪律主要包括", "对党员的纪律处分有五种", "党员享有下列权利")
LISTING_LEAD = re.compile(r"(包括|包含|有[一二三四五六七八九十]+种|分为|主要有|下列[^，。]{0,8}|如下|是)$")
_FUNCTION_WORDS = {"的", "和", "及", "与", "或", "在", "对", "把", "是", "了"}
_GENERIC_BIGRAMS = {"下列", "包括", "享有", "履行", "主要", "必须", "应当", "以下", "中国", "国共", "共产", "产党"}
ITEM = re.compile(r"（[一二三四五六七八九十]+）")
#: most added to an article's topic score for being among the retriever's best passages for the topic
#: (:meth:`QuizGenerator.passages`; set with the cutoffs in bot.config, measured in eval.quiz)
DENSE_BONUS = 0.4
#: tag prefix marking the items made from one enumeration (one list → one item in a set)
ENUM_TAG = "列举:"
#: shortest sentence stated as a 判断 (characters with its end mark): "稳妥有序处置不合格党员。" (12) and
#: "针对存在的问题，采取改进措施。" (15) are slogans, not rules to judge
MIN_STATEMENT = 18
#: articles within this many ranks of each other are drawn in random order (QuizGenerator.generate);
#: the window widens to the number of articles the set needs (n / per_article)
ARTICLE_JITTER = 3.0
#: relevance cutoff (fraction of the best score) for articles of a regulation or chapter the topic names
#: (纪律处分条例 for 党的纪律处分: its 第十二条 on 留党察看 scores 0.42 of 第八条, and is on topic)
HOME_KEEP = 0.3
#: relevance cutoff for the other articles when the topic has a home (read sets, eval/README.md 出题质量)
OUTSIDE_HOME_KEEP = 0.9


def _to_int(num: str) -> int | None:
    try:
        return chinese_number(num.replace("半", "0.5"))
    except (ValueError, TypeError):
        return None


def number_variants(element: str) -> list[str]:
    """Plausible wrong values of a number element of the same unit: "一年" → ["半年", "两年", "三年", …].

    Fractions vary the denominator ("五分之一" → "三分之一", "四分之一", "十分之一").
    """
    m = re.fullmatch(rf"([{_CN}\d]+)分之([{_CN}\d]+)(.*)", element)
    if m:
        den, num = _to_int(m.group(1)) or 1, _to_int(m.group(2)) or 1
        value = num / den
        common = [(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (1, 5), (2, 5), (4, 5), (1, 10)]
        others = sorted((f for f in common if f != (num, den)), key=lambda f: abs(f[0] / f[1] - value))
        return [f"{cn2an.an2cn(d)}分之{cn2an.an2cn(n)}{m.group(3)}" for n, d in others]
    m = re.fullmatch(rf"([{_CN}\d]+)(个)?(年|个月|日|天|周岁|岁|人|名|次|种)(以上|以下|以内)?", element)
    if not m:
        return []
    num_s, ge, unit, suffix = m.group(1), m.group(2) or "", m.group(3), m.group(4) or ""
    arabic = num_s.isdigit()
    value = _to_int(num_s)
    if value is None:
        return []
    if value >= 10:  # "100人" → 50, 200, 150, 300: 99 and 101 are no distractors
        cands = {value // 2, value * 2, value * 3 // 2, value * 3} - {0}
    else:
        cands = {value - 1, value + 1, value * 2, value + 2, max(1, value // 2), value * 3}
    cands = {c for c in cands if c > 0 and c != value}
    out = []
    for c in sorted(cands, key=lambda c: abs(c - value)):
        word = str(c) if arabic else ("两" if c == 2 and unit not in ("周岁", "岁") else cn2an.an2cn(c))
        out.append(f"{word}{ge}{unit}{suffix}")
    if unit == "年" and value == 1:
        out.insert(0, f"半年{suffix}")
    return out


def accepted_forms(answer: str) -> list[str]:
    """Equivalent written forms of an answer: "一年" → ["一年", "1年"]."""
    forms = [answer]
    m = re.fullmatch(rf"([{_CN}]+)(.*)", answer)
    if m and (v := _to_int(m.group(1))) is not None and "分之" not in answer:
        forms.append(f"{v}{m.group(2)}")
    return list(dict.fromkeys(forms))


@dataclass
class _Enumeration:
    lead: str  # text before the list ("党的纪律主要包括")
    members: list[str]  # every member, in order (counted against the article's own count)
    chunk: Chunk
    sentence: str
    #: members that are whole units to offer as options (an item's first clause when the item is long)
    offer: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.offer:
            self.offer = list(self.members)

    @property
    def items(self) -> bool:
        """An article's （一）（二）… list, not a 顿号 run inside a sentence."""
        return self.sentence.endswith("：")


def _related(bigrams: set[str], lead: str, other: str) -> bool:
    """Two list leads are parallel when they share two content bigrams, or one when both are short
    (党员享有下列权利 ~ 党员必须履行下列义务)."""
    shared = bigrams & {other[i:i + 2] for i in range(len(other) - 1)}
    return len(shared) >= 2 or (len(shared) == 1 and len(lead) <= 12 and len(other) <= 12)


def _words(text: str) -> list[str]:
    """jieba word segmentation (used to trim list members at word boundaries)."""
    import jieba

    jieba.setLogLevel(60)
    return [w for w in jieba.lcut(text) if w]


#: a sentence that is one parenthesis, such as a document's edition note (（…2017年10月24日通过）):
#: it records the text's history, it states no rule to be tested
_PARENTHETICAL = re.compile(r"^（[^（）]*）[。；]?$")


def sentences_of(chunk: Chunk) -> list[str]:
    """The sentences of a passage that items are made from: without its 第X条 label, at least 8
    characters, and not a lone parenthesis (:data:`_PARENTHETICAL`)."""
    body = strip_article_label(chunk.text)
    return [s.strip() for s in SENTENCE.findall(body) if len(s.strip()) >= 8 and not _PARENTHETICAL.match(s.strip())]


def enumerations(chunk: Chunk) -> list[_Enumeration]:
    """顿号 lists in sentences, and the article's item list (lead ending with "：" + （一）…)."""
    out = []
    for s in sentences_of(chunk):
        for m in LIST_RUN.finditer(s):
            members = [x for x in m.group(0).split("、") if x]
            lead = s[: m.start()].rstrip("：:，, ")
            longest = max(len(x) for x in members[1:])
            if len(members[0]) > longest + 1:  # "宣传和执行党的路线" → lead "宣传和执行党的", member "路线"
                words = _words(members[0])
                while len(words) > 1 and (sum(map(len, words)) > longest + 1 or words[0] in _FUNCTION_WORDS):
                    lead += words.pop(0)
                members[0] = "".join(words)
                lead = lead.rstrip("：:，, ")
            if len(members[0]) > 12:
                continue
            if len(members) >= 3 and len(set(members)) == len(members):
                out.append(_Enumeration(lead, members, chunk, s))
    body = strip_article_label(chunk.text)
    parts = ITEM.split(body)
    if len(parts) >= 4 and parts[0].strip().endswith("："):
        lead = parts[0].strip().rstrip("：")
        members, offer = [], []
        for p in parts[1:]:
            whole = p.strip().rstrip("。；;")
            first = re.split(r"[，。；]", whole)[0]
            members.append(whole)
            # an option is the whole item when short, else its first clause (options of like length)
            if len(whole) <= 24 and fragment_option(whole) is None:
                offer.append(whole)
            elif 6 <= len(first) <= 24 and fragment_option(first) is None and not subject_only(first, whole[len(first):]):
                offer.append(first)
            elif len(whole) <= 48 and fragment_option(whole) is None:
                offer.append(whole)
        if len(members) >= 3:
            out.append(_Enumeration(lead, members, chunk, parts[0].strip(), offer))
    return out


# --------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------


def check_item(item: QuizItem, quote_text: str, truth_probe, body: str | None = None) -> str | None:
    """Return None when ``item`` passes, else the Chinese reason it is dropped.

    Args:
        item: the candidate.
        quote_text: the source passage (must contain the quote and support the key).
        truth_probe: callable(statement) → True when the statement appears verbatim in the index
            (used to reject distractors that are also true somewhere in the knowledge base).
        body: the stem's statement without its lead-in, with "（  ）" for the blank (填空/单选).
    """
    src = norm(quote_text)
    if norm(item.source.quote) not in src:
        return "出处引文与原文不符"
    opts = list(item.options.values())
    if len({norm(o) for o in opts}) != len(opts):
        return "选项重复"
    if item.type == "填空":
        answers = item.answer if isinstance(item.answer, list) else [item.answer]
        if not body or norm(body.replace("（  ）", answers[0])) not in src:
            return "答案与原文不符"
        if any(norm(a) in norm(item.stem.replace("（  ）", "")) for a in answers):
            return "题干泄露答案"
    elif item.type == "单选" and body is None and "不属于" in item.tags:  # odd one out
        key = item.options.get(str(item.answer), "")
        if norm(key) in src:
            return "干扰项也是正确说法"
        if any(norm(t) not in src for x, t in item.options.items() if x != item.answer):
            return "答案与原文不符"
    elif item.type == "单选" and body is None:  # "下列属于…的是": key listed in the source, distractors not
        key = item.options.get(str(item.answer), "")
        if norm(key) not in src:
            return "答案与原文不符"
        if any(norm(t) in src for x, t in item.options.items() if x != item.answer):
            return "干扰项也是正确说法"
    elif item.type == "单选":
        key = item.options.get(str(item.answer), "")
        if not body or norm(body.replace("（  ）", key)) not in src:
            return "答案与原文不符"
        for letter, text in item.options.items():
            if letter != item.answer and (norm(body.replace("（  ）", text)) in src or truth_probe(body.replace("（  ）", text))):
                return "干扰项也是正确说法"
        if norm(key) in norm(item.stem.replace("（  ）", "")):
            return "题干泄露答案"
    elif item.type == "多选":
        keys = set(str(item.answer))
        if len(keys) < 2:
            return "多选题正确选项少于两个"
        for letter, text in item.options.items():
            inside = norm(text) in src
            if letter in keys and not inside:
                return "答案与原文不符"
            if letter not in keys and inside:
                return "干扰项也是正确说法"
    elif item.type == "判断":
        statement = body or item.stem
        if item.answer == "正确" and norm(statement) not in src:
            return "答案与原文不符"
        if item.answer == "错误" and "列举归属" in item.tags:  # membership of this article's list only
            if norm(statement) in src:
                return "错误说法在原文中成立"
        elif item.answer == "错误" and (norm(statement) in src or truth_probe(statement)):
            return "错误说法在原文中成立"
    return None


# --------------------------------------------------------------------------------------
# generation
# --------------------------------------------------------------------------------------


def _cite(chunk: Chunk) -> str:
    return f"《{chunk.title}》{chunk.article or ''}"


def _lead_in(chunk: Chunk) -> str:
    return f"根据{_cite(chunk)}，"


def _item_id(stem: str) -> str:
    return "q-" + hashlib.sha1(norm(stem).encode("utf-8")).hexdigest()[:10]


class QuizGenerator:
    """Offline generator over a :class:`bot.pipeline.Pipeline`'s index."""

    def __init__(self, pipeline, seed: int | None = None):
        self.pipe = pipeline
        self.rng = random.Random(seed)  # None: system entropy, a different set each time
        self._precounted: Counter = Counter()
        self._reg_chunks: list[Chunk] | None = None
        self._enum_pool: list[_Enumeration] | None = None
        self._whole: dict[str, Chunk] = {}  # passage id → its whole current article (regulation_chunks)
        #: chunk id → topic score of the last :meth:`passages` call (for eval and debugging)
        self.last_scores: dict[str, float] = {}

    # ---------------------------------------------------------------- data
    def regulation_chunks(self) -> list[Chunk]:
        """The regulation passages items are made from, one per article: an article the splitter cut
        into pieces ("第三条（续） 党员必须履行下列义务：（八）…") is joined back into one passage, so a
        list is parsed and counted whole (党章第三条 lists eight duties, its first piece seven); a
        superseded version (status not 现行有效, e.g. the 2017 党章 beside the 2022 one) is left out
        when the same regulation has a current version."""
        if self._reg_chunks is None:
            got = self.pipe.index.collection.get(where={"doc_type": "法规"}, include=["documents", "metadatas"])
            raw = [Chunk.from_metadata(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
            current = {c.title for c in raw if c.status == "现行有效"}
            raw = [c for c in raw if c.status == "现行有效" or c.title not in current]
            groups: dict[tuple, list[Chunk]] = {}
            for c in sorted(raw, key=lambda c: (c.path, c.index)):
                key = (c.path, c.article_no) if c.article_no else (c.path, c.id)
                groups.setdefault(key, []).append(c)
            out = []
            for pieces in groups.values():
                whole = pieces[0]
                if len(pieces) > 1:
                    whole = dataclasses.replace(whole, text=join_article_pieces([c.text for c in pieces]))
                for c in pieces:
                    self._whole[c.id] = whole
                out.append(whole)
            self._reg_chunks = out
        return self._reg_chunks

    def truth_probe(self, statement: str) -> bool:
        """True when ``statement`` (normalised) occurs in a passage of the index (BM25 top 10)."""
        target = norm(statement)
        if len(target) < 6:
            return False
        for cid, _ in self.pipe.index.bm25_search(statement, 10):
            chunk = self.pipe.index.get([cid]).get(cid)
            if chunk and target in norm(chunk.text):
                return True
        return False

    def passages(self, topic: str, k: int = 20, keep: float = 0.9) -> list[Chunk]:
        """Regulation articles for the topic, best first, kept when their score is at least ``keep`` ×
        the best article's.

        Every article of every indexed regulation is scored (there are a few hundred): the
        IDF-weighted coverage of the topic's key terms in the whole passage (weight ½), in its first
        sentence (what the article is about; damped for sentences over 20 characters), and in the
        regulation title plus chapter heading (weight ½: 第二章 违纪与纪律处分 is about 纪律处分, a
        宪法 article on 公民的权利和义务 is not about 党员的权利和义务); plus ½ when the first sentence names
        the topic's subject (the words before its first 的); plus up to :data:`DENSE_BONUS` for
        the ``k`` best passages of the dense/BM25 retriever (rank 0 full, falling linearly), which
        finds articles about the topic that do not repeat its words (三会一课 for 组织生活). An article
        whose regulation title or chapter heading holds all the topic's terms is kept down to
        :data:`HOME_KEEP` × the best score."""
        from bot.answer.extractive import coverage, key_terms
        from bot.retrieval.query import normalize_query

        terms = key_terms(topic)
        if not terms:
            return []
        w = self.pipe.answerer.weights(terms)
        hits = self.pipe.retrieve(topic, k=k, doc_type="法规")
        self.regulation_chunks()
        rank: dict[str, int] = {}
        for i, h in enumerate(hits):  # a piece of an article stands for the whole article
            whole = self._whole.get(h.chunk.id)
            if whole is not None:
                rank.setdefault(whole.id, i)

        # the topic's subject ("党员" in "党员的权利和义务"): articles whose first sentence names it
        # are about it, not merely mentioning the same words (宪法 "公民有…的权利和义务")
        head = normalize_query(topic).split("的")[0]
        subject = head if 2 <= len(head) <= 6 and head != topic else ""
        subject_terms = key_terms(subject) if subject else []
        sw = self.pipe.answerer.weights(subject_terms) if subject_terms else {}

        def score(c: Chunk) -> float:
            first = (sentences_of(c) or [c.text])[0]
            heading = coverage(terms, w, f"{c.title} {c.heading}")
            home = heading >= 0.99  # in a regulation or chapter the topic names (第三章 国内差旅…)
            # a short lead that names the topic ("党员享有下列权利") counts fully, a long sentence less
            value = 0.5 * coverage(terms, w, c.text) + coverage(terms, w, first) * min(1.0, 20 / max(1, len(first)))
            if value <= 0:  # not one of the topic's words in the article: never about it (出国 in 国内差旅's chapter)
                return 0.0
            if subject_terms and not home and coverage(subject_terms, sw, c.text) < 0.6:  # 公民's rights are not 党员's
                return 0.0
            value += 0.5 * heading
            if c.id in rank:
                value += DENSE_BONUS * max(0.0, 1 - rank[c.id] / max(1, k))
            # the subject as a word of its own ("党员享有…", not "发展党员，…" or "预备党员的…")
            named = bool(subject) and re.search(rf"(?:^|[，。；：、的]){re.escape(subject)}", first) is not None
            return value + (0.5 if named else 0.0)

        pool = {c.id: c for c in self.regulation_chunks() if c.article}
        for h in hits:  # a passage without an article (党章总纲) only when the retriever found it
            whole = self._whole.get(h.chunk.id)
            if whole is not None:
                pool.setdefault(whole.id, whole)
        scored = [(score(c), -rank.get(c.id, len(rank)), c) for c in pool.values()]
        best = max((s for s, _, _ in scored), default=0.0)
        self.last_scores = {c.id: s for s, _, c in scored}
        if best <= 0:  # no passage holds any key term of the topic: nothing here is about it
            return []
        # a regulation or chapter named by the topic (纪律处分条例 for 党的纪律处分, 发展党员工作细则 for
        # 发展党员) is its home: its articles stay in down to HOME_KEEP × best
        home = {c.id for c in pool.values() if coverage(terms, w, f"{c.title} {c.heading}") >= 0.99}
        # when the topic has a home, other articles need OUTSIDE_HOME_KEEP × best (the 干部人事档案工作条例
        # is not about 党章第六章 党的干部 though both say 干部)
        outside = max(keep, OUTSIDE_HOME_KEEP) if home and any(c.id in home and s > 0 for s, _, c in scored) else keep
        kept = [c for s, _, c in sorted(scored, key=lambda x: (x[0], x[1]), reverse=True)
                if (c.id in home and s >= min(keep, HOME_KEEP) * best) or (c.id not in home and s >= outside * best)]
        return kept

    # ---------------------------------------------------------------- candidates
    def _fill_candidates(self, chunk: Chunk, difficulty: str) -> list[tuple[QuizItem, str]]:
        out = []
        for s in sentences_of(chunk):
            for m in NUMBER.finditer(s):
                el = m.group(0)
                if m.start() == 0:  # "一人有…两种以上违纪行为": a sentence's subject, not a quantity
                    continue
                body = s[: m.start()] + "（  ）" + s[m.end():]
                variants = number_variants(el)
                stem = _lead_in(chunk) + body
                expl = f"{_cite(chunk)}规定：“{s}”故答案为“{el}”。"
                out.append((QuizItem(id=_item_id(stem), type="填空", stem=stem, answer=accepted_forms(el), explanation=expl,
                                     source=QuizSource(title=chunk.title, article=chunk.article, quote=s),
                                     difficulty="易", tags=[chunk.title, "数字"]), body))
                if len(variants) >= 3:
                    distractors = variants[:3] if difficulty != "易" else variants[-3:]
                    out.append((self._single(chunk, s, body, el, distractors, ["数字"]), body))
                    wrong = variants[0]
                    false_s = s[: m.start()] + wrong + s[m.end():]
                    stem_f = _lead_in(chunk) + "判断：" + false_s
                    out.append((QuizItem(id=_item_id(stem_f), type="判断", stem=stem_f, answer="错误",
                                         explanation=f"{_cite(chunk)}规定：“{s}”题中“{wrong}”应为“{el}”，故错误。",
                                         source=QuizSource(title=chunk.title, article=chunk.article, quote=s),
                                         difficulty="中", tags=[chunk.title, "数字"]), false_s))
        return out

    def _single(self, chunk: Chunk, s: str, body: str, key: str, distractors: list[str], tags: list[str]) -> QuizItem:
        opts = [key, *distractors[:3]]
        self.rng.shuffle(opts)
        options = {LETTERS[i]: o for i, o in enumerate(opts)}
        answer = LETTERS[opts.index(key)]
        stem = _lead_in(chunk) + body
        return QuizItem(id=_item_id(stem), type="单选", stem=stem, options=options, answer=answer,
                        explanation=f"{_cite(chunk)}规定：“{s}”故选 {answer}（{key}）。",
                        source=QuizSource(title=chunk.title, article=chunk.article, quote=s), difficulty="中",
                        tags=[chunk.title, *tags])

    def _parallel(self, enum: _Enumeration, pool: list[_Enumeration]) -> list[str]:
        """Members of *parallel* enumerations — same regulation, a lead sharing a content bigram
        (党员享有下列权利 ~ 党员必须履行下列义务), members of similar length — that do not occur in
        this enumeration's article. Nearest article first."""
        src = norm(enum.chunk.text)
        bigrams = {b for b in (enum.lead[i:i + 2] for i in range(len(enum.lead) - 1))
                   if not any(ch in b for ch in "的是和要了在对与及")} - _GENERIC_BIGRAMS
        others = sorted(
            (e for e in pool if e.chunk.title == enum.chunk.title and e.chunk.article_no != enum.chunk.article_no
             and e.items == enum.items and _related(bigrams, enum.lead, e.lead) and same_kind_list(enum.offer, e.offer)),
            key=lambda e: abs((e.chunk.article_no or 999) - (enum.chunk.article_no or 999)))
        avg = sum(map(len, enum.offer)) / max(1, len(enum.offer))
        out = []
        for e in others:
            for m in e.offer:
                if norm(m) not in src and 0.5 * avg <= len(m) <= 1.6 * avg + 2 and m not in out:
                    out.append(m)
        return out

    def _membership(self, enum: _Enumeration, lead: str, quote: str, phrase: str, key: str, opts: list[str],
                    why: str, tags: list[str]) -> QuizItem:
        """A "“lead”，下列…是（  ）" single choice whose key is ``key`` among the options ``opts`` (shuffled)."""
        chunk = enum.chunk
        opts = list(opts)
        self.rng.shuffle(opts)
        stem = f"{_lead_in(chunk)}“{lead}”，{phrase}"
        answer = LETTERS[opts.index(key)]
        return QuizItem(id=_item_id(stem), type="单选", stem=stem, options={LETTERS[i]: o for i, o in enumerate(opts)},
                        answer=answer, explanation=f"{_cite(chunk)}列举为：{'；'.join(enum.members)}。{why}，故选 {answer}。",
                        source=QuizSource(title=chunk.title, article=chunk.article, quote=quote),
                        difficulty="中", tags=[chunk.title, *tags])

    def _enum_candidates(self, enum: _Enumeration, pool: list[_Enumeration]) -> list[tuple[QuizItem, str | None]]:
        chunk, out = enum.chunk, []
        parallel = self._parallel(enum, pool)
        is_items = enum.sentence.endswith("：")
        quote = strip_article_label(chunk.text) if is_items else enum.sentence
        lead = re.sub(r"\s+", "", enum.lead).rstrip("：:，, ")
        if "。" in lead:  # "党的基层组织是…。它的基本任务是" → "党的基层组织的基本任务是"
            prev, lead = lead.rsplit("。", 1)
            if lead.startswith("它") and "是" in prev:
                lead = prev.split("是")[0] + lead[1:]
        src_kind = "列举"
        offer = list(enum.offer)
        if LISTING_LEAD.search(lead) and len(parallel) >= 2 and len(offer) >= 3:
            # one 多选 on a random subset of the members (three or four) and one or two distractors
            k = min(4, len(offer))
            members = self.rng.sample(offer, k)
            opts = members + self.rng.sample(parallel[:4], 1 if k == 4 else 2)
            self.rng.shuffle(opts)
            options = {LETTERS[i]: o for i, o in enumerate(opts)}
            answer = "".join(LETTERS[i] for i, o in enumerate(opts) if o in members)
            others = "、".join(f"“{o}”" for o in opts if o not in members)
            stem = f"{_lead_in(chunk)}“{lead}”，{self.rng.choice(('下列选项中属于其所列内容的有（  ）。', '以下各项中，属于其所列内容的有（  ）。'))}"
            out.append((QuizItem(id=_item_id(stem), type="多选", stem=stem, options=options, answer=answer,
                                 explanation=f"{_cite(chunk)}列举为：{'；'.join(enum.members)}。{others}不在其中，故选 {answer}。",
                                 source=QuizSource(title=chunk.title, article=chunk.article, quote=quote),
                                 difficulty="难", tags=[chunk.title, src_kind]), None))
            if len(parallel) >= 3:
                key = self.rng.choice(offer)
                out.append((self._membership(enum, lead, quote, "下列选项中属于其所列内容的是（  ）。", key,
                                             [key, *self.rng.sample(parallel, 3)], f"只有“{key}”在其中", [src_kind]), None))
                # reversed: three listed members and one from the parallel list
                odd = self.rng.choice(parallel[:3])
                out.append((self._membership(enum, lead, quote, "下列选项中不属于其所列内容的是（  ）。", odd,
                                             [*self.rng.sample(offer, 3), odd], f"“{odd}”不在其中", [src_kind, "不属于"]), None))
            # 判断: a member of the parallel list stated as a member of this one (false), and a true member
            if is_items and parallel:
                for statement, ans in ((self.rng.choice(parallel[:3]), "错误"), (self.rng.choice(offer), "正确")):
                    stem_j = f"{_lead_in(chunk)}判断：“{lead}”，其中包括：{statement}。"
                    why = "不在其中" if ans == "错误" else "在其中"
                    out.append((QuizItem(id=_item_id(stem_j), type="判断", stem=stem_j, answer=ans,
                                         explanation=f"{_cite(chunk)}列举为：{'；'.join(enum.members)}。“{statement}”{why}，故{ans}。",
                                         source=QuizSource(title=chunk.title, article=chunk.article, quote=quote),
                                         difficulty="中", tags=[chunk.title, src_kind, "列举归属"]), statement))
        if not is_items:
            s = enum.sentence
            run = "、".join(enum.members)
            start = s.find(run)
            if start < 0:
                return out
            key = enum.members[-1]
            if "“" in key or "”" in key:
                return out
            others = sorted(map(len, enum.members[:-1]))
            if len(key) >= max(others) + 2 or len(key) > 2 * others[0] + 3:
                return out  # "农民、知识分子中发展党员": the run's end overran the list, not a member
            pieces = [*enum.members[:-1], "（  ）"]
            body = s[:start] + "、".join(pieces) + s[start + len(run):]
            stem = _lead_in(chunk) + body
            out.append((QuizItem(id=_item_id(stem), type="填空", stem=stem, answer=[key],
                                 explanation=f"{_cite(chunk)}规定：“{s}”故答案为“{key}”。",
                                 source=QuizSource(title=chunk.title, article=chunk.article, quote=s),
                                 difficulty="中", tags=[chunk.title, src_kind]), body))
            # a false 判断 with a member of a parallel list in the key's place, only one of the same
            # kind (same length ±1 and last character: 组织纪律 for 廉洁纪律; "经常、认真、创造力" for
            # "…严肃" is not a statement anyone would make)
            near = [m for m in parallel if abs(len(m) - len(key)) <= 1 and m[-1] == key[-1]]
            if near and len(lead) <= 20:
                false_s = s[:start] + run.replace(key, near[0]) + s[start + len(run):]
                stem_f = _lead_in(chunk) + "判断：" + false_s
                out.append((QuizItem(id=_item_id(stem_f), type="判断", stem=stem_f, answer="错误",
                                     explanation=f"{_cite(chunk)}规定：“{s}”题中“{near[0]}”应为“{key}”，故错误。",
                                     source=QuizSource(title=chunk.title, article=chunk.article, quote=s),
                                     difficulty="中", tags=[chunk.title, src_kind]), false_s))
        return out

    def _judgement_candidates(self, chunk: Chunk) -> list[tuple[QuizItem, str]]:
        out = []
        body_text = strip_article_label(chunk.text)
        lead = body_text.split("（一）")[0].strip().rstrip("：") if "（一）" in body_text else ""
        for raw in sentences_of(chunk):
            s = ITEM.sub("", raw, count=1) if ITEM.match(raw) else raw
            if not (MIN_STATEMENT <= len(s) <= 90):
                continue
            # an item of a list ("（一）参加党的有关会议…") is stated with its lead for context
            framed = bool(lead and ITEM.match(raw))
            frame = (lambda x: f"“{lead}”，其中包括：{x}") if framed else (lambda x: x)
            stem = _lead_in(chunk) + "判断：" + frame(s)
            out.append((QuizItem(id=_item_id(stem), type="判断", stem=stem, answer="正确",
                                 explanation=f"{_cite(chunk)}原文即为：“{s}”故正确。",
                                 source=QuizSource(title=chunk.title, article=chunk.article, quote=s),
                                 difficulty="易", tags=[chunk.title, "原文"]), s))
            # a list item is a condition or a behaviour: "…的违纪行为不得受到党纪处分的" listed among the
            # grounds for a heavier 处分 is nonsense, not a false statement
            for a, b in ([] if framed else MODALS):
                # not a modal inside a 的-phrase: "违纪行为应当受到的处分幅度" → "不得受到的处分幅度" is nonsense
                if a in s and not re.search(re.escape(a) + r"[^，。；、的]{1,3}的", s) and not in_topic_clause(s, s.index(a)):
                    false_s = s.replace(a, b, 1)
                    stem_f = _lead_in(chunk) + "判断：" + frame(false_s)
                    out.append((QuizItem(id=_item_id(stem_f), type="判断", stem=stem_f, answer="错误",
                                         explanation=f"{_cite(chunk)}规定：“{s}”题中“{b}”应为“{a}”，故错误。",
                                         source=QuizSource(title=chunk.title, article=chunk.article, quote=s),
                                         difficulty="中", tags=[chunk.title, "情态"]), false_s))
                    break
        return out

    # ---------------------------------------------------------------- scope
    def scoped(self, source: str | None, articles: str | None) -> list[Chunk]:
        """Regulation passages of one regulation (title contains ``source``, 《》 ignored) and, when
        given, an article range ("第八条-第十四条", "8-14", "第三条,第五条"), in article order.

        Raises:
            ValueError: no indexed regulation matches ``source``, or ``articles`` cannot be read.
        """
        chunks = self.regulation_chunks()
        if source:
            want = source.strip().strip("《》")
            chunks = [c for c in chunks if want in c.title or c.title in want]
            if not chunks:
                titles = sorted({c.title for c in self.regulation_chunks()})
                raise ValueError(f"知识库中没有法规“{want}”（已收录：{'、'.join(titles)}）")
        if articles:
            wanted = parse_articles(articles)
            chunks = [c for c in chunks if c.article_no in wanted]
        return sorted(chunks, key=lambda c: (c.title, c.article_no or 0))

    # ---------------------------------------------------------------- assembly
    def _candidates(self, chunks: list[Chunk], difficulty: str) -> list[tuple[QuizItem, str | None, Chunk, int]]:
        if self._enum_pool is None:
            self._enum_pool = [e for c in self.regulation_chunks() for e in enumerations(c)]
        pool = self._enum_pool
        out = []
        for rank, chunk in enumerate(chunks):
            cands: list[tuple[QuizItem, str | None]] = []
            cands += self._fill_candidates(chunk, difficulty)
            for enum in enumerations(chunk):
                made = self._enum_candidates(enum, pool)
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
            cands += self._judgement_candidates(chunk)
            out += [(item, body, chunk, rank) for item, body in cands]
        return out + self._statement_choices(out)

    def _statement_choices(self, cands: list) -> list:
        """单选 of the contest form "下列说法正确的是": the key a sentence of the article as it stands,
        the three distractors false versions (a modal verb or a number changed, as the false 判断
        items are made, each checked false against the index) of other sentences of the same
        regulation among the topic's articles (the same article first, changed numbers before
        changed modal verbs). Statements of 15–50 characters that stand on their own (the gate's
        context checks); every sentence used is one of the item's facts."""
        def usable(item: QuizItem, body: str | None) -> bool:
            stmt = body or ""
            return (item.type == "判断" and "列举归属" not in item.tags and "其中包括" not in item.stem
                    and MIN_STATEMENT <= len(stmt) <= 50 and not missing_context("判断：" + stmt)
                    and not dangling_opening("判断：" + stmt) and not unfinished_sentence(item.source.quote))

        true = [(i, b, c, r) for i, b, c, r in cands if usable(i, b) and i.answer == "正确"]
        # only a changed modal verb or number is surely false; a list member swapped for another
        # ("…甘于奉献、廉洁自律" for "…严守纪律") may still be a fair statement
        false = [(i, b, c, r) for i, b, c, r in cands if usable(i, b) and i.answer == "错误"
                 and ("情态" in i.tags or "数字" in i.tags)]
        checked: dict[str, bool] = {}

        def really_false(x) -> bool:
            item, body, chunk, _ = x
            if item.id not in checked:
                checked[item.id] = check_item(item, chunk.text, self.truth_probe, body=body) is None
            return checked[item.id]

        out = []
        for key, kbody, chunk, rank in true:
            others = [x for x in false if x[2].title == chunk.title and norm(x[0].source.quote) != norm(key.source.quote)]
            self.rng.shuffle(others)
            # the same article first; a changed number before a changed modal verb (a row of
            # "不得" statements gives the key away)
            others.sort(key=lambda x: (x[2].id != chunk.id, "数字" not in x[0].tags))
            picked, quotes = [], {norm(key.source.quote)}
            for x in others:
                if norm(x[0].source.quote) not in quotes and really_false(x):
                    picked.append(x)
                    quotes.add(norm(x[0].source.quote))
                if len(picked) == 3:
                    break
            if len(picked) < 3:
                continue
            opts = [kbody.rstrip("。；"), *(x[1].rstrip("。；") for x in picked)]
            keytext = opts[0]
            self.rng.shuffle(opts)
            letter = LETTERS[opts.index(keytext)]
            same = all(x[2].id == chunk.id for x in picked)
            stem = f"根据{_cite(chunk)}{'' if same or not chunk.article else '等规定'}，下列说法正确的是（  ）。"
            wrong = "；".join(f"{x[0].explanation.split('题中', 1)[-1].rstrip('。')}" for x in picked)
            item = QuizItem(id=_item_id(stem + keytext), type="单选", stem=stem,
                            options={LETTERS[i]: o for i, o in enumerate(opts)}, answer=letter,
                            explanation=f"{_cite(chunk)}规定：“{kbody}”故选 {letter}。其余各项：{wrong}。",
                            source=QuizSource(title=chunk.title, article=chunk.article, quote=key.source.quote),
                            difficulty="中", tags=[chunk.title, "说法辨析"],
                            also_quotes=[x[0].source.quote for x in picked])
            out.append((item, None, chunk, rank))
        return out

    def gate(self, item: QuizItem, body: str | None, chunk: Chunk) -> str | None:
        """The issue-#19 quality gate (:mod:`bot.quiz.check`) on one item; may rewrite a stem whose
        statement opens with a pronoun using the article's subject. Returns the drop reason or None."""
        opts = list(item.options.values())
        if item.type in ("单选", "多选"):
            for o in opts:
                if (why := fragment_option(o)):
                    return why
        if item.type == "判断" and "列举归属" in item.tags and body and (why := fragment_option(body)):
            return why
        if item.type == "填空":
            answers = item.answer if isinstance(item.answer, list) else [item.answer]
            if (why := fragment_option(answers[0])) or (why := leaks_key(item.stem, answers)):
                return why
        if item.type == "单选":
            key = item.options.get(str(item.answer), "")
            others = [t for x, t in item.options.items() if x != item.answer]
            if (why := kind_mismatch(key, others)):
                return why
            if "不属于" not in item.tags and (why := leaks_key(item.stem, [key])):
                return why
        if item.type == "多选":
            if (why := leaks_key(item.stem, [], opts)):
                return why
        if item.type == "判断" and (body or item.stem).rstrip().endswith(("：", ":", "，", "、")):
            return "题干是残句"  # a statement cut before its list ("…可以予以：")
        if (why := missing_context(item.stem)) or (why := too_long(item.stem)):
            return why
        if "其中包括：" not in item.stem and "“" not in item.stem[:40] and (why := unfinished_sentence(item.source.quote)):
            return why
        if item.stem.endswith(("；", ";")):  # a clause of a longer sentence, stated on its own
            item.stem = item.stem[:-1] + "。"
        if dangling_opening(item.stem):
            statement = statement_of(item.stem)
            fixed = resolve_opening(statement, article_subject(chunk))
            if not fixed:
                return "题干指代不明"
            item.stem = item.stem[: len(item.stem) - len(statement)] + fixed
        return None

    def generate(self, topic: str, counts: dict[str, int], difficulty: str = "中",
                 existing: list[str] | None = None, k: int = 20, keep: float = 0.9,
                 chunks: list[Chunk] | None = None, per_article: int = 2, more: list[Chunk] | None = None) -> QuizSet:
        """Items for ``topic``: ``counts`` per type (e.g. {"单选": 3, "多选": 3, "判断": 3, "填空": 3});
        passages as in :meth:`passages` (``k``, ``keep``) unless ``chunks`` is given; ``more``: further
        passages used only when the first ones do not give enough items. At most ``per_article``
        items from one article; no two items on one fact (:func:`bot.quiz.check.fact_key`); every
        candidate through :func:`check_item` and :meth:`gate`. When a type runs short, the other
        requested types fill up to the total."""
        self._precounted = Counter()
        chunks = self.passages(topic, k=k, keep=keep) if chunks is None else chunks
        cands = self._candidates(chunks, difficulty)
        if more:
            known = {c.id for c in chunks}
            cands += [(i, b, c, r + len(chunks)) for i, b, c, r in self._candidates([c for c in more if c.id not in known], difficulty)]
        result = QuizSet(items=[])
        result.dropped += self._precounted
        result.articles = len({(c.title, c.article) for c in chunks})
        seen = {norm(s) for s in (existing or [])}
        facts: set = set()
        texts: list[str] = []  # fact texts of the items taken (same fact in another article)
        per: Counter = Counter()
        # best articles first, shuffled within a window of ARTICLE_JITTER ranks: a different set each
        # time (unless seeded) that still draws on the articles closest to the topic
        total = sum(counts.values())
        window = max(ARTICLE_JITTER, total / max(1, per_article))
        jitter = {r: r + self.rng.uniform(0, window) for r in {x[3] for x in cands}}
        queues = {t: sorted((x for x in cands if x[0].type == t), key=lambda x: (jitter[x[3]], self.rng.random()))
                  for t in TYPES}

        def take(t: str) -> bool:
            q = queues[t]
            while q:
                item, body, chunk, _ = q.pop(0)
                art = (chunk.title, chunk.article or chunk.id)
                if per[art] >= per_article:
                    continue
                result.candidates += 1
                keys = item_facts(item, body)
                text = fact_text(item, body)
                if keys & facts or (text and any(same_fact(text, t) for t in texts)):
                    result.dropped["与已选题考同一知识点"] += 1
                    continue
                item.check_body = body
                reason = check_item(item, chunk.text, self.truth_probe, body=body) or self.gate(item, body, chunk)
                if reason:
                    result.dropped[reason] += 1
                    continue
                if norm(item.stem) in seen:  # after the gate, which may rewrite the stem
                    result.dropped["题干重复"] += 1
                    continue
                seen.add(norm(item.stem))
                facts.update(keys)
                if text:
                    texts.append(text)
                per[art] += 1
                result.items.append(item)
                return True
            return False

        made = Counter()
        progress = True
        while progress:  # interleave types so article slots are shared across types
            progress = False
            for t in TYPES:
                if made[t] < counts.get(t, 0) and take(t):
                    made[t] += 1
                    progress = True
        progress = True
        while len(result.items) < total and progress:  # a type ran short: fill with the others in turn
            progress = False
            for t in FILL_ORDER:
                if counts.get(t, 0) > 0 and len(result.items) < total and take(t):
                    progress = True
        return result


def article_subject(chunk: Chunk) -> str | None:
    """The subject of an article's first sentence ("党组成员应当…" → "党组成员"), or None."""
    first = (sentences_of(chunk) or [""])[0]
    m = re.match(r"([^，。；：、“”（）\s]{2,10}?)(应当|必须|可以|不得|是|要|由|有|享有|负责)", first)
    if not m or dangling_opening(m.group(1)) or m.group(1).startswith(("对", "在", "凡", "经", "各")):
        return None
    return m.group(1)


def item_facts(item: QuizItem, body: str | None) -> set:
    """The facts an item tests (see :func:`bot.quiz.check.fact_key`): its source sentence as a whole
    (a set keeps one item per sentence), or its list when it is made from an enumeration (one item
    per list: two 多选 on 第四十一条's five 处分 answer each other); and the element it masks or
    changes. A 判断 tests its whole source sentence (so the true and false versions of one
    statement collide); one that changes a number also tests that number, as a 填空 on it does."""
    q = item.source.quote
    lists = {fact_key(t, "列举") for t in item.tags if t.startswith(ENUM_TAG)}
    # one item per source sentence: two items on one sentence show each other's key (a 填空 on its
    # number beside a 判断 stating it); list items are keyed by their list instead
    also = {fact_key(x, "句") for x in item.also_quotes}
    return lists | also | {fact_key(q, "句")} | _item_facts(item, body, q)


def _item_facts(item: QuizItem, body: str | None, q: str) -> set:
    if item.type == "填空":
        answers = item.answer if isinstance(item.answer, list) else [item.answer]
        return {fact_key(q, answers[0])}
    if item.type == "判断":
        keys = {fact_key(q, body if "列举归属" in item.tags else None)}
        m = re.search(r"应为“([^”]+)”", item.explanation)
        if m:
            keys.add(fact_key(q, m.group(1)))
        return keys
    if item.type == "单选":
        key = item.options.get(str(item.answer), "")
        return {fact_key(q, ("不属于:" if "不属于" in item.tags else "") + key)}
    keys_text = sorted(item.options[x] for x in str(item.answer) if x in item.options)
    return {fact_key(q, "多选:" + "|".join(keys_text))}


def fact_text(item: QuizItem, body: str | None) -> str | None:
    """The source words an item asks about, with the key in place: for a masked item the ten
    characters either side of the key, for a 判断 its source sentence; None for list items (their
    list is their fact). Compared across articles and regulations with :func:`bot.quiz.check.same_fact`."""
    if any(t.startswith(ENUM_TAG) for t in item.tags) or "列举归属" in item.tags:
        return None
    if item.type == "判断":
        return item.source.quote
    if item.type in ("填空", "单选") and body and "（  ）" in body:
        key = (item.answer[0] if isinstance(item.answer, list) else item.options.get(str(item.answer), ""))
        at = body.index("（  ）")
        return body[max(0, at - 10): at] + key + body[at + 4: at + 14]
    return None


def parse_articles(spec: str) -> set[int]:
    """Article numbers from "第八条-第十四条", "8-14", "第三条,第五条", "第八条至第十条".

    Raises:
        ValueError: a part that is not an article number.
    """
    out: set[int] = set()

    def num(x: str) -> int:
        x = x.strip().removeprefix("第").removesuffix("条").strip()
        v = int(x) if x.isdigit() else chinese_number(x)
        if not isinstance(v, int) or v <= 0:
            raise ValueError
        return v

    try:
        for part in re.split(r"[,，、;；\s]+", spec.strip()):
            if not part:
                continue
            bits = re.split(r"[-–—~～至到]", part)
            if len(bits) == 2:
                a, b = num(bits[0]), num(bits[1])
                out.update(range(min(a, b), max(a, b) + 1))
            elif len(bits) == 1:
                out.add(num(bits[0]))
            else:
                raise ValueError
    except (ValueError, TypeError) as e:
        raise ValueError(f"无法识别条文范围“{spec}”（例：第八条-第十四条）") from e
    if not out:
        raise ValueError(f"无法识别条文范围“{spec}”（例：第八条-第十四条）")
    return out


#: share of each type in a set when the caller does not fix the counts: contest papers on 党章党规
#: lead with 单选 (the banks in ../shared/eval/quizbanks are mostly single choice), then 判断 and
#: 多选, a few 填空. Before #19's second round the split was even, and 判断 filled what the others
#: lacked (137 of 242 items in eval.quiz).
TYPE_SHARE = {"单选": 0.35, "多选": 0.2, "判断": 0.3, "填空": 0.15}
#: the order in which types take turns making up for one that runs short
FILL_ORDER = ("单选", "多选", "填空", "判断")


def split_counts(n: int, types: list[str] | None = None) -> dict[str, int]:
    """Spread ``n`` items over ``types`` by :data:`TYPE_SHARE` (largest remainder; every requested
    type gets at least one when ``n`` allows): 20 → 单选 7, 多选 4, 判断 6, 填空 3."""
    types = [t for t in TYPES if t in (types or TYPES)]
    total = sum(TYPE_SHARE[t] for t in types)
    raw = {t: n * TYPE_SHARE[t] / total for t in types}
    counts = {t: int(raw[t]) for t in types}
    for t in sorted(types, key=lambda t: raw[t] - counts[t], reverse=True)[: n - sum(counts.values())]:
        counts[t] += 1
    for t in types:  # a requested type with no share left (n small): take one from the largest
        if counts[t] == 0 and n >= len(types):
            big = max(counts, key=counts.get)
            counts[big] -= 1
            counts[t] += 1
    return counts


def generate_quiz(pipeline, topic: str, n: int = 12, types: list[str] | None = None, difficulty: str = "中",
                  existing: list[str] | None = None, use_llm: bool | None = None, *, seed: int | None = None,
                  source: str | None = None, articles: str | None = None, per_article: int = 2) -> QuizSet:
    """Generate ``n`` checked items on ``topic`` (or on an exact scope: regulation ``source`` and
    article range ``articles``): with the configured LLM when there is one (``use_llm`` None = when
    configured, topic mode only), else, or when it fails, offline (see module docstring).

    Random unless ``seed`` is given (same seed → same set). At most ``per_article`` items per
    article. When fewer than ``n`` pass, ``QuizSet.shortfall`` says how many and why.

    Raises:
        ValueError: unknown type name, empty topic without a scope, unknown regulation or bad range,
            empty knowledge base.
    """
    if not topic.strip() and not source:
        raise ValueError("请给出出题主题")
    if pipeline.index.count() == 0:
        from bot.kb.admin import empty_message

        raise ValueError(empty_message("出题"))
    if articles and not source:
        raise ValueError("指定条文范围时请同时给出法规名称（--source）")
    types = types or list(TYPES)
    bad = [t for t in types if t not in TYPES]
    if bad:
        raise ValueError(f"未知题型：{'、'.join(bad)}（可选：单选、多选、判断、填空）")
    note = None
    if not source and (use_llm or (use_llm is None and getattr(pipeline, "generator", None) is not None)):
        from bot.answer.generative import LLMError, describe_error

        try:
            qs = generate_quiz_llm(pipeline, topic, n, types, difficulty, existing)
            qs.mode = "llm"
            if qs.items:
                return qs
            note = "大模型生成的题目都未通过原文校验，已改用离线出题。"
        except LLMError as e:
            note = f"{e}，已改用离线出题。"
        except Exception as e:  # endpoint down, timeout, HTTP error
            note = f"{describe_error(e)}，已改用离线出题。"
    gen = QuizGenerator(pipeline, seed=seed)
    counts = split_counts(n, types)
    from bot.config import get_settings

    st = get_settings()
    if source:
        chunks = gen.scoped(source, articles)
        qs = gen.generate(topic, counts, difficulty, existing, chunks=chunks, per_article=per_article)
        scope = f"《{chunks[0].title}》{articles or ''}" if chunks else f"“{source}”{articles or ''}"
    else:
        first = gen.passages(topic, k=st.quiz_retrieve_k, keep=st.quiz_keep)
        # a narrow topic: more passages, but only ones still close to the topic (relevance cutoff)
        wider = gen.passages(topic, k=st.quiz_retrieve_k_wide, keep=st.quiz_keep_wide)
        qs = gen.generate(topic, counts, difficulty, existing, chunks=first, per_article=per_article, more=wider)
        qs.articles = len({(c.title, c.article) for c in [*first, *wider]})
        scope = f"主题“{topic}”"
    qs.items.sort(key=lambda i: TYPES.index(i.type))
    if len(qs.items) < n:
        faults = "、".join(f"{r}{c}道" for r, c in qs.dropped.most_common(3))
        ceiling = qs.articles * per_article
        limit = f"，所以最多只能出 {ceiling} 题" if ceiling < n else ""
        why = (f"{scope}相关条文 {qs.articles} 条，每个条文最多出 {per_article} 题{limit}；通过质量检查的有 {len(qs.items)} 道"
               + (f"（未通过：{faults}）" if faults else "") + "。可提高每个条文的出题数、扩大范围或换个主题。")
        qs.shortfall = {"asked": n, "made": len(qs.items), "why": why}
    if note:
        qs.notes.append(note)
    return qs


# --------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------

def read_bank_stems(path: Path) -> list[str]:
    """Stems of an existing bank: .xlsx (column 题干), .json ({"items": [...]}) or text, one per line.

    Raises:
        ValueError: the file cannot be read or parsed (message names the file).
    """
    import json

    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            ws = load_workbook(path, read_only=True).active
            rows = list(ws.iter_rows(values_only=True))
            col = list(rows[0]).index("题干") if rows and "题干" in rows[0] else 1
            return [str(r[col]) for r in rows[1:] if r and r[col]]
        if path.suffix.lower() == ".json":
            return [i["stem"] for i in json.loads(path.read_text(encoding="utf-8")).get("items", [])]
        return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except (OSError, ValueError, KeyError, IndexError) as e:
        raise ValueError(f"无法读取已有题库 {path}：{e}") from e


XLSX_COLUMNS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "答案", "解析", "出处", "难度"]


def answer_text(item: QuizItem) -> str:
    """The key as written in a bank: letters, 正确/错误, or the accepted 填空 forms joined by "；"."""
    return "；".join(item.answer) if isinstance(item.answer, list) else item.answer




def export_xlsx(items: list[QuizItem], path: Path) -> None:
    """Write the common exam-platform import layout (columns :data:`XLSX_COLUMNS`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    ws.append(XLSX_COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for it in items:
        opts = [it.options.get(x, "") for x in LETTERS]
        ws.append([it.type, it.stem, *opts, answer_text(it), it.explanation,
                   f"《{it.source.title}》{it.source.article or ''}", it.difficulty])
    for col, width in zip("ABCDEFGHIJK", (6, 60, 18, 18, 18, 18, 18, 10, 60, 24, 6)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if c.data_type == "f":  # text from a document that starts with "=" is text, never a formula
                c.data_type = "s"
    wb.save(path)


def export_docx(items: list[QuizItem], path: Path, title: str = "党章党规知识竞赛试题") -> None:
    """A paper (questions by type) followed by a separate answer key with 解析 and 出处."""
    import docx

    d = docx.Document()
    d.add_heading(title, level=0)
    numbered = list(enumerate(items, start=1))
    for t in TYPES:
        group = [(n, it) for n, it in numbered if it.type == t]
        if not group:
            continue
        d.add_heading(f"{t}题", level=1)
        for n, it in group:
            d.add_paragraph(f"{n}. {it.stem}")
            for letter, text in it.options.items():
                d.add_paragraph(f"{letter}. {text}", style="List Bullet")
    d.add_page_break()
    d.add_heading("参考答案与解析", level=1)
    for n, it in numbered:
        p = d.add_paragraph()
        p.add_run(f"{n}. 答案：{answer_text(it)}").bold = True
        d.add_paragraph(f"解析：{it.explanation}")
        d.add_paragraph(f"出处：《{it.source.title}》{it.source.article or ''}")
    d.save(path)


def grade(item: QuizItem, response: str | list[str] | None) -> bool:
    """Is ``response`` right for ``item``? 单选: a letter; 多选: letters (any order, list or str);
    判断: "正确"/"错误"; 填空: text compared after normalisation with every accepted form."""
    if response is None:
        return False
    if item.type == "多选":
        letters = "".join(response) if isinstance(response, list) else str(response)
        return sorted(letters.replace(",", "").replace(" ", "")) == sorted(str(item.answer))
    if item.type == "填空":
        answers = item.answer if isinstance(item.answer, list) else [item.answer]
        text = norm(str(response)).rstrip("。")
        return any(text == norm(a) for a in answers)
    return str(response).strip() == str(item.answer)


# --------------------------------------------------------------------------------------
# LLM mode
# --------------------------------------------------------------------------------------


class _LLMItem(BaseModel):
    type: ItemType
    stem: str
    options: dict[str, str] = Field(default_factory=dict)
    answer: str | list[str]
    explanation: str
    source_n: int
    quote: str


class _LLMItems(BaseModel):
    items: list[_LLMItem]


def extract_json(text: str) -> str:
    """The JSON object in a model reply (code fences and chatter around it removed)."""
    text = re.sub(r"^```(?:json)?|```$", "", text.strip(), flags=re.M).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start: end + 1] if start >= 0 and end > start else text


def generate_quiz_llm(pipeline, topic: str, n: int = 12, types: list[str] | None = None, difficulty: str = "中",
                      existing: list[str] | None = None) -> QuizSet:
    """Items written by the configured LLM from retrieved regulation passages, validated with
    pydantic (one retry on invalid JSON), then put through the same checks as offline items.

    Raises:
        bot.answer.generative.LLMError: the model returned invalid JSON twice.
        openai.OpenAIError: the endpoint failed (callers fall back to the offline generator).
    """
    from langchain_core.messages import AIMessage, HumanMessage
    from pydantic import ValidationError

    from bot.answer.generative import LLMError, make_chat_model
    from bot.llm.prompts import render

    types = types or list(TYPES)
    gen = QuizGenerator(pipeline)
    chunks = gen.passages(topic, k=20, keep=0.6)[:8]
    if not chunks:
        return QuizSet(items=[])
    blocks = "\n".join(render("passage", n=i, title=c.title, article=c.article or "", doc_type=c.doc_type,
                              text=c.text.replace("<<<", "‹‹‹").replace(">>>", "›››")) for i, c in enumerate(chunks, 1))
    counts = split_counts(n, types)
    messages = [HumanMessage(render("quiz", passages=blocks, n=n, counts="，".join(f"{t}{k}题" for t, k in counts.items() if k),
                                    difficulty=difficulty, topic=topic))]
    chat = make_chat_model(pipeline.settings, streaming=False)
    parsed = None
    for _attempt in range(2):
        raw = str(chat.invoke(messages).content)
        try:
            parsed = _LLMItems.model_validate_json(extract_json(raw))
            break
        except ValidationError as e:
            messages += [AIMessage(raw), HumanMessage(f"上面的输出不符合要求的 JSON 格式（{e.errors()[0]['msg']}），请只输出符合格式的 JSON。")]
    if parsed is None:
        raise LLMError("大模型连续两次返回了无效的 JSON")
    result = QuizSet(items=[])
    seen = {norm(s) for s in (existing or [])}
    for raw_item in parsed.items:
        result.candidates += 1
        if not 1 <= raw_item.source_n <= len(chunks):
            result.dropped["出处编号不存在"] += 1
            continue
        chunk = chunks[raw_item.source_n - 1]
        answer = raw_item.answer
        if raw_item.type == "填空" and isinstance(answer, str):
            answer = accepted_forms(answer)
        if raw_item.type == "多选" and isinstance(answer, str):
            answer = "".join(sorted(answer.replace(",", "").replace(" ", "")))
        try:
            item = QuizItem(id=_item_id(raw_item.stem), type=raw_item.type, stem=raw_item.stem, options=raw_item.options,
                            answer=answer, explanation=raw_item.explanation, difficulty=difficulty,
                            source=QuizSource(title=chunk.title, article=chunk.article, quote=raw_item.quote),
                            tags=[chunk.title, "大模型"])
        except ValidationError:
            result.dropped["格式不合要求"] += 1
            continue
        body = re.sub(r"^根据《[^》]+》[^，]{0,12}，", "", item.stem)
        body = body.split("判断：", 1)[-1] if item.type == "判断" else body
        if item.type == "单选" and "（  ）" not in body:
            body = None
        if "不属于" in item.stem:
            item.tags.append("不属于")
        if norm(item.stem) in seen:
            result.dropped["题干重复"] += 1
            continue
        item.check_body = body
        reason = check_item(item, chunk.text, gen.truth_probe, body=body if item.type != "多选" else None)
        if reason:
            result.dropped[reason] += 1
            continue
        seen.add(norm(item.stem))
        result.items.append(item)
    result.items.sort(key=lambda i: TYPES.index(i.type))
    return result
