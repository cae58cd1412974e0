"""Gradio building blocks of the web app (``app.py`` assembles them): request helpers shared by
every tab (``common``) and one module per tab — ``ask`` (问答, and the /ask and /chat API), ``quiz``
(出题 and 组卷), ``practice`` (练习), ``lecture`` (微党课), ``kb`` (知识库 and the indexing banner),
``branch`` (支部学习情况) — with ``study`` holding the study-record views and API they share."""
