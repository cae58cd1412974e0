"""Storage: the embedding model (``embed``), the Chroma chunk store with dense search (``chroma``),
the BM25 keyword index (``bm25``), metadata queries — titles, articles, manifest, stats (``catalog``) —
and the :class:`~bot.store.index.KnowledgeIndex` facade that composes them with the ingest (``index``)."""
