"""Model files that ship inside PyPI packages: where a package keeps them, and a folder assembled
from them moved into the model cache only once it is whole and checked."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["CHECKED", "ModelError", "assemble_checked", "package_data"]

# Written last into a complete, checked folder: its presence means the folder can be used.
CHECKED = "CHECKED"


class ModelError(RuntimeError):
    """A model cannot be made ready; the message says what to install or fix."""


def package_data(package: str, *, needed_for: str) -> Path:
    """The `data/` folder of an installed package (import name).

    Raises:
        ModelError: the package is not installed.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelError(
            f"{needed_for} needs the package {package.replace('_', '-')} (requirements.txt; "
            "`make setup` installs it)"
        )
    return Path(spec.origin).parent / "data"


def assemble_checked(folder: Path, build: Callable[[Path], None]) -> Path:
    """`folder`, built by `build(staging)` the first time: `build` writes the files into an
    empty staging folder beside it and raises ModelError when one is wrong; the staging folder
    then replaces `folder` whole, so an interrupted run never leaves a half-built model behind.
    """
    if (folder / CHECKED).is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        build(staging)
        (staging / CHECKED).write_text("sha256 checked\n")
        os.chmod(staging, 0o755)  # mkdtemp makes folders only their owner can read
        if folder.exists():  # a folder left incomplete by an interrupted run
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder
