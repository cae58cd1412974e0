"""Answer-first replies: what a question asks for, and the short direct answer taken verbatim from the
evidence (issue 18, item 2).

A member asking "党的地方各级代表大会多久开一次？" wants "每五年举行一次。" before the article. This module
reads the *kind* of answer a question asks for (:func:`question_type`) and finds, in the sentences an
answer quotes, the span of that kind (:func:`direct_answer`):

=========  ==========================================  ==================================================
type       asked as                                    direct answer (always a span of the evidence)
=========  ==========================================  ==================================================
count      几项、几种、多少条、哪几类…                     the count the text states ("五种：警告、…"), else the
                                                       number of items its enumeration actually lists ("八项。")
duration   多久、多长时间、几年、多少年内、期限…           the clause or span stating the time ("每五年举行一次。",
                                                       "二年内")
time       什么时候、何时、从什么时候算、哪一天…           the clause stating the point in time
                                                       ("从支部大会通过他为预备党员之日算起。")
number     多少、几名、多大、比例、年龄…                   the clause or span stating the quantity ("年满十八岁")
yesno      能不能、可不可以、有没有、是否、…吗              能/不能 (the question's own verb) decided from a negation
                                                       next to the asked term in the evidence, and that sentence
list       哪些、有什么、包括什么…                         the number of items the evidence's enumeration lists
procedure  怎么、如何、程序、步骤…                         none (the quoted evidence is the answer)
definition 是什么、什么是、指什么…                         none
=========  ==========================================  ==================================================

Nothing here invents an answer: when the evidence holds nothing of the asked kind, or the yes/no polarity is
not decidable from it, :func:`direct_answer` returns "" and the reply is the quoted evidence alone.
Question words that imply a quantity (年龄, 人数, 比例) are data in ``bot/text/lexicon.yaml`` (``answer_types``).

Public API: :func:`question_type`, :func:`direct_answer`, :func:`enumeration_items`, :func:`is_item`,
:data:`QUESTION_TYPES`.
"""

from __future__ import annotations

import re

import cn2an

from bot.text import lexicon
from bot.text.refs import strip_article_label
from bot.text.zh import STOP_ENDS, sentence_pieces

_NUMERAL = r"[一二三四五六七八九十百千两零〇\d]"

#: the kinds of answer a question can ask for, tried in this order (the first match wins)
QUESTION_TYPES: list[tuple[str, re.Pattern]] = [
    ("count", re.compile(r"(?:几|多少|哪几)(?:项|种|类|条|大类|个方面|方面|个部分|部分|点|个阶段|阶段|个环节|环节|道)")),
    ("duration", re.compile(r"多久|多长时间|多长|几年|多少年|几个月|多少个月|多少天|几天|几周|多少日|几日|期限多|时限|任期|期限是|有效期")),
    ("time", re.compile(r"什么时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|什么时间|从何|自何|起算|开始算|算起")),
    ("number", re.compile(r"多少|几[名位个人次级届倍]|多大|比例|百分之|几分之|半数|人数|名额|几岁|岁数|年纪|年龄")),
    ("yesno", re.compile(r"([能可要用会有是该得需准])[不没]\1|能否|可否|是否|可不可以|需不需要|应不应该|允不允许|"
                         r"(?:吗|(?<!什)么)[？?！!。\s]*$")),
    ("list", re.compile(r"哪些|有什么|有哪|包括什么|包含什么|包括哪|都有|什么样的")),
    ("procedure", re.compile(r"怎么|怎样|如何|程序|步骤|流程|手续|办法")),
    ("definition", re.compile(r"是什么|什么是|指什么|什么叫|何谓|含义|意思")),
]

#: An item line of an enumeration: （一）, (1), 一、, 1. / 1、
ITEM_RE = re.compile(r"^\s*(?:（[一二三四五六七八九十\d]{1,3}）|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}、|\d{1,2}[、.．](?!\d))")

