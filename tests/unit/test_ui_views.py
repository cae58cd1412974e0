"""What the 出题, 微党课 and 练习 tabs show, on literal items (no index needed): the quiz preview
cards, the paper form's blueprint and its Chinese errors, the lecture preview's reference list, and
the review of the wrong answers at the end of a practice set. The browser tests
(tests/integration/test_browser.py) check the same views rendered in chromium."""

from __future__ import annotations

import markdown_it
import pytest

from bot.guard import InputRejected
from bot.lecture import Lecture, Reference, Section
from bot.quiz import QuizItem, QuizSource
from bot.study import ItemRecord, content_key
from bot.ui.lecture import lecture_preview
from bot.ui.quiz import paper_blueprint, parse_cover, quiz_cards
from bot.ui.study import response_text, wrong_review_markdown

TITLES = ["中国共产党章程", "中国共产党纪律处分条例", "中国共产党发展党员工作细则"]


def quiz_item(**kw) -> QuizItem:
    data = {"id": "q1", "type": "单选", "stem": "预备党员的预备期为（ ）。",
            "options": {"A": "半年", "B": "一年", "C": "两年", "D": "三年"}, "answer": "B",
            "explanation": "党章规定预备期为一年。", "difficulty": "易",
            "source": {"title": "中国共产党章程", "article": "第七条", "quote": "预备党员的预备期为一年。"}}
    return QuizItem.model_validate({**data, **kw})


def test_quiz_cards_show_every_part_of_every_item_escaped():
    items = [quiz_item(),
             quiz_item(id="q2", type="多选", stem="党员的义务包括<b>（ ）</b>。",
                       options={"A": "学习", "B": "<script>x()</script>", "C": "遵守纪律"}, answer="AC",
                       explanation="第三条。", source=QuizSource(title="中国共产党章程", article="第三条", quote="…")),
             quiz_item(id="q3", type="填空", stem="预备期为（ ）。", options={}, answer=["一年", "1年"])]
    html = quiz_cards(items)
    assert html.count('class="quiz-card"') == 3
    for text in ("预备党员的预备期为（ ）。", "A. 半年", "D. 三年", "答案：B. 一年", "解析：党章规定预备期为一年。",
                 "出处：《中国共产党章程》第七条", "难度 易", "答案：A. 学习；C. 遵守纪律", "出处：《中国共产党章程》第三条",
                 "答案：一年；1年"):
        assert text in html, text
    # the keys are marked, the other options are not
    assert '<li class="quiz-opt quiz-key">B. 一年 ✓</li>' in html and '<li class="quiz-opt">A. 半年</li>' in html
    # document text is shown, never run
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>（ ）</b>" not in html


def test_cover_lines_become_topics_regulations_ranges_and_chapters():
    chapters = {("中国共产党章程", "第二章"): [15, 16, 17]}
    cover = parse_cover("发展党员\n《中国共产党纪律处分条例》\n纪律处分条例 第八条-第十四条\n\n"
                        "中国共产党章程：第二章\n", TITLES, lambda t, c: chapters.get((t, c), []))
    # 发展党员 is a topic although a title contains it; 纪律处分条例 is the regulation's short title
    assert cover == [{"topic": "发展党员"}, {"source": "中国共产党纪律处分条例"},
                     {"source": "中国共产党纪律处分条例", "articles": "第八条-第十四条"},
                     {"source": "中国共产党章程", "articles": "15,16,17"}]
    with pytest.raises(InputRejected, match="出题范围"):
        parse_cover("  \n", TITLES)
    with pytest.raises(InputRejected, match="第九章"):
        parse_cover("中国共产党章程 第九章", TITLES, lambda t, c: [])


def test_paper_form_gives_the_blueprint_or_a_chinese_error():
    counts = {"单选": 10, "多选": 5, "判断": 0, "填空": 2}
    points = {"单选": 1, "多选": 2, "判断": 1, "填空": 2.5}
    bp = paper_blueprint(" 支部竞赛 ", 45, counts, points, [{"topic": "发展党员"}], {"易": 30, "中": 50, "难": 0}, seed=7)
    assert [(s.type, s.count, s.points) for s in bp.sections] == [("单选", 10, 1), ("多选", 5, 2), ("填空", 2, 2.5)]
    assert bp.title == "支部竞赛" and bp.minutes == 45 and bp.seed == 7 and bp.total_points == 25
    assert bp.difficulty == {"易": 30, "中": 50}
    cover = [{"topic": "发展党员"}]
    mix = {"易": 0, "中": 0, "难": 0}
    cases = [({**counts, "单选": -1}, points, "单选题数应在 0 到"),
             ({**counts, "单选": 2.5}, points, "单选题数必须是整数"),
             ({**counts, "多选": "五"}, points, "多选题数必须是数字"),
             (counts, {**points, "填空": 0}, "填空每题分值应在"),
             ({t: 0 for t in counts}, points, "请至少给一种题型填写题数"),
             ({t: 60 for t in counts}, points, "整套试卷题目太多（240 题")]
    for c, p, message in cases:
        with pytest.raises(InputRejected, match=message):
            paper_blueprint("卷", None, c, p, cover, mix)
    with pytest.raises(InputRejected, match="难度比例（难）应在"):
        paper_blueprint("卷", None, counts, points, cover, {"难": 120})


