"""Typed records passed between pipeline stages.

``Document`` (load) → ``Chunk`` (split) → ``RetrievedChunk`` (retrieve) → ``Answer`` (answer).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Document types, decided by the top folder of a file inside the knowledge base.
DOC_TYPES = ("法规", "案例", "讲稿", "资料")


@dataclass
class Document:
    """One loaded, cleaned source file.

    Attributes:
        text: cleaned full text (str, Unicode).
        path: absolute path of the file (str); the key of the document in the index.
        source: display path, relative to the folder that was ingested, prefixed with that
            folder's name (e.g. ``corpus/regulations/党章.md``).
        title: first heading or file name.
        doc_type: one of :data:`DOC_TYPES`.
        version: date/version from the title block (e.g. ``2017年10月24日通过``), or "".
        sha256: hex digest of the raw file bytes (content hash for incremental indexing).
    """

    text: str
    path: str
    source: str
    title: str
    doc_type: str
    version: str = ""
    sha256: str = ""
    status: str = ""  # 现行有效 / 已修订 / 已废止; "" = decided by refresh_versions
    effective: str = ""  # ISO date the text took effect, "" if unknown
    status_source: str = "auto"  # "sidecar" when <file>.meta.yaml set it


#: Statuses of a document version.
STATUSES = ("现行有效", "已修订", "已废止")


@dataclass
class Chunk:
    """A passage of a document, the unit that is embedded, indexed and cited.

    Attributes:
        id: stable id ``<path-hash>:<content-hash>:<index>``.
        text: the passage as it appears in the document (what is quoted and stored in Chroma).
        title, doc_type, source, path, version: copied from the document.
        heading: heading path inside the document, e.g. ``第一章 党员`` ("" if none).
        article: article label such as ``第七条`` or None.
        article_no: article number (7) or None.
        index: position of the chunk in the document (0-based); n_chunks: chunks in the document.
        doc_hash: the document version's hash: its file's content and the splitter version (:func:`bot.ingest.split.document_hash`).
    """

    id: str
    text: str
    title: str
    doc_type: str
    source: str
    path: str
    version: str = ""
    heading: str = ""
    article: str | None = None
    article_no: int | None = None
    index: int = 0
    n_chunks: int = 1
    doc_hash: str = ""
    status: str = "现行有效"
    effective: str = ""
    status_source: str = "auto"

    @property
    def path_label(self) -> str:
        """Heading path, e.g. ``中国共产党章程 › 第一章 党员 › 第七条``."""
        parts = [self.title, self.heading, self.article or ""]
        return " › ".join(p for p in parts if p)

    @property
    def embed_text(self) -> str:
        """``text`` prefixed with its heading path: what is embedded and keyword-indexed."""
        return f"{self.path_label}\n{self.text}"

    def metadata(self) -> dict[str, Any]:
        """Chroma metadata (no None values: Chroma rejects them; absent article → "" / -1)."""
        return {
            "title": self.title,
            "doc_type": self.doc_type,
            "source": self.source,
            "path": self.path,
            "version": self.version,
            "heading": self.heading,
            "article": self.article or "",
            "article_no": self.article_no if self.article_no is not None else -1,
            "index": self.index,
            "n_chunks": self.n_chunks,
            "doc_hash": self.doc_hash,
            "status": self.status or "现行有效",
            "effective": self.effective,
            "status_source": self.status_source,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> "Chunk":
        """Inverse of :meth:`metadata`; ``text`` is the stored Chroma document."""
        article_no = int(meta.get("article_no", -1))
        return cls(
            id=chunk_id,
            text=text,
            title=str(meta.get("title", "")),
            doc_type=str(meta.get("doc_type", "")),
            source=str(meta.get("source", "")),
            path=str(meta.get("path", "")),
            version=str(meta.get("version", "")),
            heading=str(meta.get("heading", "")),
            article=str(meta.get("article") or "") or None,
            article_no=article_no if article_no >= 0 else None,
            index=int(meta.get("index", 0)),
            n_chunks=int(meta.get("n_chunks", 1)),
            doc_hash=str(meta.get("doc_hash", "")),
            status=str(meta.get("status") or "现行有效"),
            effective=str(meta.get("effective", "")),
            status_source=str(meta.get("status_source", "auto")),
        )


@dataclass
class RetrievedChunk:
    """A chunk with its retrieval scores.

    Attributes:
        chunk: the passage.
        score: fused reciprocal-rank-fusion score (higher is better; not a probability).
        dense_score: cosine similarity of query and passage embeddings in [-1, 1], or None when
            the passage was not among the dense candidates.
        bm25_score: BM25 score (unbounded, ≥ 0) or None.
        sentence_score: cosine similarity of the query and the passage's best sentence, or None.
        direct: True when the passage was fetched because the question named its article.
    """

    chunk: Chunk
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None
    sentence_score: float | None = None
    direct: bool = False
    rerank_score: float | None = None

    def to_json(self, rank: int) -> dict[str, Any]:
        """The ``retrieve`` CLI result record (contract: rank, title, article, doc_type, source, text, score)."""
        return {
            "rank": rank,
            "title": self.chunk.title,
            "article": self.chunk.article,
            "doc_type": self.chunk.doc_type,
            "source": self.chunk.source,
            "text": self.chunk.text,
            "score": round(float(self.score), 6),
        }


@dataclass
class Citation:
    """One numbered source of an answer: ``[n]`` in the answer text refers to it."""

    n: int
    title: str
    article: str | None
    doc_type: str
    source: str
    text: str
    version: str = ""
    status: str = "现行有效"

    def label(self) -> str:
        """Human citation, e.g. ``《中国共产党章程》第七条``."""
        return f"《{self.title}》{self.article or ''}"


@dataclass
class Answer:
    """An answer with its citations.

    ``grounded`` is False when the knowledge base holds no sufficient evidence; then ``answer``
    says 知识库中未找到依据 and ``citations`` is empty.
    """

    answer: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)
    question: str = ""
    mode: str = "extractive"
    verified: bool | None = None
    notes: list[str] = field(default_factory=list)
    #: the short answer the reply opens with ("每五年举行一次。"), a span of the cited text; "" when none
    direct_answer: str = ""

    def to_json(self) -> dict[str, Any]:
        """The ``ask --json`` record (contract: answer, grounded, citations[n,title,article,doc_type,source,text])."""
        out: dict[str, Any] = {
            "answer": self.answer,
            "grounded": self.grounded,
            "citations": [
                {k: v for k, v in asdict(c).items() if k not in ("version", "status")} for c in self.citations
            ],
            "mode": self.mode,
        }
        if self.verified is not None:
            out["verified"] = self.verified
        if self.notes:
            out["notes"] = self.notes
        if self.direct_answer:
            out["direct_answer"] = self.direct_answer
        return out
