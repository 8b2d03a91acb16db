"""What the import contracts in pyproject.toml cannot say: that they cover every package, and
that every repository function taking the signed-in user audits the refusals it raises."""

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMPORT_LINTER = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
# Folders of Python code that are not packages in the layers: the Streamlit page scripts, the
# benchmarks and the tests stand above every layer and import from any; the Alembic migration
# scripts are run by `core.db.migrate` and use only `core`.
NOT_LAYERED = {"pages", "bench", "tests", "migrations"}


def _layer_packages() -> set[str]:
    (layers,) = [c for c in IMPORT_LINTER["contracts"] if c["type"] == "layers"]
    return {name.strip() for layer in layers["layers"] for name in layer.split("|")}


def test_every_top_level_package_is_in_the_layers() -> None:
    folders = {
        path.parent.name
        for path in ROOT.glob("*/*.py")
        if not path.parent.name.startswith(".") and path.parent.name not in NOT_LAYERED
    }
    assert folders == _layer_packages() == set(IMPORT_LINTER["root_packages"])


CORE_PACKAGES = sorted(_layer_packages() - {"ui"})


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
