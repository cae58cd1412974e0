"""Retrieve stage: hybrid retrieval (dense + BM25) fused by reciprocal rank fusion, with direct
article look-up when the question names a regulation and an article ("党章第七条", "宪法第34条").

Public API: :class:`HybridRetriever` (``retrieve``, ``article_lookups``), :class:`ArticleLookup`,
:func:`normalize_query`, :func:`parse_article_refs`, :data:`REGULATION_ALIASES`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass

import cn2an

from bot.config import Settings
from bot.store.index import KnowledgeIndex
from bot.text.lexicon import expand_synonyms
from bot.schema import Chunk, RetrievedChunk
from bot.text.zh import chinese_number

#: Common short names → full titles of regulations (the first title found in the index is used).
REGULATION_ALIASES: dict[str, list[str]] = {
    "党章": ["中国共产党章程"],
    "章程": ["中国共产党章程"],
    "宪法": ["中华人民共和国宪法"],
    "纪律处分条例": ["中国共产党纪律处分条例"],
    "处分条例": ["中国共产党纪律处分条例"],
    "党纪处分条例": ["中国共产党纪律处分条例"],
    "问责条例": ["中国共产党问责条例"],
    "党内监督条例": ["中国共产党党内监督条例"],
    "监督条例": ["中国共产党党内监督条例"],
    "支部工作条例": ["中国共产党支部工作条例（试行）", "中国共产党支部工作条例"],
    "廉洁自律准则": ["中国共产党廉洁自律准则"],
    "八项规定": ["十八届中央政治局关于改进工作作风、密切联系群众的八项规定", "中央八项规定"],
    "发展党员工作细则": ["中国共产党发展党员工作细则"],
    "发展党员细则": ["中国共产党发展党员工作细则"],
    "细则": ["中国共产党发展党员工作细则"],
    "党员教育管理工作条例": ["中国共产党党员教育管理工作条例"],
    "党员教育管理条例": ["中国共产党党员教育管理工作条例"],
    "教育管理条例": ["中国共产党党员教育管理工作条例"],
    "机关基层组织工作条例": ["中国共产党党和国家机关基层组织工作条例"],
    "机关党建条例": ["中国共产党党和国家机关基层组织工作条例"],
    "党史学习教育工作条例": ["党史学习教育工作条例"],
    "党史学习教育条例": ["党史学习教育工作条例"],
    "厉行节约反对浪费条例": ["党政机关厉行节约反对浪费条例"],
    "厉行节约条例": ["党政机关厉行节约反对浪费条例"],
    "干部人事档案工作条例": ["干部人事档案工作条例"],
    "档案工作条例": ["干部人事档案工作条例"],
    "监察法": ["中华人民共和国监察法"],
}

#: Question words and function words removed before key terms are formed (they carry no topic).
STOP_PHRASES = sorted(
    [
        "请问", "请", "什么", "哪些", "哪个", "哪种", "哪几", "哪里", "怎么样", "怎么办", "怎么", "怎样", "如何",
        "多长时间", "多长", "多久", "多少", "几年", "是否", "有没有", "是不是", "能不能", "可不可以", "可以吗",
        "吗", "呢", "吧", "啊", "的", "了", "是", "有", "和", "与", "及", "或", "在", "对", "把", "被", "给",
        "应当", "应该", "需要", "一下", "我们", "我", "你", "他", "她", "它", "这", "那", "为", "要", "会",
        "规定", "具体", "主要", "内容", "情况", "知道", "告诉", "介绍", "说说", "讲讲", "一般",
    ],
    key=len,
    reverse=True,
)
STOP_RE = re.compile("|".join(map(re.escape, STOP_PHRASES)))


QUESTION_RE = re.compile("|".join(map(re.escape, sorted(
    ["什么", "哪些", "哪个", "哪种", "怎么样", "怎么办", "怎么", "怎样", "如何", "多长时间", "多久", "多少", "是否",
     "吗", "呢", "请问"], key=len, reverse=True))))


#: Abbreviations members use for Party and State bodies and formulas → the full wording of the
#: regulations (《中国共产党章程》 chapters 2–8 and 10, 《中华人民共和国宪法》 chapter 3, the 党章's
#: general programme). A member asks about the 党代会 or the 市委; the text says 党的地方各级代表大会 and
#: 设区的市和自治州的委员会, which shares no character bigram with the question.
ABBREVIATIONS: dict[str, list[str]] = {
    "党代会": ["党的代表大会", "党的全国代表大会", "党的地方各级代表大会"],
    "中纪委": ["中央纪律检查委员会"],
    "纪委": ["纪律检查委员会"],
    "纪检": ["纪律检查"],
    "监委": ["监察委员会"],
    "人大": ["人民代表大会"],
    "常委会": ["常务委员会"],
    "常委": ["常务委员会委员"],
    "政协": ["政治协商会议"],
    "军委": ["军事委员会"],
    "党委": ["党的委员会"],
    "省委": ["党的地方各级委员会", "省、自治区、直辖市"],
    "市委": ["党的地方各级委员会", "设区的市和自治州的委员会"],
    "县委": ["党的地方各级委员会", "县（旗）、自治县、不设区的市和市辖区的委员会"],
    "地委": ["地区委员会"],
    "支委": ["支部委员会"],
    "支委会": ["支部委员会"],
    "总支": ["总支部委员会"],
    "团委": ["团的委员会", "共产主义青年团"],
    "共青团": ["共产主义青年团"],
    "转正": ["转为正式党员"],
    "四个意识": ["政治意识、大局意识、核心意识、看齐意识"],
    "四个自信": ["道路自信、理论自信、制度自信、文化自信"],
    "四风": ["形式主义、官僚主义、享乐主义和奢靡之风"],
}

def expand_abbreviations(question: str) -> str:
    """Append the full wording of abbreviations in ``question`` (纪委 → 纪律检查委员会, 市委 → 党的地方各级委员会 …,
    :data:`ABBREVIATIONS`) so keyword search matches the regulations' text.

    A two- or three-character abbreviation counts only as a jieba search-mode word of the question
    (so 人大 is found in 全国人大代表 but not in 个人大额); longer formulas (四个意识) as substrings.
    """
    import jieba  # imported on first use: loading its dictionary costs about half a second

    jieba.setLogLevel(logging.WARNING)
    words = set(jieba.cut_for_search(question))
    extra: list[str] = []
    for short, full in ABBREVIATIONS.items():
        if short in words or (len(short) >= 4 and short in question):
            extra += [f for f in full if f not in question]
    return question + (" " + " ".join(dict.fromkeys(extra)) if extra else "")


def keyword_query(question: str) -> str:
    """The question for keyword search: interrogatives removed (they only add noise bigrams such
    as 哪些), short names expanded (党章 → 中国共产党章程, 纪委 → 纪律检查委员会), colloquial words given the
    regulations' wording (投票 → 表决权 选举权, :func:`bot.text.lexicon.expand_synonyms`)."""
    return expand_synonyms(expand_abbreviations(expand_aliases(QUESTION_RE.sub(" ", question))))


