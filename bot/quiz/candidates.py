"""Candidate items made from one article (offline mode), before the quality gate: from numbers
(:func:`number_items`), from enumerations (:func:`enumeration_items`), from whole sentences
(:func:`statement_items`; false ones only from a lifted prohibition or a permission made a duty), and the "下列说法正确的是" 单选 built from those
statements (:func:`statement_choices`).

Each candidate is ``(item, body)``: ``body`` is the statement checked against the source (the blank
as "（  ）"), None for list items. ``rng`` is the generator's :class:`random.Random`; the order of its
draws fixes which set a seed gives, so the functions draw in a fixed order.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from bot.quiz.check import (answer_key, bound_of, dangling_opening, dangling_reference, in_months,
                            list_noun_phrase, missing_context, not_a_proposition, open_list, same_kind_list,
                            strip_bound, unfinished_sentence)
from bot.quiz.extract import (GENERIC_BIGRAMS, ITEM, LISTING_LEAD, MIN_STATEMENT, NUMBER, Enumeration,
                              accepted_forms, number_variants, related_leads, sentences_of)
from bot.quiz.gate import check_item
from bot.quiz.model import LETTERS, QuizItem, QuizSource, cite, item_id, lead_in, norm
from bot.schema import Chunk
from bot.text.refs import strip_article_label

Candidate = tuple[QuizItem, "str | None"]
#: longest sentence stated as a 判断 (characters with its end mark)
MAX_JUDGEMENT = 90
#: longest statement offered as an option of a "下列说法正确的是" (characters)
MAX_CHOICE_STATEMENT = 50


def _source(chunk: Chunk, quote: str) -> QuizSource:
    return QuizSource(title=chunk.title, article=chunk.article, quote=quote)


def single_choice(rng: random.Random, chunk: Chunk, s: str, body: str, key: str, distractors: list[str],
                  tags: list[str]) -> QuizItem:
    """A 单选 filling the blank of ``body`` (from sentence ``s``): ``key`` among three ``distractors``, shuffled."""
    opts = [key, *distractors[:3]]
    rng.shuffle(opts)
    options = {LETTERS[i]: o for i, o in enumerate(opts)}
    answer = LETTERS[opts.index(key)]
    stem = lead_in(chunk) + body
    return QuizItem(id=item_id(stem), type="单选", stem=stem, options=options, answer=answer,
                    explanation=f"{cite(chunk)}规定：“{s}”故选 {answer}（{key}）。",
                    source=_source(chunk, s), difficulty="中", tags=[chunk.title, *tags])


#: an inclusive parenthetical right after a number ("两年以下（含两年）", "三人以上（含三人）")
INCLUSIVE = re.compile(r"（含([^（）]{1,8})）")


def unit_of(element: str) -> str:
    """The unit of a number element ("两名" → "名", "6个月以上" → "个月"; "" when none)."""
    m = re.search(r"(个月|周岁|年|日|天|岁|人|名|次|种)", element)
    return m.group(1) if m else ""


def inclusive_variants(element: str, inner: str, variants: list[str]) -> list[str]:
    """Wrong values of ``element`` followed by the parenthetical "（含``inner``）", each with its own
    parenthetical ("两年以下（含两年）" → "三年以下（含三年）"), so a distractor stays consistent (an
    organiser read "三年以下（含两年）" as garbled). [] when ``inner`` is not the element's own number
    (then no wrong value is offered).

    >>> inclusive_variants("两年以下", "两年", ["一年以下", "三年以下"])
    ['一年以下（含一年）', '三年以下（含三年）']
    """
    core = strip_bound(element)
    if norm(inner) != norm(core):
        return []
    return [f"{v}（含{strip_bound(v)}）" for v in variants]


def number_items(rng: random.Random, chunk: Chunk, difficulty: str) -> list[Candidate]:
    """For every number element of every sentence: a 填空, and when it has three plausible wrong
    values a 单选 (nearest values; farthest for 易) and a false 判断 (the nearest value)."""
    out = []
    for s in sentences_of(chunk):
        for m in NUMBER.finditer(s):
            el = m.group(0)
            if m.start() == 0:  # "一人有…两种以上违纪行为": a sentence's subject, not a quantity
                continue
            if s[: m.start()].endswith("（含"):  # the "（含两年）" of "两年以下（含两年）": not a quantity of its own
                continue
            body = s[: m.start()] + "（  ）" + s[m.end():]
            variants = number_variants(el)
            # a wrong value already said in the sentence reads as a slip, not a rule ("留党察看一年、留党察看
            # 一年", "一至一名", "不能少于半年，最长不超过半年")
            said = {answer_key(x.group(0)) for x in NUMBER.finditer(s) if x.start() != m.start()}
            said |= {answer_key(x + unit_of(el)) for x in re.findall(r"([一二三四五六七八九十两\d]+)至", s[: m.start()])}
            variants = [v for v in variants if answer_key(v) not in said]
            paren = INCLUSIVE.match(s, m.end())
            if paren:  # "两年以下（含两年）": a wrong value changes the parenthetical too, or is not offered
                variants = inclusive_variants(el, paren.group(1), variants)
            whole = el + paren.group(0) if paren else el
            # a falsehood must leave the bound's range: "两年以下" is still true of "三年以下（含三年）…的，开除党籍"
            bound = bound_of(s, m.start(), m.end())
            key_v = in_months(el)
            outside = [v for v in variants if key_v is None or bound is None or in_months(v) is None
                       or (in_months(v) > key_v if bound == "upper" else in_months(v) < key_v)]
            stem = lead_in(chunk) + body
            expl = f"{cite(chunk)}规定：“{s}”故答案为“{el}”。"
            out.append((QuizItem(id=item_id(stem), type="填空", stem=stem, answer=accepted_forms(el), explanation=expl,
                                 source=_source(chunk, s), difficulty="易", tags=[chunk.title, "数字"]), body))
            if len(variants) >= 3:
                distractors = variants[:3] if difficulty != "易" else variants[-3:]
                cbody = s[: m.start()] + "（  ）" + s[m.start() + len(whole):]
                out.append((single_choice(rng, chunk, s, cbody, whole, distractors, ["数字"]), cbody))
                if not outside:
                    continue
                wrong = outside[0]
                end = paren.end() if paren else m.end()
                false_s = s[: m.start()] + wrong + s[end:]
                stem_f = lead_in(chunk) + "判断：" + false_s
                out.append((QuizItem(id=item_id(stem_f), type="判断", stem=stem_f, answer="错误",
                                     explanation=f"{cite(chunk)}规定：“{s}”题中“{wrong}”应为“{whole}”，故错误。",
                                     source=_source(chunk, s), difficulty="中", tags=[chunk.title, "数字"]), false_s))
    return out


#: the bodies of Party procedure a contest asks "经（  ）讨论通过" about, one class per body: its name as a
#: distractor, then the forms it takes in regulation text (longest first). Two forms of one class are never
#: offered against each other (上级党委 is a 上级党组织). Source: the bodies of 发展党员工作细则 第二十四条–第三十二条
#: and 党章 第五条–第七条 (党小组, 支部委员会, 支部大会, 上级党委, 组织部门).
ORGAN_CLASSES: list[tuple[str, tuple[str, ...]]] = [
    ("党小组", ("党小组",)),
    ("支部委员会", ("党支部委员会", "支部委员会")),
    ("支部大会", ("党支部大会", "支部大会")),
    ("上级党委", ("上级党组织", "上级党委")),
    ("党委组织部门", ("党委组织部门", "组织部门")),
]
#: the bodies of a branch's own procedure, the only keys :func:`organ_items` masks: among 党小组, 支部委员会,
#: 支部大会 and 上级党委 each is a plausible actor in a branch's procedure. A body acting on other organisations
#: (上级党组织 "责令…作出检查", 组织部门 "组织整顿") has no plausible distractor here: an independent organiser
#: read 党小组 or 支部大会 offered there as no test at all (issue #19)
BRANCH_BODIES = ("党小组", "支部委员会", "支部大会")
_ORGAN = re.compile("|".join(sorted((f for _, forms in ORGAN_CLASSES for f in forms), key=len, reverse=True)))
#: a character that continues a noun: "上级党委组织部门", "党小组长" are other bodies or persons
_NOUN_GOES_ON = "组委部党支会员书长成"
#: words before a body that only its own kind fits ("县级党委组织部门", "党委及其组织部门", "党的总支部委员会"):
#: a 党小组 or a 支部大会 offered there is no distractor but nonsense
_LEVEL_BEFORE = ("级", "以上", "以下", "及其", "总", "的")


def organ_items(rng: random.Random, chunk: Chunk) -> list[Candidate]:
    """A 单选 "经（  ）讨论通过" for each sentence naming one body of :data:`ORGAN_CLASSES` once, when that is a
    branch body (:data:`BRANCH_BODIES`): the body as the key among the other branch bodies and 上级党委 (each then checked against the
    index by :func:`bot.quiz.gate.check_item`: a filled-in distractor found in any article drops the item)."""
    out = []
    for s in sentences_of(chunk):
        if len(s) < MIN_STATEMENT:  # "（三）支部委员会审查。": a list item's fragment
            continue
        found = [m for m in _ORGAN.finditer(s) if not (m.end() < len(s) and s[m.end()] in _NOUN_GOES_ON)
                 and not s[: m.start()].endswith(_LEVEL_BEFORE)]
        named = {name for name, forms in ORGAN_CLASSES for f in forms if f in s}
        if len(found) != 1 or len(named) != 1:
            continue
        m = found[0]
        if named - set(BRANCH_BODIES):
            continue
        others = [name for name in (*BRANCH_BODIES, "上级党委") if name not in named]
        if len(others) < 3:
            continue
        body = s[: m.start()] + "（  ）" + s[m.end():]
        out.append((single_choice(rng, chunk, s, body, m.group(0), rng.sample(others, 3), ["机构"]), body))
    return out


def parallel_members(enum: Enumeration, pool: list[Enumeration]) -> list[str]:
    """Members of *parallel* enumerations — same regulation, a lead sharing a content bigram
    (党员享有下列权利 ~ 党员必须履行下列义务), members of similar length — that do not occur in
    this enumeration's article. Nearest article first."""
    src = norm(enum.chunk.text)
    bigrams = {b for b in (enum.lead[i:i + 2] for i in range(len(enum.lead) - 1))
               if not any(ch in b for ch in "的是和要了在对与及")} - GENERIC_BIGRAMS
    others = sorted(
        (e for e in pool if e.chunk.title == enum.chunk.title and e.chunk.article_no != enum.chunk.article_no
         and e.items == enum.items and related_leads(bigrams, enum.lead, e.lead) and same_kind_list(enum.offer, e.offer)),
        key=lambda e: abs((e.chunk.article_no or 999) - (enum.chunk.article_no or 999)))
    avg = sum(map(len, enum.offer)) / max(1, len(enum.offer))
    out = []
    for e in others:
        for m in e.offer:
            if norm(m) not in src and 0.5 * avg <= len(m) <= 1.6 * avg + 2 and m not in out:
                out.append(m)
    return out


