"""Generative mode against a real loopback HTTP server speaking the OpenAI protocol."""

from __future__ import annotations

import json
import socket

import pytest

from bot.config import Settings
from bot.pipeline import Pipeline
from conftest import launch_app, run_cli
from fake_openai import FakeOpenAI

Q = "预备党员的预备期是多长时间？"
GOOD = "根据《中国共产党章程》第七条，预备党员的预备期为一年[1]。"


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="module")
def llm_pipe(built, fake):
    _, settings, _ = built
    s = Settings(data_dir=settings.data_dir, llm_base_url=fake.base_url, llm_model="qwen-test",
                 llm_api_key="sk-secret-123", llm_timeout=3, llm_max_retries=0)
    return Pipeline(s)


def test_no_llm_is_the_extractive_default(pipeline):
    assert pipeline.generator is None
    ans = pipeline.ask(Q)
    assert ans.mode == "extractive" and ans.verified is None and ans.citations[0].article == "第七条"


def test_verified_answer(llm_pipe, fake):
    fake.script({"content": GOOD})
    ans = llm_pipe.ask(Q)
    assert ans.mode == "generative" and ans.verified is True and ans.grounded
    assert ans.answer == GOOD and [c.article for c in ans.citations] == ["第七条"]
    sent = fake.requests[-1]
    assert sent["model"] == "qwen-test" and sent["stream"] is True
    system, user = sent["messages"][0]["content"], sent["messages"][1]["content"]
    assert "绝不编造条款号" in system and "【1】《中国共产党章程》第七条" in user and "<<<" in user


def test_marker_beyond_given_passages_removed_and_flagged(llm_pipe, fake):
    fake.script({"content": "预备党员的预备期为一年[1]，转正要经支部大会讨论[7]。"})
    ans = llm_pipe.ask(Q)
    assert ans.verified is False and "[7]" not in ans.answer
    assert any("[7]" in r for r in ans.notes)
    assert len(ans.citations) == 1


def test_nonexistent_article_flagged(llm_pipe, fake):
    fake.script({"content": "依据党章第九十九条，预备期为一年[1]。"})
    ans = llm_pipe.ask(Q)
    assert ans.verified is False and any("第九十九条" in r and "不存在" in r for r in ans.notes)


def test_wrong_article_flagged(llm_pipe, fake):
    fake.script({"content": "《中国共产党章程》第四条规定，预备党员的预备期为一年[1]。"})
    ans = llm_pipe.ask(Q)
    assert ans.verified is False and any("第四条" in r and "不在所引用的资料中" in r for r in ans.notes)


def test_real_article_of_another_regulation_flagged(llm_pipe, fake):
    fake.script({"content": "《中华人民共和国宪法》第三十四条规定，预备党员的预备期为一年[1]。"})
    ans = llm_pipe.ask(Q)
    assert ans.verified is False and any("宪法》第三十四条" in r for r in ans.notes)


def test_model_says_not_found(llm_pipe, fake):
    fake.script({"content": "知识库中未找到依据。"})
    ans = llm_pipe.ask(Q)
    assert not ans.grounded and ans.citations == [] and ans.answer == "知识库中未找到依据。"


def test_out_of_scope_does_not_call_the_model(llm_pipe, fake):
    fake.script({"content": "北京今天晴[1]。"})
    ans = llm_pipe.ask("今天北京天气怎么样？")
    assert not ans.grounded and fake.requests == []


def test_streaming_yields_pieces_then_answer(llm_pipe, fake):
    fake.script({"content": GOOD})
    items = list(llm_pipe.ask_stream(Q))
    pieces = [x for x in items if isinstance(x, str)]
    assert len(pieces) > 3 and "".join(pieces) == GOOD
    assert items[-1].verified is True


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "reply,expected",
    [({"status": 500}, "HTTP 500"), ({"sleep": 5, "content": GOOD}, "超时"),
     ({"malformed": True, "content": GOOD}, "大模型服务"), ({"die_after": 2, "content": GOOD * 3}, "大模型服务")],
)
def test_failures_fall_back_to_extractive(llm_pipe, fake, reply, expected):
    fake.script(reply)
    ans = llm_pipe.ask(Q)
    assert ans.mode == "extractive-fallback" and expected in ans.notes[0] and "改用离线抽取式回答" in ans.notes[0]
    assert ans.grounded and ans.citations[0].article == "第七条"


def test_connection_refused_falls_back(built):
    _, settings, _ = built
    s = Settings(data_dir=settings.data_dir, llm_base_url=f"http://127.0.0.1:{_closed_port()}/v1", llm_model="m",
                 llm_timeout=2, llm_max_retries=0)
    ans = Pipeline(s).ask(Q)
    assert ans.mode == "extractive-fallback" and "无法连接" in ans.notes[0]


def test_follow_up_condensed_with_history(llm_pipe, fake):
    fake.script({"content": "预备党员的预备期可以延长多久？"}, {"content": "需要继续考察和教育的，可以延长预备期，但不能超过一年[1]。"})
    history = [{"role": "user", "content": Q}, {"role": "assistant", "content": "预备党员的预备期为一年[1]。"}]
    ans = llm_pipe.ask("那延长预备期呢？", history=history)
    condense_prompt = fake.requests[0]["messages"][0]["content"]
    assert Q in condense_prompt and "那延长预备期呢？" in condense_prompt
    assert ans.question == "预备党员的预备期可以延长多久？" and ans.verified is True


def test_follow_up_without_llm_uses_previous_question(pipeline):
    history = [{"role": "user", "content": Q}, {"role": "assistant", "content": "一年"}]
    ans = pipeline.ask("那延长预备期呢？", history=history)
    assert ans.grounded and ans.citations[0].article == "第七条" and "不能超过一年" in ans.answer


def test_cli_json_reports_verification_and_hides_key(built, fake):
    _, settings, _ = built
    fake.script({"content": "依据党章第九十九条，预备期为一年[1]。"})
    env = {"DANGJIAN_DATA_DIR": str(settings.data_dir), "DANGJIAN_LLM_BASE_URL": fake.base_url,
           "DANGJIAN_LLM_MODEL": "m", "DANGJIAN_LLM_API_KEY": "sk-secret-123", "DANGJIAN_LLM_MAX_RETRIES": "0"}
    r = run_cli("-v", "ask", Q, "--json", env=env)
    out = json.loads(r.stdout)
    assert out["verified"] is False and out["mode"] == "generative" and any("第九十九条" in n for n in out["notes"])
    assert "sk-secret-123" not in r.stderr and "sk-secret-123" not in r.stdout


def test_app_two_turns_with_llm(built, fake):
    from gradio_client import Client

    _, settings, _ = built
    env = {"DANGJIAN_DATA_DIR": str(settings.data_dir), "DANGJIAN_LLM_BASE_URL": fake.base_url,
           "DANGJIAN_LLM_MODEL": "m", "DANGJIAN_LLM_MAX_RETRIES": "0"}
    with launch_app(env) as url:
        client = Client(url, verbose=False)
        fake.script({"content": GOOD})
        first = client.predict(Q, [], api_name="/chat")
        assert "第七条" in first
        fake.script({"content": "预备党员的预备期可以延长多久？"},
                    {"content": "需要继续考察和教育的，可以延长预备期，但不能超过一年[1]。"})
        history = [{"role": "user", "content": Q}, {"role": "assistant", "content": first}]
        second = client.predict("那延长预备期呢？", history, api_name="/chat")
        assert Q in fake.requests[0]["messages"][0]["content"]  # the follow-up was condensed with turn one
        assert "不能超过一年" in second and "第七条" in second and "核验未通过" not in second
