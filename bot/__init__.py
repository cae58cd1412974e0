"""党建学习助手 (Party Study Assistant): retrieval-augmented Q&A over Party regulations.

Pipeline, one module per stage, data flowing one way::

    load (bot.ingest.load) → split (bot.ingest.split) → index (bot.store.index) → retrieve (bot.retrieval.hybrid)
        → answer (bot.answer.extractive) → render (bot.cli / app.py)

Configuration lives in :mod:`bot.config`; shared data types in :mod:`bot.schema`.
"""

__version__ = "0.1.0"
