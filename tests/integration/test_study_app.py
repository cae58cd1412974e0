"""The study record through the real app over HTTP (gradio_client), on a SQLite file and on PostgreSQL:
practise with wrong answers, restart the app, the 错题本 still holds them; progress equals the answers
sent; a member reading another member's record is refused; 20 members answering at once, and one
member in two sessions at once, lose no answer."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.kb import admin as kb
from conftest import launch_app

MEMBERS = [f"m{i:02d}" for i in range(1, 21)]


@pytest.fixture(scope="module")
def accounts() -> str:
    member_hash = kb.hash_password("member-pw")
    users = {m: {"password_hash": member_hash, "role": "member"} for m in MEMBERS}
    users["admin"] = {"password_hash": kb.hash_password("admin-pw"), "role": "admin"}
    return json.dumps(users)


def client(url: str, user: str):
    from gradio_client import Client

    return Client(url, auth=(user, "admin-pw" if user == "admin" else "member-pw"), verbose=False)


def probe(item: dict):
    """A valid first response to a public item (its key is unknown to the member)."""
    letters = sorted(item["options"])
    return {"单选": letters[0] if letters else "", "多选": letters[:1], "判断": "正确"}.get(item["type"], "不知道")


def responses(item: dict, answer: str) -> tuple[object, object]:
    """(a right response, a wrong response) to ``item`` given its key as the feedback shows it
    (``B. 一年``, ``A. …；C. …``, ``正确``, ``一年；1年``)."""
    letters = sorted(item["options"])
    if item["type"] == "单选":
        right = answer[:1]
        return right, next(x for x in letters if x != right)
    if item["type"] == "多选":
        right = sorted(part.strip()[:1] for part in answer.split("；"))
        wrong = [x for x in letters if x not in right][:1] or right[:-1]
        return right, wrong
    if item["type"] == "判断":
        return answer, "错误" if answer == "正确" else "正确"
    return answer.split("；")[0], "不知道"


def test_record_survives_restart_and_is_private(regulations_built, study_db_url, accounts, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(regulations_built.settings.data_dir, data)
    env = {"DANGJIAN_DATA_DIR": str(data), "DANGJIAN_KB_DIR": str(regulations_built.settings.kb_dir),
           "DANGJIAN_USERS": accounts, "DANGJIAN_DATABASE_URL": study_db_url}
    sent = right = 0
    ever_wrong: set[str] = set()
    with launch_app(env) as url:
        m01 = client(url, "m01")
        practice = m01.predict("练习", "发展党员", 10, api_name="/study_set")
        items = practice["items"]
        assert len(items) >= 6, practice
        assert all("answer" not in i for i in items)  # keys stay on the server
        for n, item in enumerate(items):
            first = m01.predict(item["key"], probe(item), "练习", api_name="/study_answer")
            assert first["recorded"] is True
            good, bad = responses(item, first["answer"])
            again = m01.predict(item["key"], bad if n < 3 else good, "练习", api_name="/study_answer")
            assert again["correct"] is (n >= 3), (item, first["answer"], again)
            sent += 2
            right += first["correct"] + again["correct"]
            if not first["correct"] or n < 3:
                ever_wrong.add(item["key"])

        # an invalid response is refused and not written
        with pytest.raises(Exception, match="请回答|请选择|请填写"):
            m01.predict(items[0]["key"], "", "练习", api_name="/study_answer")

        # another member may not read m01's record; the admin may
        m02 = client(url, "m02")
        for api in ("/study_wrong_book", "/study_progress"):
            with pytest.raises(Exception, match="只能查看自己的学习记录"):
                m02.predict("m01", api_name=api)
        with pytest.raises(Exception, match="只有管理员"):
            m02.predict("2000-01-01", "2100-01-01", api_name="/study_branch")
        assert client(url, "admin").predict("m01", api_name="/study_progress")["member"] == "m01"

    # restart: the record is in the database, not in the process
    with launch_app(env) as url:
        m01 = client(url, "m01")
        book = m01.predict("", api_name="/study_wrong_book")
        assert {i["key"] for i in book["items"]} == ever_wrong
        assert all(i["regulation"] and i["article"] and i["explanation"] for i in book["items"])
        progress = m01.predict("", api_name="/study_progress")
        assert sum(c["attempts"] for c in progress["chapters"]) == sent
        assert sum(c["right"] for c in progress["chapters"]) == right
        assert len(m01.predict(api_name="/study_export")["answers"]) == sent
        redo = m01.predict("重练错题", "", 20, api_name="/study_set")
        assert {i["key"] for i in redo["items"]} == ever_wrong


def test_twenty_concurrent_sessions_lose_no_answer(regulations_built, study_db_url, accounts, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(regulations_built.settings.data_dir, data)
    env = {"DANGJIAN_DATA_DIR": str(data), "DANGJIAN_KB_DIR": str(regulations_built.settings.kb_dir),
           "DANGJIAN_USERS": accounts, "DANGJIAN_DATABASE_URL": study_db_url}
    with launch_app(env) as url:
        items = client(url, "m01").predict("练习", "党的纪律", 10, api_name="/study_set")["items"]
        assert len(items) >= 5

        # log in one after another (a login checks a bcrypt hash: CPU-bound, not what is tested here) ...
        sessions = [client(url, user) for user in MEMBERS + ["m01"]]

        def practise(c) -> int:
            return sum(c.predict(i["key"], probe(i), "练习", api_name="/study_answer")["recorded"] for i in items)

        # ... then twenty members practise at once, and m01 in a second session at the same time
        with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
            recorded = list(pool.map(practise, sessions))
        assert recorded == [len(items)] * 21
        rows = client(url, "admin").predict("2000-01-01", "2100-01-01", api_name="/study_branch")["rows"]
        per_member: dict[str, int] = {}
        for r in rows:
            per_member[r["member"]] = per_member.get(r["member"], 0) + r["attempts"]
        expected = {m: len(items) for m in MEMBERS}
        expected["m01"] = 2 * len(items)
        assert per_member == expected