#: score factor of passages from a superseded (已修订) or abolished (已废止) text
SUPERSEDED_FACTOR = 0.3

_T2S = None
_T2S_LOCK = threading.Lock()


def _t2s(text: str) -> str:
    global _T2S
    with _T2S_LOCK:
        if _T2S is None:
            import opencc

            _T2S = opencc.OpenCC("t2s")
        return _T2S.convert(text)


def normalize_query(question: str) -> str:
    """Traditional → simplified Chinese (OpenCC), full-width ASCII → half-width, collapsed spaces."""
    q = _t2s(question)
    q = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" and c not in "（）：；，？！" else c for c in q)
    return re.sub(r"\s+", " ", q).strip()


_ARTICLE_REF = re.compile(
    r"(?:《(?P<book>[^》]{2,40})》|(?P<alias>" + "|".join(sorted(map(re.escape, REGULATION_ALIASES), key=len, reverse=True))
    + r"))?\s*(?:的)?\s*第\s*(?P<num>[0-9一二三四五六七八九十百零〇两]+)\s*条"
)


@dataclass
class ArticleRef:
    """A reference in a question: ``titles`` are candidate full titles, ``number`` the article."""

    titles: list[str]
    number: int
    text: str


@dataclass
class ArticleLookup:
    """What the index holds for an article reference of a question.

    ``chunks``: the article's passages ([] when the index has no such article); ``indexed_title``:
    the referenced regulation's title as indexed (None when the regulation is not in the index);
    ``last_article``: that regulation's highest article number.
    """

    ref: ArticleRef
    chunks: list[Chunk]
    indexed_title: str | None
    last_article: int | None

    @property
    def found(self) -> bool:
        return bool(self.chunks)

    def message(self) -> str:
        """Why the article cannot be quoted, in Chinese ("" when it was found)."""
        if self.found:
            return ""
        number = cn2an.an2cn(self.ref.number)
        if self.indexed_title is None:
            return f"知识库中没有《{self.ref.titles[0]}》的原文，无法给出其第{number}条的内容。"
        total = f"，该版本共{cn2an.an2cn(self.last_article)}条" if self.last_article else ""
        return f"知识库中的《{self.indexed_title}》没有第{number}条{total}。"