#: A quantity with the words that qualify it (年满十八岁, 不超过两年, 每五年, 二年内, 三分之二以上, 半数以上)
_QUALIFIER_BEFORE = r"(?:年满|连续|满|每|不少于|不多于|不超过|不得超过|不得少于|不能少于|不能超过|不低于|不高于|至少|最多|最长|最短|超过|达到|一般为|为|在)?"
_QUALIFIER_AFTER = r"(?:以上|以下|以内|之内|内|左右|为宜)?"
_FRACTION = _NUMERAL + r"+分之" + _NUMERAL + r"+"
QUANTITY_RE = re.compile(
    r"(?<![第\d])" + _QUALIFIER_BEFORE
    + r"(?:(?P<frac>" + _FRACTION + r")|(?P<half>半数|过半数|半年|半个月)"
    + r"|(?P<num>" + _NUMERAL + r"+(?:\.\d+)?)\s*(?P<unit>个工作日|个月|周岁|个学时|学时|年|月|日|天|周|岁|名|人|次|项|种|类|条|届|倍|%|％|个))"
    + _QUALIFIER_AFTER
)
_DURATION_UNITS = {"个工作日", "个月", "个学时", "学时", "年", "月", "日", "天", "周"}
_COUNT_UNITS = {"项", "种", "类", "条", "个"}
#: A point in time: 从/自…之日(起/算起), …之前/以后, a calendar date, 期满/届满后
TIME_POINT_RE = re.compile(
    r"(?:从|自|于|在)[^，。；：]{1,40}?(?:之日|之时|之前|之后|以前|以后|期间|届满|期满|时|前|后)(?:起|算起|开始)?"
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?|[^，。；：]{0,20}(?:算起|起计算|起施行)"
)

#: negations that, in the clause stating the asked term, answer a yes/no question with "no"
NEGATION_RE = re.compile(r"没有|不得|不能|不准|不允许|不许|禁止|严禁|不宜|无权|不可|不应|不予|不再|不属于|不是|无须|无需|不需要|不必|不要|不列为|不作为|不能够|未经")
#: words that affirm in that clause (有权, 可以, 应当 …)
AFFIRM_RE = re.compile(r"可以|有权|享有|应当|必须|能够|允许|需要|须|要|有|能")

#: the question's own verb → (yes, no); "X不X" forms are read directly
_YES_NO = {"能": ("能", "不能"), "能够": ("能", "不能"), "可以": ("可以", "不可以"), "可": ("可以", "不可以"),
           "要": ("要", "不要"), "需要": ("需要", "不需要"), "需": ("需要", "不需要"), "用": ("要", "不用"),
           "必须": ("必须", "不必"), "应当": ("应当", "不应当"), "应该": ("应该", "不应该"), "该": ("应该", "不应该"),
           "有": ("有", "没有"), "会": ("会", "不会"), "允许": ("允许", "不允许"), "准": ("准许", "不准许"),
           "得": ("可以", "不得"), "是": ("是", "不是")}
_MODALS = sorted(_YES_NO, key=len, reverse=True)

#: the question forms whose 不/没 asks rather than negates (能不能, 有没有, 可不可以)
_ASKING_NOT = re.compile(r"([能可要用会有是该得需准])[不没]\1|可不可以|需不需要|应不应该|允不允许")
_CLAUSE = re.compile(r"[^，,；;：:。！？!?\n]+")


def question_type(question: str) -> str | None:
    """What ``question`` asks for: ``"count"``, ``"duration"``, ``"time"``, ``"number"``, ``"yesno"``,
    ``"list"``, ``"procedure"``, ``"definition"`` or None (:data:`QUESTION_TYPES`, then the lexicon's
    ``answer_types``: 入党年龄有什么要求 asks for a number, an age).

    Example: ``question_type("党员有几项权利？")`` → ``"count"``; ``question_type("预备党员能不能投票？")`` →
    ``"yesno"``."""
    q = (question or "").strip()
    for name, pattern in QUESTION_TYPES[:4]:
        if pattern.search(q):
            return name
    for word, kind in lexicon.answer_types().items():
        if word in q:
            return kind
    for name, pattern in QUESTION_TYPES[4:]:
        if pattern.search(q):
            return name
    return None


def is_item(line: str) -> bool:
    """Whether ``line`` is an item of an enumeration (starts with （一）, (1), 一、 or 1.)."""
    return bool(ITEM_RE.match(line))


def enumeration_items(text: str, lead_end: int) -> list[str]:
    """The item lines of the enumeration whose lead ends at character ``lead_end`` of ``text`` (the lead is
    "…下列权利：" and the items are the following lines starting with （一）… until a line that is no item;
    blank lines are skipped). Returns the item lines, stripped; [] when none follow."""
    items = []
    for line in text[lead_end:].split("\n"):
        if not line.strip():
            continue
        if not is_item(line):
            break
        items.append(line.strip())
    return items


def _clauses(sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]


