"""The real Gradio app over HTTP (subprocess), queried with gradio_client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import launch_app


@pytest.fixture(scope="module")
def app_url(built):
    _, settings, _ = built
    with launch_app({"DANGJIAN_DATA_DIR": str(settings.data_dir)}) as url:
        yield url


def test_api_ask_cites_article_four(app_url):
    from gradio_client import Client

    result = Client(app_url, verbose=False).predict("党员有哪些权利？", api_name="/ask")
    assert "第四条" in result and "依据" in result and "[1]" in result


def test_api_ask_out_of_scope(app_url):
    from gradio_client import Client

    result = Client(app_url, verbose=False).predict("今天北京天气怎么样？", api_name="/ask")
    assert "知识库中未找到依据" in result and "依据**" not in result


def test_page_is_chinese(app_url):
    import urllib.request

    html = urllib.request.urlopen(app_url, timeout=10).read().decode("utf-8")
    assert "党建学习助手" in html


def test_api_two_turns_extractive(app_url):
    from gradio_client import Client

    history = [{"role": "user", "content": "预备党员的预备期是多长时间？"}, {"role": "assistant", "content": "一年[1]"}]
    result = Client(app_url, verbose=False).predict("那延长预备期呢？", history, api_name="/chat")
    assert "不能超过一年" in result and "第七条" in result


def test_api_quiz_generates_and_exports(app_url):
    from gradio_client import Client
    from openpyxl import load_workbook

    status, cards, xlsx, docx_path, json_path = Client(app_url, verbose=False).predict(
        "党的纪律", 8, ["单选", "多选", "判断", "填空"], "中", None, "", "", None, api_name="/quiz")
    items = json.loads(Path(json_path).read_text(encoding="utf-8"))["items"]
    assert "已生成" in status and len(items) >= 6
    assert [i["type"] for i in items] == sorted((i["type"] for i in items), key="单选多选判断填空".index)
    # the preview holds one card per item with its answer and source
    assert cards.count('class="quiz-card"') == len(items)
    assert cards.count("答案：") == len(items) and cards.count("出处：《") == len(items)
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("题型", "题干") and len(rows) == len(items) + 1


def test_twenty_simultaneous_questions(app_url):
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    cases = [("预备党员的预备期是多长时间？", "第七条"), ("党员有哪些权利？", "第四条"), ("宪法第34条", "第三十四条"),
             ("党章第十条", "第十条")] * 5

    def ask(case):
        question, article = case
        return article, Client(app_url, verbose=False).predict(question, api_name="/ask")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(ask, cases))
    assert len(results) == 20
    for article, answer in results:
        assert article in answer, (article, answer[:80])


def test_api_lecture_free_text_audience_and_slides(app_url):
    from gradio_client import Client
    from pptx import Presentation

    preview, md_path, docx_path, pptx_path = Client(app_url, verbose=False).predict(
        "党员的权利", 5, "社区党员志愿者", 220, api_name="/lecture")
    assert "社区党员志愿者" in preview and "第四条" in preview and preview.count("谢谢大家") == 1
    slides = list(Presentation(pptx_path).slides)
    assert len(slides) == 7 and all(s.notes_slide.notes_text_frame.text.strip() for s in slides[1:6])
