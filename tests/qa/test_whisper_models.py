"""Whisper base assembled once from its two packages, checked, outside the repository."""

import pytest

import qa.whisper_models as models
from qa.__main__ import main
from qa.whisper_models import BASE, TINY_EN, ModelError, assemble_whisper_base


def test_base_is_assembled_once_with_every_file_checked(tmp_path):
    folder = assemble_whisper_base(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "CHECKED",
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.txt",
    ]
    assert (folder / "model.bin").stat().st_size == 145_217_532
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert assemble_whisper_base(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # not made again
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no staging left behind


def test_a_part_that_does_not_match_its_checksum_is_refused_and_nothing_is_kept(
    tmp_path, monkeypatch
):
    monkeypatch.setitem(models._BASE_FILES, "model.bin", "0" * 64)
    with pytest.raises(ModelError, match="model.bin does not match its checksum"):
        assemble_whisper_base(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_package_names_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "_BASE_PARTS", (("no_such_package_part1", "x"),))
    with pytest.raises(ModelError, match="needs the package no-such-package-part1"):
        assemble_whisper_base(tmp_path)


def test_the_models_command_lists_both_and_marks_the_chosen_ones(tmp_path, monkeypatch, capsys):
    from core.config import get_settings

    monkeypatch.setenv("MODEL_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("WHISPER_MODEL", BASE)
    monkeypatch.setenv("LIVE_WHISPER_MODEL", "bundled")
    get_settings.cache_clear()
    try:
        assert main(["models"]) == 0
    finally:
        get_settings.cache_clear()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{TINY_EN}: ") and lines[0].endswith("/model (LIVE_WHISPER_MODEL)")
    assert lines[1] == f"{BASE}: {tmp_path / 'whisper-base-ct2'} (WHISPER_MODEL)"
    gguf = tmp_path / "judge-qwen2.5-coder-1.5b-q4km" / "model.gguf"
    assert lines[2].startswith(f"judge qwen2.5-coder-1.5b: {gguf} (QA_JUDGE=")
    with gguf.open("rb") as model:
        assert model.read(4) == b"GGUF"


@pytest.mark.model
def test_whisper_base_transcribes_a_demo_call(tmp_path):
    from qa.transcribe import Transcriber
    from tests.qa.conftest import DEMO_CALLS, reference

    shortest = min(DEMO_CALLS, key=lambda p: reference(p)["duration"])
    transcript = Transcriber(models.resolve_whisper_model(BASE, tmp_path)).transcribe(shortest)
    said = {t["speaker"] for t in reference(shortest)["turns"]}
    assert {str(s.speaker) for s in transcript.segments} == said
    assert "thank" in " ".join(s.text.lower() for s in transcript.segments)


def test_recorded_calls_default_to_whisper_base_and_live_monitoring_to_tiny_en(monkeypatch):
    from core.config import Settings

    monkeypatch.delenv("WHISPER_MODEL", raising=False)
    monkeypatch.delenv("LIVE_WHISPER_MODEL", raising=False)
    settings = Settings(_env_file=None)
    assert (settings.whisper_model, settings.live_whisper_model) == (BASE, "bundled")
