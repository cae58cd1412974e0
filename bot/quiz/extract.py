"""What items are made from, read off regulation text: sentences (:func:`sentences_of`), number
elements and their plausible wrong values (:data:`NUMBER`, :func:`number_variants`,
:func:`accepted_forms`), enumerations (:func:`enumerations`: 顿号 runs and an article's （一）（二）…
list), an article's subject (:func:`article_subject`), and
article ranges typed by a user (:func:`parse_articles`). Pure functions over strings and
:class:`bot.schema.Chunk`; no index needed.

Sentences come from the shared splitter (:func:`bot.text.zh.sentence_pieces`: at 。；！？ and line breaks, no
ASCII marks, duplicates kept), not :func:`bot.text.zh.split_sentences`; :func:`sentences_of` keeps sentences
of at least 8 characters — items are numbered and keyed by these sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cn2an

from bot.quiz.check import dangling_opening, fragment_option, subject_only
from bot.schema import Chunk
from bot.text.refs import strip_article_label
from bot.text.zh import chinese_number, sentence_pieces

_CN = "零一二三四五六七八九十百两半"
#: a quantity: a fraction ("五分之一") or a number with a unit ("一年", "三人以上", "18周岁")
NUMBER = re.compile(
    rf"(?<![{_CN}\d第])(?:[{_CN}\d]+分之[{_CN}\d]+|[{_CN}\d]+(?:个)?(?:年|个月|日|天|周岁|岁|人|名|次|种))(?:以上|以下|以内)?(?!半)"
)
#: a sentence of a passage: up to and including 。；！？, or up to a line break
_MEMBER = r"[^、，。；：（）\s的]{2,10}|“[^”]{1,8}”[^、，。；：（）\s]{0,6}"
_FIRST = r"[^、，。；：（）\s]{2,20}|“[^”]{1,8}”[^、，。；：（）\s]{0,6}"
_LAST = r"[^、，。；：（）\s的等]{2,10}?|“[^”]{1,8}”[^、，。；：（）\s等]{0,6}?"
#: a 顿号 run of three or more members inside a sentence ("警告、严重警告、撤销党内职务…")
LIST_RUN = re.compile(rf"(?:^|(?<=[，。；：（）“”\s]))(?:{_FIRST})、(?:(?:{_MEMBER})、)+(?:{_LAST})(?=[，。；：）”]|等|$)")
#: a lead that introduces a list ("党的纪律主要包括", "对党员的纪律处分有五种", "党员享有下列权利")
LISTING_LEAD = re.compile(r"(包括|包含|有[一二三四五六七八九十]+种|分为|主要有|下列[^，。]{0,8}|如下|是)$")
_FUNCTION_WORDS = {"的", "和", "及", "与", "或", "在", "对", "把", "是", "了"}
#: bigrams too common in list leads to make two leads parallel (:func:`related_leads`)
GENERIC_BIGRAMS = {"下列", "包括", "享有", "履行", "主要", "必须", "应当", "以下", "中国", "国共", "共产", "产党"}
#: an item label of an article's list: （一）（二）…
ITEM = re.compile(r"（[一二三四五六七八九十]+）")
#: shortest sentence stated as a 判断 (characters with its end mark): "稳妥有序处置不合格党员。" (12) and
#: "针对存在的问题，采取改进措施。" (15) are slogans, not rules to judge
MIN_STATEMENT = 18
#: a sentence that is one parenthesis, such as a document's edition note (（…2017年10月24日通过）):
#: it records the text's history, it states no rule to be tested
_PARENTHETICAL = re.compile(r"^（[^（）]*）[。；]?$")


def _to_int(num: str) -> int | None:
    try:
        return chinese_number(num.replace("半", "0.5"))
    except (ValueError, TypeError):
        return None


def _fraction_variants(m: re.Match) -> list[str]:
    den, num = _to_int(m.group(1)) or 1, _to_int(m.group(2)) or 1
    value = num / den
    common = [(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (1, 5), (2, 5), (4, 5), (1, 10)]
    others = sorted((f for f in common if f != (num, den)), key=lambda f: abs(f[0] / f[1] - value))
    return [f"{cn2an.an2cn(d)}分之{cn2an.an2cn(n)}{m.group(3)}" for n, d in others]


#: values rules commonly set, per unit: a distractor among them reads as a real rule ("三个月", "一年"), where
#: one unit off the key ("五个月""七个月" around "六个月") is guessable (organiser's reading, issue #19)
COMMON_VALUES = {"个月": (1, 2, 3, 6, 12, 18, 24), "年": (1, 2, 3, 5, 10), "日": (3, 5, 7, 10, 15, 30),
                 "天": (3, 5, 7, 10, 15, 30)}


def _distractor_rank(c: int, value: int, unit: str) -> tuple:
    """Order of wrong values: halves and doubles and common values (:data:`COMMON_VALUES`) first, one
    unit off the key last, nearest (by ratio) first within each."""
    import math

    one_off = abs(c - value) == 1 and c not in (value * 2, value / 2)
    common = c in (value * 2, value / 2) or c in COMMON_VALUES.get(unit, ())
    return (one_off, not common, abs(math.log(c / value)) if value > 0 and c > 0 else float(abs(c - value)))


def number_variants(element: str) -> list[str]:
    """Plausible wrong values of a number element of the same unit: "一年" → ["半年", "两年", "三年", …],
    halves, doubles and common values first, one unit off last (:func:`_distractor_rank`) ([] when ``element`` is not a number with a unit).

    Fractions vary the denominator ("五分之一" → "三分之一", "四分之一", "十分之一").
    """
    m = re.fullmatch(rf"([{_CN}\d]+)分之([{_CN}\d]+)(.*)", element)
    if m:
        return _fraction_variants(m)
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
    cands |= {c for c in COMMON_VALUES.get(unit, ()) if c < 10 * max(1, value)}
    cands = {c for c in cands if c > 0 and c != value}
    out = []
    for c in sorted(cands, key=lambda c: _distractor_rank(c, value, unit)):
        if unit == "个月" and c in (12, 24):  # "一年" as rules say it, not "十二个月"
            years = c // 12
            out.append(f"{years if arabic else ('一' if years == 1 else '两')}年{suffix}")
            continue
        word = str(c) if arabic else ("两" if c == 2 and unit not in ("周岁", "岁") else cn2an.an2cn(c))
        out.append(f"{word}{ge}{unit}{suffix}")
    if unit == "年" and value == 1:
        out.insert(0, f"半年{suffix}")
    return out


def accepted_forms(answer: str) -> list[str]:
    """Equivalent written forms of an answer: "一年" → ["一年", "1年"]."""
    forms = [answer]
    m = re.fullmatch(rf"([{_CN}]+)(.*)", answer)
    # "半年" has no digit form (半 read as 0.5 would give "0年")
    if m and "半" not in m.group(1) and (v := _to_int(m.group(1))) is not None and "分之" not in answer:
        forms.append(f"{v}{m.group(2)}")
    return list(dict.fromkeys(forms))


@dataclass
class Enumeration:
    """A list in an article: ``lead`` the text before it ("党的纪律主要包括"), ``members`` every member
    in order (counted against the article's own count), ``sentence`` the sentence holding it (an
    article's item list: its lead ending with "："), ``offer`` the members that are whole units to
    offer as options (an item's first clause when the item is long)."""

    lead: str
    members: list[str]
    chunk: Chunk
    sentence: str
    offer: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.offer:
            self.offer = list(self.members)

    @property
    def items(self) -> bool:
        """An article's （一）（二）… list, not a 顿号 run inside a sentence."""
        return self.sentence.endswith("：")


def related_leads(bigrams: set[str], lead: str, other: str) -> bool:
    """Two list leads are parallel when they share two content bigrams, or one when both are short
    (党员享有下列权利 ~ 党员必须履行下列义务). ``bigrams``: the content bigrams of ``lead``."""
    shared = bigrams & {other[i:i + 2] for i in range(len(other) - 1)}
    return len(shared) >= 2 or (len(shared) == 1 and len(lead) <= 12 and len(other) <= 12)


def _words(text: str) -> list[str]:
    """jieba word segmentation (used to trim list members at word boundaries)."""
    import jieba

    jieba.setLogLevel(60)
    return [w for w in jieba.lcut(text) if w]


def sentences_of(chunk: Chunk) -> list[str]:
    """The sentences of a passage that items are made from: without its 第X条 label, at least 8
    characters, and not a lone parenthesis (:data:`_PARENTHETICAL`)."""
    body = strip_article_label(chunk.text)
    return [s.strip() for s in sentence_pieces(body) if len(s.strip()) >= 8 and not _PARENTHETICAL.match(s.strip())]


def _sentence_runs(chunk: Chunk) -> list[Enumeration]:
    """顿号 runs of three or more distinct members inside the passage's sentences."""
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
                out.append(Enumeration(lead, members, chunk, s))
    return out


def _item_list(chunk: Chunk) -> list[Enumeration]:
    """The article's item list (a lead ending with "：" then （一）（二）…, three items or more)."""
    body = strip_article_label(chunk.text)
    parts = ITEM.split(body)
    if not (len(parts) >= 4 and parts[0].strip().endswith("：")):
        return []
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
        return [Enumeration(lead, members, chunk, parts[0].strip(), offer)]
    return []


def enumerations(chunk: Chunk) -> list[Enumeration]:
    """顿号 lists in sentences, and the article's item list (lead ending with "：" + （一）…), in that order."""
    return _sentence_runs(chunk) + _item_list(chunk)


def article_subject(chunk: Chunk) -> str | None:
    """The subject of an article's first sentence ("党组成员应当…" → "党组成员"), or None."""
    first = (sentences_of(chunk) or [""])[0]
    m = re.match(r"([^，。；：、“”（）\s]{2,10}?)(应当|必须|可以|不得|是|要|由|有|享有|负责)", first)
    if not m or dangling_opening(m.group(1)) or m.group(1).startswith(("对", "在", "凡", "经", "各")):
        return None
    return m.group(1)


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
