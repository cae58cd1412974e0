"""The quiz entry point: :func:`generate_quiz` checks the request, uses the LLM mode
(:mod:`bot.quiz.llm`) when a model is configured and asked for, else — or when it fails — the offline
generator (:mod:`bot.quiz.offline`), and says when fewer items than asked could be made."""

from __future__ import annotations

from bot.quiz.model import TYPES, QuizSet, split_counts
from bot.quiz.offline import QuizGenerator


def _check_request(pipeline, topic: str, types: list[str] | None, source: str | None,
                   articles: str | None) -> list[str]:
    """The requested types (all when None). Raises ValueError as :func:`generate_quiz` documents."""
    if not topic.strip() and not source:
        raise ValueError("请给出出题主题")
    if pipeline.index.count() == 0:
        from bot.kb.admin import empty_message

        raise ValueError(empty_message("出题"))
    if articles and not source:
        raise ValueError("指定条文范围时请同时给出法规名称（--source）")
    types = types or list(TYPES)
    bad = [t for t in types if t not in TYPES]
    if bad:
        raise ValueError(f"未知题型：{'、'.join(bad)}（可选：单选、多选、判断、填空）")
    return types


def _try_llm(pipeline, topic: str, n: int, types: list[str], difficulty: str,
             existing: list[str] | None) -> tuple[QuizSet | None, str | None]:
    """(the LLM's set, None) when it made items, else (None, the note saying why offline is used)."""
    from bot.llm import try_llm
    from bot.quiz.llm import generate_quiz_llm

    qs, note = try_llm(lambda: generate_quiz_llm(pipeline, topic, n, types, difficulty, existing), "已改用离线出题。")
    if qs is None:
        return None, note
    qs.mode = "llm"
    if qs.items:
        return qs, None
    return None, "大模型生成的题目都未通过原文校验，已改用离线出题。"


def _offline(pipeline, topic: str, n: int, types: list[str], difficulty: str, existing: list[str] | None,
             seed: int | None, source: str | None, articles: str | None, per_article: int) -> tuple[QuizSet, str]:
    """The offline set and how its scope is named in a shortfall ("《…》第八条-第十四条", "主题“…”")."""
    gen = QuizGenerator(pipeline, seed=seed)
    counts = split_counts(n, types)
    st = pipeline.settings
    if source:
        chunks = gen.scoped(source, articles)
        qs = gen.generate(topic, counts, difficulty, existing, chunks=chunks, per_article=per_article)
        scope = f"《{chunks[0].title}》{articles or ''}" if chunks else f"“{source}”{articles or ''}"
    else:
        first = gen.passages(topic, k=st.quiz_retrieve_k, keep=st.quiz_keep)
        # a narrow topic: more passages, but only ones still close to the topic (relevance cutoff)
        wider = gen.passages(topic, k=st.quiz_retrieve_k_wide, keep=st.quiz_keep_wide)
        qs = gen.generate(topic, counts, difficulty, existing, chunks=first, per_article=per_article, more=wider,
                          on_topic=True)
        qs.articles = len({(c.title, c.article) for c in [*first, *wider]})
        scope = f"主题“{topic}”"
    return qs, scope


def _shortfall(qs: QuizSet, n: int, scope: str, per_article: int) -> dict:
    """``QuizSet.shortfall`` in a branch secretary's words: how many were asked and made, how many
    candidates there were and why each dropped one was dropped (every reason, so the counts add up:
    candidates = made + dropped), and what to do next. An organiser could not follow the earlier
    message (counts that did not add up, advice for an operator; issue #19)."""
    dropped = sum(qs.dropped.values())
    ceiling = qs.articles * per_article
    parts = [f"{scope}下找到相关条文 {qs.articles} 条，每条最多出 {per_article} 题"
             + (f"，最多只能出 {ceiling} 题" if ceiling < n else "") + "。"]
    if dropped:
        reasons = "、".join(f"{r} {c} 道" for r, c in qs.dropped.most_common())
        parts.append(f"共审查候选题 {qs.candidates} 道，选用 {len(qs.items)} 道，淘汰 {dropped} 道（{reasons}）。")
    else:
        parts.append(f"这些条文一共只能出 {qs.candidates} 道候选题，都已选用，没有题目因质量问题被淘汰。")
    wider = ("扩大条文范围（例如指定整部条规）" if not scope.startswith("主题")
             else "换一个范围更宽的主题，或直接指定整部条规")
    parts.append(f"如需更多题目：可以{wider}，或允许每条条文多出几题（例如每条 3 题）；"
                 "也可以先用这些题，其余题目人工补充。")
    return {"asked": n, "made": len(qs.items), "why": "".join(parts)}


def generate_quiz(pipeline, topic: str, n: int = 12, types: list[str] | None = None, difficulty: str = "中",
                  existing: list[str] | None = None, use_llm: bool | None = None, *, seed: int | None = None,
                  source: str | None = None, articles: str | None = None, per_article: int = 2) -> QuizSet:
    """Generate ``n`` checked items on ``topic`` (or on an exact scope: regulation ``source`` and
    article range ``articles``): with the configured LLM when there is one (``use_llm`` None = when
    configured, topic mode only), else, or when it fails, offline (see :mod:`bot.quiz.offline`).

    Random unless ``seed`` is given (same seed → same set). At most ``per_article`` items per
    article. When fewer than ``n`` pass, ``QuizSet.shortfall`` says how many and why.

    Raises:
        ValueError: unknown type name, empty topic without a scope, unknown regulation or bad range,
            empty knowledge base.
    """
    types = _check_request(pipeline, topic, types, source, articles)
    note = None
    if not source and (use_llm or (use_llm is None and pipeline.has_llm)):
        qs, note = _try_llm(pipeline, topic, n, types, difficulty, existing)
        if qs is not None:
            return qs
    qs, scope = _offline(pipeline, topic, n, types, difficulty, existing, seed, source, articles, per_article)
    qs.items.sort(key=lambda i: TYPES.index(i.type))
    if len(qs.items) < n:
        qs.shortfall = _shortfall(qs, n, scope, per_article)
    if note:
        qs.notes.append(note)
    return qs