def _clause_at(sentence: str, pos: int) -> str:
    for a, b in _clauses(sentence):
        if a <= pos < b:
            return sentence[a:b].strip()
    return ""


def _span_answer(sentence: str, m: re.Match, max_clause: int) -> str:
    """The clause of ``sentence`` holding match ``m`` when it is short enough to read as an answer, else the
    match itself (a quantity with its qualifiers). A clause the sentence goes on to widen ("连续六个月不参加党的
    组织生活，或不交纳党费，…") is only one alternative of the rule: then the match alone."""
    clause = _clause_at(sentence, m.start())
    if clause and len(clause) <= max_clause and m.group(0) in clause:
        after = sentence[sentence.find(clause) + len(clause):].lstrip("，,；; ")
        if not after.startswith(("或", "或者", "以及", "和")):
            return clause
    return m.group(0).strip()


def _quantities(sentence: str, kind: str, units: set[str] | None) -> list[re.Match]:
    out = []
    for m in QUANTITY_RE.finditer(sentence):
        unit = m.group("unit")
        if m.group("num") and re.fullmatch(r"\d{4}", m.group("num")) and unit in ("年", "月"):
            continue  # a calendar year (2019年), not a quantity
        if kind == "duration" and not (m.group("half") in ("半年", "半个月") or unit in _DURATION_UNITS):
            continue
        if kind == "count" and unit not in _COUNT_UNITS:
            continue
        if units and unit and unit not in units and kind != "duration":
            continue
        out.append(m)
    return out


def _asked_units(question: str) -> set[str] | None:
    """The unit a number question names (几名 → 名/人, 多大年纪 → 岁, 几次 → 次); None when it names none."""
    if re.search(r"年纪|年龄|岁数|几岁|多大", question):
        return {"岁", "周岁"}
    if re.search(r"几[名位个]人|多少人|几名|几位|人数|名额", question):
        return {"名", "人"}
    m = re.search(r"(?:几|多少|哪几)(个工作日|个学时|学时|个月|次|项|种|类|条|届|倍|天|日|年|周)", question)
    if m:
        unit = m.group(1)
        return {unit, unit.lstrip("个"), "个" + unit} if unit.endswith("学时") else {unit}
    return None


def _count_unit(question: str) -> str:
    m = re.search(r"(?:几|多少|哪几)(?:个)?(项|种|类|条|方面|部分|点|阶段|环节|道)", question)
    return m.group(1) if m else "项"


def _cn(n: int) -> str:
    return cn2an.an2cn(str(n)) if n != 2 else "两"


def _focus_pos(sentence: str, focus: list[str]) -> int:
    """Position of the first of ``focus`` (words, in order of preference) in ``sentence``; -1 if none."""
    for w in focus:
        i = sentence.find(w)
        if i >= 0:
            return i
    return -1


def _polarity(sentence: str, focus: list[str]) -> bool | None:
    """True (yes) / False (no) / None (undecidable) for the clause of ``sentence`` stating a focus term: a
    negation before the term in that clause says no; an affirming word before it, yes."""
    pos = _focus_pos(sentence, focus)
    if pos < 0:
        return None
    term = next(w for w in focus if sentence.find(w) == pos)
    if _QUALIFIES_PERSONS.match(sentence[pos + len(term):]):
        return None  # 有表决权的党员 picks out people by the term: it says nothing of the question's subject
    for a, b in _clauses(sentence):
        if a <= pos < b:
            before = sentence[a:pos]
            if NEGATION_RE.search(before):
                return False
            if AFFIRM_RE.search(before):
                return True
            return None
    return None


def _yes_no_words(question: str) -> tuple[str, str] | None:
    q = question
    m = re.search(r"([能可要用会有是该得需准])[不没]\1", q)
    if m:
        return _YES_NO.get(m.group(1))
    if re.search(r"可不可以", q):
        return _YES_NO["可以"]
    if re.search(r"需不需要", q):
        return _YES_NO["需要"]
    if re.search(r"应不应该", q):
        return _YES_NO["应该"]
    if re.search(r"允不允许", q):
        return _YES_NO["允许"]
    if "能否" in q:
        return _YES_NO["能"]
    if "可否" in q:
        return _YES_NO["可以"]
    rest = q.split("是否", 1)[1] if "是否" in q else q
    for modal in _MODALS:
        if modal in rest:
            return _YES_NO[modal]
    return ("是", "否") if "是否" in q else None