def _membership(rng: random.Random, enum: Enumeration, quote: str, phrase: str, key: str,
                opts: list[str], why: str, tags: list[str]) -> QuizItem:
    """A "下列选项中属于…的是（  ）" single choice (``phrase``) whose key is ``key`` among the options ``opts`` (shuffled)."""
    chunk = enum.chunk
    opts = list(opts)
    rng.shuffle(opts)
    stem = f"{lead_in(chunk)}{phrase}"
    answer = LETTERS[opts.index(key)]
    return QuizItem(id=item_id(stem), type="单选", stem=stem, options={LETTERS[i]: o for i, o in enumerate(opts)},
                    answer=answer, explanation=f"{cite(chunk)}列举为：{'；'.join(enum.members)}。{why}，故选 {answer}。",
                    source=_source(chunk, quote), difficulty="中", tags=[chunk.title, *tags])


def _list_lead(enum: Enumeration) -> str:
    """The lead as a stem quotes it: no spaces or trailing punctuation; "党的基层组织是…。它的基本任务是"
    → "党的基层组织的基本任务是"."""
    lead = re.sub(r"\s+", "", enum.lead).rstrip("：:，, ")
    if "。" in lead:
        prev, lead = lead.rsplit("。", 1)
        if lead.startswith("它") and "是" in prev:
            lead = prev.split("是")[0] + lead[1:]
    return lead


