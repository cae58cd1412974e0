"""The study record (#23) on a real database: each test runs on a SQLite file and on a real
PostgreSQL server (``study_db_url`` in conftest.py). Items are small literal ones; the daily set uses
the real index built from ../shared."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from bot.guard import InputRejected
from bot.study import ItemRecord, StudyService, StudyStore, branch_xlsx, content_key
from bot.study.schedule import Answered, replay


UTC = timezone.utc


SHANGHAI = timezone(timedelta(hours=8))


def item(n: int, title: str = "中国共产党章程", article: str = "第七条", chapter: str = "第一章 党员",
         answer: str = "B", options: dict | None = None) -> ItemRecord:
    options = options or {"A": "半年", "B": "一年", "C": "两年", "D": "三年"}
    stem = f"练习题{n}：预备党员的预备期为（ ）。"
    return ItemRecord(key=content_key("单选", stem, options, answer), type="单选", stem=stem, options=options,
                      answer=answer, explanation="预备期为一年。", source_title=title, source_article=article,
                      source_quote="预备党员的预备期为一年。", source_chapter=chapter)


def at(day: str, hour: int = 10) -> datetime:
    """A time on ``day`` (YYYY-MM-DD) in Beijing time."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def test_schema_comes_from_alembic_and_reopens(study_db_url):
    store = StudyStore(study_db_url)
    assert {"study_items", "study_attempts", "alembic_version"} <= set(inspect(store.engine).get_table_names())
    with store.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0001"
    store.close()
    again = StudyStore(study_db_url)  # an up-to-date database is opened as it is
    assert again.members() == []
    again.close()


def test_regenerated_item_keeps_its_history(study_db_url):
    store = StudyStore(study_db_url)
    first = store.add_items([item(1)])[0]
    store.record("张三", first.key, "C", False, at=at("2026-03-01"))
    # the same question generated again with its options in another order: same key, first version kept
    shuffled = item(1, options={"A": "一年", "B": "三年", "C": "半年", "D": "两年"}, answer="A")
    assert shuffled.key == first.key
    again = store.add_items([shuffled])[0]
    assert again.options == first.options and again.answer == "B"
    assert [e.item.key for e in store.wrong_book("张三")] == [first.key]
    # a different question is a different item
    assert item(2).key != first.key


def test_wrong_book_and_progress_equal_the_recorded_answers(study_db_url):
    store = StudyStore(study_db_url)
    a, b, c = store.add_items([item(1), item(2, article="第十条", chapter="第二章 党的组织制度"),
                               item(3, title="中国共产党纪律处分条例", article="第八条", chapter="第一章 任务、原则和适用范围")])
    answers = [(a, "A", False, "2026-03-01"), (a, "B", True, "2026-03-02"), (b, "B", True, "2026-03-01"),
               (c, "D", False, "2026-03-01"), (c, "C", False, "2026-03-02")]
    for it, response, ok, day in answers:
        store.record("张三", it.key, response, ok, at=at(day))
    store.record("李四", a.key, "A", False, at=at("2026-03-01"))  # another member's answer counts only for them
    book = store.wrong_book("张三")
    assert [e.item.key for e in book] == [a.key, c.key]  # a: right once only; c: wrong twice
    assert book[1].state.wrong == 2 and book[1].last_response == "C"
    rows = {(r.regulation, r.chapter): r for r in store.progress("张三")}
    first = rows[("中国共产党章程", "第一章 党员")]
    assert (first.seen, first.mastered, first.attempts, first.right) == (1, 1, 2, 1)
    second = rows[("中国共产党章程", "第二章 党的组织制度")]
    assert (second.seen, second.mastered, second.attempts, second.right) == (1, 1, 1, 1)
    third = rows[("中国共产党纪律处分条例", "第一章 任务、原则和适用范围")]
    assert (third.seen, third.mastered, third.attempts, third.right) == (1, 0, 2, 0)
    assert sum(r.attempts for r in rows.values()) == 5
    weak = store.weakest("张三")
    assert [(w.regulation, w.article, w.wrong) for w in weak] == [("中国共产党纪律处分条例", "第八条", 2),
                                                                 ("中国共产党章程", "第七条", 1)]
    assert "第八条" in weak[0].question()
    # a right answer on a second day takes item a out of the book
    store.record("张三", a.key, "B", True, at=at("2026-03-05"))
    assert [e.item.key for e in store.wrong_book("张三")] == [c.key]


def test_due_reviews_follow_the_schedule(study_db_url):
    store = StudyStore(study_db_url)
    a, b = store.add_items([item(1), item(2)])
    store.record("张三", a.key, "A", False, at=at("2026-03-01"))  # box 1: due 03-02
    store.record("张三", b.key, "B", True, at=at("2026-03-01"))   # box 2: due 03-03
    assert store.due("张三", date(2026, 3, 1)) == []
    assert store.due("张三", date(2026, 3, 2)) == [a.key]
    assert store.due("张三", date(2026, 3, 3)) == [a.key, b.key]


