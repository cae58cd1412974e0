"""Gradio building blocks of the web app (``app.py`` assembles them): request helpers shared by
every tab, and one module per tab moved out of ``app.py`` so far (``study``: 练习 with the study
record, and the branch view)."""