def _list_choices(rng: random.Random, enum: Enumeration, lead: str, quote: str, parallel: list[str],
                  is_items: bool) -> list[Candidate]:
    """As :func:`_framed_choices`, with the list named as a noun phrase (:func:`list_noun_phrase`): "党员必须履行
    下列义务" → "下列选项中不属于党员必须履行的义务的是". A lead that cannot be rewritten gives items tagged
    :data:`STIFF_LEAD` (the gate drops them, counted)."""
    np_ = list_noun_phrase(lead)
    made = _framed_choices(rng, enum, np_ or lead, quote, parallel, is_items)
    if np_ is None:
        for item, _ in made:
            item.tags.append(STIFF_LEAD)
    return made


#: tag of an item whose list lead could not be rewritten as a noun phrase (the gate drops it)
STIFF_LEAD = "引导语生硬"
#: tag of an item made from an open list (…等): a blank in it has no unique answer (the gate drops it)
OPEN_LIST = "开放列举"


def _framed_choices(rng: random.Random, enum: Enumeration, np_: str, quote: str, parallel: list[str],
                    is_items: bool) -> list[Candidate]:
    """Items asking which options belong to the list: a 多选 on a random subset of three or four
    members with one or two distractors of a parallel list; with three parallel members a 单选 "属于"
    and a 单选 "不属于"; for an article's item list a false and a true membership 判断."""
    chunk, out, src_kind, offer = enum.chunk, [], "列举", list(enum.offer)
    k = min(4, len(offer))
    members = rng.sample(offer, k)
    spare = [m for m in parallel if m not in parallel[:4]]
    # a long list (党章第四条's eight rights) also gives a 多选 on the members the first did not show, with
    # other distractors, so a set can take it beside a "不属于" 单选 on the first ones (gate.item_lists)
    rest = [m for m in offer if m not in members]
    groups = [(members, parallel[:4])] + ([(rest[:4], spare or parallel[:4])] if len(rest) >= 3 else [])
    for group, pool in groups:
        opts = group + rng.sample(pool, min(len(pool), 1 if len(group) == 4 else 2))
        rng.shuffle(opts)
        options = {LETTERS[i]: o for i, o in enumerate(opts)}
        answer = "".join(LETTERS[i] for i, o in enumerate(opts) if o in group)
        others = "、".join(f"“{o}”" for o in opts if o not in group)
        stem = f"{lead_in(chunk)}{rng.choice(('下列选项中属于', '以下各项中，属于'))}{np_}的有（  ）。"
        out.append((QuizItem(id=item_id(stem), type="多选", stem=stem, options=options, answer=answer,
                             explanation=f"{cite(chunk)}列举为：{'；'.join(enum.members)}。{others}不在其中，故选 {answer}。",
                             source=_source(chunk, quote), difficulty="难", tags=[chunk.title, src_kind]), None))
    # the 单选 and 判断 show the first 多选's members and distractors (parallel[:4]) and the true 判断 one of the
    # rest, so that each can stand beside the second 多选 (rest, spare) in a set: two items of one list show no
    # option twice (gate.item_lists)
    if len(parallel) >= 3:
        key = rng.choice(members)
        out.append((_membership(rng, enum, quote, f"下列选项中属于{np_}的是（  ）。", key,
                                [key, *rng.sample(parallel[:4], 3)], f"只有“{key}”在其中", [src_kind]), None))
        # reversed: three listed members and one from the parallel list
        odd = rng.choice(parallel[:3])
        shown = members if len(members) >= 3 else offer
        out.append((_membership(rng, enum, quote, f"下列选项中不属于{np_}的是（  ）。", odd,
                                [*rng.sample(shown, 3), odd], f"“{odd}”不在其中", [src_kind, "不属于"]), None))
    # 判断: a member of the parallel list stated as a member of this one (false), and a true member
    if is_items and parallel:
        for statement, ans in ((rng.choice(parallel[:3]), "错误"), (rng.choice(rest or offer), "正确")):
            stem_j = f"{lead_in(chunk)}判断：{np_}包括：{statement}。"
            why = "不在其中" if ans == "错误" else "在其中"
            out.append((QuizItem(id=item_id(stem_j), type="判断", stem=stem_j, answer=ans,
                                 explanation=f"{cite(chunk)}列举为：{'；'.join(enum.members)}。“{statement}”{why}，故{ans}。",
                                 source=_source(chunk, quote), difficulty="中", tags=[chunk.title, src_kind, "列举归属"]),
                        statement))
    return out


