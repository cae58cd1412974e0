"""Quality gate for quiz items (issue #19): pure functions over strings, no index needed.

Each check returns ``None`` when the item passes, else the Chinese reason it is dropped; the
generator counts drops by reason (``QuizSet.dropped``). The checks:

* :func:`fragment_option` — an option must be a whole unit: balanced “”《》（）, no trailing 时/的/，/、;
* :func:`stated_count` / :func:`count_mismatch` — a parsed list must have the number of items the
  article itself states ("八项义务" → 8);
* :func:`leaks_key` — the stem must not contain the key, nor list the members it asks for;
* :func:`dangling_opening` / :func:`resolve_opening` — a stem must not open with 他们/它/该/其…
  without an antecedent (rewritten with the article's subject when one is known, else dropped);
* :func:`kind_of` / :func:`kind_mismatch` — distractors of the same kind as the key;
* :func:`missing_context` / :func:`too_long` / :func:`unfinished_sentence` — a stem is a whole
  statement that stands on its own, of a length a contest item has;
* :func:`dangling_reference` — nor lean on a sentence it does not show (其/该/还/"对于…的，");
* :func:`not_a_proposition` — a 判断 states a proposition (not a purpose clause or a task);
* :func:`answer_key` / :func:`option_set` — a set has one item per key and per option set;
* :func:`fact_key` — items that test the same fact (same source sentence and same masked element,
  or the true and false versions of one statement) share a key; a set keeps one per key.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.text.zh import chinese_number

_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("【", "】"), ("‘", "’"))
#: an option ending like this is a cut-off clause, not a unit ("在党组织讨论决定…时", "党的")
_TRAILING = ("时", "的", "，", "、", ",", "；", "：", "和", "或", "及", "与", "对", "在", "如有")
_LEADING = ("，", "、", "。", "；", "：", "的", "和", "或", "及", "与")
#: pronouns / demonstratives that need an antecedent when a stem's statement opens with them
_PRONOUNS = ("他们", "她们", "它们", "他", "她", "它", "该", "其", "此", "这些", "这", "上述", "前款", "前述")

_CN = "零一二三四五六七八九十百两"


def balanced(text: str) -> bool:
    """True when every opening quote/bracket is closed in order ("“三个代表”重要思想" yes, "“三个代表" no)."""
    stack: list[str] = []
    closers = {c: o for o, c in _PAIRS}
    openers = {o for o, _ in _PAIRS}
    for ch in text:
        if ch in openers:
            stack.append(ch)
        elif ch in closers:
            if not stack or stack[-1] != closers[ch]:
                return False
            stack.pop()
    return not stack


def fragment_option(text: str) -> str | None:
    """Reason when ``text`` is not a whole unit to offer as an option."""
    t = (text or "").strip().rstrip("。；;")
    if len(t) < 2:
        return "选项过短"
    if not balanced(t):
        return "选项引号括号不成对"
    if t.endswith(_TRAILING) or t.startswith(_LEADING):
        return "选项是残句"
    if t.startswith(("如", "对", "在")) and t.endswith(("意见", "时", "后", "前")) and "，" not in t:
        return "选项是残句"  # "对党的决议和政策如有不同意见", "在…作出鉴定时"
    if t.startswith("在") and t.endswith(("上", "中", "下", "内", "里", "期间")) and "，" not in t:
        return "选项是残句"  # "在党的会议上和党报党刊上": where, without what
    if len(t) > 4 and t.endswith(("后", "以后", "之后", "以前", "之前")):
        return "选项是残句"  # "发展对象批准为预备党员后": when, without what
    return None


#: a clause that goes on like this makes the clause before it a subject, not a statement
_PREDICATE_NEXT = ("是", "由", "为", "应当", "应", "要", "必须", "可以", "不得", "都", "均")


def subject_only(first: str, rest: str) -> str | None:
    """Reason when ``first`` — a list item's first clause — is only the subject of the item
    ("党的最高领导机关" of "党的最高领导机关，是党的全国代表大会…"): offered as a 民主集中制 principle
    it is a fragment (issue #19). ``rest`` is the item's text after that clause."""
    if rest.lstrip("，, ").startswith(_PREDICATE_NEXT):
        return "选项是残句"
    return None


_COUNT = re.compile(rf"(?<![第{_CN}\d])([{_CN}\d]+)(?:项|种|条|个方面|类)")


def stated_count(text: str) -> int | None:
    """The number of items an article's lead says it lists: "党员必须履行下列八项义务" → 8,
    "纪律处分有五种" → 5; None when it states none."""
    m = _COUNT.search(text or "")
    if not m:
        return None
    try:
        n = chinese_number(m.group(1))
    except (ValueError, TypeError):
        return None
    return n if isinstance(n, int) and 2 <= n <= 30 else None


def count_mismatch(lead: str, members: list[str]) -> str | None:
    """Reason when the article states a count and the parsed list has another length."""
    n = stated_count(lead)
    if n is not None and n != len(members):
        return "列举项数与原文所述不符"
    return None


def _norm(text: str) -> str:
    return re.sub(r"[\s　“”\"'‘’《》（）()，。；：、]", "", text or "")


def leaks_key(stem: str, keys: list[str], options: list[str] | None = None) -> str | None:
    """Reason when the stem reveals the key: the key text itself is in the stem (ignoring the blank),
    or the stem lists members that are the options/keys ("…有（ ）：警告、严重警告…")."""
    body = _norm((stem or "").replace("（  ）", "").replace("（ ）", ""))
    for k in keys:
        nk = _norm(k)
        if len(nk) >= 2 and nk in body:
            return "题干泄露答案"
    listed = [o for o in (options or []) if len(_norm(o)) >= 2 and _norm(o) in body]
    if options and len(listed) >= 2:
        return "题干泄露答案"
    # a number key repeated as a paraphrase next to the blank: "（  ）（含二人）" for "二人以上"
    for k in keys:
        core = strip_bound(_norm(k))
        if core != _norm(k) and len(core) >= 2 and re.search(rf"[{_CN}\d]", core) and core in body:
            return "题干泄露答案"
    # a count question whose members are spelled out after the blank
    if re.search(r"（\s*）[：:]\s*\S+、\S+", stem or "") and re.search(r"(几|多少|有（\s*）)", stem or ""):
        return "题干泄露答案"
    return None


def statement_of(stem: str) -> str:
    """The stem's own statement: without "根据《…》第…条，" and "判断：" and an opening quote."""
    s = re.sub(r"^根据《[^》]+》(第[^，,]{1,10}条)?[，,]\s*", "", stem or "")
    s = re.sub(r"^判断[：:]\s*", "", s)
    return s.lstrip("“")


def dangling_opening(stem: str) -> str | None:
    """Reason when the stem's statement opens with a pronoun or 该/其 and so needs an antecedent."""
    s = statement_of(stem)
    if s.startswith(_PRONOUNS) and not s.startswith(("其他", "其中", "该当", "这样", "此外")):
        return "题干指代不明"
    return None


def resolve_opening(statement: str, subject: str | None) -> str | None:
    """Rewrite a statement opening with a pronoun using the article's ``subject`` ("他们的工作…" with
    subject "党员" → "党员的工作…"); None when it cannot be rewritten (then the item is dropped)."""
    if not statement.startswith(_PRONOUNS) or statement.startswith(("其他", "其中", "此外")):
        return statement
    if not subject:
        return None
    for p in sorted(_PRONOUNS, key=len, reverse=True):
        if statement.startswith(p):
            rest = statement[len(p):]
            if p in ("该", "此", "这", "上述", "前述"):  # 该机关 → 党的机关? no safe rewrite
                return None
            return subject + ("的" + rest if p == "其" and not rest.startswith("的") else rest)
    return None


_NO_CONTEXT = re.compile(r"^([\u4e00-\u9fff]{0,2}(时间|期限)(一般)?(不少于|不超过|不得超过|为)|"
                         r"（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|情节(较轻|较重|严重|特别严重)的|"
                         r"有前款|有上述|依照前款|前款|如果|另有|但是?[，,]?|并且?|同时|也|否则|对此|为此|据此|因此|"
                         r"其中|以上|上述|主要有|主要包括|导致|造成|致使)")


#: words inside a statement that point back at text the stem does not show ("支持上述活动者",
#: "依照前款规定受到严重警告处分的")
_BACK_REFERENCE = re.compile(r"上述|前款|前两款|前三款|本款|前项|上款|第[一二三四五六七八九十]+款|这些|"
                             r"有下列[^，。；]{0,8}之一|这样的|这种")


def missing_context(stem: str) -> str | None:
    """Reason when the stem's statement opens with a list marker "（二）", a duration whose owner is not
    said ("培训时间一般不少于…": whose training?), or a clause that refers to what precedes it
    ("情节严重的，给予…", "有前款行为的", "导致…政治生态恶化的，给予…"), or points back at
    text it does not show ("这些权利", "有下列行为之一", "第一款"): it is not a statement on its own
    (judged samples, issue #19)."""
    s = statement_of(stem)
    # a quoted article lead whose list the item asks about ("“有下列情形之一的，…”，其中包括：") shows its list
    shown = re.sub(r"“[^”]*”，(其中包括|下列|以下)", "", stem or "")
    if _NO_CONTEXT.match(s) or _BACK_REFERENCE.search(statement_of(shown)):
        return "题干缺少上下文"
    return None


#: nouns that can stand before a 其 as what it refers to ("受到处分的党员，…高于其原任职务"); 机关 is
#: left out: "根据监察机关…结果，可以恢复其党员权利的" has no antecedent for 其 (the 党员 is elsewhere)
_HOLDER = re.compile(r"党员|成员|干部|党组织|组织|人员|者|对象|代表|委员|书记|同志|本人|群众|公民|学生|积极分子|职工|党组|党委|支部|单位")
#: who a "对于…的，" clause can name ("对于违纪的党组织"): "对于在党外组织担任职务的" names a post, not whose
_PERSON = re.compile(r"党员|成员|干部|人员|者|对象|代表|委员|书记|同志|本人|群众|公民|学生|积极分子|职工|党组织")
#: 其 in these words is no pronoun
_NOT_QI = re.compile(r"其他|其它|其中|其余|其次|尤其|极其|与其|其实")
#: 还 as "in addition", before a modal or a verb of a rule ("党员领导干部还不得参加…"): it adds to a
#: sentence the stem does not show
_STILL = re.compile(r"(?<![归退偿交送返发])还(?=应当|应|要|须|必须|可以|可|不得|不能|需要|需|得|将|有|包括|是|会|对|就)")
#: an opening "对于…的，" that names no one ("对于担任党外职务的，…", "对于个别…的，"): whose case it is
#: was said in the sentence before
_ABOUT = re.compile(r"^对于([^，。；]{1,14})的，")


def dangling_reference(stem: str) -> str | None:
    """Reason when the stem's statement leans on a sentence it does not show: a 其 with no one named
    before it in the statement ("根据处理结果，可以恢复其权利的…"), 该 + noun ("该机关", "该党员"), 还 as
    "in addition" ("干部还不得…"), or an opening "对于…的，" that names no one ("对于担任党外职务的，…")."""
    s = statement_of(stem)
    plain = _NOT_QI.sub("", s)
    at = plain.find("其")
    if at >= 0 and not _HOLDER.search(plain[:at]):
        return "题干指代不明"
    if re.search(r"(?<![应])该(?!当)[\u4e00-\u9fff]", s) or _STILL.search(s):
        return "题干指代不明"
    m = _ABOUT.match(s)
    if m and not _PERSON.search(m.group(1)):
        return "题干指代不明"
    return None


#: a statement opening with a bare verb of an instruction ("重点查处…", "注重从青年中发展党员", "通过网络
#: 向群众宣传…"): it has no subject, so it is a task, not a proposition one can judge true or false
_TASK = re.compile(r"^(加强|注重|重点|坚持|推进|深入|健全|完善|落实|突出|强化|围绕|着力|大力|积极|切实|统筹|通过|广泛|扎实|"
                   r"认真|严格|有效|不断|充分|开好|做好|抓好|搞好|用好|开展|推动|发挥|引导|督促|实行|确保|保证|提高|增强|针对|建立|"
                   r"适应|改进)")


def not_a_proposition(statement: str) -> str | None:
    """Reason when a 判断's ``statement`` is no proposition to judge: a purpose clause ("为了规范…，根据…，
    制定本细则。"), a note on the text itself ("本条例由…负责解释", "自…起施行"), or a task without a
    subject (:data:`_TASK`)."""
    s = statement_of(statement)
    if re.match(r"^为了?", s) and "制定" in s:
        return "题干不是命题"
    if re.search(r"负责解释|起施行|(制定|根据)本(条例|细则|办法|规定|规则)", s):
        return "题干不是命题"
    # a case clause, then a task with no one to do it ("尚不具备条件的，做好…工作"): who does it was
    # said in the sentence before
    if _TASK.match(s) or _TASK.match(re.sub(r"^[^，。；]{2,24}的，", "", s)):
        return "题干不是命题"
    return None


#: longest statement a contest stem quotes (characters, lead-in "根据《…》第…条，" not counted): the
#: judged sets' usable stems were up to ~90 characters; a 200-character sentence with one blank is
#: a reading exercise, not an item (issue #19 sample, 发展党员工作细则第十条)
MAX_STATEMENT = 100


#: longest article lead quoted in a stem ("“党员必须履行下列义务”，下列…"): a 90-character lead
#: ("培养联系人由经过一定时间党内生活的锻炼、…的党员担任，主要任务是") buries the question
MAX_QUOTED_LEAD = 40


def too_long(stem: str) -> str | None:
    """Reason when the stem's statement is longer than :data:`MAX_STATEMENT` characters, or quotes
    a lead longer than :data:`MAX_QUOTED_LEAD`."""
    s = statement_of(stem)
    if len(s) > MAX_STATEMENT or any(len(q) > MAX_QUOTED_LEAD for q in re.findall(r"“([^”]*)”", stem or "")):
        return "题干过长"
    return None


def unfinished_sentence(quote: str) -> str | None:
    """Reason when the source sentence an item is made from does not end a sentence or clause
    (。；！？): it was cut before its list ("…并且必须具备以下的基本条件") or at a line break."""
    if not (quote or "").rstrip().endswith(("。", "；", "！", "？", "”", "）")):
        return "题干是残句"
    return None


_UNITS = {"年": "时长", "个月": "时长", "日": "时长", "天": "时长", "周岁": "年龄", "岁": "年龄",
          "人": "人数", "名": "人数", "次": "次数", "种": "数目", "项": "数目"}


def kind_of(text: str) -> str:
    """Coarse kind of an answer: 分数, 时长, 年龄, 人数, 次数, 数目, 数字 or 文字."""
    t = (text or "").strip()
    if re.fullmatch(rf"[{_CN}\d半]+分之[{_CN}\d]+.*", t):
        return "分数"
    m = re.fullmatch(rf"[{_CN}\d半]+(个月|周岁|年|日|天|岁|人|名|次|种|项)(以上|以下|以内)?", t)
    if m:
        return _UNITS[m.group(1)]
    if re.fullmatch(r"[\d.]+%?", t):
        return "数字"
    return "文字"


def list_suffix(members: list[str]) -> str | None:
    """The ending most members of a list share ("类材料" of "履历类材料、自传和思想类材料…", "纪律" of
    "政治纪律、组织纪律…"): the kind of thing the list names; None when fewer than 60% share one."""
    for n in (3, 2):
        ends = Counter(m[-n:] for m in members if len(m) > n)
        if ends:
            end, k = ends.most_common(1)[0]
            if k >= 0.6 * len(members) and k >= 2:
                return end
    return None


def same_kind_list(members: list[str], other: list[str]) -> bool:
    """May members of ``other`` stand as distractors for ``members``? Only when both lists name the
    same kind of thing: the same :func:`list_suffix`, or neither has one ("考核鉴定类材料" offered among
    the principles of 干部人事档案工作 is no distractor)."""
    a, b = list_suffix(members), list_suffix(other)
    if a is None and b is None:
        return True
    return a is not None and b is not None and (a.endswith(b) or b.endswith(a))


def kind_mismatch(key: str, distractors: list[str]) -> str | None:
    """Reason when a distractor is of another kind than the key (a duration among numbers of people)."""
    k = kind_of(key)
    if any(kind_of(d) != k for d in distractors):
        return "干扰项与答案不同类"
    return None


def _bigrams(text: str) -> set[str]:
    t = _norm(text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


#: two fact texts whose character bigrams overlap this much (share of the smaller set) state one fact
SAME_FACT = 0.6


def same_fact(a: str, b: str) -> bool:
    """Do two fact texts — the source words around what an item asks, with the key in place — state
    the same fact? True when their character bigrams overlap by :data:`SAME_FACT` of the smaller set:
    "要有两名正式党员作介绍人" (党章第五条) and "应当有两名正式党员作入党介绍人" (发展党员工作细则第十四条)
    are one fact; a set keeps one of them."""
    x, y = _bigrams(a), _bigrams(b)
    if len(x) < 4 or len(y) < 4:
        return False
    return len(x & y) / min(len(x), len(y)) >= SAME_FACT


def fact_key(quote: str, masked: str | None) -> tuple[str, str]:
    """Identity of the fact an item tests: its source sentence and the element masked or changed
    (None for a statement judged as a whole, so the true and false versions of one statement share
    a key)."""
    return (_norm(quote), _norm(masked or ""))


_NUMBER_KEY = re.compile(rf"([{_CN}\d半]+)(个)?(年|月|日|天|周岁|岁|人|名|次|种|项)")


def strip_bound(text: str) -> str:
    """``text`` without a trailing bound word (以上/以下/以内): "二人以上" → "二人", "两年以下" → "两年"."""
    return re.sub(r"(以上|以下|以内)$", "", text)


def answer_key(text: str) -> str:
    """What an answer says, for "no two items of a set share a key": a number answer as value and unit
    whatever its form ("六个月", "6个月以上", "六个月（含六个月）" → "6月"), any other answer normalised.
    An organiser read three 六个月 items in one set as one question asked three times."""
    t = re.sub(r"（[^（）]*）", "", text or "").strip()
    m = _NUMBER_KEY.fullmatch(strip_bound(t))
    if m:
        try:
            value = chinese_number(m.group(1).replace("半", "0.5")) if m.group(1) != "半" else 0.5
        except (ValueError, TypeError):
            value = m.group(1)
        return f"{value}{m.group(3)}"
    return _norm(t)


def option_set(options: dict[str, str]) -> frozenset[str]:
    """The options of a choice item as a set (order and letters ignored), for "no two items of a set
    offer the same options" (六个月/五个月/七个月/八个月 twice)."""
    return frozenset(answer_key(o) for o in options.values())



# ---- the organiser's fourth reading (issue #19, eval/README.md "Fourth round") ----

def open_list(sentence: str, run: str) -> bool:
    """Is the 顿号 run ``run`` of ``sentence`` an open list — followed by 等/等等 ("分配、调动、交流等决定")?
    A blank on one of its members has no unique answer ("任免" fits as well as "交流"); a closed list
    ("集会、游行、示威") may be blanked.

    >>> open_list("拒不执行党组织的分配、调动、交流等决定的，给予警告处分。", "分配、调动、交流")
    True
    """
    at = sentence.find(run)
    return at >= 0 and sentence[at + len(run):].startswith("等")


#: what a true 判断 can be tested on (:func:`no_test_point`): a number or a duration, a prohibition or a
#: permission, a definition, who decides/approves/reports
_TEST_POINT = re.compile(
    rf"[{_CN}\d]+(?:分之|个?(?:年|月|日|天|周|周岁|岁|人|名|次|种|项|级|小时))|半年|每(?:年|月|季度|周|届)|"
    r"不得|不能|不宜|不准|不允许|禁止|严禁|可以|一律|不予|无权|有权|"
    r"是指|称为|为[^，。；]{0,6}(?:制度|原则|机关|组织|形式)|是党的|是[^，。；]{1,20}的(?:基础|核心|机关|组织|制度|原则|形式|依据)|"
    r"由[^，。；]{1,20}(?:负责|决定|审批|批准|审查|讨论|确定|提出|领导|组织|管理|主持|作出)|"
    r"报[^，。；]{1,16}(?:备案|批准|审批|审查)|审批|批准|备案|"
    r"给予[^，。；]{0,16}处分|处分[^，。；]{0,4}(?:是指|分为)|除名|开除|终止|视为|没有[^，。；]{0,8}权|不再|按照[^，。；]{0,8}处理")


def no_test_point(statement: str) -> str | None:
    """Reason when a true 判断's ``statement`` holds nothing checkable — no number, duration or
    frequency, no prohibition or permission, no definition, no one named to decide/approve/report, no
    sanction or consequence (给予…处分, 除名, 终止, 视为, 没有…权) (:data:`_TEST_POINT`), no closed list of three or more members: an exhortation ("各级党组织对违纪行为
    应当严肃查处", "应当加强检查考核") that everyone judges 正确 (organiser's reading, issue #19)."""
    s = statement_of(statement)
    if _TEST_POINT.search(s):
        return None
    for m in re.finditer(r"(?:[^、，。；：（）\s]{1,12}、){2,}[^、，。；：（）\s等]{1,12}", s):
        if not s[m.end():].startswith("等"):
            return None
    return "判断题没有考点"


#: the 下列/以下 lead of a list ("党员必须履行下列八项义务", "坚持以下原则") as verb phrase + noun
_LIST_LEAD_WORDS = re.compile(r"^(.{2,24}?)(?:下列|以下|如下)(?:[一二三四五六七八九十]+(?:项|种|个方面|类|条))?([^，。：、的]{1,6})$")


def list_noun_phrase(lead: str) -> str | None:
    """The list an article's lead introduces, as a noun phrase a stem can use: "党员必须履行下列义务" →
    "党员必须履行的义务", "入党介绍人的主要任务是" → "入党介绍人的主要任务", "党的纪律主要包括" →
    "党的纪律"; None when the lead cannot be rewritten cleanly ("有下列情形之一的"): then the
    framed item is not made (an organiser read "“党员必须履行下列义务”，其中包括：" as machine-made).

    >>> list_noun_phrase("党员必须履行下列八项义务")
    '党员必须履行的义务'
    >>> list_noun_phrase("机关党的基层委员会（含总支部委员会、支部委员会）的基本职责是")
    '机关党的基层委员会的基本职责'
    """
    lead = re.sub(r"\s+", "", lead or "").rstrip("：:，, ")
    # an inclusion note is not part of the name: "机关党的基层委员会（含…总支部委员会、支部委员会）的基本职责是"
    lead = re.sub(r"（[^（）]*）", "", lead)
    if len(lead) > 30 or re.search(r"之一|[，。；“”]", lead):
        return None
    m = _LIST_LEAD_WORDS.match(lead)
    if m:
        verb, noun = m.group(1), m.group(2)
        if re.search(r"(?<![享具拥含])有$", verb) or verb.endswith(("的", "对", "在")) or noun.endswith(("之一", "情形", "行为")):
            return None
        return f"{verb}的{noun}"
    m = re.match(r"^(.{3,20}?)(?:主要)?(?:包括|是|有)$", lead)
    if m and "的" in m.group(1) and not m.group(1).endswith(("的", "中", "时")):
        return m.group(1)
    return None


def lost_premise(sentences: list[str], sentence: str) -> str | None:
    """Reason when ``sentence`` holds only under a case an earlier sentence of its article sets: it opens
    with "对于…" or "对…的，" (the case of the sentence before: "对于应当给予留党察看以下处分的，作出…结论"
    after "党员死亡的，…"), or the article's first sentence opens with a case ("…的，") that the later
    sentences go on under. None for the first sentence and for articles without a case."""
    if not sentences or sentence not in sentences or sentences.index(sentence) == 0:
        return None
    if re.match(r"^(对于|对[^，。；]{1,40}的，)", sentence):
        return "题干缺少前提"
    first = sentences[0]
    if re.match(r"^(?!对)[^，。；：]{2,40}的，", first) and not re.match(r"^[^，。；]{2,40}的，", sentence):
        return "题干缺少前提"
    return None


#: words that make a number an upper bound ("三年以下", "不超过半年") or a lower bound ("三人以上", "不少于")
_UPPER_AFTER = ("以下", "以内")
_UPPER_BEFORE = ("不超过", "不得超过", "不满", "最长", "最多", "未满")
_LOWER_AFTER = ("以上",)
_LOWER_BEFORE = ("超过", "不少于", "不得少于", "不能少于", "不应少于", "不低于", "满", "至少", "最短", "最少", "年满")


def bound_of(sentence: str, start: int, end: int) -> str | None:
    """"upper" when the number at ``sentence[start:end]`` is an upper bound (以下/以内 after it, 不超过/不满…
    before it), "lower" for a lower bound (以上; 超过/不少于/满/至少 before), None for an exact value. A
    false statement must leave the bound's range: a smaller upper bound ("两年以下" for "三年以下（含三年）")
    is still true."""
    after, before = sentence[end:end + 2], sentence[max(0, start - 4):start]
    el = sentence[start:end]
    if el.endswith(_UPPER_AFTER) or after.startswith(_UPPER_AFTER):
        return "upper"
    if el.endswith(_LOWER_AFTER) or after.startswith(_LOWER_AFTER):
        return "lower"
    if before.endswith(_UPPER_BEFORE):
        return "upper"
    if before.endswith(_LOWER_BEFORE):
        return "lower"
    return None


def number_value(text: str) -> float | None:
    """The value of a number answer ("两年以下（含两年）" → 2.0, "六个月" → 6.0, "一年" in months → 12.0
    when ``text`` is in 年 and compared with months is not done here); None when not a number."""
    k = answer_key(text)
    m = re.match(r"^([\d.]+)", k)
    return float(m.group(1)) if m else None


def in_months(text: str) -> float | None:
    """A duration in months ("一年" → 12, "六个月" → 6, "半年" → 6), other numbers as they are."""
    v = number_value(text)
    if v is None:
        return None
    return v * 12 if answer_key(text).endswith("年") else v
