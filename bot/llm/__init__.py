"""LLM support shared by answers, quizzes and lectures: the chat client and its errors (``client``), prompt
files (``prompts``), passages formatted for a prompt (``passages``), the one offline fallback rule
(``fallback``) and JSON repair of model replies (``json``)."""

from bot.llm.client import LLMError, describe_error, make_chat_model
from bot.llm.fallback import failure_reason, try_llm
from bot.llm.json import extract_json
from bot.llm.passages import format_passage, format_passages

__all__ = ["LLMError", "describe_error", "extract_json", "failure_reason", "format_passage", "format_passages",
           "make_chat_model", "try_llm"]
