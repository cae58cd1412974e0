"""Which regulation articles a quiz draws on: every article of every indexed regulation, joined
whole and current (:meth:`RegulationArticles.regulation_chunks`); the articles of a topic, scored
and cut off (:meth:`RegulationArticles.passages`); an exact scope (:meth:`RegulationArticles.scoped`);
and a verbatim look-up of a statement in the index (:meth:`RegulationArticles.truth_probe`).

Reads the pipeline only through its public interface: ``index`` (:class:`bot.ports.ChunkSource`:
``iter_chunks``, ``bm25_search``, ``get``), ``retrieve``, ``term_weights`` and ``settings``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from bot.quiz.extract import parse_articles, sentences_of
from bot.quiz.model import norm
from bot.schema import Chunk
from bot.text.refs import join_article_pieces


@dataclass
class _TopicScore:
    """An article's topic score (see :meth:`RegulationArticles.passages`)."""

    terms: list[str]
    weights: dict[str, float]
    subject: str
    subject_terms: list[str]
    subject_weights: dict[str, float]
    rank: dict[str, int]  # whole-article id → best rank among the retriever's hits
    k: int
    dense_bonus: float

    def __call__(self, c: Chunk) -> float:
        from bot.answer.grounding import coverage

        terms, w = self.terms, self.weights
        first = (sentences_of(c) or [c.text])[0]
        heading = coverage(terms, w, f"{c.title} {c.heading}")
        home = heading >= 0.99  # in a regulation or chapter the topic names (第三章 国内差旅…)
        # a short lead that names the topic ("党员享有下列权利") counts fully, a long sentence less
        value = 0.5 * coverage(terms, w, c.text) + coverage(terms, w, first) * min(1.0, 20 / max(1, len(first)))
        if value <= 0:  # not one of the topic's words in the article: never about it (出国 in 国内差旅's chapter)
            return 0.0
        if self.subject_terms and not home and coverage(self.subject_terms, self.subject_weights, c.text) < 0.6:
            return 0.0  # 公民's rights are not 党员's
        value += 0.5 * heading
        if c.id in self.rank:
            value += self.dense_bonus * max(0.0, 1 - self.rank[c.id] / max(1, self.k))
        # the subject as a word of its own ("党员享有…", not "发展党员，…" or "预备党员的…")
        named = bool(self.subject) and re.search(rf"(?:^|[，。；：、的]){re.escape(self.subject)}", first) is not None
        return value + (0.5 if named else 0.0)


def topic_subject(topic: str) -> str:
    """The topic's subject, the words before its first 的 ("党员的权利和义务" → "党员"); "" when the
    topic has none ("发展党员") or it is not 2–6 characters."""
    from bot.retrieval import normalize_query

    head = normalize_query(topic).split("的")[0]
    return head if 2 <= len(head) <= 6 and head != topic else ""


#: share of the topic's key terms (IDF-weighted) a regulation title + chapter heading must hold for its
#: articles to count as the topic's home in :class:`TopicFocus` ("第五章 预备党员的教育、考察和转正" for
#: 预备党员的教育考察和转正, whose 、 breaks the bigram 育考)
FOCUS_HOME = 0.6
#: share of the topic's focus terms (IDF-weighted) an item's own sentence must hold when it names none of
#: the topic's words whole ("党员的教育培训" for 党员教育培训; "组织…生活" apart, without the rare 织生, falls short)
FOCUS_TERMS = 0.6


@dataclass
class TopicFocus:
    """Is an item's own text about the topic? (:meth:`RegulationArticles.topic_focus`)

    On the topic when (a) its article's regulation title + chapter heading hold :data:`FOCUS_HOME` of
    every key term of the topic (``all_terms``/``all_weights``: 纪律处分条例 for 党的纪律处分: there every
    sentence is on the topic), or (b) the text holds one of ``words`` whole — the topic's words beyond
    its subject, split at 的/和/与/及 ("权利", "义务" of 党员的权利和义务), or (c) it holds :data:`FOCUS_TERMS`
    of ``terms``, the key terms (bigrams) of those words, IDF-weighted by ``weights``."""

    words: list[str]
    terms: list[str]
    weights: dict[str, float]
    all_terms: list[str]
    all_weights: dict[str, float]

    def __call__(self, text: str, chunk: Chunk) -> bool:
        from bot.answer.grounding import coverage

        if coverage(self.all_terms, self.all_weights, f"{chunk.title} {chunk.heading}") >= FOCUS_HOME:
            return True
        if any(w in text for w in self.words):
            return True
        return coverage(self.terms, self.weights, text) >= FOCUS_TERMS