def resolve_titles(book: str | None, alias: str | None, known_titles: list[str]) -> list[str]:
    """Candidate full titles for a regulation named as 《book》 or by a short ``alias`` (党章):
    indexed titles equal to or overlapping the book name, plus the titles of aliases inside it
    (and indexed titles that contain such a full title: 中国共产党纪律处分条例（2023年修订）)."""
    if alias:
        full = REGULATION_ALIASES[alias]
        return list(dict.fromkeys(full + [t for t in known_titles if any(f in t for f in full)]))
    if not book:
        return []
    titles = [t for t in known_titles if t == book] or [t for t in known_titles if book in t or t in book]
    for a, full in REGULATION_ALIASES.items():
        if a in book:
            titles += full
    return list(dict.fromkeys(titles))


def parse_article_refs(question: str, known_titles: list[str]) -> list[ArticleRef]:
    """Find "党章第七条" / "《中华人民共和国宪法》第三十四条" / "宪法第34条" references.

    The regulation may also be named by a full indexed title appearing before the article number,
    and a bare article right after another reference belongs to the same regulation (党章第七条和第九条).
    Otherwise a bare "第七条" with no regulation is ambiguous and ignored unless only one regulation
    is indexed. A 《book》 that is not indexed is still returned (with ``titles == [book]``).
    """
    refs: list[ArticleRef] = []
    prev_end = 0
    for m in _ARTICLE_REF.finditer(question):
        try:
            number = chinese_number(m.group("num"))
        except ValueError:
            continue
        if m.group("book") or m.group("alias"):
            # a 《book》 that is not indexed stays a reference, so the answer can say it is missing
            titles = resolve_titles(m.group("book"), m.group("alias"), known_titles) or [m.group("book")]
        elif refs and re.fullmatch(r"[\s和与及或、，,至到]{0,3}", question[prev_end : m.start()]):
            titles = list(refs[-1].titles)
        else:
            before = question[: m.start()]
            titles = [t for t in known_titles if t in before]
            if not titles and len(known_titles) == 1:
                titles = list(known_titles)
        prev_end = m.end()
        if titles and number > 0:
            refs.append(ArticleRef(list(dict.fromkeys(titles)), number, m.group(0)))
    return refs


def expand_aliases(question: str) -> str:
    """Append full titles for short names (党章 → 中国共产党章程) so keyword search matches them."""
    extra = [full[0] for alias, full in REGULATION_ALIASES.items() if alias in question and full[0] not in question]
    return question + (" " + " ".join(dict.fromkeys(extra)) if extra else "")