def _run_blank(enum: Enumeration, lead: str, parallel: list[str]) -> list[Candidate]:
    """For a 顿号 run: a 填空 on its last member, and a false 判断 with a parallel member in its place."""
    chunk, out, src_kind = enum.chunk, [], "列举"
    s = enum.sentence
    run = "、".join(enum.members)
    start = s.find(run)
    if start < 0:
        return out
    key = enum.members[-1]
    if "“" in key or "”" in key:
        return out
    if any("等" in m for m in enum.members[:-1]):
        return out  # "…会议、培训等名义列支、转移、隐匿…": the list ended at 等, a new one began
    others = sorted(map(len, enum.members[:-1]))
    if len(key) >= max(others) + 2 or len(key) > 2 * others[0] + 3:
        return out  # "农民、知识分子中发展党员": the run's end overran the list, not a member
    tags = [chunk.title, src_kind] + ([OPEN_LIST] if open_list(s, run) else [])
    pieces = [*enum.members[:-1], "（  ）"]
    body = s[:start] + "、".join(pieces) + s[start + len(run):]
    stem = lead_in(chunk) + body
    out.append((QuizItem(id=item_id(stem), type="填空", stem=stem, answer=[key],
                         explanation=f"{cite(chunk)}规定：“{s}”故答案为“{key}”。",
                         source=_source(chunk, s), difficulty="中", tags=list(tags)), body))
    # a false 判断 with a member of a parallel list in the key's place, only one of the same
    # kind (组织纪律 for 廉洁纪律; "经常、认真、创造力" for
    # "…严肃" is not a statement anyone would make)
    # same length and the same last two characters (one for a two-character member): "管理" for "悟原理"
    # in "读原著、学原文、悟原理" read as garbled to an organiser
    tail = 1 if len(key) <= 2 else 2
    near = [m for m in parallel if len(m) == len(key) and m[-tail:] == key[-tail:] and m != key]
    if near and len(lead) <= 20:
        false_s = s[:start] + run.replace(key, near[0]) + s[start + len(run):]
        stem_f = lead_in(chunk) + "判断：" + false_s
        out.append((QuizItem(id=item_id(stem_f), type="判断", stem=stem_f, answer="错误",
                             explanation=f"{cite(chunk)}规定：“{s}”题中“{near[0]}”应为“{key}”，故错误。",
                             source=_source(chunk, s), difficulty="中", tags=list(tags)), false_s))
    return out