def test_lecture_preview_lists_each_reference_on_its_own():
    sec = Section(name="理论要点", minutes=3.0, target_chars=600,
                  paragraphs=["《中国共产党章程》第七条规定：“预备党员的预备期为一年。”[1]", "再看[点此](javascript:x)<i>说明</i>。"])
    lec = Lecture(title="微党课：预备期", topic="预备期", audience="普通党员", minutes=5, rate=220, sections=[sec],
                  discussion=["预备期有多长？", "如何转正？"],
                  references=[Reference(1, "中国共产党章程", "第七条", "法规", "kb/regulations/党章.md", "预备期为一年。"),
                              Reference(2, "中国共产党纪律处分条例", "第八条", "法规", "kb/regulations/条例.md", "…")],
                  coverage="不足", coverage_score=0.31)
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(lecture_preview(lec))
    assert "<li>[1] 《中国共产党章程》第七条（法规）</li>" in html
    assert "<li>[2] 《中国共产党纪律处分条例》第八条（法规）</li>" in html
    assert "<li>预备期有多长？</li>" in html and "<blockquote>" in html and "<table>" in html
    assert "kb/regulations" not in html  # no internal path in the draft
    assert "<i>" not in html and 'href="javascript' not in html  # document text stays text


def record(type_: str, answer, options: dict | None = None) -> ItemRecord:
    options = {"A": "半年", "B": "一年", "C": "两年"} if options is None else options
    stem = f"{type_}：预备党员的预备期为（ ）。"
    return ItemRecord(key=content_key(type_, stem, options, answer), type=type_, stem=stem, options=options,
                      answer=answer, explanation="党章第七条规定预备期为一年。", source_title="中国共产党章程",
                      source_article="第七条", source_quote="预备党员的预备期为一年。", source_chapter="第一章 党员")


def test_wrong_review_shows_stem_both_answers_explanation_and_source():
    single, multi, blank = record("单选", "B"), record("多选", "AB"), record("填空", ["一年"], options={})
    assert response_text(single, "c") == "C. 两年"
    assert response_text(multi, ["C", "A"]) == "A. 半年；C. 两年"
    assert response_text(blank, " 半年 ") == "半年"
    md = wrong_review_markdown([single, multi, blank], {single.key: "C. 两年", multi.key: "A. 半年；C. 两年"})
    assert "本组错题回顾（3 题）" in md
    assert "**1. 单选：预备党员的预备期为（ ）。**" in md
    assert "你的答案：C. 两年" in md and "正确答案：**B. 一年**" in md
    assert "你的答案：A. 半年；C. 两年" in md and "正确答案：**A. 半年；B. 一年**" in md
    assert "你的答案：（未作答）" in md and "正确答案：**一年**" in md
    assert md.count("解析：党章第七条规定预备期为一年。") == 3 and md.count("出处：《中国共产党章程》第七条（第一章 党员）") == 3
    assert "没有错题" in wrong_review_markdown([], {})


def test_seed_box_is_empty_for_random_or_an_integer():
    from bot.ui.quiz import seed_of

    assert seed_of(None) is None and seed_of("  ") is None  # empty: a different set each time
    assert seed_of("7") == 7 and seed_of(7.0) == 7 and seed_of(0) == 0
    with pytest.raises(InputRejected, match="随机种子必须是整数"):
        seed_of("abc")
    with pytest.raises(InputRejected, match="随机种子必须是整数"):
        seed_of("3.5")


def test_citation_card_has_label_version_status_mark_and_file_for_admins_only():
    from bot.render import citation_cards
    from bot.schema import Answer, Citation

    text = "第七条 预备党员的预备期为一年。<b>党组织</b>对预备党员应当认真教育和考察。"
    ans = Answer(answer="《中国共产党章程》第七条规定：预备党员的预备期为一年。[1]", grounded=True, citations=[
        Citation(1, "中国共产党章程", "第七条", "法规", "kb/regulations/中国共产党章程_2017.md", text,
                 version="2017年10月24日修改", status="已修订"),
        Citation(2, "党费工作细则", "第二条", "法规", "kb/党费工作细则.md", "第二条 党费按月交纳。")])
    member, admin = citation_cards(ans, turn=3), citation_cards(ans, turn=3, show_source=True)
    first = member.split("</details>")[0]
    assert first.startswith('<details id="cite-3-1" class="cite-card" open>')
    assert "[1] 《中国共产党章程》第七条" in first and "2017年10月24日修改" in first
    assert '<span class="cite-status cite-status-old">已修订</span>' in first
    assert "<mark>预备党员的预备期为一年</mark>" in first and "&lt;b&gt;党组织&lt;/b&gt;" in first
    second = member.split("</details>")[1]
    assert 'id="cite-3-2"' in second and " open" not in second.split(">")[0]
    assert "版本未注明" in second and "cite-status-current" in second and "现行有效" in second
    assert "文件：" not in member and "kb/" not in member  # members see no file
    assert "文件：中国共产党章程_2017.md" in admin and "文件：党费工作细则.md" in admin and "kb/" not in admin
