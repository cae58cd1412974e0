"""Knowledge-base management: roles, uploads, deletes, status, audit log — through bot.kb.admin and the
real app over HTTP with login."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.kb import admin as kb
from bot.config import Settings
from bot.pipeline import Pipeline
from conftest import REPO, launch_app


RULE = "# 党费工作细则\n\n第一条 党员每月按时交纳党费。\n\n第二条 党费由党支部统一收缴，每季度公布一次收缴情况。\n"


def _users():
    return {"admin": {"password_hash": kb.hash_password("admin-pw"), "role": "admin"},
            "member": {"password_hash": kb.hash_password("member-pw"), "role": "member"}}


def test_app_login_roles_and_upload(tmp_path):
    from gradio_client import Client, handle_file

    users = _users()
    env = {"DANGJIAN_DATA_DIR": str(tmp_path / "data"), "DANGJIAN_KB_DIR": str(tmp_path / "kb"),
           "DANGJIAN_USERS": json.dumps(users)}
    src = tmp_path / "党费工作细则.md"
    src.write_text(RULE, encoding="utf-8")
    with launch_app(env) as url:
        with pytest.raises(Exception):
            Client(url, verbose=False).predict("党费怎么交", api_name="/ask")  # not logged in
        member = Client(url, auth=("member", "member-pw"), verbose=False)
        with pytest.raises(Exception, match="只有管理员"):
            member.predict([handle_file(str(src))], "法规", api_name="/kb_upload")
        admin = Client(url, auth=("admin", "admin-pw"), verbose=False)
        msg, table, _ = admin.predict([handle_file(str(src))], "法规", api_name="/kb_upload")
        assert "新增 1 篇" in msg and table["data"][0][0] == "党费工作细则"
        answer = member.predict("党费多久公布一次收缴情况？", api_name="/ask")  # visible to chat at once
        assert "每季度公布一次" in answer and "《党费工作细则》第二条" in answer
        with pytest.raises(Exception, match="只有管理员"):
            member.predict(str(tmp_path / "kb" / "regulations" / "党费工作细则.md"), api_name="/kb_delete")

