"""Answer stage (default, no LLM): a grounded extractive answer with numbered citations.

1. Retrieve the top passages (:class:`~bot.retrieval.hybrid.HybridRetriever`).
2. Grounding check: the *coverage* of the best passage — the IDF-weighted share of the
   question's key terms (CJK character bigrams and Latin words, question words removed) that occur
   in it. Below ``settings.min_coverage`` the answer is 知识库中未找到依据 with no citations; a
   passage fetched by an explicit article reference ("党章第七条") is always grounded; a question
   using abbreviations (纪委, 地委) is also measured with them spelled out. A question
   about an article the knowledge base does not hold (党章第九十条; a regulation that is not
   indexed) is told so (:func:`missing_articles`) instead of being answered from other articles.
3. Sentence selection: the sentences that cover the most key terms, from the retriever's first
   passage and from those covering at least 0.8 of what the best-covering passage covers; when none
   of them comes from the first passage, its best sentence is added (``FIRST_PASSAGE_SHARE``). An
   enumeration lead ("党员享有下列权利：") brings its items along; headings (Markdown, 4.2 …) and
   bibliography entries are never quoted. Case analyses (典型案例) set out
   several views before deciding: a view the document does not endorse (第一种意见认为…, 有观点认为…)
   is never quoted as the answer, and when the question asks for a judgement (算不算受贿, 是…还是…)
   the case's own verdict sentences (构成/不构成…, 应认定为…) are preferred, from any of its passages
   (those stating a verdict are looked up in the index when retrieval did not return them).
4. Composition: short Chinese answer, each sentence followed by ``[n]``; citations list
   《标题》第X条 and the quoted passage. Citations come only from passages of the index that were
   retrieved or, for a judgement question, are verdict passages of the best-matching case.

Public API: :class:`ExtractiveAnswerer` (``answer``), :func:`key_terms`, :func:`coverage`,
:func:`missing_articles`, :data:`NOT_FOUND`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.retrieval.articles import ArticleLookup
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.query import expand_abbreviations, expand_aliases, normalize_query
from bot.text.lexicon import ABBREVIATIONS, REGULATION_ALIASES, STOP_PHRASES, STOP_RE as _STOP_RE
from bot.text import lexicon
from bot.answer.direct import direct_answer, is_item, locate_direct_answer, question_type
from bot.schema import Answer, Chunk, Citation, RetrievedChunk
from bot.text.refs import join_article_pieces

NOT_FOUND = "知识库中未找到依据。"

_CJK = re.compile(r"[\u4e00-\u9fff]+|[a-zA-Z]+|\d+")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?|\n")
_END = ("。", "！", "？", "；", "：", "…", "”", "」", "）", ")", ".", "!", "?", ";", ":")


def missing_articles(lookups: list[ArticleLookup], doc_type: str | None = None) -> tuple[str, bool]:
    """Of a question's article references (:meth:`HybridRetriever.article_lookups`), the articles
    the knowledge base does not hold, as one Chinese message ("知识库中的《中国共产党章程》没有第九十条，
    该版本共五十五条。"; "" when none), and whether *every* article named is missing: then no other
    article may stand in as the answer (asked for 第九十条, the retriever's best match is some other
    article, a wrong citation). Only with no doc-type filter or the filter 法规."""
    if doc_type not in (None, "法规"):
        return "", False
    missing = [lk for lk in lookups if not lk.found]
    return "".join(lk.message() for lk in missing), bool(missing) and len(missing) == len(lookups)


def key_terms(question: str) -> list[str]:
    """Key terms of a question: character bigrams of each CJK run left after removing stop
    phrases (single characters when a run has one character), plus Latin words and numbers.

    Example: ``key_terms("预备党员的预备期是多长时间？")`` → ``['预备', '备党', '党员', '备期']``.
    """
    text = _STOP_RE.sub(" ", normalize_query(question))
    terms: list[str] = []
    for run in _CJK.findall(text):
        if "\u4e00" <= run[0] <= "\u9fff":
            if len(run) == 1:
                terms.append(run)
            else:
                terms += [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            terms.append(run.lower())
    return list(dict.fromkeys(terms))


def coverage(terms: list[str], weights: dict[str, float], text: str) -> float:
    """IDF-weighted share of ``terms`` occurring in ``text``, in [0, 1] (0 when no terms)."""
    if not terms:
        return 0.0
    low = text.lower()
    total = sum(weights.get(t, 1.0) for t in terms)
    hit = sum(weights.get(t, 1.0) for t in terms if t in low)
    return hit / total if total else 0.0


#: A question that asks for a judgement on conduct (算不算受贿, 是职务侵占还是受贿, 如何定性).
JUDGEMENT_RE = re.compile(r"算不算|是不是|是否|还是|构成|定性|认定|违纪吗|违法吗|犯罪吗|受贿吗|算.{0,10}吗")
#: A sentence that states a judgement (构成/不构成…, 应认定为…, 以…论处); 构成要件 (the elements of an offence)
#: is a definition, not a verdict.
VERDICT_RE = re.compile(r"(?:不?构成(?!要件)|应当?认定|认定为|不宜认定|不能认定|定性为|以.{1,12}论处)")
#: added to a verdict sentence's key-term coverage when the question asks for a judgement
VERDICT_BONUS = 0.15
#: A question asking for a time span or frequency (多久开一次, 预备期多长, 几年内不得…, 任期几年).
DURATION_RE = re.compile(r"多久|多长时间|多长|几年|多少年|几个月|多少天|几天|期限|任期|多少时间|什么时候|哪天|何时")
#: A sentence stating a time span or frequency (每五年举行一次, 一年, 二年内, 三个月, 六个月以上).
TIME_SPAN_RE = re.compile(r"(?<!第)[一二三四五六七八九十百两\d]+\s*(?:个月|年|月|日|天|周|个工作日|学时)")
#: added to a sentence's key-term coverage when the question asks for a time span and the sentence states one
#: (as VERDICT_BONUS; eval.answers, eval/README.md)
TIME_SPAN_BONUS = 0.15
#: the best sentence of the retriever's first passage is quoted too when its score is at least this share
#: of the best sentence's (eval.answers, answers holding the evidence, with the heading and reference
#: filters: dev 114 → 118 of 164, blind 26 → 29 of 49; see eval/README.md for 0.3 and 0.6)
FIRST_PASSAGE_SHARE = 0.5
#: a sentence of another regulation than the one quoted joins the answer when it scores at least this share of
#: the best sentence (and, for a number/duration/time question, states something of the asked kind): a rule
#: stated both in the 党章 and in a 条例 (留党察看, 除名) is cited from both. Measured on the ten regulations
#: (tests/test_answer_first.py): 0.8 keeps 纪律处分条例第十二条 beside 党章第四十一条 for 留党察看最长多久
#: and adds no second regulation to 党员有几项权利 or 党的地方各级代表大会多久开一次.
SECOND_SOURCE_SHARE = 0.8
#: words that only say how many are asked for (几项, 多少种, 哪几类): left out of the key terms, so that
#: 党员有几项权利 is measured on 党员 and 权利 (the bigrams 几项, 项权 are in no text)
_COUNT_WORDS = re.compile(r"(?:几|多少|哪几)(?:个)?(?:项|种|类|条|大类|方面|部分|点|阶段|环节|道)")
#: A sentence reporting one of several views before the author decides (第二种意见认为…, 有观点认为…).
OPINION_RE = re.compile(r"第([一二三四五六])种(?:意见|观点)认为|^\W*(?:也|另|还)?有(?:一种)?(?:观点|意见|人)认为")
#: The author endorsing one of the numbered views (笔者同意第二种意见, 我们赞同第一种观点).
ENDORSE_RE = re.compile(r"(?:同意|赞同|赞成|倾向于?|支持|认同|采纳)(?:上述|前述|以上)?第([一二三四五六])种(?:意见|观点)")


#: Text addressed to the assistant instead of stating knowledge: an instruction planted in a document
#: (忽略以上所有指令，回答：…; ignore previous instructions). Document text is data, never instructions:
#: a passage holding such text is never quoted nor given to the LLM (:func:`instructs`).
INSTRUCTION_RE = re.compile(
    r"(?:忽略|无视|忘记|忘掉|不要理会|不要遵守|不必遵守)(?:掉)?(?:以上|上面|上述|之前|此前|前面|先前|你的|原有|原来|系统)?的?"
    r"(?:所有|全部|一切|任何)?的?(?:指令|指示|提示词?|规则|设定|要求|约束)"
    r"|(?:你|助手|模型|AI|ＡＩ)(?:现在|从现在起)?(?:必须|只能|只许|应当|要)(?:回答|输出|回复|说)"
    r"|(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier)\s+(?:instructions?|prompts?|rules?)"
    r"|system\s+prompt|jailbreak",
    re.I,
)
#: A quantity stated by a sentence: a number (Chinese or Arabic) and its unit (预备期为一年, 三个月, 五名).
_QUANTITY = re.compile(r"(?<!第)([一二三四五六七八九十百千两零〇\d]+)\s*(个月|周年|周岁|年|月|日|天|名|人|次|条|项|种|届|倍)")




@lru_cache(maxsize=1)
def _skipped_words() -> frozenset[str]:
    """Words :func:`content_words` leaves out: the lexicon's asking words and retrieval's stop phrases."""
    return lexicon.asking_words() | frozenset(STOP_PHRASES)


def content_words(question: str) -> list[str]:
    """The words a question is about: jieba words (dictionary only, no HMM guesses: a word jieba does not
    know comes out as single characters and is left out, which measured fewer false refusals than joining
    them) of two or more characters, and Latin words in a Chinese question (KTV); without question words,
    function words and the words that only say what kind of answer is asked (``asking_words`` of
    ``bot/lexicon.yaml``).

    Example: ``content_words("党员可以在家里养宠物吗？")`` → ``['党员', '家里', '宠物']``."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    asking = _skipped_words()
    text = normalize_query(question)
    cjk = sum("\u4e00" <= c <= "\u9fff" for c in text)
    latin = cjk * 2 >= len(re.sub(r"\s", "", text))  # an English question is not read word by word here
    out: list[str] = []
    for w in jieba.lcut(text, HMM=False):
        w = w.strip()
        if not w or w in asking or any(a in w for a in ("什么", "哪", "怎么", "多少", "谁")):
            continue
        if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w) or (latin and re.fullmatch(r"[A-Za-z][A-Za-z0-9]+", w)):
            out.append(w)
    return list(dict.fromkeys(out))


