"""The chat client: a LangChain ``ChatOpenAI`` for any OpenAI-compatible endpoint (vLLM, Ollama ``/v1``,
Xinference, DeepSeek, DashScope …), the error every LLM path raises, and a safe Chinese description of an
endpoint failure.

Retries with exponential backoff and timeouts are the openai client's (``llm_max_retries``,
``llm_timeout``); the API key is a ``SecretStr`` and is never logged nor put into a message.

Public API: :func:`make_chat_model`, :class:`LLMError`, :func:`describe_error`.
"""

from __future__ import annotations

from bot.config import Settings


class LLMError(RuntimeError):
    """The endpoint failed or its reply is unusable; the message (Chinese) is safe to show: it never
    contains the key."""


def make_chat_model(settings: Settings, streaming: bool = True):
    """A LangChain ``ChatOpenAI`` for the configured endpoint (``settings.llm_base_url``, ``llm_model``,
    ``llm_api_key`` — "not-needed" when unset —, ``llm_timeout`` seconds, ``llm_max_retries``,
    ``llm_temperature``). Nothing is sent until it is invoked."""
    from langchain_openai import ChatOpenAI

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        streaming=streaming,
    )


def describe_error(e: BaseException) -> str:
    """A short Chinese description of an endpoint failure (no URL credentials, no key): timeout,
    connection refused, authentication, rate limit, HTTP status, else the exception's type name."""
    import openai

    if isinstance(e, openai.APITimeoutError):
        return "大模型服务响应超时"
    if isinstance(e, openai.APIConnectionError):
        return "无法连接大模型服务（地址错误或服务未启动）"
    if isinstance(e, openai.AuthenticationError):
        return "大模型服务拒绝访问（API Key 无效）"
    if isinstance(e, openai.RateLimitError):
        return "大模型服务繁忙（请求过多）"
    if isinstance(e, openai.APIStatusError):
        return f"大模型服务返回错误（HTTP {e.status_code}）"
    return f"大模型服务出错（{type(e).__name__}）"
