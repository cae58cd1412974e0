"""Retrieval: the question's forms for search (``query``), article references (``articles``), reciprocal rank
fusion (``fusion``), the regulation prior (``prior``), the post-processors of the fused ranking — status
penalty, near-duplicate filter, per-document cap, reranker step (``postprocess``) —, the optional
cross-encoder (``rerank``), and their composition (``hybrid``)."""

from bot.retrieval.articles import ArticleLookup, ArticleRef, parse_article_refs, resolve_titles
from bot.retrieval.fusion import reciprocal_rank_fusion
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.query import expand_abbreviations, expand_aliases, keyword_query, normalize_query

__all__ = ["ArticleLookup", "ArticleRef", "HybridRetriever", "expand_abbreviations", "expand_aliases", "keyword_query",
           "normalize_query", "parse_article_refs", "reciprocal_rank_fusion", "resolve_titles"]
