"""Applying the quiz quality gate to one item: :func:`check_item` (the key is supported by the quoted
source, no distractor is also true), :func:`gate` (the issue-#19 checks of :mod:`bot.quiz.check`,
which may rewrite a stem), and what an item tests (:func:`item_facts`, :func:`fact_text`) so a set
tests each fact once. Every generated item — offline and LLM — passes :func:`check_item`; offline
items also pass :func:`gate`."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.quiz.check import (answer_key, dangling_opening, dangling_reference, fact_key, fragment_option, kind_mismatch, leaks_key,
                            lost_premise, missing_context, no_test_point, not_a_proposition, resolve_opening, statement_of,
                            too_long, unfinished_sentence)
from bot.quiz.extract import ITEM, article_subject, sentences_of
from bot.quiz.model import ENUM_TAG, QuizItem, norm
from bot.schema import Chunk

TruthProbe = Callable[[str], bool]


def _check_fill(item: QuizItem, src: str, body: str | None) -> str | None:
    answers = item.answer if isinstance(item.answer, list) else [item.answer]
    if not body or norm(body.replace("（  ）", answers[0])) not in src:
        return "答案与原文不符"
    if any(norm(a) in norm(item.stem.replace("（  ）", "")) for a in answers):
        return "题干泄露答案"
    return None


def _check_single(item: QuizItem, src: str, truth_probe: TruthProbe, body: str | None) -> str | None:
    key = item.options.get(str(item.answer), "")
    others = [(x, t) for x, t in item.options.items() if x != item.answer]
    if body is None and "说法辨析（选错误）" in item.tags:  # "下列说法错误的是": the key false, the others true
        if norm(key) in src or truth_probe(key):
            return "错误说法在原文中成立"
        if any(norm(t) not in src and not truth_probe(t) for _, t in others):
            return "答案与原文不符"
        return None
    if body is None and "不属于" in item.tags:  # odd one out
        if norm(key) in src:
            return "干扰项也是正确说法"
        if any(norm(t) not in src for _, t in others):
            return "答案与原文不符"
        return None
    if body is None:  # "下列属于…的是": key listed in the source, distractors not
        if norm(key) not in src:
            return "答案与原文不符"
        if any(norm(t) in src for _, t in others):
            return "干扰项也是正确说法"
        return None
    if not body or norm(body.replace("（  ）", key)) not in src:
        return "答案与原文不符"
    for letter, text in item.options.items():
        if letter != item.answer and (norm(body.replace("（  ）", text)) in src or truth_probe(body.replace("（  ）", text))):
            return "干扰项也是正确说法"
    if norm(key) in norm(item.stem.replace("（  ）", "")):
        return "题干泄露答案"
    return None


def _check_multi(item: QuizItem, src: str) -> str | None:
    keys = set(str(item.answer))
    if len(keys) < 2:
        return "多选题正确选项少于两个"
    for letter, text in item.options.items():
        inside = norm(text) in src
        if letter in keys and not inside:
            return "答案与原文不符"
        if letter not in keys and inside:
            return "干扰项也是正确说法"
    return None


def _check_judgement(item: QuizItem, src: str, truth_probe: TruthProbe, body: str | None) -> str | None:
    statement = body or item.stem
    if item.answer == "正确" and norm(statement) not in src:
        return "答案与原文不符"
    if item.answer == "错误" and "列举归属" in item.tags:  # membership of this article's list only
        if norm(statement) in src:
            return "错误说法在原文中成立"
    elif item.answer == "错误" and (norm(statement) in src or truth_probe(statement)):
        return "错误说法在原文中成立"
    return None


def check_item(item: QuizItem, quote_text: str, truth_probe: TruthProbe, body: str | None = None) -> str | None:
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
        return _check_fill(item, src, body)
    if item.type == "单选":
        return _check_single(item, src, truth_probe, body)
    if item.type == "多选":
        return _check_multi(item, src)
    if item.type == "判断":
        return _check_judgement(item, src, truth_probe, body)
    return None


def _option_faults(item: QuizItem, body: str | None) -> str | None:
    """The gate's checks of options and keys (fragments, kind, leaked key), by item type."""
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
    return None