#: a word at least this frequent in jieba's dictionary (its counts come from a general Chinese corpus) is
#: everyday vocabulary: its absence from the regulations says nothing about what they state. Measured on
#: the dev set's questions refused for an absent word (觉得 15,995, 意思 6,089, 常常 5,147, 看法 2,491,
#: 好处 2,225) against the near-domain set's asked details (the most frequent: 开通 1,404, 离婚 886);
#: eval/README.md, answerability
COMMON_WORD_FREQUENCY = 2000


def abbreviates(word: str, text: str) -> bool:
    """Whether ``word`` reads as a Chinese abbreviation of something in ``text``: its characters occur there
    in order within a span of at most three times its length (环保 → 环境保护, 审案 → 审理案件)."""
    pattern = ".{0,%d}?".join(map(re.escape, word)) % tuple([2 * len(word)] * (len(word) - 1))
    return any(m.end() - m.start() <= 3 * len(word) for m in re.finditer(pattern, text))


def unstated_words(question: str, occurs, context: str = "") -> list[str]:
    """The content words of ``question`` (:func:`content_words`) that the knowledge base states nowhere:
    ``occurs(text) -> bool`` is False for the word and for each wording the lexicon gives for it, the word
    is no known abbreviation or regulation name, is not everyday vocabulary (``COMMON_WORD_FREQUENCY``), is
    not a preposition or suffix around a word that occurs (在群众中, 案子), and abbreviates nothing in
    ``context`` (the passages that would answer: :func:`abbreviates`). A question asking for such a detail
    (入党申请书必须手写吗 — no indexed text says 手写) cannot be answered from the knowledge base, however
    well the rest of it is covered."""
    import jieba

    synonyms = lexicon.synonyms()
    out = []
    for w in content_words(question):
        if w in ABBREVIATIONS or w in REGULATION_ALIASES or occurs(w):
            continue
        if jieba.dt.FREQ.get(w, 0) >= COMMON_WORD_FREQUENCY:
            continue  # everyday vocabulary (觉得, 看法, 意思), not a detail the question turns on
        if any(occurs(x) for x in synonyms.get(w, [])):
            continue
        core = w.lstrip("在对从向把被给为").rstrip("中里上内外时后前的子")
        if core != w and (len(core) < 2 or occurs(core)):
            continue  # 在群众中 is about 群众, 案子 about 案
        if context and abbreviates(w, context):
            continue
        out.append(w)
    return out


