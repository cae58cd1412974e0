"""The grounding rule: when the knowledge base holds enough evidence to answer, and what a question asks
that the knowledge base states nowhere (answerability).

- *Coverage* (:func:`coverage`) is the IDF-weighted share of a question's key terms (:func:`key_terms`: CJK
  character bigrams and Latin words, question words removed) that occur in a passage. The best passage's
  coverage must reach ``settings.min_coverage``, or ``min_coverage_dense`` with a dense cosine of at least
  ``min_dense`` (:meth:`Grounding.grounded`; tuned with ``python -m eval.grounding``); the extractive answerer also
  accepts a coverage of ``min_coverage_sentence`` when the question is close in meaning to a quoted sentence
  (``min_sentence_cosine``: a colloquial wording shares few key terms with the article). A passage fetched by an
  explicit article reference ("党章第七条") is always grounded; a question using abbreviations (纪委, 地委) is
  also measured with them spelled out.
- A question about an article the knowledge base does not hold (党章第九十条; a regulation that is not
  indexed) is told so (:func:`missing_articles`) instead of being answered from other articles.
- A question asking about a detail no indexed text states (入党申请书必须手写吗) is not answered from the rest
  (:func:`unstated_words`, :func:`content_words`, :func:`abbreviates`; ``python -m eval.answerability``), unless
  a quoted sentence is close in meaning (``min_sentence_cosine``) and holds an answer of the asked kind (起码要考察多长
  时间 → 一年以上: 起码 is the member's word, not the asked detail).
- A reply must cover the question's focus (:func:`uncovered_focus`): every content word stated by the quoted
  sentences (verbatim, through the lexicon or as an abbreviation), or the question close in meaning to one of
  them (:meth:`Grounding.similarity` ≥ ``settings.focus_min_cosine``); else 党员出国要向组织报告吗 would be
  answered from a sentence on reporting that never says 出国 (:func:`not_stated` says so instead).
- Document text is data, never instructions: a passage addressed to the assistant is no evidence
  (:func:`instructs`); a 资料 sentence stating another quantity than the regulation contradicts it
  (:func:`contradicts`).

Public API: :class:`Grounding`, :func:`key_terms`, :func:`coverage`, :func:`content_words`,
:func:`unstated_words`, :func:`abbreviates`, :func:`covers`, :func:`uncovered_focus`,
:func:`not_stated`, :func:`missing_articles`, :func:`instructs`, :func:`quantities`,
:func:`contradicts`, :data:`NOT_FOUND`, :data:`COMMON_WORD_FREQUENCY`, :data:`INSTRUCTION_RE`.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from bot.text.lexicon import ABBREVIATIONS, REGULATION_ALIASES, STOP_PHRASES, STOP_RE
from bot.retrieval.articles import ArticleLookup
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.query import expand_abbreviations, expand_aliases, normalize_query
from bot.config import Settings
from bot.schema import RetrievedChunk
from bot.text import lexicon
from bot.text.zh import TERM_RUN, char_bigrams, is_cjk

#: the answer when the knowledge base holds no evidence for a question
NOT_FOUND = "知识库中未找到依据。"


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
    text = STOP_RE.sub(" ", normalize_query(question))
    terms: list[str] = []
    for run in TERM_RUN.findall(text):
        if is_cjk(run[0]):
            if len(run) == 1:
                terms.append(run)
            else:
                terms += char_bigrams(run)
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


#: words that only say how many are asked for (几项, 多少种, 哪几类): left out of the key terms, so that
#: 党员有几项权利 is measured on 党员 and 权利 (the bigrams 几项, 项权 are in no text)
_COUNT_WORDS = re.compile(r"(?:几|多少|哪几)(?:个)?(?:项|种|类|条|大类|方面|部分|点|阶段|环节|道)")


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
    ``bot/text/lexicon.yaml``).

    Example: ``content_words("党员可以在家里养宠物吗？")`` → ``['党员', '家里', '宠物']``."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    asking = _skipped_words()
    text = normalize_query(question)
    cjk = sum(is_cjk(c) for c in text)
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


def covers(word: str, text: str) -> bool:
    """Whether ``text`` states ``word``: verbatim, through one of its lexicon wordings (投票 → 表决权) or its
    abbreviation's full wording (纪委 → 纪律检查委员会), as the core of a preposition/suffix form (在群众中 →
    群众), or as a Chinese abbreviation of something in ``text`` (:func:`abbreviates`)."""
    if word in text:
        return True
    for x in lexicon.synonyms().get(word, []) + ABBREVIATIONS.get(word, []):
        # a wording of four or more characters counts when each of its bigrams is in the text (党代会 → 党的代表大会:
        # the 党章 writes 党的…的代表大会, naming each level between)
        if x in text or (len(x) >= 4 and all(b in text for b in char_bigrams(x))):
            return True
    core = word.lstrip("在对从向把被给为").rstrip("中里上内外时后前的子")
    if core != word and (len(core) < 2 or core in text):
        return True  # 在群众中 is about 群众; 县里 about 县 (as in unstated_words)
    return abbreviates(word, text)


def uncovered_focus(question: str, text: str) -> list[str]:
    """The question's focus terms (:func:`content_words` without everyday vocabulary — jieba frequency ≥
    :data:`COMMON_WORD_FREQUENCY`: 处理, 所有, 还是, 时候 say nothing of the asked detail — and without short names of
    regulations) that ``text`` (the sentences an answer quotes) does not state (:func:`covers`). Unlike
    :func:`unstated_words` a term counts as missing even when some other indexed text states it: 出国 is in the
    厉行节约条例, but not in the 细则 sentence on reporting that 党员出国要向组织报告吗 retrieves.

    Example: ``uncovered_focus("党员出国要向组织报告吗？", "…不如实向党组织报告有关情况…")`` → ``["出国"]``: the
    quoted duty to report says nothing about going abroad."""
    import jieba

    return [w for w in content_words(question) if w not in REGULATION_ALIASES
            and jieba.dt.FREQ.get(w, 0) < COMMON_WORD_FREQUENCY and not covers(w, text)]


def not_stated(titles: list[str], covered: list[str], missing: list[str]) -> str:
    """The plain statement that the knowledge base holds the topic but not the asked detail:
    "知识库中的《T》规定了与“报告”有关的内容，但没有规定“出国”。" (``titles``: the cited texts' titles; ``covered``: the
    question's focus terms the cited text does state; ``missing``: those it does not)."""
    where = "、".join(f"《{t}》" for t in dict.fromkeys(titles)) or "收录的文本"
    about = f"与{'、'.join(f'“{w}”' for w in covered)}有关的内容" if covered else "相关内容"
    return f"知识库中的{where}规定了{about}（见下），但没有规定{'、'.join(f'“{w}”' for w in missing)}。"


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



class Grounding:
    """The grounding rule over one retriever's index: key-term weights, coverage of retrieved passages, the
    pass/fail decision, and whether a word occurs anywhere in the knowledge base. Thread-safe once constructed.

    Args:
        retriever: the hybrid retriever (its index gives IDF weights).
        min_coverage: grounding threshold (default ``settings.min_coverage``).
        settings: the thresholds (``min_coverage``, ``min_coverage_dense``, ``min_dense``); default: the
            retriever's. :class:`bot.pipeline.Pipeline` passes its own.
    """

    def __init__(self, retriever: HybridRetriever, min_coverage: float | None = None, settings: Settings | None = None):
        self.retriever = retriever
        self.settings = settings or retriever.settings
        self.min_coverage = self.settings.min_coverage if min_coverage is None else min_coverage

    def weights(self, terms: list[str]) -> dict[str, float]:
        """IDF weight of each of ``terms`` over the indexed chunks (BM25 statistics)."""
        return self.retriever.index.ensure_bm25().idf(terms)

    def grounded(self, question: str, passages: list[RetrievedChunk]) -> tuple[bool, float]:
        """(is there enough evidence, best coverage): coverage ≥ ``min_coverage``, or coverage ≥
        ``min_coverage_dense`` with a dense cosine ≥ ``min_dense`` (settings; see eval.grounding).
        Coverage as in :meth:`grounding_evidence`."""
        best, _, _ = self.grounding_evidence(question, passages)
        return self.passes(best, passages), best

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
        from bot.store.bm25 import tokenize

        tokens = [t for t in tokenize(text) if len(t) >= 2 or t.isascii()]
        if not tokens:
            return True
        index = self.retriever.index
        if not all(index.ensure_bm25().document_frequencies(tokens).values()):
            return False
        return len(text) <= 2 or index.contains(text)

    def similarity(self, question: str, sentences: list[str]) -> float:
        """The highest cosine between ``question`` (embedded as a query) and each of ``sentences`` (embedded as
        passages) with the index's embedding model, in [-1, 1]; -1.0 when there are no sentences."""
        import numpy as np

        sentences = [s for s in sentences if s.strip()]
        if not sentences:
            return -1.0
        emb = self.retriever.index.embeddings
        q = np.asarray(emb.embed_query(question), dtype=np.float32)
        m = np.asarray(emb.embed_documents(sentences), dtype=np.float32)
        sims = m @ q / (np.linalg.norm(m, axis=1) * (np.linalg.norm(q) or 1.0) + 1e-12)
        return float(sims.max())

    def share(self, word: str) -> float:
        """The share of indexed chunks that hold ``word``, in [0, 1]: its BM25 document frequency over the number of
        chunks (for a word longer than two characters, that of its rarest bigram: an upper bound)."""
        from bot.store.bm25 import tokenize

        bm25 = self.retriever.index.ensure_bm25()
        tokens = [t for t in tokenize(word) if len(t) >= 2 or t.isascii()]
        if not tokens or not len(bm25.ids):
            return 0.0
        return min(bm25.document_frequencies(tokens).values()) / len(bm25.ids)

    def passes(self, best: float, passages: list[RetrievedChunk]) -> bool:
        """Whether best coverage ``best`` grounds an answer from ``passages``: ``best ≥ min_coverage``, or
        ``best ≥ settings.min_coverage_dense`` with a passage's dense cosine ``≥ settings.min_dense``."""
        s = self.settings
        dense = max((p.dense_score or 0.0 for p in passages), default=0.0)
        return best >= self.min_coverage or (best >= s.min_coverage_dense and dense >= s.min_dense)

    def terms(self, question: str) -> tuple[list[str], dict[str, float]]:
        """(key terms, their IDF weights) of ``question``: count words (几项) removed, aliases, lexicon wordings
        and :func:`bot.retrieval.hybrid.normalize_query` applied, then :func:`key_terms`."""
        question = _COUNT_WORDS.sub(" ", question)
        terms = key_terms(lexicon.expand_synonyms(expand_aliases(normalize_query(question))))
        return terms, self.weights(terms)

    def evidence(self, question: str, passages: list[RetrievedChunk]) -> tuple[float, list[float]]:
        """(best coverage, coverage of each passage) of the question's key terms."""
        terms, w = self.terms(question)
        covs = [coverage(terms, w, p.chunk.embed_text) for p in passages]
        best = max(covs, default=0.0)
        if any(p.direct for p in passages):
            best = max(best, 1.0)
        return best, covs
