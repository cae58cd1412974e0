"""LLM support: prompt files (``prompts``)."""