def enumeration_items(rng: random.Random, enum: Enumeration, pool: list[Enumeration]) -> list[Candidate]:
    """Items on one list: membership choices when its lead introduces a list and two parallel members
    exist (:func:`parallel_members` over ``pool``), and for a 顿号 run a 填空 and a false 判断."""
    chunk = enum.chunk
    parallel = parallel_members(enum, pool)
    is_items = enum.sentence.endswith("：")
    quote = strip_article_label(chunk.text) if is_items else enum.sentence
    lead = _list_lead(enum)
    out: list[Candidate] = []
    if LISTING_LEAD.search(lead) and len(parallel) >= 2 and len(enum.offer) >= 3:
        out += _list_choices(rng, enum, lead, quote, parallel, is_items)
    if not is_items:
        out += _run_blank(enum, lead, parallel)
    return out


#: prohibitions and the permission that contradicts them: "受留党察看处分的党员，不能作入党介绍人" → "…可以作入党
#:介绍人" is the classic false 判断 of contest banks. The other direction (应当/必须/可以 → 不得) is not used: an
#: independent organiser read those as absurd and giving the key away ("党组织不得做好党费收缴…"; eval/README.md).
PROHIBITIONS = [("不得", "可以"), ("不能", "可以"), ("不宜", "可以"), ("禁止", "允许"), ("严禁", "允许")]


#: words that name a deed as wrong: a prohibition of such a deed, lifted, is no plausible rule
WRONG_WORDS = r"违反|违规|违纪|违法|错误|虚假|擅自|超标准|超范围|奢侈|浪费|私自|非公务|弄虚作假|以权谋私|不正当|不良"


def lifted_prohibition(sentence: str) -> tuple[str, str, str] | None:
    """``sentence`` with its prohibition turned into a permission, as (false statement, prohibition,
    permission), or None when it has none in its main clause: a prohibition inside a condition ("…不得…的，
    给予警告处分": a behaviour, flipping it is nonsense), before a 的-phrase ("不得使用的经费"), or in 不得不.

    >>> lifted_prohibition("受到警告处分一年内的党员，不得在党内提升职务。")[0]
    '受到警告处分一年内的党员，可以在党内提升职务。'
    >>> lifted_prohibition("违反规定不得公款宴请的，给予警告处分。") is None
    True
    >>> lifted_prohibition("对无公函的公务活动一律不予接待，严禁将非公务活动纳入接待范围。") is None
    True
    """
    if "不得不" in sentence:
        return None
    found = [(sentence.find(a), a, b) for a, b in PROHIBITIONS if a in sentence]
    if not found:
        return None
    pos, a, b = min(found)
    rest = sentence[pos:]
    if re.search(r"的[，,；]", rest) or re.match(re.escape(a) + r"[^，。；、]{0,6}的", rest):
        return None
    if sentence[:pos].endswith(("但", "但是", "但不", "并且")):  # "…可以适当延长，但可以超过六个月" reads garbled
        return None
    # what is prohibited is named as wrong ("不得制作…违反党的纪律规定的信息", "禁止将非公务活动纳入接待范围"), or the
    # sentence says no elsewhere too ("一律不予接待，…"): lifted, it contradicts itself and tests nothing (issue #19)
    clause = re.split(r"[，。；]", rest, maxsplit=1)[0]
    if re.search(WRONG_WORDS, clause) or re.search(r"不予|一律不|不准|不应|不要|但", sentence[:pos] + sentence[pos + len(a):]):
        return None
    return sentence[:pos] + b + sentence[pos + len(a):], a, b