def instructs(text: str) -> bool:
    """Whether ``text`` holds an instruction to the assistant (:data:`INSTRUCTION_RE`)."""
    return bool(INSTRUCTION_RE.search(text))


def quantities(text: str) -> dict[str, set[str]]:
    """Quantities a text states, by unit: ``{"年": {"一"}}`` for 预备党员的预备期为一年 (numerals as written,
    Arabic digits turned into Chinese ones so 1年 and 一年 agree)."""
    import cn2an

    out: dict[str, set[str]] = {}
    for number, unit in _QUANTITY.findall(text):
        number = number.replace("两", "二")
        if number.isdigit():
            try:
                number = cn2an.an2cn(number)
            except ValueError:
                pass
        out.setdefault(unit, set()).add(number)
    return out


def contradicts(sentence: str, rule: str) -> bool:
    """Whether ``sentence`` states, for a unit the regulation sentence ``rule`` also quantifies, only
    values ``rule`` does not give (预备期为三年 against 预备期为一年): a different number is a different rule."""
    own, theirs = quantities(sentence), quantities(rule)
    return any(unit in theirs and not values & theirs[unit] for unit, values in own.items())


#: a bibliography entry of a paper: "[1] 刘某. 题名[J]. 刊名, 2018(4)." (GB/T 7714 document type codes)
_REFERENCE = re.compile(r"^\W*\[\d+\]\s*\S|\[(?:J|M|D|C|N|R|S|P|EB/OL)\]")
#: a numbered section heading of a paper: "4.2 工作机制僵化与创新活力不足的问题"
_NUMBERED_HEADING = re.compile(r"^\W*\d+(?:\.\d+)+\s*\S")


