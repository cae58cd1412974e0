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


def test_safe_names():
    assert kb.safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert kb.safe_name("支部 工作 规定.md") == "支部 工作 规定.md"
    assert kb.safe_name("..\\..\\x.pdf") == "x.pdf"
    with pytest.raises(ValueError):
        kb.safe_name("../..")


def test_roles_and_audit(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", kb_dir=tmp_path / "kb", users=_users())
    pipe = Pipeline(settings)
    src = tmp_path / "党费工作细则.md"
    src.write_text(RULE, encoding="utf-8")
    assert kb.check_password(settings, "admin", "admin-pw") and not kb.check_password(settings, "admin", "x")
    with pytest.raises(kb.PermissionDenied):
        kb.upload(pipe, [src], "法规", "member")
    report = kb.upload(pipe, [src], "法规", "admin")
    assert report.added == 1 and (tmp_path / "kb" / "regulations" / "党费工作细则.md").is_file()
    (doc,) = kb.list_documents(pipe)
    with pytest.raises(kb.PermissionDenied):
        kb.delete(pipe, doc["path"], "member")
    kb.set_status(pipe, doc["path"], "已废止", "admin")
    assert kb.list_documents(pipe)[0]["status"] == "已废止"
    kb.delete(pipe, doc["path"], "admin")
    assert kb.list_documents(pipe) == [] and not (tmp_path / "kb" / "regulations" / "党费工作细则.md").exists()
    log = [json.loads(line) for line in (tmp_path / "data" / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert [(e["user"], e["action"]) for e in log] == [("admin", "上传"), ("admin", "修改状态"), ("admin", "删除")]


def test_non_loopback_without_users_refuses_to_start(tmp_path):
    env = {**os.environ, "DANGJIAN_DATA_DIR": str(tmp_path / "data"), "DANGJIAN_HOST": "0.0.0.0", "DANGJIAN_USERS": "{}"}
    r = subprocess.run([sys.executable, "app.py"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "必须配置登录用户" in r.stderr