def permission_made_duty(sentence: str) -> tuple[str, str, str] | None:
    """``sentence`` with its permission (可以) turned into a duty (应当), as (false statement, "可以", "应当"):
    "…可以从轻处分" → "…应当从轻处分", the 应当/可以 distinction contest banks test (named so by the
    independent organiser, issue #19). None when 可以 is not in the main clause, is said twice ("可以…，也可以…"),
    or is followed by 不 ("可以不…").

    >>> permission_made_duty("主动交代问题的，可以从轻处分。")[0]
    '主动交代问题的，应当从轻处分。'
    """
    if sentence.count("可以") != 1 or "可以不" in sentence or "也可以" in sentence:
        return None
    pos = sentence.find("可以")
    rest = sentence[pos:]
    if re.search(r"的[，,；]", rest) or re.match(r"可以[^，。；、]{0,6}的", rest):
        return None
    return sentence[:pos] + "应当" + sentence[pos + 2:], "可以", "应当"


#: contrasting terms of Party procedure and discipline that contest banks swap to make a false 判断 (支部大会
#: 讨论 vs 支部委员会审查 in 发展党员工作细则; 报批准 vs 报备案). Not 从轻 ↔ 从重: an independent organiser read
#: "利用职权打击报复的，从轻处分" as absurd, no test (issue #19). Each side is replaced whole, and only in a sentence that holds no word of the other side, so the
#: result contradicts the rule rather than restating another one; each is then checked against the whole index
#: (:func:`bot.quiz.gate.check_item`'s truth probe), which drops it when some article says it after all.
CONTRASTS: list[tuple[dict[str, str], str | None]] = [
    ({"支部大会": "支部委员会"}, None),
    ({"支部委员会": "支部大会"}, None),
    ({"批准": "备案"}, r"报[^，。；]{0,12}批准"),
    ({"备案": "批准"}, r"报[^，。；]{0,12}备案"),
]


def swapped_term(sentence: str) -> tuple[str, str, str] | None:
    """``sentence`` with one side of a :data:`CONTRASTS` pair replaced by the other, as (false statement,
    the original words, the words put in), or None when it holds neither side, both sides, or a side outside
    its context (批准 only in "报…批准").

    >>> swapped_term("接收预备党员，必须经支部大会讨论通过。")[0]
    '接收预备党员，必须经支部委员会讨论通过。'
    >>> swapped_term("经支部委员会审查后，提交支部大会讨论。") is None
    True
    """
    for swap, context in CONTRASTS:
        if not any(a in sentence for a in swap):
            continue
        if any(b in sentence for b in swap.values()) or (context and not re.search(context, sentence)):
            continue
        if "不得" in sentence or "不能" in sentence:  # "不得…批准": a negation turns the swap true or unclear
            continue
        # each side once, and as a body of its own: "总支部委员会" is another body than "支部委员会"
        if any(sentence.count(a) > 1 or f"总{a}" in sentence for a in swap):
            continue
        at = min(sentence.find(a) + len(a) for a in swap if a in sentence)
        if at < len(sentence) and sentence[at] in _NOUN_GOES_ON:  # "支部委员会会议" → "支部大会会议" is no term
            continue
        out = sentence
        for a, b in swap.items():
            out = out.replace(a, b)
        said = "、".join(a for a in swap if a in sentence)
        put = "、".join(b for a, b in swap.items() if a in sentence)
        return out, said, put
    return None


def statement_items(chunk: Chunk) -> list[Candidate]:
    """A true 判断 for every sentence of :data:`MIN_STATEMENT`–:data:`MAX_JUDGEMENT` characters (an item
    of a list stated with its lead), and a false one for a sentence whose main clause prohibits something,
    with the prohibition lifted (:func:`lifted_prohibition`; not for list items). False statements also come
    from changed numbers and list members."""
    out = []
    body_text = strip_article_label(chunk.text)
    lead = body_text.split("（一）")[0].strip().rstrip("：") if "（一）" in body_text else ""
    for raw in sentences_of(chunk):
        s = ITEM.sub("", raw, count=1) if ITEM.match(raw) else raw
        if not (MIN_STATEMENT <= len(s) <= MAX_JUDGEMENT):
            continue
        # an item of a list ("（一）参加党的有关会议…") is stated with its lead for context
        framed = bool(lead and ITEM.match(raw))
        np_ = list_noun_phrase(lead) if framed else None
        frame = (lambda x: f"{np_ or lead}包括：{x}") if framed else (lambda x: x)
        stem = lead_in(chunk) + "判断：" + frame(s)
        tags = [chunk.title, "原文"] + (["列表项"] if framed else []) + ([STIFF_LEAD] if framed and not np_ else [])
        out.append((QuizItem(id=item_id(stem), type="判断", stem=stem, answer="正确",
                             explanation=f"{cite(chunk)}原文即为：“{s}”故正确。",
                             source=_source(chunk, s), difficulty="易", tags=tags), s))
        lifted = None if framed else (lifted_prohibition(s) or permission_made_duty(s))
        swapped = None if framed or lifted else swapped_term(s)  # one false version of a sentence
        for made, kind in ((lifted, "情态"), (swapped, "对调")):
            if not made:
                continue
            false_s, a, b = made
            stem_f = lead_in(chunk) + "判断：" + false_s
            out.append((QuizItem(id=item_id(stem_f), type="判断", stem=stem_f, answer="错误",
                                 explanation=f"{cite(chunk)}规定：“{s}”题中“{b}”应为“{a}”，故错误。",
                                 source=_source(chunk, s), difficulty="中", tags=[chunk.title, kind]), false_s))
    return out


