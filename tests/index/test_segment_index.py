"""The segment index on disk, with real FAISS and a bag-of-words stand-in for MiniLM."""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session, delete, select

from core.calls import register_call
from core.db import create_db_engine, migrate
from core.models import Call, CallStatus, Segment, Speaker
from index import segment_index as module
from index.segment_index import FLAT, IVF, SegmentIndex, SegmentIndexOptions
from tests.conftest import NOW
from tests.fakes import CountingEmbedder

_numbers = iter(range(1, 1_000_000))


def add_call(session: Session, texts: list[str], *, ids: list[int] | None = None) -> Call:
    """A done call whose transcript is `texts` (one segment each, optionally with given ids)."""
    number = next(_numbers)
    call = register_call(
        session=session, recording_path=f"r{number}.wav", sha256=f"s{number:063d}", now=NOW
    )
    call.status = CallStatus.DONE
    for position, text in enumerate(texts):
        session.add(
            Segment(
                id=ids[position] if ids else None,
                call_id=call.id,
                start=float(position * 5),
                end=float(position * 5 + 4),
                speaker=Speaker.CUSTOMER,
                text=text,
                text_unredacted=f"UNREDACTED card 4242 {text}",
            )
        )
    session.commit()
    return call


def database_ids(session: Session) -> list[int]:
    return sorted(session.exec(select(Segment.id)))


def lines(count: int, prefix: str = "line") -> list[str]:
    return [
        f"{prefix} {number} about topic{number % 7} and item{number}" for number in range(count)
    ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "index" / "segments"


def test_a_sync_embeds_each_redacted_line_once_and_a_second_sync_embeds_nothing(
    session, folder, fake_embedder
):
    add_call(session, ["I want to cancel my contract", "Let me check that for you"])
    index = SegmentIndex(folder, embedder=fake_embedder)

    first = index.sync(session=session)
    second = index.sync(session=session)

    assert (first.embedded, first.size, first.kind) == (2, 2, FLAT)
    assert second.embedded == 0
    assert fake_embedder.encoded == ["I want to cancel my contract", "Let me check that for you"]
    assert not any("UNREDACTED" in text for text in fake_embedder.encoded)
    assert list(index.ids) == database_ids(session)


def test_the_index_turns_from_exact_to_ivf_at_the_threshold_and_stays_ivf_on_disk(
    session, folder, fake_embedder
):
    options = SegmentIndexOptions(exact_max_vectors=60, step=16)
    add_call(session, lines(50))
    index = SegmentIndex(folder, embedder=fake_embedder, options=options)
    assert index.sync(session=session).kind == FLAT
    assert not list(folder.glob("ivf-*.faiss"))

    add_call(session, lines(20, prefix="later"))
    report = index.sync(session=session)

    assert (report.kind, report.size) == (IVF, 70)
    assert len(list(folder.glob("ivf-*.faiss"))) == 1
    reopened = SegmentIndex(folder, embedder=CountingEmbedder(), options=options)
    assert (reopened.kind, reopened.size) == (IVF, 70)
    target = session.exec(select(Segment).where(Segment.text == lines(20, "later")[3])).one()
    best = reopened.search(fake_embedder.encode([target.text])[0], 1)
    assert best[0][0] == target.id and best[0][1] == pytest.approx(1.0, abs=1e-5)
    assert reopened.embedder.encoded == []  # loaded from disk, nothing re-embedded


def test_segments_committed_out_of_order_are_indexed_by_the_next_sync(
    session, folder, fake_embedder
):
    # Concurrent imports commit ids out of order: 10, 11 and 13 first, 12 later. A sync that
    # remembered "up to id 13" would never index 12.
    add_call(session, ["first line", "second line", "fourth line"], ids=[10, 11, 13])
    index = SegmentIndex(folder, embedder=fake_embedder)
    index.sync(session=session)
    add_call(session, ["third line"], ids=[12])

    report = index.sync(session=session)

    assert report.embedded == 1
    assert list(index.ids) == [10, 11, 12, 13]


def test_a_crash_before_the_index_was_written_is_healed_by_the_next_sync(
    session, folder, fake_embedder, monkeypatch
):
    add_call(session, lines(5))
    SegmentIndex(folder, embedder=fake_embedder).sync(session=session)
    add_call(session, lines(4, prefix="new"))  # committed; the import dies before indexing

    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "write_atomically", disk_full)
    with pytest.raises(OSError):
        SegmentIndex(folder, embedder=fake_embedder).sync(session=session)
    monkeypatch.undo()

    index = SegmentIndex(folder, embedder=CountingEmbedder())
    report = index.sync(session=session)
    assert report.embedded == 4
    assert list(index.ids) == database_ids(session)
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))


@pytest.mark.parametrize("broken", ["part", "manifest", "ivf"])
def test_a_corrupt_index_file_is_rebuilt_from_the_database_with_a_warning(
    session, folder, fake_embedder, caplog, broken
):
    options = SegmentIndexOptions(exact_max_vectors=20)
    add_call(session, lines(30))
    SegmentIndex(folder, embedder=fake_embedder, options=options).sync(session=session)
    target = {
        "part": next(folder.glob("part-*.npz")),
        "manifest": folder / "manifest.json",
        "ivf": next(folder.glob("ivf-*.faiss")),
    }[broken]
    target.write_bytes(target.read_bytes()[:40] + b"garbage")

    rebuilt = SegmentIndex(folder, embedder=CountingEmbedder(), options=options)
    with caplog.at_level(logging.WARNING, logger="index.segment_index"):
        report = rebuilt.sync(session=session)

    assert "corrupt" in caplog.text and "rebuilding it from the database" in caplog.text
    assert (report.embedded, report.size, report.kind) == (30, 30, IVF)
    again = SegmentIndex(folder, embedder=CountingEmbedder(), options=options)
    assert list(again.ids) == database_ids(session)


