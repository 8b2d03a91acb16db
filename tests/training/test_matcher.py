import shutil

import pytest

from training.lesson_index import LessonIndex
from training.matcher import MatchOptions, WeakSpot, recommend_lessons
from training.ranking import SearchHit


class CannedIndex:
    """Returns fixed hits per query text, recording the depth asked for."""

    def __init__(self, hits: dict[str, list[SearchHit]]) -> None:
        self.hits, self.depths = hits, []

    def search_many(self, texts, k):
        self.depths.append(k)
        return [self.hits[text][:k] for text in texts]


def _hit(lesson_id: str, score: float, *skills: str) -> SearchHit:
    return SearchHit(lesson_id, lesson_id.replace("-", " ").title(), skills, score)


HOLD = "put the caller on hold without asking"
INDEX = CannedIndex(
    {
        HOLD: [
            _hit("avoid-dead-air", 0.62, "call_control"),
            _hit("ask-before-hold", 0.60, "hold_and_transfer"),
            _hit("check-back-during-hold", 0.55, "hold_and_transfer"),
        ],
        "sounded bored": [_hit("greet-warmly", 0.5, "call_opening")],
    }
)


def test_lessons_for_the_weak_spots_skill_are_boosted_and_the_reason_quotes_it():
    spot = WeakSpot(HOLD, skills=("hold_and_transfer",), source="criterion:hold_etiquette")
    found = recommend_lessons([spot], index=INDEX)
    assert [r.lesson_id for r in found] == ["ask-before-hold", "check-back-during-hold"]
    assert found[0].score == pytest.approx(0.60 + MatchOptions().skill_boost)
    assert found[0].reason == "matched on: put the caller on hold without asking"
    assert found[0].source == "criterion:hold_etiquette"


def test_a_note_without_skills_keeps_the_search_order():
    found = recommend_lessons([WeakSpot(HOLD, source="note:12")], index=INDEX)
    assert [r.lesson_id for r in found] == ["avoid-dead-air", "ask-before-hold"]


def test_recently_completed_lessons_are_skipped_and_the_search_goes_deeper():
    index = CannedIndex(INDEX.hits)
    spot = WeakSpot(HOLD, skills=("hold_and_transfer",))
    found = recommend_lessons([spot], index=index, recently_completed={"ask-before-hold"})
    assert [r.lesson_id for r in found] == ["check-back-during-hold", "avoid-dead-air"]
    assert index.depths == [MatchOptions().depth + 1]


def test_several_weak_spots_share_one_short_list_each_lesson_once():
    spots = [WeakSpot(HOLD), WeakSpot("sounded bored"), WeakSpot(HOLD.upper()), WeakSpot("  ")]
    index = CannedIndex({**INDEX.hits, HOLD.upper(): INDEX.hits[HOLD]})
    found = recommend_lessons(spots, index=index, options=MatchOptions(limit=3))
    assert [r.lesson_id for r in found] == ["avoid-dead-air", "ask-before-hold", "greet-warmly"]


def test_a_long_reason_is_shortened_on_a_word():
    text = "agent " * 30
    found = recommend_lessons([WeakSpot(text)], index=CannedIndex({text.strip(): INDEX.hits[HOLD]}))
    assert found[0].reason.endswith("agent\u2026") and len(found[0].reason) <= 92


@pytest.mark.model
def test_the_real_index_recommends_the_hold_lesson(built_lesson_index, tmp_path, embedder, library):
    shutil.copytree(built_lesson_index, tmp_path / "lessons")
    index = LessonIndex.open(tmp_path / "lessons", library, embedder=embedder)
    spot = WeakSpot(HOLD, skills=("hold_and_transfer",), source="criterion:hold_etiquette")
    first, *_ = recommend_lessons([spot], index=index)
    assert first.lesson_id == "ask-permission-before-hold"
    assert first.reason == "matched on: put the caller on hold without asking"
    again = recommend_lessons([spot], index=index, recently_completed={first.lesson_id})
    assert first.lesson_id not in {r.lesson_id for r in again}
    skills = {lesson.id: lesson.skills for lesson in library}
    assert "hold_and_transfer" in skills[again[0].lesson_id]