class RegulationArticles:
    """The regulation articles of a :class:`bot.pipeline.Pipeline`'s index, as quiz items use them.

    Settings read (``pipeline.settings``): ``quiz_dense_bonus``, ``quiz_home_keep``,
    ``quiz_outside_home_keep``."""

    def __init__(self, pipeline):
        self.pipe = pipeline
        self._reg_chunks: list[Chunk] | None = None
        self._whole: dict[str, Chunk] = {}  # passage id → its whole current article (regulation_chunks)
        #: chunk id → topic score of the last :meth:`passages` call (for eval and debugging)
        self.last_scores: dict[str, float] = {}

    def regulation_chunks(self) -> list[Chunk]:
        """The regulation passages items are made from, one per article: an article the splitter cut
        into pieces ("第三条（续） 党员必须履行下列义务：（八）…") is joined back into one passage, so a
        list is parsed and counted whole (党章第三条 lists eight duties, its first piece seven); a
        superseded version (status not 现行有效, e.g. the 2017 党章 beside the 2022 one) is left out
        when the same regulation has a current version."""
        if self._reg_chunks is None:
            raw = list(self.pipe.index.iter_chunks(doc_type="法规"))
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

    def _scorer(self, topic: str, terms: list[str], w: dict[str, float], hits: list, k: int) -> _TopicScore:
        """The topic score of :meth:`passages`, with the retriever's ranks and the topic's subject."""
        from bot.answer.grounding import key_terms

        rank: dict[str, int] = {}
        for i, h in enumerate(hits):  # a piece of an article stands for the whole article
            whole = self._whole.get(h.chunk.id)
            if whole is not None:
                rank.setdefault(whole.id, i)
        # the topic's subject ("党员" in "党员的权利和义务"): articles whose first sentence names it
        # are about it, not merely mentioning the same words (宪法 "公民有…的权利和义务")
        subject = topic_subject(topic)
        subject_terms = key_terms(subject) if subject else []
        sw = self.pipe.term_weights(subject_terms) if subject_terms else {}
        return _TopicScore(terms, w, subject, subject_terms, sw, rank, k,
                           self.pipe.settings.quiz_dense_bonus)

    def topic_focus(self, topic: str) -> TopicFocus | None:
        """The test an item's own sentence must pass to be on ``topic`` (:class:`TopicFocus`): an article
        scored on the topic may still hold sentences about something else (党员教育管理条例 "党员教育管理是
        党的建设基础性经常性工作" in a 党员的权利和义务 set: it names 党员 but neither 权利 nor 义务). None when
        the topic has no key terms. The topic's home is found as in :meth:`passages`."""
        from bot.answer.grounding import key_terms

        from bot.retrieval import normalize_query

        terms = key_terms(topic)
        if not terms:
            return None
        subject = topic_subject(topic)
        rest = normalize_query(topic)
        if subject and rest.startswith(subject + "的"):
            rest = rest[len(subject) + 1:]
        words = [w for w in re.split(r"[的和与及、，,\s]+", rest) if len(w) >= 2] or [rest]
        focus = [t for w in words for t in key_terms(w)] or terms
        return TopicFocus(words, focus, self.pipe.term_weights(focus), terms, self.pipe.term_weights(terms))

    def passages(self, topic: str, k: int = 20, keep: float = 0.9) -> list[Chunk]:
        """Regulation articles for the topic, best first, kept when their score is at least ``keep`` ×
        the best article's.

        Every article of every indexed regulation is scored (there are a few hundred): the
        IDF-weighted coverage of the topic's key terms in the whole passage (weight ½), in its first
        sentence (what the article is about; damped for sentences over 20 characters), and in the
        regulation title plus chapter heading (weight ½: 第二章 违纪与纪律处分 is about 纪律处分, a
        宪法 article on 公民的权利和义务 is not about 党员的权利和义务); plus ½ when the first sentence names
        the topic's subject (the words before its first 的); plus up to ``settings.quiz_dense_bonus`` for
        the ``k`` best passages of the dense/BM25 retriever (rank 0 full, falling linearly), which
        finds articles about the topic that do not repeat its words (三会一课 for 组织生活). An article
        whose regulation title or chapter heading holds all the topic's terms is kept down to
        ``settings.quiz_home_keep`` × the best score."""
        from bot.answer.grounding import coverage, key_terms

        terms = key_terms(topic)
        if not terms:
            return []
        w = self.pipe.term_weights(terms)
        hits = self.pipe.retrieve(topic, k=k, doc_type="法规")
        self.regulation_chunks()
        score = self._scorer(topic, terms, w, hits, k)
        pool = {c.id: c for c in self.regulation_chunks() if c.article}
        for h in hits:  # a passage without an article (党章总纲) only when the retriever found it
            whole = self._whole.get(h.chunk.id)
            if whole is not None:
                pool.setdefault(whole.id, whole)
        rank = score.rank
        scored = [(score(c), -rank.get(c.id, len(rank)), c) for c in pool.values()]
        best = max((s for s, _, _ in scored), default=0.0)
        self.last_scores = {c.id: s for s, _, c in scored}
        if best <= 0:  # no passage holds any key term of the topic: nothing here is about it
            return []
        st = self.pipe.settings
        # a regulation or chapter named by the topic (纪律处分条例 for 党的纪律处分, 发展党员工作细则 for
        # 发展党员) is its home: its articles stay in down to quiz_home_keep × best
        home = {c.id for c in pool.values() if coverage(terms, w, f"{c.title} {c.heading}") >= 0.99}
        # when the topic has a home, other articles need quiz_outside_home_keep × best (the 干部人事档案工作条例
        # is not about 党章第六章 党的干部 though both say 干部)
        outside = (max(keep, st.quiz_outside_home_keep) if home and any(c.id in home and s > 0 for s, _, c in scored)
                   else keep)
        return [c for s, _, c in sorted(scored, key=lambda x: (x[0], x[1]), reverse=True)
                if (c.id in home and s >= min(keep, st.quiz_home_keep) * best) or (c.id not in home and s >= outside * best)]

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
