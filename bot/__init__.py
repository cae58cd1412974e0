"""党建学习助手 (Party Study Assistant): retrieval-augmented Q&A over Party regulations.

Pipeline, one module per stage, data flowing one way::

    load (bot.load) → split (bot.split) → index (bot.index) → retrieve (bot.retrieve)
        → answer (bot.answer) → render (bot.cli / app.py)

Configuration lives in :mod:`bot.config`; shared data types in :mod:`bot.schema`.
"""

__version__ = "0.1.0"
