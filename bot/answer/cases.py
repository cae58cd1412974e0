"""Case questions: how the extractive answer reads a 典型案例 (case analysis).

A case sets out several views before deciding: a view the document does not endorse (第一种意见认为…,
有观点认为…) is never quoted as the answer (:func:`rejected_view`), and when the question asks for a judgement
(算不算受贿, 是…还是…: :data:`JUDGEMENT_RE`) the case's own verdict sentences (构成/不构成…, 应认定为…:
:data:`VERDICT_RE`) are preferred (a bonus, Settings ``answer_verdict_bonus``), from any of its passages (:func:`verdict_passages`
finds those retrieval did not return).

Public API: :data:`JUDGEMENT_RE`, :data:`VERDICT_RE`, :data:`OPINION_RE`,
:data:`ENDORSE_RE`, :func:`asks_judgement`, :func:`endorsed_views`, :func:`rejected_view`,
:func:`verdict_passages`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.schema import Chunk, RetrievedChunk

#: A question that asks for a judgement on conduct (算不算受贿, 是职务侵占还是受贿, 如何定性).
JUDGEMENT_RE = re.compile(r"算不算|是不是|是否|还是|构成|定性|认定|违纪吗|违法吗|犯罪吗|受贿吗|算.{0,10}吗")
#: A sentence that states a judgement (构成/不构成…, 应认定为…, 以…论处); 构成要件 (the elements of an offence)
#: is a definition, not a verdict.
VERDICT_RE = re.compile(r"(?:不?构成(?!要件)|应当?认定|认定为|不宜认定|不能认定|定性为|以.{1,12}论处)")
#: A sentence reporting one of several views before the author decides (第二种意见认为…, 有观点认为…).
OPINION_RE = re.compile(r"第([一二三四五六])种(?:意见|观点)认为|^\W*(?:也|另|还)?有(?:一种)?(?:观点|意见|人)认为")
#: The author endorsing one of the numbered views (笔者同意第二种意见, 我们赞同第一种观点).
ENDORSE_RE = re.compile(r"(?:同意|赞同|赞成|倾向于?|支持|认同|采纳)(?:上述|前述|以上)?第([一二三四五六])种(?:意见|观点)")


def asks_judgement(question: str, passages: list[RetrievedChunk], covs: list[float]) -> bool:
    """A judgement asked about a case: the question matches :data:`JUDGEMENT_RE` and the best-covering passage
    (highest of ``covs``, one coverage per passage) is a 案例."""
    best = passages[covs.index(max(covs))].chunk
    return best.doc_type == "案例" and bool(JUDGEMENT_RE.search(question))


def endorsed_views(document: list[Chunk]) -> set[str]:
    """Numbers, as Chinese numerals, of the views a document endorses (笔者同意第二种意见 → ``{"二"}``; empty
    when it endorses none by number), read from all of its passages ``document`` (the endorsement is rarely
    in the passage that states the view)."""
    text = "".join(c.text for c in document)
    return {m.group(1) for m in ENDORSE_RE.finditer(text)}


def rejected_view(sentence: str, chunk: Chunk, endorsed: Callable[[Chunk], set[str]]) -> bool:
    """Whether ``sentence`` (of ``chunk``) reports a view (:data:`OPINION_RE`) that is not the numbered view its
    case endorses: such a view the case goes on to weigh, and may reject, is not its answer. ``endorsed(chunk)``
    gives the endorsed view numbers (:func:`endorsed_views` of the chunk's document); it is called only for a
    numbered view in a 案例."""
    opinion = OPINION_RE.search(sentence)
    return bool(opinion) and not (opinion.group(1) and chunk.doc_type == "案例"
                                  and opinion.group(1) in endorsed(chunk))


def verdict_passages(question: str, passages: list[RetrievedChunk], covs: list[float],
                     document: Callable[[Chunk], list[Chunk]]) -> list[RetrievedChunk]:
    """For a question asking for a judgement (:data:`JUDGEMENT_RE`) whose best-covering passage is a case, the
    case's other passages that state a verdict (:data:`VERDICT_RE`), read with ``document(chunk)`` (all passages
    of the chunk's document, in order), as retrieved passages scored 0; [] otherwise. The verdict of a 典型案例
    is often in a passage that shares few words with the question (算违纪吗 → 本案中王某的行为构成违规从事营利活动违纪)."""
    best = passages[covs.index(max(covs))].chunk
    if best.doc_type != "案例" or not JUDGEMENT_RE.search(question):
        return []
    have = {p.chunk.id for p in passages}
    return [RetrievedChunk(chunk=c, score=0.0)
            for c in document(best) if c.id not in have and VERDICT_RE.search(c.text)]
