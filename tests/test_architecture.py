"""The core packages stay importable without Streamlit."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ["core", "qa", "training", "index", "monitoring", "coaching", "demo"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_packages_do_not_import_streamlit(package: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / package).rglob("*.py"))
        if "streamlit" in _imported_modules(path)
    ]
    assert offenders == []


def test_the_checker_sees_a_streamlit_import(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text("import os\nfrom streamlit import session_state\n")
    assert "streamlit" in _imported_modules(module)
