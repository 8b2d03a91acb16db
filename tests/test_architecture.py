"""The core packages stay importable without Streamlit."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ["core", "qa", "training", "index", "monitoring", "coaching", "demo", "analytics"]


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


def _scoped_functions() -> list[tuple[str, str]]:
    """Public repository functions taking a database session and the signed-in user: each one
    checks access, so each must audit the refusals it raises."""
    found = []
    for package in CORE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in tree.body:
                if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                    continue
                args = node.args.kwonlyargs + node.args.args
                users = [a for a in args if a.annotation and ast.unparse(a.annotation) == "User"]
                if users and "session" in {a.arg for a in args}:
                    found.append((module, node.name))
    return found


SCOPED = _scoped_functions()
NOT_SCOPED = {("core.audit", "record_event"), ("core.auth", "start_session")}


@pytest.mark.parametrize(("module", "name"), sorted(set(SCOPED) - NOT_SCOPED))
def test_every_scoped_repository_function_audits_refused_access(module: str, name: str) -> None:
    import importlib

    from core.access import is_audited

    assert is_audited(getattr(importlib.import_module(module), name)), (
        f"{module}.{name} takes the signed-in user: decorate it with @audit_refusals"
    )


def test_the_scoped_function_finder_sees_the_call_functions() -> None:
    assert ("core.calls", "get_call") in SCOPED and len(SCOPED) > 40
