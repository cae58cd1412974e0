"""Storage: the embedding model (``embed``) and the Chroma + BM25 knowledge index (``index``)."""
