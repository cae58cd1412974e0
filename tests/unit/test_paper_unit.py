"""Papers from a blueprint (issue #19): docx paper and answer key open with python-docx and match
the blueprint's counts and points; a bad blueprint is refused with a message."""

from __future__ import annotations

import json
import re

import pytest

from bot.quiz import load_blueprint
from conftest import run_cli


def test_bad_blueprints_are_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections:\n  - {type: 问答, count: 2, points: 1}\ncover:\n  - {topic: 发展党员}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="问答"):
        load_blueprint(bad)
    (tmp_path / "empty.yaml").write_text("sections: []\ncover: []\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_blueprint(tmp_path / "empty.yaml")

