"""Conversation search at scale: the segment index's IVF against exact FAISS search, same vectors.

Run: `.venv/bin/python bench/search.py` (also part of `make bench`; about 4 minutes on 2 cores).

For 10k and 1M synthetic unit vectors (384-d, as MiniLM's) the peer is exact search, FAISS
IndexFlatIP, in the same process; the approximate index is the one the segment index builds
at or above SEGMENT_EXACT_MAX_VECTORS (`index.segment_index.build_ivf`: IVF with flat lists,
2 x sqrt(n) lists trained on 40 vectors each), searched at several nprobe; HNSW (FAISS
IndexHNSWFlat, M 32, efConstruction 80, efSearch 128, as the lesson index uses) is shown at
10k, and at 1M with `--hnsw` (slow to build). Latency is single queries, one at a time (p50 /
p95 over `--queries`, default 300), search only, each on one OpenMP thread as the segment
index searches (`one_search_thread`); embedding a query with MiniLM adds about 15 ms.
Recall@10 is the share of the exact top 10 the index returns, averaged over the queries.

The vectors are clustered like sentence embeddings of call transcripts, not uniform noise: a
Gaussian mixture of a shared direction, topics and sub-topics ("things said", log-normal
sizes) and per-line noise, all drawn with variance falling as 1/(i + 10) along random axes
(MiniLM's lines spread 90% of their variance over ~150 of the 384 dimensions), each vector
normalised. On 740 vectors its statistics (printed first) were matched to MiniLM's on the 740
distinct lines of tests/data/autoqa/dev.json: mean pair cosine 0.143 (std 0.112), mean
cosine to the nearest other line 0.642, to the 10th nearest 0.450. How the number of things
said grows with the corpus decides how close a line's neighbours are at 1M, so two corpora
are measured there:
- "calls" (the default corpus): sub-topics grow as 1.75 n^0.6 (Heaps' law; 92 at 740 lines,
  ~7,000 at 1M): call centres say the same things again and again.
- "all distinct" (a stress case): one sub-topic per 8 lines at any size (125,000 at 1M), so
  a line's nearest neighbours stay as far as in the 740-line sample.
Queries are further draws from the same mixture (not stored vectors).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by `make bench`

from core.config import get_settings  # noqa: E402
from core.stats import percentile  # noqa: E402
from index.segment_index import SegmentIndexOptions, build_ivf, one_search_thread  # noqa: E402

DIMENSION = 384
TOP = 10
NPROBES = (8, 16, 32, 64, 128, 256)


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


CALLS, DISTINCT = "calls", "all distinct"


def clustered_vectors(count: int, *, seed: int = 7, corpus: str = CALLS) -> np.ndarray:
    """`count` unit vectors from the transcript-like mixture described in the module doc."""
    rng = np.random.default_rng(seed)
    # Every part of the mixture is drawn from one anisotropic Gaussian, variance falling as
    # 1 / (i + 10) along random axes: sentence embeddings spread over ~150 of their 384
    # dimensions (90% of the variance), not evenly over all of them.
    spread = np.sqrt(1 / (np.arange(DIMENSION) + 10))
    axes = np.linalg.qr(rng.standard_normal((DIMENSION, DIMENSION)))[0] * spread / spread.mean()

    def draw(rows: int) -> np.ndarray:
        return (rng.standard_normal((rows, DIMENSION)) @ axes.T) / np.sqrt(DIMENSION)

    shared = _unit(rng.standard_normal(DIMENSION))
    things_said = round(1.75 * count**0.6) if corpus == CALLS else count // 8
    topics = _unit(draw(max(1, things_said // 18)))
    subtopics = _unit(draw(max(1, things_said)))
    topic_of = rng.integers(0, len(topics), len(subtopics))
    sizes = rng.lognormal(0.0, 1.0, len(subtopics))
    label = rng.choice(len(subtopics), count, p=sizes / sizes.sum())
    out = np.empty((count, DIMENSION), dtype=np.float32)
    for start in range(0, count, 100_000):  # in slices: 1M x 384 in float64 would be 3 GB
        part = label[start : start + 100_000]
        noise = draw(len(part))
        mixed = 0.45 * shared + 0.6 * topics[topic_of[part]] + 0.9 * subtopics[part] + 0.95 * noise
        out[start : start + len(part)] = _unit(mixed)
    return out


def neighbourhood(vectors: np.ndarray) -> str:
    """Mean pair cosine (std), and mean cosine to the nearest and the 10th nearest other row."""
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1)
    pairs = similarity[np.triu_indices(len(vectors), 1)]
    nearest = -np.sort(-similarity, axis=1)
    return (
        f"mean pair cosine {pairs.mean():.3f} (std {pairs.std():.3f}), nearest "
        f"{nearest[:, 0].mean():.3f}, 10th nearest {nearest[:, 9].mean():.3f}"
    )


@dataclass
class Row:
    size: str
    index: str
    build: float
    p50: float
    p95: float
    recall: float


def _run(index, queries: np.ndarray, params=None) -> tuple[np.ndarray, list[float]]:
    found, times = np.empty((len(queries), TOP), dtype=np.int64), []
    with one_search_thread():  # as the segment index searches
        for number in range(len(queries)):
            started = time.perf_counter()
            _, ids = index.search(queries[number : number + 1], TOP, params=params)
            times.append((time.perf_counter() - started) * 1000)
            found[number] = ids[0]
    return found, times


def _recall(found: np.ndarray, exact: np.ndarray) -> float:
    return statistics.fmean(
        len(set(row.tolist()) & set(truth.tolist())) / TOP
        for row, truth in zip(found, exact, strict=True)
    )


def measure(
    count: int, label: str, queries: int, *, hnsw: bool, nprobe: int, corpus: str = CALLS
) -> list[Row]:
    import faiss

    print(f"{label}: generating {count:,} vectors...", file=sys.stderr, flush=True)
    data = clustered_vectors(count + queries, seed=count, corpus=corpus)
    vectors, asked = data[:count], data[count:]
    ids = np.arange(count, dtype=np.int64)
    rows = []

    started = time.perf_counter()
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(DIMENSION))
    flat.add_with_ids(vectors, ids)
    built = time.perf_counter() - started
    exact, times = _run(flat, asked)
    rows.append(Row(label, "exact (FAISS flat, peer)", built, *_quantiles(times), 1.0))
    del flat

    print(f"{label}: training IVF...", file=sys.stderr, flush=True)
    options = SegmentIndexOptions()
    started = time.perf_counter()
    ivf = build_ivf(vectors, ids, options)
    built = time.perf_counter() - started
    for probes in NPROBES:
        found, times = _run(ivf, asked, faiss.SearchParametersIVF(nprobe=probes))
        name = f"IVF{ivf.nlist}, nprobe {probes}" + (" (default)" if probes == nprobe else "")
        rows.append(Row(label, name, built, *_quantiles(times), _recall(found, exact)))
    del ivf

    if hnsw:
        print(f"{label}: building HNSW...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        graph = faiss.IndexHNSWFlat(DIMENSION, 32, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = 80
        graph.add(vectors)
        built = time.perf_counter() - started
        found, times = _run(graph, asked, faiss.SearchParametersHNSW(efSearch=128))
        rows.append(
            Row(label, "HNSW32, efSearch 128", built, *_quantiles(times), _recall(found, exact))
        )
    return rows


def _quantiles(times: list[float]) -> tuple[float, float]:
    return percentile(times, 0.5), percentile(times, 0.95)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300, help="single queries per index")
    parser.add_argument("--small-only", action="store_true", help="10k vectors only")
    parser.add_argument("--hnsw", action="store_true", help="also build HNSW at 1M (slow)")
    args = parser.parse_args(argv)
    nprobe = get_settings().segment_ivf_nprobe

    print(f"Synthetic vectors, 740 of them: {neighbourhood(clustered_vectors(740))}")
    print(
        "MiniLM on 740 call lines:       mean pair cosine 0.143 (std 0.112), nearest 0.642, "
        "10th nearest 0.450"
    )
    started = time.perf_counter()
    rows = measure(10_000, "10k", args.queries, hnsw=True, nprobe=nprobe)
    if not args.small_only:
        rows += measure(1_000_000, "1M", args.queries, hnsw=args.hnsw, nprobe=nprobe)
        rows += measure(
            1_000_000,
            f"1M, {DISTINCT}",
            args.queries,
            hnsw=False,
            nprobe=nprobe,
            corpus=DISTINCT,
        )
    print()
    print("| vectors | index | build s | p50 ms | p95 ms | recall@10 |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row.size} | {row.index} | {row.build:.1f} | {row.p50:.2f} | {row.p95:.2f} | "
            f"{row.recall:.3f} |"
        )
    print(
        f"\n{args.queries} single queries per index; "
        f"whole run {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
