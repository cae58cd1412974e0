"""The extractive answerer (default, no LLM): a grounded answer quoting the knowledge base, with numbered
citations.

1. Retrieve the top passages (:class:`~bot.retrieval.hybrid.HybridRetriever`); an article the knowledge base
   does not hold is told so (:func:`~bot.answer.grounding.missing_articles`).
2. Grounding (:mod:`bot.answer.grounding`): the best passage's key-term coverage must reach the threshold, else
   the answer is 知识库中未找到依据 with no citations; a detail the knowledge base states nowhere is said to be
   missing (:func:`~bot.answer.grounding.unstated_words`). A question close in meaning to a quoted sentence
   (``settings.min_sentence_cosine``) needs only ``min_coverage_sentence``, and a word no text uses is then no
   missing detail when the quoted sentences hold an answer of the asked kind.
3. Whole articles: a regulation article the splitter cut into pieces is quoted and counted as one; for a
   judgement asked about a case, its verdict passages are added (:mod:`bot.answer.cases`).
4. Sentence selection (:mod:`bot.answer.selection`, its numbers in Settings ``answer_*``).
5. Composition: the direct answer first when the question asks for a count, duration, time, number, list or
   yes/no (:mod:`bot.answer.direct`), then each passage's quoted sentences after 《标题》第X条规定： and ``[n]``;
   citations list 《标题》第X条 and the quoted passage, regulations first (trust order). Citations come only
   from passages of the index that were retrieved or, for a judgement question, are verdict passages of the
   best-matching case.

Public API: :class:`ExtractiveAnswerer` (``answer``, ``answer_from``, and the grounding methods of
:class:`~bot.answer.grounding.Grounding`). The grounding and case helpers other packages use are exported
by :mod:`bot.answer`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.answer import cases
from bot.answer.direct import locate_direct_answer, question_type
from bot.answer.grounding import (COMMON_WORD_FREQUENCY, NOT_FOUND, Grounding, content_words, coverage, instructs,
                                  missing_articles, not_stated, uncovered_focus, unstated_words)
from bot.answer.selection import (Policy, Sentence, body, candidates, choose, complete,
                                  regulation_decides, second_source)
from bot.retrieval.hybrid import HybridRetriever
from bot.config import Settings
from bot.schema import Answer, Chunk, Citation, RetrievedChunk
from bot.text import lexicon
from bot.text.lexicon import REGULATION_ALIASES
from bot.text.refs import join_article_pieces


class ExtractiveAnswerer(Grounding):
    """Grounded extractive answers (no LLM). Thread-safe once constructed.

    Args:
        retriever: the hybrid retriever.
        min_coverage: grounding threshold (default ``settings.min_coverage``).
        max_chars: upper bound of the answer body length in characters (citations excluded; default
            ``settings.answer_max_chars``).
        settings: the grounding thresholds and the selection policy (``answer_*``); default: the retriever's.
    """

    def __init__(self, retriever: HybridRetriever, min_coverage: float | None = None, max_chars: int | None = None,
                 settings: Settings | None = None):
        super().__init__(retriever, min_coverage, settings)
        self.policy = Policy.from_settings(self.settings, max_chars)
        self.max_chars = self.policy.max_chars
        self._documents: dict[tuple[str, str], list[Chunk]] = {}

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
        s = self.settings
        passed = self.passes(best, passages)
        refused = Answer(answer=NOT_FOUND, grounded=False, question=question,
                         notes=[f"最相关片段的关键词覆盖率 {best:.2f} 低于阈值 {self.min_coverage:.2f}"])
        if not passed and best < s.min_coverage_sentence:
            return refused
        passages, covs = self._whole_articles(terms_of, passages, covs)
        passages, covs = self._with_verdict_passages(terms_of, passages, covs)
        chosen = self._select(terms_of, passages, covs)
        if not chosen:  # every passage that covered the question was refused (it addressed the assistant)
            return Answer(answer=NOT_FOUND, grounded=False, question=question,
                          notes=["相关片段含有针对助手的指令性文字，已按不可信内容排除"])
        cosine: list[float] = []  # the question's cosine with its best quoted sentence, computed once when needed

        def cos() -> float:
            if not cosine:
                cosine.append(self.quoted_cosine(question, chosen))
            return cosine[0]

        # a colloquial question shares few key terms with the article that answers it (军队里党的工作由谁负责: 0.16 of
        # 党章第二十四条); a quoted sentence close in meaning stands in for the coverage
        if not passed and cos() < s.min_sentence_cosine:
            return refused
        order, by_passage = self._order(terms_of, passages, covs, chosen)
        bodies = [body(passages[i].chunk.text, by_passage[i]) for i in order]
        direct_ref = any(p.direct for p in passages)
        unstated = [] if direct_ref else unstated_words(
            question, self.occurs, "\n".join(passages[i].chunk.text for i in order))
        notes: list[str] = []
        kind = question_type(question)
        found: tuple[str, int | None] | None = None
        if unstated and cos() >= s.min_sentence_cosine:
            # a word the knowledge base never uses may be the member's wording of a stated rule (起码, 凑够, 算数):
            # answered when a quoted sentence is close in meaning and holds an answer of the asked kind (一年以上)
            found = self._direct(question, terms_of, kind, chosen, order, bodies)
            if found[0]:
                notes.append(f"知识库未出现{'、'.join(unstated)}；问句与所引句子的余弦 {cos():.3f}，且所引句子含所问内容")
                unstated = []
        if not unstated and not direct_ref:  # the quoted sentences must cover the question's focus
            unstated, note = self._unfocused(question, chosen, cos)
            notes += [note] if note else []
        # answer first: a short span of what is quoted, of the kind the question asks for (never when the
        # detail asked about is not in the knowledge base); the passage it comes from is cited first
        if unstated:
            first, source = "", None
        else:
            first, source = found or self._direct(question, terms_of, kind, chosen, order, bodies)
        if source is not None and source != order[0] and (
                passages[source].chunk.doc_type == "法规" or passages[order[0]].chunk.doc_type != "法规"):
            k = order.index(source)
            order.insert(0, order.pop(k))
            bodies.insert(0, bodies.pop(k))
        citations, parts = self._cite(passages, order, bodies, bool(first))
        if unstated:  # the topic is there, the detail asked about is not: say so, cite only what is there
            asked = "、".join(f"“{w}”" for w in unstated)
            covered = [w for w in content_words(question) if w not in unstated and w not in REGULATION_ALIASES]
            return Answer(answer=not_stated([c.title for c in citations], covered, unstated) + "\n"
                                 + "\n".join(parts), grounded=False, citations=citations, question=question,
                          notes=notes + [f"问题问到的{asked}在所引文本中没有出现"])
        return Answer(answer="\n".join(([first] if first else []) + parts), grounded=True, citations=citations,
                      question=question, direct_answer=first, notes=notes)

    def quoted_cosine(self, question: str, chosen: list[Sentence]) -> float:
        """The question's highest cosine with the sentences an answer quotes (:meth:`similarity`, in [-1, 1]):
        the main sentences, or every quoted one when all are context."""
        quoted = [s.whole or s.text for s in chosen]
        return self.similarity(question, [s.whole or s.text for s in chosen if not s.context] or quoted)

    def _unfocused(self, question: str, chosen: list[Sentence], cos) -> tuple[list[str], str]:
        """(the question's focus terms the quoted sentences ``chosen`` leave unstated, a note for the log): a term
        is stated when :func:`bot.answer.grounding.uncovered_focus` finds it in the quoted text, or when it is the
        knowledge base's own vocabulary (held by at least ``settings.focus_common_share`` of the chunks: 党员, 组织);
        the rest count as stated when the question is close in meaning to a quoted sentence (:meth:`similarity` ≥
        ``settings.focus_min_cosine``; ``cos``: a function giving that cosine, computed once by the caller). [] when the
        focus is covered."""
        quoted = [s.whole or s.text for s in chosen]
        missing = [w for w in uncovered_focus(question, "\n".join(quoted))
                   if self.share(w) < self.settings.focus_common_share]  # 党员, 组织: the knowledge base's own vocabulary
        if not missing:
            return [], ""
        cosine = cos()
        note = f"所引句子未出现{'、'.join(missing)}；问句与所引句子的最高余弦 {cosine:.3f}"
        return ([] if cosine >= self.settings.focus_min_cosine else missing), note

    @staticmethod
    def _order(question: str, passages: list[RetrievedChunk], covs: list[float],
               chosen: list[Sentence]) -> tuple[list[int], dict[int, list[Sentence]]]:
        """(the quoted passages' indices in citation order, the chosen sentences of each). Trust order: for a
        rule question the regulations' passages come first (a 资料 or 案例 sentence never leads over the article
        it restates); then the passage holding the best sentence, then retrieval order. A judgement asked about
        a case keeps the case's verdict first."""
        by_passage: dict[int, list[Sentence]] = {}
        for s in chosen:
            by_passage.setdefault(s.passage, []).append(s)
        rules_first = not cases.asks_judgement(question, passages, covs)
        order = sorted(by_passage, key=lambda i: (rules_first and passages[i].chunk.doc_type != "法规",
                                                  -max(x.score for x in by_passage[i]), i))
        return order, by_passage

    @staticmethod
    def _cite(passages: list[RetrievedChunk], order: list[int], bodies: list[str],
              after_direct: bool) -> tuple[list[Citation], list[str]]:
        """(the citations, numbered 1.. in ``order``; the answer's parts): each passage's quoted ``bodies`` after
        its lead-in (《标题》第X条规定：, or 依据《标题》第X条： ``after_direct`` answer; 《标题》中写道： for a case) and
        its marker ``[n]``, then a note for each citation of a text that is not 现行有效."""
        citations: list[Citation] = []
        parts: list[str] = []
        for p_idx, text in zip(order, bodies):
            p = passages[p_idx].chunk
            n = len(citations) + 1
            citations.append(Citation(n=n, title=p.title, article=p.article, doc_type=p.doc_type,
                                      source=p.source, text=p.text, version=p.version, status=p.status))
            if p.article:
                text = re.sub(r"^" + re.escape(p.article) + r"(（续）)?\s*", "", text)
                lead = f"依据《{p.title}》{p.article}：" if after_direct else f"《{p.title}》{p.article}规定："
            elif p.doc_type == "案例":
                lead = f"《{p.title}》中写道："
            else:
                lead = ""
            parts.append(f"{lead}{text}[{n}]")
        parts += [f"（注意：[{c.n}] 引自{c.status}的文本{('（' + c.version + '）') if c.version else ''}，请以现行有效版本为准。）"
                  for c in citations if c.status != "现行有效"]
        return citations, parts

    def _direct(self, question: str, terms_of: str, kind: str | None, chosen: list[Sentence],
                order: list[int], bodies: list[str]) -> tuple[str, int | None]:
        """(the direct answer, the index of the passage it comes from; None when there is none), by
        :func:`bot.answer.direct.locate_direct_answer` on the quoted evidence: a count or list from the quoted passages
        (``bodies``, in citation ``order``: their enumerations), any other kind only from a quoted sentence
        covering at least ``answer_first_passage_share`` of what the best quoted sentence covers of the question's key
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
        terms, w = self.terms(terms_of)
        main = sorted((s for s in chosen if not s.context and s.score > 0), key=lambda s: -s.score)
        source: dict[str, int] = {}
        for s in main:
            source.setdefault(s.whole or s.text, s.passage)
        covs = {x: coverage(terms, w, x) for x in source}
        best = max(covs.values(), default=0.0)
        evidence = [x for x in source if covs[x] >= best * self.policy.first_passage_share]
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
        """The passages and their coverages with, for a judgement asked about a case, the case's verdict
        passages retrieval did not return appended (:func:`bot.answer.cases.verdict_passages`; after the
        retrieved ones, so they can only add verdict sentences)."""
        extra = cases.verdict_passages(question, passages, covs, self.document_passages)
        if not extra:
            return passages, covs
        return passages + extra, covs + self.evidence(question, extra)[1]

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
        (笔者同意第二种意见 → ``{"二"}``; :func:`bot.answer.cases.endorsed_views` of :meth:`document_passages`)."""
        return cases.endorsed_views(self.document_passages(chunk))

    def _select(self, question: str, passages: list[RetrievedChunk], covs: list[float]) -> list[Sentence]:
        """The sentences the answer quotes (:mod:`bot.answer.selection`): an article asked for by reference is
        quoted whole (at most two); else the best candidates by the policy, then — unless a judgement is asked
        about a case — the trust order and a second regulation stating the same rule, made whole."""
        terms, w = self.terms(question)
        direct = [i for i, p in enumerate(passages) if p.direct and not instructs(p.chunk.text)]
        if direct:  # whole article asked for by reference: quote it
            return [Sentence(passages[i].chunk.text, i, 0, 1.0) for i in direct[:2]]
        # a judgement asked about a case: the case's own verdict, wherever in its passages, is the answer
        judgement = cases.asks_judgement(question, passages, covs)
        ranked = candidates(question, passages, covs, terms, w, judgement, self.endorsed_views, self.policy)
        if not ranked:
            usable = [i for i, p in enumerate(passages) if not instructs(p.chunk.text)]
            return [Sentence(passages[usable[0]].chunk.text[: self.max_chars], usable[0], 0, 0.0)] if usable else []
        ranked.sort(key=lambda s: s.score, reverse=True)
        chosen = choose(question, ranked, self.policy)
        if not judgement:
            chosen = regulation_decides(passages, ranked, chosen, self.policy)
            # a second regulation may restate the rule in fewer of the question's words (党章第四十一条 留党察看最长不超过
            # 两年 beside 纪律处分条例第十二条): for that, every passage's sentences are candidates
            wide = candidates(question, passages, covs, terms, w, judgement, self.endorsed_views,
                              replace(self.policy, passage_share=0.0))
            wide.sort(key=lambda s: s.score, reverse=True)
            chosen = second_source(question, passages, ranked, chosen, self.policy, wide)
        return complete(passages, chosen)
