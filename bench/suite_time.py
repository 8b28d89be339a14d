"""The test suite's wall time on each embedded engine, side by side.

`python -m bench suite` runs the whole suite once per engine (as `make test` does) and records
the times in bench/results/suite.json; `python -m bench` reports the last recording instead of
running the suite again (it takes minutes per engine).
"""

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Section, ratio
from embedded_engine import Engine

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RECORD = PROJECT_ROOT / "bench" / "results" / "suite.json"
# As `make test` runs it (TEST_WORKERS, default 2; 0 runs the tests in one process), the
# longest modules first (tests/conftest.py LONGEST_FIRST).
WORKERS = [
    "-n",
    os.environ.get("TEST_WORKERS", "2"),
    "--dist",
    "loadfile",
    "--no-loadscope-reorder",
]
# pytest's last line, e.g. "240 passed, 3 skipped in 95.20s (0:01:35)".
SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed)[^\n]*?) in [\d.]+s", re.MULTILINE)


def run(engines: list[Engine]) -> int:
    results = {}
    status = 0
    for engine in engines:
        print(f"=== test suite on {engine} ===", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *WORKERS],
            cwd=PROJECT_ROOT,
            env={**os.environ, "EMBEDDED_ENGINE": engine, "MONGODB_TEST_URI": ""},
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - t0
        found = SUMMARY.findall(completed.stdout)
        results[engine] = {"seconds": round(seconds, 1), "outcome": found[-1] if found else "?"}
        print(f"{engine}: {seconds:.0f} s, {results[engine]['outcome']}", file=sys.stderr)
        status = status or completed.returncode
    RECORD.parent.mkdir(exist_ok=True)
    record = {"when": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "engines": results}
    RECORD.write_text(json.dumps(record, indent=2) + "\n")
    print(recorded()[0].markdown())
    return status


def recorded() -> list[Section]:
    """The last recorded suite times as a report section (none if never recorded)."""
    try:
        record = json.loads(RECORD.read_text())
    except (OSError, ValueError):
        return []
    engines = record["engines"]
    section = Section("(e) The test suite's wall time per engine", columns=tuple(engines))
    section.add("wall time", *(f"{r['seconds'] / 60:.1f} min" for r in engines.values()))
    section.add("outcome", *(r["outcome"] for r in engines.values()))
    first = next(iter(engines.values()))["seconds"]
    section.add("relative to the first", *(ratio(r["seconds"], first) for r in engines.values()))
    section.notes.append(
        f"Recorded {record['when']} by `python -m bench suite` (one run per engine)."
    )
    return [section]