#: what follows an asked term that only picks out people by it (有表决权的党员, 有选举权的人): no yes/no statement
_QUALIFIES_PERSONS = re.compile(r"[\u4e00-\u9fff]?的(?:正式|预备)?(?:党员|人员|人|同志|干部|成员|代表|公民)")
#: a phrase stating where or when the asked case is set (在支部大会上, 在留党察看期间)
_SETTING_RE = re.compile(r"在[^，,。？?吗]{1,12}?(?:上|中|里|内|时|期间)")
#: the verb a yes/no question turns on (能不能, 可以, 要 …): what follows it is what is asked
_VERB_RE = re.compile(r"([能可要用会有是该得需准])[不没]\1|可不可以|需不需要|应不应该|能否|可否|是否|可以|能够|需要|必须|应当|应该|允许|能|要|有")


def _predicate_groups(question: str, required: list[list[str]] | None) -> list[list[str]] | None:
    """Of ``required`` (groups of wordings, one per content word), those not in the setting the question places
    its case in (在支部大会上, 在任职期间, 在…中/里/时): 预备党员在支部大会上可以参加表决吗 is decided by a sentence on
    预备党员 and 表决 (第七条 没有表决权), which need not name the meeting. A condition outside such a phrase stays
    required (党员出国要向组织报告吗: a sentence on reporting that never says 出国 decides nothing)."""
    if not required:
        return required
    settings = "".join(m.group(0) for m in _SETTING_RE.finditer(question))
    return [g for g in required if g[0] not in settings]


def _predicate_terms(question: str, focus: list[str]) -> list[str]:
    """The focus terms asked about after the question's verb (预备党员能不能投票 → 投票 and its wordings; all of
    ``focus`` when none follows the verb): the verb's object decides yes/no, not the subject."""
    m = _VERB_RE.search(question)
    if not m:
        return focus
    after = question[m.end():]
    synonyms = lexicon.synonyms()
    first = []
    for w in focus:
        if w in after:
            first.append(w)
            first += synonyms.get(w, [])
    return list(dict.fromkeys(first)) or focus


def _split_sentences(text: str) -> list[str]:
    """The full sentences of ``text`` (ended by 。！？ or a line break, :func:`bot.text.zh.sentence_pieces`
    with :data:`~bot.text.zh.STOP_ENDS`: a ； clause stays in its sentence), stripped, without an article label."""
    return [strip_article_label(s.strip()) for s in sentence_pieces(text, STOP_ENDS) if s.strip()]


def locate_direct_answer(question: str, evidence: list[str], focus: list[str] | None = None,
                         kind: str | None = None, required: list[list[str]] | None = None) -> tuple[str, int]:
    """(the short direct answer to ``question``, the index in ``evidence`` of the text it was taken from): the
    answer is verbatim from ``evidence`` (the quoted passages' texts, best first; each may hold several
    sentences and enumeration lines), or ("", -1) when the evidence states nothing of
    the asked kind (:func:`question_type`) or the kind has no short answer (procedure, definition).

    ``focus``: the question's content words with their lexicon wordings (the asked term, for yes/no).
    ``required`` (yes/no only): groups of wordings, one group per content word of the question; a sentence
    decides yes/no only when it holds one wording of every group outside the setting of the question
    (:func:`_predicate_groups`; 在支部大会上可以参加表决吗 is not required to name the 支部大会 it is set in). Whether the rest of the
    question is stated at all is the answerability check's to decide (:func:`bot.answer.grounding.uncovered_focus`).
    Every span returned occurs in ``evidence`` except the count word of a counted enumeration ("八项。", the
    number of items the text lists) and the yes/no word (能/不能) before the sentence that decides it.

    Example: ``direct_answer("党的地方各级代表大会多久开一次？", ["…市辖区的代表大会，每五年举行一次。…"])`` →
    ``"每五年举行一次。"``."""
    kind = kind or question_type(question)
    focus = focus or []
    if kind in (None, "procedure", "definition"):
        return "", -1
    if kind in ("duration", "number", "count"):
        found = _quantity_answer(question, evidence, kind, focus)
        if found[0] or kind != "count":
            return found
    if kind in ("count", "list"):
        return _enumeration_answer(question, evidence, kind)
    if kind == "time":
        return _time_answer(evidence, focus)
    if kind == "yesno":
        return _yes_no_answer(question, evidence, focus, required)
    return "", -1


