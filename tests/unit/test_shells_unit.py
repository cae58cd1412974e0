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



def test_groups_hold_existing_fields_with_their_types_and_values():
    settings = Settings(data_dir=Path("/tmp/x"), rrf_k=12, llm_base_url="http://h", llm_model="m")
    seen: set[str] = set()
    for name, cls in GROUPS.items():
        group = getattr(settings, name)
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            assert f.name in Settings.model_fields, (name, f.name)
            assert f.name not in seen, f"{f.name} in two groups"
            seen.add(f.name)
            assert hints[f.name] == Settings.model_fields[f.name].annotation, (name, f.name)
            assert getattr(group, f.name) == getattr(settings, f.name)
    assert seen == set(Settings.model_fields), f"fields in no group: {sorted(set(Settings.model_fields) - seen)}"
    assert settings.retrieval.rrf_k == 12 and settings.store.chroma_dir == settings.chroma_dir
    assert settings.llm.enabled is settings.llm_enabled is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.retrieval.rrf_k = 3  # type: ignore[misc]
    # groups are views, not fields: no new environment names, nothing new in a dump
    assert set(settings.model_dump()) == set(Settings.model_fields)


def test_cli_builds_settings_from_options_without_touching_the_environment(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot import cli

    monkeypatch.delenv("DANGJIAN_DATA_DIR", raising=False)
    seen = []

    class Fake:
        def stats(self):
            return {"documents": 0}

    monkeypatch.setattr("bot.pipeline.get_pipeline", lambda s: seen.append(s) or Fake())
    result = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path / "d"), "--kb-dir", str(tmp_path / "k"),
                                          "stats", "--json"])
    assert result.exit_code == 0, result.output
    assert seen[0].data_dir == tmp_path / "d" and seen[0].kb_dir == tmp_path / "k"
    assert "DANGJIAN_DATA_DIR" not in os.environ


def test_format_checks_say_what_the_cli_said():
    from bot.render import LECTURE_FORMATS, QUIZ_FORMATS, check_format

    with pytest.raises(ValueError, match="^--format 只能是 json、xlsx 或 docx$"):
        check_format("pdf", QUIZ_FORMATS)
    with pytest.raises(ValueError, match="^--format 只能是 md、docx、pptx 或 json$"):
        check_format("txt", LECTURE_FORMATS)
    with pytest.raises(ValueError, match="^--format pptx 需要 --output 文件名$"):
        check_format("pptx", LECTURE_FORMATS)
    check_format("json", QUIZ_FORMATS)
    check_format("md", LECTURE_FORMATS)

