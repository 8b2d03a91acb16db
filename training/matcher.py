"""Weak spot to lesson: the short lessons to recommend for what a review or a lead found."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from training.lesson_index import LessonIndex

__all__ = ["LessonRecommendation", "MatchOptions", "WeakSpot", "recommend_lessons"]

_REASON_CHARS = 80  # a reason is one short line under the lesson title


# Something an agent should do better: a failed criterion or a lead's note.
@dataclass(frozen=True)
class WeakSpot:
    text: str  # what went wrong, in the reviewer's words; the reason quotes it
    skills: tuple[str, ...] = ()  # the criterion's catalogue skills; none for a free note
    source: str = ""  # where it came from, e.g. "criterion:hold_etiquette" or "note:12"
    evidence: str = ""  # optional: what was said on the call, searched along with the text

    @property
    def query(self) -> str:
        """The text searched for this weak spot."""
        return f"{self.text.strip()} {self.evidence.strip()}".strip()


# A lesson to do, with the weak spot that led to it.
@dataclass(frozen=True)
class LessonRecommendation:
    lesson_id: str
    title: str
    score: float
    reason: str  # e.g. "matched on: put the caller on hold without asking"
    source: str  # the weak spot's source


@dataclass(frozen=True)
class MatchOptions:
    """How weak spots turn into recommendations.

    Attributes:
        per_weak_spot: lessons recommended for one weak spot at most, so one problem does not
            crowd out the others.
        limit: lessons recommended in all; an agent works through a short list.
        depth: lessons searched per weak spot before boosting and skipping; deep enough that a
            lesson for the criterion's skill ranked a little lower can still come up.
        skill_boost: added to the score of a lesson that teaches one of the weak spot's skills.
            A failed criterion names its skills, which says more than wording alone; 0.15 is
            about the gap between a good and a middling cosine match.
    """

    per_weak_spot: int = 2
    limit: int = 5
    depth: int = 10
    skill_boost: float = 0.15


def _reason(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _REASON_CHARS:
        text = text[: _REASON_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
    return f"matched on: {text}"


def recommend_lessons(
    weak_spots: Sequence[WeakSpot],
    *,
    index: LessonIndex,
    recently_completed: Collection[str] = frozenset(),
    options: MatchOptions = MatchOptions(),
) -> list[LessonRecommendation]:
    """Recommend lessons for an agent's weak spots, best first.

    Each weak spot is searched in `index`; lessons teaching one of its skills are boosted,
    lessons in `recently_completed` (ids) are skipped, and each weak spot contributes at most
    `options.per_weak_spot` lessons. A lesson found for several weak spots appears once, with
    its best score and that weak spot's reason.
    """
    spots = [spot for spot in weak_spots if spot.query]
    depth = options.depth + len(recently_completed)
    results = index.search_many([spot.query for spot in spots], depth)
    best: dict[str, LessonRecommendation] = {}
    for spot, hits in zip(spots, results, strict=True):
        wanted = set(spot.skills)
        scored = sorted(
            (
                (hit.score + (options.skill_boost if wanted & set(hit.skills) else 0.0), hit)
                for hit in hits
                if hit.lesson_id not in recently_completed
            ),
            key=lambda pair: -pair[0],
        )
        for score, hit in scored[: options.per_weak_spot]:
            known = best.get(hit.lesson_id)
            if known is None or score > known.score:
                best[hit.lesson_id] = LessonRecommendation(
                    hit.lesson_id, hit.title, score, _reason(spot.text), spot.source
                )
    ranked = sorted(best.values(), key=lambda r: (-r.score, r.lesson_id))
    return ranked[: options.limit]
