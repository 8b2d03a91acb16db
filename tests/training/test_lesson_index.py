import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from index.vectors import VectorOptions
from tests.fakes import CountingEmbedder
from training.chunking import chunk_lesson
from training.lesson_index import IndexOptions, LessonIndex
from training.lesson_store import MANIFEST, read_manifest


def _open(folder: Path, lessons, embedder, **options) -> LessonIndex:
    return LessonIndex.open(folder, lessons, embedder=embedder, options=IndexOptions(**options))


def _chunk_count(lessons) -> int:
    return sum(len(chunk_lesson(lesson)) for lesson in lessons)


def test_a_first_build_embeds_every_lesson_and_writes_a_manifest(
    tmp_path, lessons, fake_embedder, caplog
):
    with caplog.at_level(logging.WARNING):
        index = _open(tmp_path, lessons, fake_embedder)
    assert "no lesson index" in caplog.text
    assert index.last_sync.added == tuple(lesson.id for lesson in lessons)
    assert len(fake_embedder.encoded) == _chunk_count(lessons) == index.vector_count

    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["model"] == "fake/bag-of-words" and manifest["dimension"] == 64
    assert manifest["kind"] == "flat"
    assert [lesson["id"] for lesson in manifest["lessons"]] == [lesson.id for lesson in lessons]
    assert all(len(lesson["hash"]) == 64 for lesson in manifest["lessons"])
    assert manifest["chunks"] == [
        lesson.id for lesson in lessons for _ in chunk_lesson(lesson)
    ]  # row -> lesson
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "index-1.faiss",
        MANIFEST,
        "vectors-1.npy",
    ]


def test_reopening_an_up_to_date_index_embeds_nothing(tmp_path, lessons, fake_embedder, caplog):
    _open(tmp_path, lessons, fake_embedder)
    caplog.clear()
    again = CountingEmbedder()
    with caplog.at_level(logging.WARNING):
        index = _open(tmp_path, lessons, again)
    assert again.encoded == [] and caplog.text == ""
    assert index.last_sync.unchanged == len(lessons)
    assert index.search("put the caller on hold without asking", 1)[0].lesson_id == (
        "ask-permission-before-hold"
    )


def test_only_changed_and_added_lessons_are_embedded_and_removed_ones_dropped(
    tmp_path, library, fake_embedder
):
    before = list(library[:5])
    index = _open(tmp_path, before, fake_embedder)
    changed = replace(before[1], summary="Say sorry for the specific thing that went wrong.")
    added = library[5]
    after = [before[0], changed, *before[3:], added]  # before[2] is removed
    fake_embedder.encoded.clear()

    report = index.sync(after)

    assert report.added == (added.id,) and report.changed == (changed.id,)
    assert report.removed == (before[2].id,) and report.unchanged == 3
    assert sorted(fake_embedder.encoded) == sorted(chunk_lesson(changed) + chunk_lesson(added))
    assert report.chunks_embedded == len(fake_embedder.encoded)
    assert index.lesson_count == 5 and index.vector_count == _chunk_count(after)
    stored = read_manifest(tmp_path)
    assert [lesson.id for lesson in stored.lessons] == sorted(lesson.id for lesson in after)
    reopened = CountingEmbedder()
    assert _open(tmp_path, after, reopened).last_sync.embedded == () and reopened.encoded == []


def test_a_skills_only_change_is_saved_without_embedding(tmp_path, lessons, fake_embedder):
    index = _open(tmp_path, lessons, fake_embedder)
    retagged = [replace(lessons[0], skills=("empathy",)), *lessons[1:]]
    fake_embedder.encoded.clear()
    index.sync(retagged)
    assert fake_embedder.encoded == []
    assert read_manifest(tmp_path).lessons[0].skills == ("empathy",)
    assert index.search(lessons[0].title, 1)[0].skills == ("empathy",)


def test_an_edit_changes_the_search_results(tmp_path, lessons, fake_embedder):
    index = _open(tmp_path, lessons, fake_embedder)
    query = "offer a braille or large print copy of the bill"
    assert index.search(query, 1)[0].lesson_id != lessons[2].id
    index.sync(
        [
            *lessons[:2],
            replace(lessons[2], summary="Offer a braille or large print bill."),
            *lessons[3:],
        ]
    )
    assert index.search(query, 1)[0].lesson_id == lessons[2].id