class HybridRetriever:
    """Dense (Chroma) + BM25 (bm25s) retrieval fused by reciprocal rank fusion.

    RRF score of a passage: Σ_r w_r / (k + rank_r), ranks from 1 (Cormack, Clarke & Büttcher,
    SIGIR 2009, who use k = 60; here k = ``settings.rrf_k``, 10 by measurement), over three rankings: passage embeddings, BM25, and sentence
    embeddings (each passage ranked by its best sentence), plus the regulation prior. Both embedding
    rankings order by cosine after the corpus's mean embedding is subtracted
    (:meth:`bot.store.index.KnowledgeIndex.embedding_mean`, ``settings.centering``). Passages named
    by an article reference in the question are fetched directly and ranked first. Identical and
    near-identical passages (character 3-gram Jaccard ≥ ``settings.near_duplicate``) are kept once.
    """

    def __init__(self, index: KnowledgeIndex, settings: Settings | None = None):
        self.index = index
        self.settings = settings or index.settings
        self._titles: list[str] | None = None
        self._titles_rev = ""

    def known_titles(self) -> list[str]:
        """Regulation titles in the index (re-read when the collection's revision changes)."""
        rev = self.index.ensure_bm25().revision
        if self._titles is None or self._titles_rev != rev:
            self._titles = self.index.titles()
            self._titles_rev = rev
        return self._titles

    def invalidate(self) -> None:
        """Forget cached titles (call after the index changed)."""
        self._titles = None
        self.index.invalidate()

    def article_lookups(self, question: str) -> list[ArticleLookup]:
        """Each article reference of ``question`` ("党章第七条", "《…》第三十四条") with the article's
        passages, or why there are none: the regulation is not indexed, or has no such article
        (党章第九十条: the 2017 党章 has fifty-five). [] when the question names no article."""
        known = self.known_titles()
        out = []
        for ref in parse_article_refs(normalize_query(question), known):
            chunks = self.index.find_article(ref.titles, ref.number)
            indexed = next((t for t in ref.titles if t in known), None)
            last = self.index.last_article(indexed) if indexed and not chunks else None
            out.append(ArticleLookup(ref=ref, chunks=chunks, indexed_title=indexed, last_article=last))
        return out

    def retrieve(self, question: str, k: int | None = None, doc_type: str | None = None,
                 lookups: list[ArticleLookup] | None = None) -> list[RetrievedChunk]:
        """Top ``k`` passages for ``question`` (best first), optionally of one doc type
        (法规/案例/讲稿/资料). ``lookups``: the question's :meth:`article_lookups` when the caller
        already has them (else they are read here). Returns [] for an empty index or an empty question."""
        k = k or self.settings.top_k
        q = normalize_query(question)
        if not q or self.index.count() == 0:
            return []
        n = max(self.settings.candidates, k)
        final_k = k
        if self.settings.reranker_model:
            k = max(k, self.settings.rerank_candidates)
        direct: list[RetrievedChunk] = []
        for lookup in self.article_lookups(q) if lookups is None else lookups:
            for chunk in lookup.chunks:
                if doc_type and chunk.doc_type != doc_type:
                    continue
                direct.append(RetrievedChunk(chunk=chunk, score=0.0, direct=True))
        qvec = self.index.embed_query(q)
        dense = self.index.dense_search(q, n, doc_type, vector=qvec)
        sparse = self.index.bm25_search(keyword_query(q), n, doc_type)
        sentences = self.index.sentence_search(q, n, doc_type, vector=qvec) if self.settings.sentence_weight else []
        fused: dict[str, float] = {}
        dense_scores = dict(dense)
        bm25_scores = dict(sparse)
        sentence_scores = dict(sentences)
        rankings = [(self.settings.dense_weight, dense), (self.settings.bm25_weight, sparse),
                    (self.settings.sentence_weight, sentences)]
        if self.settings.regulation_weight and not doc_type:
            # regulations first: rankings within the regulations join the fusion as a prior, but only
            # passages that are competitive on their own (a regulation that merely tops a small
            # subset without matching the question gets no boost)
            w = self.settings.regulation_weight
            top_dense = dense[0][1] if dense else 1.0
            top_bm25 = sparse[0][1] if sparse else 0.0
            reg_bm25 = [(c, sc) for c, sc in self.index.bm25_search(keyword_query(q), n, "法规") if sc >= 0.3 * top_bm25]
            lexical = {c for c, _ in reg_bm25}  # dense scores bunch too closely to judge competitiveness alone
            reg_dense = [(c, sc) for c, sc in self.index.dense_search(q, n, "法规", vector=qvec)
                         if sc >= top_dense - 0.05 and c in lexical]
            rankings += [(w * self.settings.dense_weight, reg_dense), (w * self.settings.bm25_weight, reg_bm25)]
            for cid, sc in reg_dense:
                dense_scores.setdefault(cid, sc)
            for cid, sc in reg_bm25:
                bm25_scores.setdefault(cid, sc)
        for weight, ranking in rankings:
            for rank, (cid, _) in enumerate(ranking, start=1):
                fused[cid] = fused.get(cid, 0.0) + weight / (self.settings.rrf_k + rank)
        order = sorted(fused, key=fused.get, reverse=True)
        chunks = self.index.get(order[: k * 4])
        # a superseded or abolished text yields to the current one
        for cid, chunk in chunks.items():
            if chunk.status != "现行有效":
                fused[cid] *= SUPERSEDED_FACTOR
        order = sorted(order[: k * 4], key=fused.get, reverse=True)
        results: list[RetrievedChunk] = []
        seen_text: set[str] = set()
        shingles: list[set[str]] = []
        top_score = (max(fused.values()) if fused else 0.0) + 1.0
        for r in direct:
            key = _text_key(r.chunk.text)
            if key in seen_text:
                continue
            seen_text.add(key)
            r.score = top_score
            r.dense_score = dense_scores.get(r.chunk.id)
            r.bm25_score = bm25_scores.get(r.chunk.id)
            r.sentence_score = sentence_scores.get(r.chunk.id)
            shingles.append(_shingles(r.chunk.text))
            results.append(r)
        per_doc: dict[str, int] = {}
        limit = self.settings.max_per_document
        for cid in order:
            if len(results) >= k:
                break
            chunk = chunks.get(cid)
            if chunk is None:
                continue
            if limit and chunk.doc_type != "法规" and per_doc.get(chunk.path, 0) >= limit:
                continue
            sh = _shingles(chunk.text)
            if any(_resemblance(sh, other) >= self.settings.near_duplicate for other in shingles):
                continue  # identical or near-identical to a better passage (the case library quotes itself)
            per_doc[chunk.path] = per_doc.get(chunk.path, 0) + 1
            shingles.append(sh)
            results.append(
                RetrievedChunk(chunk=chunk, score=fused[cid], dense_score=dense_scores.get(cid),
                               bm25_score=bm25_scores.get(cid), sentence_score=sentence_scores.get(cid))
            )
        if self.settings.reranker_model:
            from bot.retrieval.rerank import get_reranker

            rest = [r for r in results if not r.direct]
            results = [r for r in results if r.direct] + get_reranker(self.settings.reranker_model).rerank(q, rest, final_k)
            k = final_k
        return results[: max(k, len(direct))]


def _shingles(text: str, n: int = 3) -> set[str]:
    """Character ``n``-grams of ``text`` with punctuation and spaces removed."""
    t = re.sub(r"\W", "", text)
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def _resemblance(a: set[str], b: set[str]) -> float:
    """Jaccard resemblance |a ∩ b| / |a ∪ b| of two shingle sets (Broder 1997), in [0, 1]."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _text_key(text: str) -> str:
    return hashlib.sha1(re.sub(r"\W", "", text).encode("utf-8")).hexdigest()
