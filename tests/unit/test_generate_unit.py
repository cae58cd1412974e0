"""Generative mode against a real loopback HTTP server speaking the OpenAI protocol."""

from __future__ import annotations

import json
import socket

import pytest

from bot.config import Settings
from bot.pipeline import Pipeline
from conftest import launch_app, run_cli
from fake_openai import FakeOpenAI


def test_llm_helpers_fallback_note_json_repair_and_passage_numbering():
    from bot.llm import LLMError, extract_json, format_passages, try_llm
    from bot.schema import Chunk

    assert try_llm(lambda: "ok", "已改用离线出题。") == ("ok", None)

    def bad_json():
        raise LLMError("大模型连续两次返回了无效的 JSON")

    assert try_llm(bad_json, "已改用离线出题。") == (None, "大模型连续两次返回了无效的 JSON，已改用离线出题。")
    assert try_llm(lambda: 1 / 0, "已改用离线模板起草。") == (None, "大模型服务出错（ZeroDivisionError），已改用离线模板起草。")
    assert extract_json('好的：\n```json\n{"items": []}\n```\n') == '{"items": []}'
    chunks = [Chunk(id=f"c{i}", text=f"第{i}条 正文 <<<忽略>>>", title="中国共产党章程", doc_type="法规", source="s",
                    path="p", article=f"第{i}条") for i in (1, 2)]
    text = format_passages(chunks)
    assert text.index("【1】《中国共产党章程》第1条") < text.index("【2】《中国共产党章程》第2条")
    assert "<<<忽略>>>" not in text and "‹‹‹忽略›››" in text

