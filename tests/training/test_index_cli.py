"""The `python -m training index` contract, run in-process against a copy of the real library."""

import json
import shutil
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, get_settings
from training.index_command import main

pytestmark = pytest.mark.model

HOLD = "put the caller on hold without asking"


@pytest.fixture
def lesson_dirs(tmp_path, monkeypatch, built_lesson_index, embedder) -> Path:
    """DATA_DIR and LESSONS_DIR in tmp_path, with the prebuilt index; returns the lessons."""
    lessons = tmp_path / "lessons"
    shutil.copytree(PROJECT_ROOT / "training" / "lessons", lessons)
    shutil.copytree(built_lesson_index, tmp_path / "data" / "index" / "lessons")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LESSONS_DIR", str(lessons))
    get_settings.cache_clear()
    yield lessons
    get_settings.cache_clear()


def test_build_embeds_only_what_changed_and_reports_progress(lesson_dirs, capsys):
    lesson = lesson_dirs / "use-the-customers-name.md"
    text = lesson.read_text()
    lesson.write_text(text.replace("summary: ", "summary: Names make callers feel heard. ", 1))
    assert main(["build"]) == 0
    out, err = capsys.readouterr()
    count = len(list(lesson_dirs.glob("*.md")))
    assert f"{count} lessons" in out and "Lessons embedded: 1 (" in out
    assert f"unchanged: {count - 1}" in out
    progress = [line for line in err.splitlines() if line.endswith(" lesson chunks")]
    done, total = progress[-1].split()[1].split("/")
    assert done == total and int(total) > 0


def test_search_prints_readable_hits_best_first(lesson_dirs, capsys):
    assert main(["search", HOLD]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. Ask permission before putting the caller on hold (")
    assert "3. " in out and "4. " not in out and "skills: hold_and_transfer" in out


def test_search_json_gives_k_hits_with_the_contract_fields(lesson_dirs, capsys):
    assert main(["search", HOLD, "--k", "2", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 2
    assert all(set(hit) == {"lesson_id", "title", "skills", "score"} for hit in hits)
    assert hits[0]["lesson_id"] == "ask-permission-before-hold"
    assert isinstance(hits[0]["skills"], list) and hits[0]["score"] >= hits[1]["score"]


def test_queries_file_gives_one_json_line_per_query_in_order(lesson_dirs, tmp_path, capsys):
    queries = ["no DOB check before balance", "", HOLD, "forgot to introduce himself"]
    (tmp_path / "queries.txt").write_text("\n".join(queries) + "\n")
    assert main(["search", "--queries", str(tmp_path / "queries.txt"), "--k", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(queries)
    results = [json.loads(line) for line in lines]
    assert results[1] == [] and all(len(hits) == 3 for i, hits in enumerate(results) if i != 1)
    assert results[2][0]["lesson_id"] == "ask-permission-before-hold"
    assert main(["search", queries[0], "--k", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == results[0]


def test_a_missing_queries_file_is_a_clear_error(lesson_dirs, tmp_path, capsys):
    assert main(["search", "--queries", str(tmp_path / "nope.txt")]) == 2
    assert "cannot read the queries file" in capsys.readouterr().err


def test_text_and_queries_together_are_refused(lesson_dirs, tmp_path, capsys):
    assert main(["search", "hold", "--queries", str(tmp_path / "q.txt")]) == 2
    assert "either a TEXT" in capsys.readouterr().err


def test_broken_lesson_files_are_named_and_the_rest_still_searched(lesson_dirs, capsys):
    (lesson_dirs / "ask-permission-before-hold.md").write_text("no front matter")
    assert main(["search", HOLD, "--json"]) == 1
    out, err = capsys.readouterr()
    assert "error: lesson file ask-permission-before-hold.md: no YAML front matter" in err
    hits = json.loads(out)
    assert hits and "ask-permission-before-hold" not in {hit["lesson_id"] for hit in hits}


def test_a_missing_lessons_folder_stops_the_build(lesson_dirs, monkeypatch, capsys):
    monkeypatch.setenv("LESSONS_DIR", str(lesson_dirs / "nowhere"))
    get_settings.cache_clear()
    assert main(["build"]) == 2
    assert "does not exist (LESSONS_DIR)" in capsys.readouterr().err
