"""Retrieval quality on labelled weak spots: hit@1, hit@3 and mean reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from training.ranking import SearchHit

__all__ = ["LabelledWeakSpot", "RetrievalScores", "load_weak_spots", "score_rankings"]


# A weak spot as a reviewer wrote it, with the skills an acceptable lesson teaches.
@dataclass(frozen=True)
class LabelledWeakSpot:
    text: str
    skills: tuple[str, ...]  # most relevant first


# How well rankings found acceptable lessons, each a share of the weak spots (0-1).
@dataclass(frozen=True)
class RetrievalScores:
    hit_at_1: float  # the first lesson teaches an acceptable skill
    hit_at_3: float  # one of the first three does
    mrr: float  # mean of 1 / rank of the first acceptable lesson (0 when none is returned)
    main_skill_hit_at_3: float  # stricter: a top-3 lesson's main (first) skill is acceptable
    weak_spots: int


def load_weak_spots(path: Path) -> list[LabelledWeakSpot]:
    """The labelled weak spots of a YAML file (`weak_spots:` list of text and skills).

    Raises:
        ValueError: the file does not have that shape.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return [
            LabelledWeakSpot(str(item["text"]), tuple(item["skills"]))
            for item in data["weak_spots"]
        ]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a list of weak spots with text and skills") from exc


def score_rankings(
    weak_spots: Sequence[LabelledWeakSpot], rankings: Sequence[Sequence[SearchHit]]
) -> RetrievalScores:
    """Score one ranking per weak spot (same order).

    A returned lesson counts as a hit when any of its skills is one of the weak spot's
    acceptable skills, as tests/data/README.md defines relevance; `main_skill_hit_at_3` counts
    only a lesson's main skill.
    """
    hit_1 = hit_3 = main_3 = reciprocal = 0.0
    for spot, hits in zip(weak_spots, rankings, strict=True):
        acceptable = set(spot.skills)
        relevant = [bool(acceptable & set(hit.skills)) for hit in hits]
        hit_1 += any(relevant[:1])
        hit_3 += any(relevant[:3])
        main_3 += any(hit.skills[0] in acceptable for hit in hits[:3])
        reciprocal += next((1 / rank for rank, ok in enumerate(relevant, start=1) if ok), 0.0)
    total = max(len(weak_spots), 1)
    return RetrievalScores(
        hit_at_1=hit_1 / total,
        hit_at_3=hit_3 / total,
        mrr=reciprocal / total,
        main_skill_hit_at_3=main_3 / total,
        weak_spots=len(weak_spots),
    )