def _quantity_answer(question: str, texts: list[str], kind: str, focus: list[str]) -> tuple[str, int]:
    """A duration, number or count stated in ``texts`` (:func:`locate_direct_answer`): the quantity nearest a
    focus term of the first sentence stating one of the asked kind and unit, as its short clause (a count as
    stated: 有五种, 五种：警告、…); ("", -1) when none."""
    units = _asked_units(question) if kind != "duration" else None
    for at, text in enumerate(texts):
        for sentence in _split_sentences(text):
            found = _quantities(sentence, kind, units)
            if kind == "count":  # "四种形态" names something; a count is stated as 有五种 / 分为二类 / 五种：
                found = [m for m in found if re.search(r"(?:有|分为|分|包括|共|计|为)$", sentence[: m.start()])
                         or sentence[m.end():].startswith(("：", ":"))]
            if not found:
                continue
            # the quantity nearest a focus term of the question, else the first one
            pos = _focus_pos(sentence, focus)
            m = min(found, key=lambda x: abs(x.start() - pos)) if pos >= 0 else found[0]
            if kind == "count":
                tail = sentence[m.end():]
                if tail.startswith(("：", ":")):  # 有五种：警告、严重警告、… — the count and what it counts
                    listed = _clause_at(sentence, m.end() + 1)
                    if listed and len(listed) <= 60:
                        return (f"{m.group(0)}：{listed}。"), at
                return (m.group(0) + "。"), at
            return (_span_answer(sentence, m, 20).rstrip("，,") + "。"), at
    return "", -1


def _enumeration_answer(question: str, texts: list[str], kind: str) -> tuple[str, int]:
    """The number of items of the first enumeration (a lead ending in ： and at least two item lines) in
    ``texts``: 八项。 for a count, 共八项。 for a list; ("", -1) when none."""
    for at, text in enumerate(texts):
        for lead in re.finditer(r"[：:]\s*\n", text):
            items = enumeration_items(text, lead.end())
            if len(items) >= 2:
                unit = _count_unit(question)
                return (f"{_cn(len(items))}{unit}。" if kind == "count" else f"共{_cn(len(items))}{unit}。"), at
    return "", -1


def _time_answer(texts: list[str], focus: list[str]) -> tuple[str, int]:
    """The clause stating a point in time (:data:`TIME_POINT_RE`) in the first sentence holding a focus term
    (any sentence when there is one text or no focus); ("", -1) when none."""
    for at, text in enumerate(texts):
        for sentence in _split_sentences(text):
            if focus and _focus_pos(sentence, focus) < 0 and len(texts) > 1:
                continue
            m = TIME_POINT_RE.search(sentence)
            if m:
                return (_span_answer(sentence, m, 40).rstrip("，,") + "。"), at
    return "", -1


def _yes_no_answer(question: str, texts: list[str], focus: list[str],
                   required: list[list[str]] | None) -> tuple[str, int]:
    """能/不能 (the question's own verb) and the first sentence holding every ``required`` group whose clause
    decides the polarity of the asked term (:func:`_polarity`); ("", -1) for a negated question or when none
    decides."""
    words = _yes_no_words(question)
    plain = _ASKING_NOT.sub("", question)
    if not words or "不" in plain or "没" in plain or "未" in plain:
        return "", -1  # a question that is itself negated (不能…吗) is not read for polarity here
    terms = _predicate_terms(question, focus)
    required = _predicate_groups(question, required)
    for at, text in enumerate(texts):
        for sentence in _split_sentences(text):
            if required and not all(any(w in sentence for w in group) for group in required):
                continue
            verdict = _polarity(sentence, terms)
            if verdict is None:
                continue
            return (f"{words[0] if verdict else words[1]}。{sentence}"), at
    return "", -1


def direct_answer(question: str, evidence: list[str], focus: list[str] | None = None,
                  kind: str | None = None, required: list[list[str]] | None = None) -> str:
    """The short direct answer to ``question``, verbatim from ``evidence`` (the quoted passages' texts, best
    first), or "" (see :func:`locate_direct_answer`, which also tells which evidence text it came from).

    Example: ``direct_answer("党的地方各级代表大会多久开一次？", ["…市辖区的代表大会，每五年举行一次。…"])`` →
    ``"每五年举行一次。"``."""
    return locate_direct_answer(question, evidence, focus, kind, required)[0]


__all__ = ["QUESTION_TYPES", "direct_answer", "enumeration_items", "is_item", "locate_direct_answer", "question_type"]