def test_hits_are_one_per_lesson_best_first(tmp_path, lessons, fake_embedder):
    index = _open(tmp_path, lessons, fake_embedder)
    hits = index.search("hold the caller, thank them, dead air while you look", 10)
    assert len(hits) == len(lessons) == len({hit.lesson_id for hit in hits})
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert len(index.search("hold", 2)) == 2
    assert index.search("   ", 3) == []
    assert index.search_many(["", "hold"], 1)[0] == []


def test_faiss_and_brute_force_rank_alike(tmp_path, library, fake_embedder):
    index = _open(tmp_path, library, fake_embedder)
    texts = ["caller on hold", "read the card number", "angry customer wants a manager"]
    vectors = fake_embedder.encode(texts)
    assert index.search_vectors(vectors, texts, 5) == index.search_vectors(
        vectors, texts, 5, brute_force=True
    )


def _garble(path: Path) -> None:
    path.write_bytes(b"this is not what was written" + path.read_bytes()[:100])


def test_a_corrupt_faiss_file_is_rebuilt_from_the_stored_vectors(
    tmp_path, lessons, fake_embedder, caplog
):
    _open(tmp_path, lessons, fake_embedder)
    _garble(tmp_path / read_manifest(tmp_path).index_file)
    again = CountingEmbedder()
    with caplog.at_level(logging.WARNING):
        index = _open(tmp_path, lessons, again)
    assert "FAISS file of the lesson index" in caplog.text and "corrupt" in caplog.text
    assert again.encoded == []  # no re-embedding needed
    assert index.search("put the caller on hold without asking", 1)[0].lesson_id == (
        "ask-permission-before-hold"
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _open(tmp_path, lessons, CountingEmbedder())
    assert caplog.text == ""  # the rebuilt file was saved


@pytest.mark.parametrize("damage", ["manifest", "vectors"])
def test_a_corrupt_manifest_or_vectors_file_means_re_embedding(
    tmp_path, lessons, fake_embedder, caplog, damage
):
    _open(tmp_path, lessons, fake_embedder)
    manifest = read_manifest(tmp_path)
    _garble(tmp_path / (MANIFEST if damage == "manifest" else manifest.vectors_file))
    again = CountingEmbedder()
    with caplog.at_level(logging.WARNING):
        index = _open(tmp_path, lessons, again)
    assert "corrupt" in caplog.text
    assert len(again.encoded) == index.vector_count == _chunk_count(lessons)
    assert read_manifest(tmp_path).vectors_sha256 != ""


def test_an_index_made_by_another_model_is_rebuilt(tmp_path, lessons, fake_embedder, caplog):
    _open(tmp_path, lessons, fake_embedder)
    other = CountingEmbedder(identity="fake/other-model", dimension=32)
    with caplog.at_level(logging.WARNING):
        index = _open(tmp_path, lessons, other)
    assert "made with fake/bag-of-words (64 dimensions), not fake/other-model (32)" in caplog.text
    assert len(other.encoded) == index.vector_count
    assert read_manifest(tmp_path).model == "fake/other-model"


def test_hnsw_is_used_at_or_above_the_configured_size(tmp_path, lessons, fake_embedder):
    size = _chunk_count(lessons)
    exact = _open(
        tmp_path, lessons, fake_embedder, vectors=VectorOptions(hnsw_min_vectors=size + 1)
    )
    assert exact.kind == "flat"
    again = CountingEmbedder()
    hnsw = _open(tmp_path, lessons, again, vectors=VectorOptions(hnsw_min_vectors=size))
    assert hnsw.kind == "hnsw" and read_manifest(tmp_path).kind == "hnsw"
    assert again.encoded == []  # the structure is rebuilt from the stored vectors
    query = "put the caller on hold without asking"
    assert hnsw.search(query, 3) == exact.search(query, 3)


def test_an_unwritable_index_folder_still_searches(tmp_path, lessons, fake_embedder, caplog):
    blocked = tmp_path / "index"
    blocked.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING):
        index = _open(blocked, lessons, fake_embedder)
    assert "Could not save the lesson index" in caplog.text
    assert index.search("hold without asking", 1)
