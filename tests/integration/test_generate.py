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


def test_missing_article_does_not_call_the_model(llm_pipe, fake):
    fake.script({"content": "《中国共产党章程》第五十条规定，可以建立党委[1]。"})
    ans = llm_pipe.ask("党章第九十条是怎么规定的？")
    assert not ans.grounded and ans.citations == [] and fake.requests == []
    assert "没有第九十条" in ans.answer


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


# ---------------------------------------------------------------- quiz and lecture in LLM mode
def test_quiz_llm_validated_retried_and_checked(llm_pipe, fake):
    from bot.quiz import QuizGenerator, generate_quiz

    topic = "预备党员的预备期"
    chunks = QuizGenerator(llm_pipe).passages(topic, k=20, keep=0.6)[:8]
    n7 = next(i for i, c in enumerate(chunks, 1) if c.article == "第七条")
    good = {"type": "填空", "stem": "预备党员的预备期为（  ）。", "answer": "一年", "explanation": "见第七条",
            "source_n": n7, "quote": "预备党员的预备期为一年。"}
    wrong_key = {"type": "判断", "stem": "判断：预备党员的预备期为一年。", "answer": "错误", "explanation": "x",
                 "source_n": n7, "quote": "预备党员的预备期为一年。"}
    bad_source = {**good, "stem": "预备期从何时算起？（  ）", "source_n": 99}
    fake.script({"content": "好的，题目如下：{items: oops"},
                {"content": "```json\n" + json.dumps({"items": [good, wrong_key, bad_source]}, ensure_ascii=False) + "\n```"})
    qs = generate_quiz(llm_pipe, topic, n=3)
    assert qs.mode == "llm" and len(fake.requests) == 2  # invalid JSON → one retry
    assert [i.stem for i in qs.items] == ["预备党员的预备期为（  ）。"] and qs.items[0].answer == ["一年", "1年"]
    assert qs.items[0].source.article == "第七条"
    assert qs.dropped["错误说法在原文中成立"] == 1 and qs.dropped["出处编号不存在"] == 1


def test_quiz_llm_down_falls_back_offline(built):
    from bot.quiz import generate_quiz

    _, settings, _ = built
    s = Settings(data_dir=settings.data_dir, llm_base_url=f"http://127.0.0.1:{_closed_port()}/v1", llm_model="m",
                 llm_timeout=2, llm_max_retries=0)
    qs = generate_quiz(Pipeline(s), "党的纪律", n=4)
    assert qs.mode == "offline" and qs.items and "无法连接" in qs.notes[0]


def _valid_lecture(pipe, topic: str, total: int) -> str:
    from bot.lecture import select_articles, select_case, template_families

    arts = [c for c, _, _ in select_articles(pipe, topic)[:3]]  # the passages draft_lecture_llm gives the model
    case, _ = select_case(pipe, topic, template_families())
    quote = arts[0].text.split(" ", 1)[1].split("。")[0] + "。"
    filler = "同志们，我们要认真学习党章党规，把纪律和规矩挺在前面，做到知行合一。"
    parts = {"开场导入": filler * 2,
             "理论要点": f"《{arts[0].title}》{arts[0].article}规定：“{quote}”[1]" + filler * 4,
             "案例剖析": "案例告诉我们，违反纪律必然受到追究" + (f"[{len(arts) + 1}]。" if case else "。") + filler * 4,
             "实践要求": filler * 3, "结语": filler}
    text = "\n\n".join(f"## {k}\n\n{v}" for k, v in parts.items())
    from bot.lecture import spoken_len

    while spoken_len(text) < total * 0.95:
        text = text.replace("## 实践要求\n\n", "## 实践要求\n\n" + filler, 1)
    return text


def test_lecture_llm_repaired_once(llm_pipe, fake):
    from bot.lecture import draft_lecture

    bad = "## 开场导入\n\n依据党章第九十九条[1]，我们要守纪律。"
    fake.script({"content": bad}, {"content": _valid_lecture(llm_pipe, "严守党的纪律", 8 * 220)})
    lec = draft_lecture(llm_pipe, "严守党的纪律", minutes=8)
    repair = fake.requests[1]["messages"][-1]["content"]
    assert "第九十九条" in repair and "缺少环节" in repair and "应为约 1760 字" in repair
    assert lec.notes == ["由大模型起草，引用与长度已核验"] and abs(lec.chars - 1760) <= 176
    assert [s.name for s in lec.sections] == ["开场导入", "理论要点", "案例剖析", "实践要求", "结语"]


def test_lecture_llm_still_wrong_falls_back(llm_pipe, fake):
    from bot.lecture import draft_lecture

    fake.script({"content": "## 开场导入\n\n《中国共产党章程》第七条规定：“预备期为三年。”[1]"})
    lec = draft_lecture(llm_pipe, "严守党的纪律", minutes=8)
    assert len(fake.requests) == 2 and "未通过核验" in lec.notes[0] and "离线" in lec.notes[0]
    # the fallback is the offline draft itself (which runs short rather than pad with off-topic quotes)
    offline = draft_lecture(llm_pipe, "严守党的纪律", minutes=8, use_llm=False)
    assert [(x.name, x.paragraphs) for x in lec.sections] == [(x.name, x.paragraphs) for x in offline.sections]
    assert lec.chars == offline.chars and offline.chars > 0
    assert len(fake.requests) == 2  # the offline draft asked nothing of the LLM