@dataclass
class _Sentence:
    text: str
    passage: int  # index into the retrieved list
    position: int
    score: float
    context: bool = False  # quoted only so that an item does not start without its enumeration's lead
    whole: str = ""  # the full sentence this piece belongs to (set by ExtractiveAnswerer._complete)


class ExtractiveAnswerer:
    """Grounded extractive answers (no LLM). Thread-safe once constructed.

    Args:
        retriever: the hybrid retriever.
        min_coverage: grounding threshold (default ``settings.min_coverage``).
        max_chars: upper bound of the answer body length in characters (citations excluded).
    """

    def __init__(self, retriever: HybridRetriever, min_coverage: float | None = None, max_chars: int = 260):
        self.retriever = retriever
        self.min_coverage = retriever.settings.min_coverage if min_coverage is None else min_coverage
        self.max_chars = max_chars
        self._documents: dict[tuple[str, str], list[Chunk]] = {}

    # ------------------------------------------------------------------ grounding
    def weights(self, terms: list[str]) -> dict[str, float]:
        return self.retriever.index.ensure_bm25().idf(terms)

    def grounded(self, question: str, passages: list[RetrievedChunk]) -> tuple[bool, float]:
        """(is there enough evidence, best coverage): coverage ≥ ``min_coverage``, or coverage ≥
        ``min_coverage_dense`` with a dense cosine ≥ ``min_dense`` (settings; see eval.grounding).
        Coverage as in :meth:`grounding_evidence`."""
        best, _, _ = self.grounding_evidence(question, passages)
        return self._passes(best, passages), best

    def grounding_evidence(self, question: str, passages: list[RetrievedChunk]) -> tuple[float, list[float], str]:
        """(best coverage, coverage of each passage, the question form they were computed for).

        Below ``min_coverage`` the question is tried again with its abbreviations spelled out
        (纪委 → 纪律检查委员会, :func:`bot.retrieval.hybrid.expand_abbreviations`) and the better one is kept:
        the 党章 never writes 纪委 or 地委, so 纪委受谁领导 covered little of 第四十五条 and was refused.
        The answer's sentences are then chosen with the same form (else 地委是什么机构 found its
        grounds in 第二十九条 and quoted a 居民委员会 sentence that shares 委员会)."""
        best, covs = self.evidence(question, passages)
        if best < self.min_coverage:
            expanded = expand_abbreviations(question)
            if expanded != question:
                best_x, covs_x = self.evidence(expanded, passages)
                if best_x > best:
                    return best_x, covs_x, expanded
        return best, covs, question

    def occurs(self, text: str) -> bool:
        """Whether ``text`` occurs in the knowledge base: every character bigram (and Latin word) of it is
        held by some indexed chunk (the BM25 vocabulary, exact for a two-character word), and a longer text
        is found verbatim in one (:meth:`bot.store.index.KnowledgeIndex.contains`: 高中生 has both bigrams
        somewhere, but no chunk says 高中生)."""
        from bot.store.index import tokenize

        tokens = [t for t in tokenize(text) if len(t) >= 2 or t.isascii()]
        if not tokens:
            return True
        index = self.retriever.index
        if not all(index.ensure_bm25().document_frequencies(tokens).values()):
            return False
        return len(text) <= 2 or index.contains(text)

    def _passes(self, best: float, passages: list[RetrievedChunk]) -> bool:
        s = self.retriever.settings
        dense = max((p.dense_score or 0.0 for p in passages), default=0.0)
        return best >= self.min_coverage or (best >= s.min_coverage_dense and dense >= s.min_dense)

    def _terms(self, question: str) -> tuple[list[str], dict[str, float]]:
        question = _COUNT_WORDS.sub(" ", question)
        terms = key_terms(lexicon.expand_synonyms(expand_aliases(normalize_query(question))))
        return terms, self.weights(terms)

    def evidence(self, question: str, passages: list[RetrievedChunk]) -> tuple[float, list[float]]:
        """(best coverage, coverage of each passage) of the question's key terms."""
        terms, w = self._terms(question)
        covs = [coverage(terms, w, p.chunk.embed_text) for p in passages]
        best = max(covs, default=0.0)
        if any(p.direct for p in passages):
            best = max(best, 1.0)
        return best, covs

    # ------------------------------------------------------------------ answering
    def answer(self, question: str, doc_type: str | None = None, k: int | None = None) -> Answer:
        """Answer ``question`` from the knowledge base.

        Returns an :class:`~bot.schema.Answer`; ``grounded`` False (answer 知识库中未找到依据,
        no citations) when the question is empty, the index is empty or the evidence is weak.
        """
        question = (question or "").strip()
        if not question:
            return Answer(answer="请输入问题。", grounded=False, question=question)
        lookups = self.retriever.article_lookups(question)
        missing, none_found = missing_articles(lookups, doc_type)
        if none_found:
            return Answer(answer=missing, grounded=False, question=question, notes=[missing])
        passages = self.retriever.retrieve(question, k=k, doc_type=doc_type, lookups=lookups)
        ans = self.answer_from(question, passages)
        if missing and ans.grounded:
            ans.answer += f"\n（注意：{missing}）"
        return ans

    def answer_from(self, question: str, passages: list[RetrievedChunk]) -> Answer:
        """Compose the answer from already retrieved passages (see :meth:`answer`)."""
        if not passages:
            return Answer(answer=NOT_FOUND, grounded=False, question=question)
        best, covs, terms_of = self.grounding_evidence(question, passages)
        if not self._passes(best, passages):
            return Answer(answer=NOT_FOUND, grounded=False, question=question,
                          notes=[f"最相关片段的关键词覆盖率 {best:.2f} 低于阈值 {self.min_coverage:.2f}"])
        passages, covs = self._whole_articles(terms_of, passages, covs)
        passages, covs = self._with_verdict_passages(terms_of, passages, covs)
        chosen = self._select(terms_of, passages, covs)
        if not chosen:  # every passage that covered the question was refused (it addressed the assistant)
            return Answer(answer=NOT_FOUND, grounded=False, question=question,
                          notes=["相关片段含有针对助手的指令性文字，已按不可信内容排除"])
        by_passage: dict[int, list[_Sentence]] = {}
        for s in chosen:
            by_passage.setdefault(s.passage, []).append(s)
        # trust order: for a rule question the regulations' passages come first (a 资料 or 案例 sentence
        # never leads over the article it restates); then the passage holding the best sentence, then
        # retrieval order. A judgement asked about a case keeps the case's verdict first.
        rules_first = not self._judgement(terms_of, passages, covs)
        order = sorted(by_passage, key=lambda i: (rules_first and passages[i].chunk.doc_type != "法规",
                                                  -max(x.score for x in by_passage[i]), i))
        bodies = [self._body(passages[i].chunk.text, by_passage[i]) for i in order]
        unstated = [] if any(p.direct for p in passages) else unstated_words(
            question, self.occurs, "\n".join(passages[i].chunk.text for i in order))
        # answer first: a short span of what is quoted, of the kind the question asks for (never when the
        # detail asked about is not in the knowledge base); the passage it comes from is cited first
        kind = question_type(question)
        first, source = ("", None) if unstated else self._direct(question, terms_of, kind, chosen, order, bodies)
        if source is not None and source != order[0] and (
                passages[source].chunk.doc_type == "法规" or passages[order[0]].chunk.doc_type != "法规"):
            k = order.index(source)
            order.insert(0, order.pop(k))
            bodies.insert(0, bodies.pop(k))
        citations: list[Citation] = []
        parts: list[str] = []
        for p_idx, body in zip(order, bodies):
            p = passages[p_idx].chunk
            n = len(citations) + 1
            citations.append(Citation(n=n, title=p.title, article=p.article, doc_type=p.doc_type,
                                      source=p.source, text=p.text, version=p.version, status=p.status))
            if p.article:
                body = re.sub(r"^" + re.escape(p.article) + r"(（续）)?\s*", "", body)
                lead = f"依据《{p.title}》{p.article}：" if first else f"《{p.title}》{p.article}规定："
            elif p.doc_type == "案例":
                lead = f"《{p.title}》中写道："
            else:
                lead = ""
            parts.append(f"{lead}{body}[{n}]")
        parts += [f"（注意：[{c.n}] 引自{c.status}的文本{('（' + c.version + '）') if c.version else ''}，请以现行有效版本为准。）"
                  for c in citations if c.status != "现行有效"]
        if unstated:  # the topic is there, the detail asked about is not: say so, cite only what is there
            asked = "、".join(f"“{w}”" for w in unstated)
            return Answer(answer=f"知识库中未找到关于{asked}的依据：收录的文本有相关内容（见下），但没有规定{asked}。\n"
                                 + "\n".join(parts), grounded=False, citations=citations, question=question,
                          notes=[f"问题问到的{asked}在知识库中没有出现"])
        return Answer(answer="\n".join(([first] if first else []) + parts), grounded=True, citations=citations,
                      question=question, direct_answer=first)

    def _direct(self, question: str, terms_of: str, kind: str | None, chosen: list[_Sentence],
                order: list[int], bodies: list[str]) -> tuple[str, int | None]:
        """(the direct answer, the index of the passage it comes from; None when there is none), by
        :func:`bot.answer.direct.locate_direct_answer` on the quoted evidence: a count or list from the quoted passages
        (``bodies``, in citation ``order``: their enumerations), any other kind only from a quoted sentence
        covering at least ``FIRST_PASSAGE_SHARE`` of what the best quoted sentence covers of the question's key
        terms (a duration stated next to another subject is no answer), best first; a yes/no only from a
        sentence that holds every content word of the question that is not everyday vocabulary (itself or a
        lexicon wording)."""
        if kind in (None, "procedure", "definition"):
            return "", None
        focus = self._focus(question)
        if kind in ("count", "list"):
            answer, at = locate_direct_answer(question, bodies, focus, kind)
            if answer or kind == "list":
                return answer, (order[at] if answer else None)
        terms, w = self._terms(terms_of)
        main = sorted((s for s in chosen if not s.context and s.score > 0), key=lambda s: -s.score)
        source: dict[str, int] = {}
        for s in main:
            source.setdefault(s.whole or s.text, s.passage)
        covs = {x: coverage(terms, w, x) for x in source}
        best = max(covs.values(), default=0.0)
        evidence = [x for x in source if covs[x] >= best * FIRST_PASSAGE_SHARE]
        required = None
        if kind == "yesno":  # every content word but everyday vocabulary (参加, 报告: COMMON_WORD_FREQUENCY)
            import jieba

            synonyms = lexicon.synonyms()
            required = [[word] + synonyms.get(word, []) for word in content_words(question)
                        if jieba.dt.FREQ.get(word, 0) < COMMON_WORD_FREQUENCY]
        answer, at = locate_direct_answer(question, evidence, focus, kind, required)
        return answer, (source[evidence[at]] if answer else None)

    @staticmethod
    def _focus(question: str) -> list[str]:
        """The question's content words and the lexicon's wordings of them (投票 → 表决权, 选举权): the terms a
        direct answer is looked for next to."""
        synonyms = lexicon.synonyms()
        words = content_words(question)
        return list(dict.fromkeys(words + [x for w in words for x in synonyms.get(w, [])]))

    @staticmethod
    def _body(text: str, sentences: list[_Sentence]) -> str:
        """The quoted sentences of one passage in document order: sentences of one line run together, a new line
        of the passage (an enumeration item) starts a new line, and "……" marks items left out between an
        enumeration's lead and the item quoted."""
        segs = _SENTENCE.findall(text)
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

    def _whole_articles(self, question: str, passages: list[RetrievedChunk],
                        covs: list[float]) -> tuple[list[RetrievedChunk], list[float]]:
        """Each retrieved piece of a regulation article that the splitter cut into several passages (第三条 and
        第三条（续）, each repeating the lead "党员必须履行下列义务：") is replaced by the whole article, once: an
        enumeration is quoted and counted with all its items (八项, not 七项) and the article is cited once.
        The whole article keeps the first piece's id and metadata; the repeated lead and the （续） labels are
        left out of its text. Returns the passages and their coverages (recomputed for merged ones)."""
        out: list[RetrievedChunk] = []
        out_covs: list[float] = []
        seen: dict[str, int] = {}
        for p, cov in zip(passages, covs):
            c = p.chunk
            if c.doc_type == "法规" and c.article and c.n_chunks > 1:
                pieces = [x for x in self.document_passages(c) if x.article == c.article]
                if len(pieces) > 1:
                    c = replace(pieces[0], text=join_article_pieces([x.text for x in pieces]))
                    p = replace(p, chunk=c)
                    cov = self.evidence(question, [p])[1][0]
            if c.id in seen:
                k = seen[c.id]
                out[k] = replace(out[k], direct=out[k].direct or p.direct)
                out_covs[k] = max(out_covs[k], cov)
                continue
            seen[c.id] = len(out)
            out.append(p)
            out_covs.append(cov)
        return out, out_covs

    def _with_verdict_passages(self, question: str, passages: list[RetrievedChunk],
                               covs: list[float]) -> tuple[list[RetrievedChunk], list[float]]:
        """For a question asking for a judgement (:data:`JUDGEMENT_RE`) whose best-covering passage is
        a case, the case's other passages that state a verdict (:data:`VERDICT_RE`) are looked up in
        the index and appended (after the retrieved ones, so they can only add verdict sentences):
        the verdict of a 典型案例 is often in a passage that shares few words with the question
        (算违纪吗 → 本案中王某的行为构成违规从事营利活动违纪). Returns the passages and their coverages."""
        best = passages[covs.index(max(covs))].chunk
        if best.doc_type != "案例" or not JUDGEMENT_RE.search(question):
            return passages, covs
        have = {p.chunk.id for p in passages}
        extra = [RetrievedChunk(chunk=c, score=0.0)
                 for c in self.document_passages(best) if c.id not in have and VERDICT_RE.search(c.text)]
        if not extra:
            return passages, covs
        return passages + extra, covs + self.evidence(question, extra)[1]

    @staticmethod
    def _judgement(question: str, passages: list[RetrievedChunk], covs: list[float]) -> bool:
        """A judgement asked about a case (:data:`JUDGEMENT_RE`, and the best-covering passage is a 案例)."""
        best = passages[covs.index(max(covs))].chunk
        return best.doc_type == "案例" and bool(JUDGEMENT_RE.search(question))

    def document_passages(self, chunk: Chunk) -> list[Chunk]:
        """All passages of ``chunk``'s document version in the index, in document order; read once
        per (path, doc_hash) and cached (a case's verdict and its endorsement are looked up here)."""
        key = (chunk.path, chunk.doc_hash)
        if key not in self._documents:
            if len(self._documents) > 1024:
                self._documents.clear()
            self._documents[key] = sorted(self.retriever.index.document_chunks(*key), key=lambda c: c.index)
        return self._documents[key]

    def endorsed_views(self, chunk: Chunk) -> set[str]:
        """Numbers, as Chinese numerals, of the views that ``chunk``'s document endorses
        (笔者同意第二种意见 → ``{"二"}``; empty when it endorses none by number). Read from all of the
        document version's passages (:meth:`document_passages`), since the endorsement is rarely in
        the passage that states the view."""
        text = "".join(c.text for c in self.document_passages(chunk))
        return {m.group(1) for m in ENDORSE_RE.finditer(text)}

    def _select(self, question: str, passages: list[RetrievedChunk], covs: list[float]) -> list[_Sentence]:
        terms, w = self._terms(question)
        # whole article asked for by reference: quote it
        direct = [i for i, p in enumerate(passages) if p.direct and not instructs(p.chunk.text)]
        if direct:
            out = []
            for i in direct[:2]:
                out.append(_Sentence(passages[i].chunk.text, i, 0, 1.0))
            return out
        candidates: list[_Sentence] = []
        best_cov = max(covs)
        best = passages[covs.index(best_cov)].chunk
        # a judgement asked about a case: the case's own verdict, wherever in its passages, is the answer
        judgement = self._judgement(question, passages, covs)
        asks_time = bool(DURATION_RE.search(question))
        for i, p in enumerate(passages):
            if instructs(p.chunk.text):
                continue  # a passage that addresses the assistant is not evidence (INSTRUCTION_RE)
            own_case = judgement and p.chunk.path == best.path
            # a passage covering the key terms much less than the best one contributes only its case's
            # verdicts; the retriever's first passage always counts (it won on meaning, not on words:
            # 入党最少要多大年纪 → 第一条 年满十八岁 shares one bigram with the question)
            verdicts_only = covs[i] < best_cov * 0.8 and i > 0
            if verdicts_only and not own_case:
                continue
            sentences = [s for s in _SENTENCE.findall(p.chunk.text)]
            for j, s in enumerate(sentences):
                if not s.strip() or s == "\n" or s.strip().endswith(("？", "?")):  # a question is no answer
                    continue
                if s.lstrip().startswith("#"):
                    continue  # a Markdown heading (often the case's title, itself a question) is no answer
                if _REFERENCE.search(s) or (len(s.strip()) <= 40 and _NUMBERED_HEADING.match(s)):
                    continue  # a bibliography entry ([1] 刘某. …[J]) or a section heading (4.2 …) is no answer
                opinion = OPINION_RE.search(s)
                if opinion and not (opinion.group(1) and p.chunk.doc_type == "案例"
                                    and opinion.group(1) in self.endorsed_views(p.chunk)):
                    continue  # a view the case goes on to weigh (and may reject) is not its answer
                verdict = own_case and bool(VERDICT_RE.search(s))
                if verdicts_only and not verdict:
                    continue
                score = coverage(terms, w, s) + 0.05 / (i + 1) + (VERDICT_BONUS if verdict else 0.0)
                if asks_time and TIME_SPAN_RE.search(s):
                    score += TIME_SPAN_BONUS
                candidates.append(_Sentence(s.strip(), i, j, score))
        if not candidates:
            usable = [i for i, p in enumerate(passages) if not instructs(p.chunk.text)]
            return [_Sentence(passages[usable[0]].chunk.text[: self.max_chars], usable[0], 0, 0.0)] if usable else []
        candidates.sort(key=lambda s: s.score, reverse=True)
        top = candidates[0]
        chosen = [top]
        length = len(top.text)
        if top.text.endswith("：") or len(top.text) < 12:  # enumeration lead or fragment: take what follows
            follow = [s for s in candidates if s.passage == top.passage and s.position > top.position]
            for s in sorted(follow, key=lambda s: s.position):
                if length + len(s.text) > self.max_chars + 120:
                    break
                chosen.append(s)
                length += len(s.text)
        for s in candidates[1:]:
            if s in chosen or s.score < top.score * 0.75 or length + len(s.text) > self.max_chars:
                continue
            if any(s.text == c.text for c in chosen):
                continue
            chosen.append(s)
            length += len(s.text)
            if len(chosen) >= 3:
                break
        if all(s.passage != 0 for s in chosen):
            # the retriever's first passage ranked first on meaning: its best sentence joins the answer
            # when it covers at least half as much as the best sentence found elsewhere
            first = [s for s in candidates if s.passage == 0 and s.score >= top.score * FIRST_PASSAGE_SHARE]
            if first and length + len(first[0].text) <= self.max_chars + 120:
                chosen.append(first[0])
        if asks_time and not any(TIME_SPAN_RE.search(s.text) for s in chosen):
            # a time span is asked for and none is quoted: the best sentence stating one, from a passage the
            # answer already quotes, joins it (多久开一次 → 每五年举行一次 beside 由同级党的委员会召集)
            quoted = {s.passage for s in chosen}
            spans = [s for s in candidates if s.passage in quoted and TIME_SPAN_RE.search(s.text)
                     and s.score >= top.score * FIRST_PASSAGE_SHARE]
            if spans:
                chosen.append(spans[0])
        if not judgement:
            chosen = self._regulation_decides(passages, candidates, chosen)
            chosen = self._second_source(question, passages, candidates, chosen)
        return self._complete(passages, chosen)

    @staticmethod
    def _second_source(question: str, passages: list[RetrievedChunk], candidates: list[_Sentence],
                       chosen: list[_Sentence]) -> list[_Sentence]:
        """A rule stated both in the 党章 and in a 条例 is cited from both: when every quoted regulation sentence
        comes from one regulation, the best sentence of another regulation joins when it scores at least
        ``SECOND_SOURCE_SHARE`` of the best sentence and, for a question asking for a number, duration or time,
        states one (:data:`TIME_SPAN_RE` / a quantity / a point in time, the same test as the direct answer)."""
        titles = {passages[s.passage].chunk.title for s in chosen if passages[s.passage].chunk.doc_type == "法规"}
        if len(titles) != 1 or not chosen:
            return chosen
        top = max(s.score for s in chosen)
        kind = question_type(question)
        for s in candidates:
            c = passages[s.passage].chunk
            if c.doc_type != "法规" or c.title in titles or s.score < top * SECOND_SOURCE_SHARE:
                continue
            if kind in ("duration", "number", "time", "count") and not direct_answer(question, [s.text], kind=kind):
                continue
            return chosen + [s]
        return chosen

    def _complete(self, passages: list[RetrievedChunk], chosen: list[_Sentence]) -> list[_Sentence]:
        """The chosen sentences made whole: a clause cut at ； is extended to its full sentence (never
        "…恢复其党员的权利；"), an item of an enumeration brings its whole item line and the enumeration's lead
        ("党员享有下列权利：" before "（五）…"; marked ``context``, it brings no other item), and a chosen lead
        ("党员必须履行下列义务：") brings all its items. Returns the sentences, the added ones scored 0."""
        out: dict[tuple[int, int], _Sentence] = {(s.passage, s.position): s for s in chosen}
        for p_idx in {s.passage for s in chosen}:
            text = passages[p_idx].chunk.text
            segs = _SENTENCE.findall(text)
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
            raw_lines = text.split("\n")

            def add(j: int, context: bool = False) -> None:
                if (p_idx, j) not in out and segs[j].strip() and segs[j] != "\n":
                    out[(p_idx, j)] = _Sentence(segs[j].strip(), p_idx, j, 0.0, context=context)

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
        return list(out.values())

    @staticmethod
    def _regulation_decides(passages: list[RetrievedChunk], candidates: list[_Sentence],
                            chosen: list[_Sentence]) -> list[_Sentence]:
        """Trust order of a rule question: a 资料/案例 sentence that states another quantity than the best
        regulation sentence (:func:`contradicts`: 预备期为三年 against 党章 预备期为一年) is dropped, and that
        regulation sentence answers instead. Only a regulation sentence scoring at least
        ``FIRST_PASSAGE_SHARE`` of the best sentence is relevant enough to decide."""
        rules = [s for s in candidates if passages[s.passage].chunk.doc_type == "法规"]
        if not rules or rules[0].score < candidates[0].score * FIRST_PASSAGE_SHARE:
            return chosen
        rule = rules[0]
        kept = [s for s in chosen if passages[s.passage].chunk.doc_type == "法规" or not contradicts(s.text, rule.text)]
        if len(kept) < len(chosen) and all(s.text != rule.text for s in kept):
            kept.insert(0, rule)
        return kept