def _usable(item: QuizItem, body: str | None) -> bool:
    """A 判断 whose statement can be an option of "下列说法正确的是": not a list membership, 15–50
    characters, standing on its own (the gate's context checks)."""
    stmt = body or ""
    return (item.type == "判断" and "列举归属" not in item.tags and "列表项" not in item.tags
            and MIN_STATEMENT <= len(stmt) <= MAX_CHOICE_STATEMENT and not missing_context("判断：" + stmt)
            and not dangling_opening("判断：" + stmt) and not dangling_reference("判断：" + stmt)
            and not not_a_proposition(stmt) and not unfinished_sentence(item.source.quote))


def true_values(false_item: QuizItem) -> set[str]:
    """The true words a false statement changed ("题中“半年、二年”应为“一年、二年”" → {"一年", "二年"}), split at
    、/和/或者; numbers as :func:`bot.quiz.check.answer_key` reads them."""
    m = re.search(r"应为“([^”]+)”", false_item.explanation)
    if not m:
        return set()
    return {answer_key(w) for w in re.split(r"、|和|或者|或", m.group(1)) if w}


def betrays(false_item: QuizItem, texts: list[str]) -> bool:
    """Whether another option of a 说法 item states what ``false_item`` changed ("受到留党察看处分一年的党员" beside
    "留党察看分为半年、二年"): the false one is then found without knowing the rule (organiser, issue #19)."""
    values = [v for v in true_values(false_item) if v]
    for t in texts:
        numbers = {answer_key(x.group(0)) for x in NUMBER.finditer(t)}
        if any(v in numbers or (len(v) >= 3 and v in norm(t)) for v in values):
            return True
    return False


def _pick_false(rng: random.Random, key: QuizItem, chunk: Chunk, false: list, really_false: Callable) -> list:
    """Three false statements of other sentences of ``chunk``'s regulation, each checked false, none betrayed by
    another option (:func:`betrays`)."""
    others = [x for x in false if x[2].title == chunk.title and norm(x[0].source.quote) != norm(key.source.quote)]
    rng.shuffle(others)
    others.sort(key=lambda x: x[2].id != chunk.id)  # the same article first
    picked, quotes, changes = [], {norm(key.source.quote)}, set()
    for x in others:
        # three distractors made the same way ("支部大会" for "支部委员会" thrice) leave the key as the odd one
        # out, found without knowing the rule (issue #19)
        change = re.sub(r"[一二三四五六七八九十两百千\d]+", "#", x[0].explanation.split("题中", 1)[-1])
        shown = [key.source.quote, *(y[1] for y in picked)]
        if (norm(x[0].source.quote) not in quotes and change not in changes
                and not betrays(x[0], shown) and not any(betrays(y[0], [x[1]]) for y in picked) and really_false(x)):
            picked.append(x)
            quotes.add(norm(x[0].source.quote))
            changes.add(change)
        if len(picked) == 3:
            break
    return picked


def _statement_choice(rng: random.Random, key: QuizItem, kbody: str, chunk: Chunk, picked: list) -> QuizItem:
    opts = [kbody.rstrip("。；"), *(x[1].rstrip("。；") for x in picked)]
    keytext = opts[0]
    rng.shuffle(opts)
    letter = LETTERS[opts.index(keytext)]
    same = all(x[2].id == chunk.id for x in picked)
    # options from several articles: the stem names the regulation only, the explanation each option's article
    stem = f"根据{cite(chunk) if same else '《' + chunk.title + '》'}，下列说法正确的是（  ）。"
    wrong = "；".join(
        f"{LETTERS[opts.index(x[1].rstrip('。；'))]} 项，{cite(x[2])}规定：“{x[0].source.quote}”"
        f"{x[0].explanation.split('题中', 1)[-1].rstrip('。')}" for x in sorted(picked, key=lambda x: opts.index(x[1].rstrip('。；'))))
    return QuizItem(id=item_id(stem + keytext), type="单选", stem=stem,
                    options={LETTERS[i]: o for i, o in enumerate(opts)}, answer=letter,
                    explanation=f"{letter} 项正确，{cite(chunk)}规定：“{kbody}”其余各项：{wrong}。",
                    source=_source(chunk, key.source.quote), difficulty="中", tags=[chunk.title, "说法辨析"],
                    also_quotes=[x[0].source.quote for x in picked])


