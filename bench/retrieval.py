"""Lesson retrieval on the labelled weak spots: FAISS index vs brute-force NumPy, same vectors.

Run: `.venv/bin/python bench/retrieval.py` (also part of `make bench`).

For each of the hand-written weak spots of the held-out part, tests/data/retrieval/test.yaml,
the lesson index returns its top 10 lessons. A returned lesson is a hit when any of its skills
is one of the weak spot's acceptable skills (the definition in tests/data/README.md); the
"main@3" column is stricter and counts only a lesson's main (first) skill. MRR is over the top 10.

Rows: the shipped ranking (best chunk's cosine + keyword bonus) with candidates from FAISS
exact search (IndexFlatIP, the default), from FAISS HNSW (used at or above HNSW_MIN_VECTORS,
forced here), and scored by brute-force NumPy over the same stored vectors; then the FAISS
ranking without the keyword bonus, to show what the bonus adds; last, the baseline: the same
ten lessons for every weak spot, those whose skills the development part asks for most (the
retrieval counterpart of always answering the most common label). The keyword weight is
chosen on the development part (tests/data/retrieval/dev.yaml) only: the last line is that
sweep. Latency is one query at a time,
embedding included; "search" excludes the embedding. Build time is the whole library embedded
from scratch into a temporary folder, then each FAISS structure built from those vectors.

The embedder runs torch on one thread (see index/embedder.py); `--threads 2` measures torch's
own default on two cores, which stalls single queries when other CPU work shares the machine.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by `make bench`

from core.config import PROJECT_ROOT, get_settings  # noqa: E402
from core.stats import percentile  # noqa: E402
from index.embedder import get_embedder  # noqa: E402
from index.vectors import VectorOptions, VectorSearch  # noqa: E402
from training.lesson_index import IndexOptions, LessonIndex  # noqa: E402
from training.lessons import Lesson, load_library  # noqa: E402
from training.ranking import SearchHit  # noqa: E402
from training.retrieval_quality import (  # noqa: E402
    LabelledWeakSpot,
    load_weak_spots,
    score_rankings,
)

WEAK_SPOTS = PROJECT_ROOT / "tests" / "data" / "retrieval"
TEST_SPOTS, DEV_SPOTS = WEAK_SPOTS / "test.yaml", WEAK_SPOTS / "dev.yaml"
TOP = 10


def _measure(rankers: list[tuple[LessonIndex, bool]], texts: list[str]) -> list[tuple]:
    """Per ranker: its rankings, and per-query total and search-only latencies in ms.

    The rankers take turns on each query, so a busy machine slows them all alike.
    """
    results = [([], [], []) for _ in rankers]
    for text in texts:
        for (index, brute_force), (rankings, total, search) in zip(rankers, results, strict=True):
            started = time.perf_counter()
            vector = index.embedder.encode([text])
            embedded = time.perf_counter()
            rankings += index.search_vectors(vector, [text], TOP, brute_force=brute_force)
            finished = time.perf_counter()
            total.append((finished - started) * 1000)
            search.append((finished - embedded) * 1000)
    return results


def popularity_baseline(library: Sequence[Lesson], dev: Sequence[LabelledWeakSpot]) -> list:
    """The same ranking for every query: lessons by how many development weak spots would
    accept them."""
    wanted = Counter(skill for spot in dev for skill in set(spot.skills))
    ranked = sorted(library, key=lambda lesson: -sum(wanted[s] for s in lesson.skills))
    return [SearchHit(x.id, x.title, tuple(x.skills), 0.0) for x in ranked[:TOP]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lesson retrieval: FAISS vs NumPy.")
    parser.add_argument(
        "--threads", type=int, help="torch threads for embedding (default: the embedder's, 1)"
    )
    args = parser.parse_args(argv)
    logging.getLogger("index").setLevel(logging.ERROR)  # "no index yet": the temp folder is new
    settings = get_settings()
    library = load_library(settings.lessons_dir)
    if library.problems:
        print("\n".join(map(str, library.problems)), file=sys.stderr)
        return 1
    spots, dev_spots = load_weak_spots(TEST_SPOTS), load_weak_spots(DEV_SPOTS)
    texts, dev_texts = [spot.text for spot in spots], [spot.text for spot in dev_spots]
    embedder = get_embedder(settings.embedding_model)
    embedder.encode(["warm up the model"])  # loading the model is not part of the build
    import torch  # loaded by the embedder above

    if args.threads:
        torch.set_num_threads(args.threads)
    options = IndexOptions.from_settings(settings)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        flat_dir, hnsw_dir = Path(folder) / "flat", Path(folder) / "hnsw"
        started = time.perf_counter()
        flat = LessonIndex.open(flat_dir, library.lessons, embedder=embedder, options=options)
        embed_seconds = time.perf_counter() - started
        shutil.copytree(flat_dir, hnsw_dir)
        hnsw_options = replace(options, vectors=VectorOptions(hnsw_min_vectors=1))
        hnsw = LessonIndex.open(hnsw_dir, library.lessons, embedder=embedder, options=hnsw_options)
        dense_only = LessonIndex.open(
            flat_dir, library.lessons, embedder=embedder, options=replace(options, keyword_weight=0)
        )
        vectors = flat.chunk_vectors
        build_ms = {}
        for name, vector_options in (("flat", options.vectors), ("hnsw", hnsw_options.vectors)):
            started = time.perf_counter()
            VectorSearch.build(vectors, vector_options)
            build_ms[name] = (time.perf_counter() - started) * 1000
        rankers = (
            ("FAISS IndexFlatIP", flat, False, f"{build_ms['flat']:.1f} ms"),
            ("FAISS HNSW (M=32)", hnsw, False, f"{build_ms['hnsw']:.1f} ms"),
            ("NumPy brute force", flat, True, "none"),
            ("FAISS flat, no keywords", dense_only, False, f"{build_ms['flat']:.1f} ms"),
        )
        measured = _measure([(index, brute) for _, index, brute, _ in rankers], texts)
        for (name, _, _, build), (rankings, total, search) in zip(rankers, measured, strict=True):
            rows.append((name, score_rankings(spots, rankings), build, total, search))
        weights = {}
        for weight in (0.0, 0.25, 0.5, 0.75, 1.0):
            weighted = replace(options, keyword_weight=weight)
            index = LessonIndex.open(flat_dir, library.lessons, embedder=embedder, options=weighted)
            weights[weight] = score_rankings(dev_spots, index.search_many(dev_texts, TOP))
        baseline = popularity_baseline(library.lessons, dev_spots)
        baseline_scores = score_rankings(spots, [baseline] * len(spots))
        rows.append(("Baseline: most asked", baseline_scores, "none", [0], [0]))

    print(
        f"Lesson retrieval: {len(spots)} held-out weak spots, {flat.lesson_count} lessons, "
        f"{flat.vector_count} chunk vectors, {embedder.identity}, {os.cpu_count()} CPUs, "
        f"{torch.get_num_threads()} torch threads"
    )
    print(f"Index build from scratch (embedding every chunk + FAISS): {embed_seconds:.1f} s")
    header = (
        f"{'ranking':<24} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'main@3':>7} "
        f"{'structure':>10} {'p50 ms':>7} {'p95 ms':>7} {'search p50':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, scores, build, total, search in rows:
        print(
            f"{name:<24} {scores.hit_at_1:>6.3f} {scores.hit_at_3:>6.3f} {scores.mrr:>6.3f} "
            f"{scores.main_skill_hit_at_3:>7.3f} {build:>10} "
            f"{statistics.median(total):>7.1f} {percentile(total, 0.95):>7.1f} "
            f"{statistics.median(search):>8.2f} ms"
        )
    print(
        f"Development part ({len(dev_spots)} weak spots), hit@3 by keyword weight "
        f"(MRR) (default {options.keyword_weight:g}): "
        + ", ".join(f"{w:g}: {x.hit_at_3:.3f} ({x.mrr:.3f})" for w, x in weights.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
