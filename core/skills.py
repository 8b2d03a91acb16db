"""The skill catalogue: the coaching skills that scorecard criteria and lessons point at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["CATALOGUE_PATH", "CatalogueError", "Skill", "load_catalogue", "parse_catalogue"]

CATALOGUE_PATH = Path(__file__).resolve().parent / "skills.yaml"

_SKILL_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class CatalogueError(ValueError):
    """The catalogue file cannot be used; the message lists every problem found."""


# One coaching skill, e.g. `hold_and_transfer`; lessons and criteria refer to it by id.
@dataclass(frozen=True)
class Skill:
    id: str
    title: str
    description: str


def parse_catalogue(text: str) -> tuple[Skill, ...]:
    """Read the catalogue's YAML (`skills:` list of id, title, description), in file order.

    Raises:
        CatalogueError: the YAML is malformed, a field is missing or empty, or an id is
            not snake_case or appears twice.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"skills file is not valid YAML: {exc}") from None
    entries = data.get("skills") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CatalogueError("skills file needs a non-empty `skills:` list")
    problems: list[str] = []
    skills: list[Skill] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"skill {number} is not a mapping of id, title and description")
            continue
        fields = {key: entry.get(key) for key in ("id", "title", "description")}
        empty = [key for key, value in fields.items() if not isinstance(value, str) or not value]
        if empty:
            problems.append(f"skill {number} has no {', '.join(empty)}")
            continue
        skill_id = fields["id"]
        if not _SKILL_ID.match(skill_id):
            problems.append(f"skill id {skill_id!r} is not snake_case (e.g. hold_and_transfer)")
        elif skill_id in seen:
            problems.append(f"skill id {skill_id!r} appears twice")
        seen.add(skill_id)
        skills.append(Skill(skill_id, fields["title"].strip(), fields["description"].strip()))
    if problems:
        raise CatalogueError("; ".join(problems))
    return tuple(skills)


def load_catalogue(path: Path = CATALOGUE_PATH) -> tuple[Skill, ...]:
    """The skills in the catalogue file, in file order.

    Raises:
        CatalogueError: the file is missing or malformed.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise CatalogueError(f"cannot read the skills file {path}: {exc.strerror}") from None
    # Parsed once per version of the file: pages ask for the catalogue on every run.
    return _parsed_catalogue(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed_catalogue(path: Path, size: int, mtime_ns: int) -> tuple[Skill, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"cannot read the skills file {path}: {exc.strerror}") from None
    return parse_catalogue(text)