def test_branch_view_counts_the_period_and_lists_absent_members(study_db_url, tmp_path):
    from openpyxl import load_workbook

    store = StudyStore(study_db_url)
    a, c = store.add_items([item(1), item(3, title="中国共产党纪律处分条例", article="第八条")])
    store.record("张三", a.key, "B", True, at=at("2026-03-01"))
    store.record("张三", a.key, "A", False, at=at("2026-03-02"))
    store.record("张三", c.key, "B", True, at=at("2026-03-02"))
    store.record("张三", c.key, "B", True, at=at("2026-02-27"))  # before the period
    rows = store.branch(date(2026, 3, 1), date(2026, 3, 31), members=["张三", "王五"])
    got = {(r.member, r.regulation): (r.attempts, r.right, r.items, r.days) for r in rows}
    assert got == {("张三", "中国共产党章程"): (2, 1, 1, 2), ("张三", "中国共产党纪律处分条例"): (1, 1, 1, 1),
                   ("王五", ""): (0, 0, 0, 0)}
    path = branch_xlsx(rows, tmp_path / "branch.xlsx", date(2026, 3, 1), date(2026, 3, 31))
    sheet = list(load_workbook(path).active.iter_rows(values_only=True))
    assert "2026-03-01" in sheet[0][0] and sheet[1][:3] == ("党员", "法规", "答题数")
    assert ("王五", "（未练习）", 0) == sheet[-1][:3] and sheet[2][4] == 0.5


def test_member_exports_and_deletes_only_their_own_record(study_db_url):
    store = StudyStore(study_db_url)
    a = store.add_items([item(1)])[0]
    store.record("张三", a.key, "A", False, at=at("2026-03-01"))
    store.record("李四", a.key, "B", True, at=at("2026-03-01"))
    exported = store.export_member("张三")
    assert [x["response"] for x in exported["answers"]] == ["A"] and exported["answers"][0]["item"]["stem"] == a.stem
    assert store.delete_member("张三") == 1
    assert store.export_member("张三")["answers"] == [] and store.wrong_book("张三") == []
    assert len(store.attempts("李四")) == 1 and store.items([a.key])  # others' answers and shared items stay


def test_concurrent_sessions_of_one_member_lose_no_answer(study_db_url):
    store = StudyStore(study_db_url)
    items = store.add_items([item(n) for n in range(10)])

    def session(s: int) -> int:
        for it in items:
            store.record("张三", it.key, "B", s % 2 == 0)
        return len(items)

    with ThreadPoolExecutor(max_workers=20) as pool:
        sent = sum(pool.map(session, range(20)))
    assert sent == 200 and len(store.attempts("张三")) == 200
    assert sum(s.attempts for s in store.states("张三").values()) == 200


def test_invalid_answers_write_nothing(study_db_url, pipeline):
    store = StudyStore(study_db_url)
    svc = StudyService(pipeline, store)
    a = store.add_items([item(1)])[0]
    for key, response, mode in [(a.key, "E", "练习"), (a.key, "", "练习"), ("no-such-item", "A", "练习"),
                                (a.key, "A", "考试")]:
        with pytest.raises(InputRejected):
            svc.answer("张三", key, response, mode)
    assert store.attempts("张三") == []
    fb = svc.answer("张三", a.key, "b", "练习")  # a lower-case letter is the same option
    assert fb.correct and fb.recorded and "一年" in fb.answer and len(store.attempts("张三")) == 1
    assert not svc.answer(None, a.key, "A").recorded and len(store.attempts()) == 1  # no login, no record


def test_daily_set_mixes_due_reviews_and_new_items(study_db_url, pipeline):
    store = StudyStore(study_db_url)
    svc = StudyService(pipeline, store)
    first = svc.topic_set("党的纪律", 6)
    assert first.items and all(i.source_title for i in first.items)
    yesterday = datetime.now(UTC) - timedelta(days=2)
    for it in first.items:  # all answered wrong two days ago: all due today
        store.record("张三", it.key, "（错）" if it.type == "填空" else ("错误" if it.answer == "正确" else "正确")
                     if it.type == "判断" else next(x for x in it.options if x not in str(it.answer)), False, at=yesterday)
    assert len(store.due("张三")) == len(first.items)
    daily = svc.daily_set("张三", n=8)
    assert len(daily.items) == 8 and daily.review + daily.new == 8
    assert daily.review >= 1 and daily.new >= 1
    reviewed = {i.key for i in first.items}
    new = [i for i in daily.items if i.key not in reviewed]
    assert len(new) == daily.new
    # new items come from the regulation the member has covered least: not the one already practised
    practised = {i.source_title for i in first.items}
    assert any(i.source_title not in practised for i in new), ([i.source_title for i in new], practised)
    with pytest.raises(InputRejected, match="登录"):
        svc.daily_set("", n=8)


def test_a_second_topic_set_does_not_repeat_the_first(study_db_url, pipeline):
    """Issue #21: the 练习 tab draws a fresh set each time — a set that avoids the previous set's
    items has none of its stems while the topic has enough other items."""
    from bot.quiz import norm

    svc = StudyService(pipeline, StudyStore(study_db_url))
    first = svc.topic_set("党的纪律", 4)
    second = svc.topic_set("党的纪律", 4, avoid=[i.key for i in first.items])
    assert len(first.items) == 4 and len(second.items) == 4
    assert not {norm(i.stem) for i in first.items} & {norm(i.stem) for i in second.items}