def gate(item: QuizItem, body: str | None, chunk: Chunk) -> str | None:
    """The issue-#19 quality gate (:mod:`bot.quiz.check`) on one item made from ``chunk``; may rewrite
    a stem that ends with "；" or whose statement opens with a pronoun (using the article's subject).
    Then no 其/该/还/"对于…的，" left without an antecedent, and a 判断 is a proposition. Returns the
    drop reason or None."""
    if (why := _option_faults(item, body)):
        return why
    if (why := organiser_faults(item, body, chunk)):
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
    if (why := dangling_reference(item.stem)):
        return why
    if item.type == "判断" and (why := not_a_proposition(item.stem)):
        return why
    return None


def organiser_faults(item: QuizItem, body: str | None, chunk: Chunk) -> str | None:
    """The faults of the organiser's fourth reading (issue #19): a blank in an open list (…等), a list lead
    that could not be rewritten as a noun phrase, a true 判断 with nothing to test (:func:`no_test_point`),
    and a statement that holds only under an earlier sentence's case (:func:`lost_premise`). Returns the
    drop reason or None."""
    if "开放列举" in item.tags and item.type in ("填空", "判断"):
        return "开放列举（…等）答案不唯一"
    if "引导语生硬" in item.tags:
        return "列举引导语无法改写"
    if item.type == "判断" and item.answer == "正确" and "原文" in item.tags and "列表项" not in item.tags:
        if (why := no_test_point(body or item.stem)):
            return why
    if "列表项" not in item.tags:
        if (why := lost_premise(sentences_of(chunk), item.source.quote)):
            return why
    return None


def item_facts(item: QuizItem, body: str | None) -> set:
    """The facts an item tests (see :func:`bot.quiz.check.fact_key`): its source sentence as a whole
    (a set keeps one item per sentence; not for an article's item list, whose items are limited per list,
    :func:`item_lists`); and the element it masks or changes. A 判断 tests its whole source sentence (so the true and false versions of one
    statement collide); one that changes a number also tests that number, as a 填空 on it does."""
    q = item.source.quote
    # one item per source sentence: two items on one sentence show each other's key (a 填空 on its
    # number beside a 判断 stating it). Items on an article's item list quote the whole article: they are
    # limited per list instead (:func:`item_lists`)
    also = {fact_key(x, "句") for x in item.also_quotes}
    whole = {fact_key(q, "句")} if not (item_lists(item) and ITEM.search(q)) else set()
    return also | whole | _masked_facts(item, body, q)


#: most items a set takes from one list, of different types and showing no member twice (:func:`item_lists`)
ITEMS_PER_LIST = 2


def item_lists(item: QuizItem) -> set:
    """The lists an item is made from (:data:`bot.quiz.model.ENUM_TAG`), as fact keys. A set takes at most
    :data:`ITEMS_PER_LIST` items from one list, of different types, that show no member (option or stated
    member) twice: a "不属于" 单选 and a 多选 on 党章第四条's eight rights test different members; two 多选 on
    第四十一条's five 处分 answer each other."""
    return {fact_key(t, "列举") for t in item.tags if t.startswith(ENUM_TAG)}


def _masked_facts(item: QuizItem, body: str | None, q: str) -> set:
    """The element an item masks or changes, keyed with its source sentence ``q``."""
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
    if item.type == "判断" or "说法辨析" in item.tags:  # a 说法 item states its key sentence as a 判断 would
        return item.source.quote
    if item.type in ("填空", "单选") and body and "（  ）" in body:
        key = (item.answer[0] if isinstance(item.answer, list) else item.options.get(str(item.answer), ""))
        at = body.index("（  ）")
        return body[max(0, at - 10): at] + key + body[at + 4: at + 14]
    return None


def item_keys(item: QuizItem) -> set[str]:
    """What an item's answer says (:func:`bot.quiz.check.answer_key`): a 填空's answer, a 单选's key
    (not of a "下列说法正确的是", whose key is a whole sentence), the true value a false 判断 changed
    ("题中“五个月”应为“六个月”"). A set keeps one item per key."""
    if item.type == "填空":
        answers = item.answer if isinstance(item.answer, list) else [item.answer]
        return {answer_key(answers[0])}
    if item.type == "单选" and "说法辨析" not in item.tags:
        return {answer_key(item.options.get(str(item.answer), ""))}
    if item.type == "判断" and (m := re.search(r"应为“([^”]+)”", item.explanation)):
        return {answer_key(m.group(1))}
    return set()