def test_an_index_made_with_another_model_is_rebuilt(session, folder, fake_embedder, caplog):
    add_call(session, lines(3))
    SegmentIndex(folder, embedder=fake_embedder).sync(session=session)

    other = CountingEmbedder(identity="fake/other-model")
    with caplog.at_level(logging.WARNING, logger="index.segment_index"):
        report = SegmentIndex(folder, embedder=other).sync(session=session)

    assert "made with fake/bag-of-words" in caplog.text
    assert report.embedded == 3 and len(other.encoded) == 3


def test_an_index_made_from_another_database_is_rebuilt(
    session, folder, fake_embedder, tmp_path, caplog
):
    # Same DATA_DIR, another DATABASE_URL: the same segment ids name other lines there.
    add_call(session, ["a line in the first database", "and another one"])
    SegmentIndex(folder, embedder=fake_embedder).sync(session=session)
    other = create_db_engine(f"sqlite:///{tmp_path / 'other.db'}")
    migrate(other)
    with Session(other) as elsewhere:
        add_call(elsewhere, ["the other database's line", "and its second line"])
        index = SegmentIndex(folder, embedder=CountingEmbedder())
        with caplog.at_level(logging.WARNING, logger="index.segment_index"):
            report = index.sync(session=elsewhere)
    other.dispose()

    assert "made from another database" in caplog.text
    assert report.embedded == 2
    assert index.embedder.encoded == ["the other database's line", "and its second line"]


def test_a_deleted_calls_vectors_are_dropped(session, folder, fake_embedder):
    kept = add_call(session, ["we will keep this one"])
    gone = add_call(session, ["this call is deleted", "so is this line"])
    index = SegmentIndex(folder, embedder=fake_embedder)
    index.sync(session=session)
    session.exec(delete(Segment).where(Segment.call_id == gone.id))
    session.exec(delete(Call).where(Call.id == gone.id))
    session.commit()

    report = index.sync(session=session)

    assert report.removed == 2
    kept_ids = [s.id for s in session.exec(select(Segment).where(Segment.call_id == kept.id))]
    assert list(index.ids) == kept_ids
    assert list(SegmentIndex(folder, embedder=CountingEmbedder()).ids) == kept_ids


def test_a_segment_whose_text_changed_is_embedded_again_after_it_is_forgotten(
    session, folder, fake_embedder
):
    add_call(session, ["my postcode is BS1 4DJ", "thank you"])
    index = SegmentIndex(folder, embedder=fake_embedder)
    index.sync(session=session)
    changed = session.exec(select(Segment).where(Segment.text.startswith("my postcode"))).one()
    changed.text = "my postcode is [POSTCODE]"
    session.add(changed)
    session.commit()

    assert index.forget([changed.id, 999_999]) == 1
    report = index.sync(session=session)

    assert (report.embedded, report.size) == (1, 2)
    assert fake_embedder.encoded[-1] == "my postcode is [POSTCODE]"
    assert list(index.ids) == database_ids(session)


def test_a_narrow_filter_on_an_ivf_index_finds_exactly_its_best_hits(
    session, folder, fake_embedder
):
    # One probed list of 28 holds few of the allowed segments; they are scored exactly.
    options = SegmentIndexOptions(exact_max_vectors=50, nprobe=1, exact_subset_max=100)
    add_call(session, lines(200))
    index = SegmentIndex(folder, embedder=fake_embedder, options=options)
    assert index.sync(session=session).kind == IVF
    rows = session.exec(select(Segment.id, Segment.text).order_by(Segment.id)).all()
    allowed = np.array([segment_id for segment_id, _ in rows[::17]])
    query = fake_embedder.encode(["item34 about topic6"])[0]

    found = index.search(query, 5, allowed=allowed)

    texts = dict(rows)
    vectors = fake_embedder.encode([texts[int(i)] for i in allowed])
    exact = sorted(zip(allowed.tolist(), vectors @ query, strict=True), key=lambda p: -p[1])[:5]
    assert [i for i, _ in found] == [i for i, _ in exact]
    assert {i for i, _ in found} <= set(allowed.tolist())


def _sync_in_child(url: str, folder: str) -> int:
    from core.db import create_db_engine

    embedder = CountingEmbedder()
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            SegmentIndex(Path(folder), embedder=embedder, options=SegmentIndexOptions(step=4)).sync(
                session=session
            )
    finally:
        engine.dispose()
    return len(embedder.encoded)


def test_two_processes_syncing_at_once_share_the_work_and_lose_nothing(
    session, folder, database_url
):
    add_call(session, lines(60))

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        embedded = pool.starmap(_sync_in_child, [(database_url, str(folder))] * 2)

    assert sum(embedded) == 60  # each step under the lock: no line embedded twice
    index = SegmentIndex(folder, embedder=CountingEmbedder())
    assert list(index.ids) == database_ids(session)
