"""What one sign-in's password check costs: Callcoach's argon2id parameters against argon2-cffi's
defaults (the peer: `PasswordHasher()`, RFC 9106's low-memory profile), in the same process.

Run: `.venv/bin/python bench/passwords.py [--repeat 40] [--concurrent 8]` (under a minute).

Each hasher hashes one password, then verifies it `--repeat` times one after another (median and
p95 in ms: what one sign-in waits for on an idle server), then `--concurrent` verifications at
once on a thread pool, as at the start of a shift (argon2-cffi releases the GIL, so they share
the cores; the figure is the wall time until the last one is done). Goal (issue 21): at most
50 ms per verification, at or above an OWASP minimum.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.auth import PASSWORD_HASHING  # noqa: E402

GOAL_MS = 50.0
PASSWORD = "correct horse battery staple"


def _timed_ms(action) -> float:
    started = time.perf_counter()
    action()
    return 1000 * (time.perf_counter() - started)


def measure(hasher: PasswordHasher, repeat: int, concurrent: int) -> dict[str, float]:
    """Median and p95 of one verification, and the wall time of `concurrent` at once, in ms."""
    stored = hasher.hash(PASSWORD)
    one = sorted(_timed_ms(lambda: hasher.verify(stored, PASSWORD)) for _ in range(repeat))
    with ThreadPoolExecutor(max_workers=concurrent) as pool:
        burst = _timed_ms(
            lambda: list(pool.map(lambda _: hasher.verify(stored, PASSWORD), range(concurrent)))
        )
    return {
        "median": statistics.median(one),
        "p95": one[min(len(one) - 1, round(0.95 * (len(one) - 1)))],
        "burst": burst,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--concurrent", type=int, default=8)
    args = parser.parse_args()
    systems = {
        "argon2-cffi default (peer)": PasswordHasher(),
        "Callcoach": PasswordHasher(**PASSWORD_HASHING),
    }
    print(
        f"| hasher | memory | passes | lanes | verify median ms | p95 ms | "
        f"{args.concurrent} at once, ms |"
    )
    print("|---|---|---|---|---|---|---|")
    results = {}
    for name, hasher in systems.items():
        results[name] = figures = measure(hasher, args.repeat, args.concurrent)
        print(
            f"| {name} | {hasher.memory_cost // 1024} MiB | {hasher.time_cost} | "
            f"{hasher.parallelism} | {figures['median']:.1f} | {figures['p95']:.1f} | "
            f"{figures['burst']:.0f} |"
        )
    ours, peer = results["Callcoach"], results["argon2-cffi default (peer)"]
    verdict = "met" if ours["median"] <= GOAL_MS else "NOT met"
    print(
        f"\nGoal {GOAL_MS:.0f} ms per verification: {verdict} ({ours['median']:.1f} ms, "
        f"{peer['median'] / ours['median']:.1f}x cheaper than the default)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