def statement_choices(rng: random.Random, cands: list, truth_probe: Callable[[str], bool]) -> list:
    """单选 of the contest form "下列说法正确的是": the key a sentence of the article as it stands,
    the three distractors false versions (a number changed or a procedure term swapped, as the false 判断 items are made,
    each checked false against the index) of other sentences of the same regulation among the
    topic's articles (the same article first). Statements of 15–50 characters that stand on their own (the gate's
    context checks); every sentence used is one of the item's facts.

    ``cands``: (item, body, chunk, rank) of every candidate; returns new ones of the same shape."""
    true = [(i, b, c, r) for i, b, c, r in cands if _usable(i, b) and i.answer == "正确"]
    # only a changed number or a swapped procedure term (CONTRASTS) is surely false and reads as a real rule;
    # a list member swapped for
    # another ("…甘于奉献、廉洁自律" for "…严守纪律") may still be a fair statement
    false = [(i, b, c, r) for i, b, c, r in cands
             if _usable(i, b) and i.answer == "错误" and ("数字" in i.tags or "对调" in i.tags)]
    checked: dict[str, bool] = {}

    def really_false(x) -> bool:
        item, body, chunk, _ = x
        if item.id not in checked:
            checked[item.id] = check_item(item, chunk.text, truth_probe, body=body) is None
        return checked[item.id]

    out = []
    for key, kbody, chunk, rank in true:
        picked = _pick_false(rng, key, chunk, false, really_false)
        if len(picked) < 3:
            continue
        out.append((_statement_choice(rng, key, kbody, chunk, picked), None, chunk, rank))
    # the reverse form, "下列说法错误的是": one false statement among three true ones of the same regulation. A
    # regulation's true sentences far outnumber its false versions (most 判断 candidates are true, and a set
    # takes true 判断 only beside false ones, MIN_FALSE_SHARE); this form puts three of them to use per falsehood
    for fkey, fbody, chunk, rank in false:
        picked = _pick_true(rng, fkey, chunk, true)
        if len(picked) < 3 or not really_false((fkey, fbody, chunk, rank)):
            continue
        out.append((_wrong_statement_choice(rng, fkey, fbody, chunk, picked), None, chunk, rank))
    return out


#: tag of a "下列说法错误的是" 单选: its key is the false statement (:func:`bot.quiz.gate.check_item` checks it so)
WRONG_STATEMENT = "说法辨析（选错误）"


def _pick_true(rng: random.Random, fkey: QuizItem, chunk: Chunk, true: list) -> list:
    """Three true statements of other sentences of ``chunk``'s regulation (the same article first); never the
    sentence the false key was made from, whose true version beside it would give the key away."""
    others = [x for x in true if x[2].title == chunk.title and norm(x[0].source.quote) != norm(fkey.source.quote)]
    rng.shuffle(others)
    others.sort(key=lambda x: x[2].id != chunk.id)
    picked, quotes = [], {norm(fkey.source.quote)}
    for x in others:
        if norm(x[0].source.quote) not in quotes and not betrays(fkey, [x[1]]):
            picked.append(x)
            quotes.add(norm(x[0].source.quote))
        if len(picked) == 3:
            break
    return picked


def _wrong_statement_choice(rng: random.Random, fkey: QuizItem, fbody: str, chunk: Chunk, picked: list) -> QuizItem:
    keytext = fbody.rstrip("。；")
    opts = [keytext, *(x[1].rstrip("。；") for x in picked)]
    rng.shuffle(opts)
    letter = LETTERS[opts.index(keytext)]
    same = all(x[2].id == chunk.id for x in picked)
    stem = f"根据{cite(chunk) if same else '《' + chunk.title + '》'}，下列说法错误的是（  ）。"
    why = fkey.explanation.split("题中", 1)[-1].rstrip("。").removesuffix("，故错误")
    right = "；".join(f"{LETTERS[opts.index(x[1].rstrip('。；'))]} 项见{cite(x[2])}"
                     for x in sorted(picked, key=lambda x: opts.index(x[1].rstrip("。；"))))
    return QuizItem(id=item_id(stem + keytext), type="单选", stem=stem,
                    options={LETTERS[i]: o for i, o in enumerate(opts)}, answer=letter,
                    explanation=f"{letter} 项错误，{cite(chunk)}规定：“{fkey.source.quote}”题中{why}。其余各项均为原文规定（{right}）。",
                    source=_source(chunk, fkey.source.quote), difficulty="中",
                    tags=[chunk.title, "说法辨析", WRONG_STATEMENT],
                    also_quotes=[x[0].source.quote for x in picked])
