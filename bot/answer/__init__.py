"""Answering: the extractive answerer and its grounding rules (``extractive``), the answer-first
sentence (``direct``), citation verification (``verify``) and the LLM answerer (``generative``)."""
