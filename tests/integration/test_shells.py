"""The shells' plumbing without an index: Settings groups, one pipeline per settings, the CLI's
Settings from its options (no environment writes), the shared output formats."""

from __future__ import annotations

import dataclasses
import os
import typing
from pathlib import Path

import pytest

from bot.config import Settings
from bot.config_groups import GROUPS



def test_get_pipeline_is_one_per_distinct_settings(tmp_path, monkeypatch):
    from bot import pipeline as pl

    built = []
    monkeypatch.setattr(pl, "Pipeline", lambda s: built.append(s) or object())
    monkeypatch.setattr(pl, "_PIPELINES", {})
    a = pl.get_pipeline(Settings(data_dir=tmp_path / "a"))
    assert pl.get_pipeline(Settings(data_dir=tmp_path / "a")) is a
    b = pl.get_pipeline(Settings(data_dir=tmp_path / "b"))
    assert b is not a and [s.data_dir for s in built] == [tmp_path / "a", tmp_path / "b"]
    assert pl.settings_key(Settings(llm_api_key="k1")) != pl.settings_key(Settings(llm_api_key="k2"))

