"""Retrieval: hybrid retrieval over the knowledge index (``hybrid``) and the optional reranker (``rerank``)."""
