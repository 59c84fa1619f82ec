"""Collects the corpus outcomes and prints their summary at the end of the run."""

from __future__ import annotations

import collections
import json
from pathlib import Path

CORPUS_OUTCOMES: dict[str, tuple[str, float]] = {}
SUMMARY_FILE = Path("/tmp/cxy-attachments-corpus.json")


def pytest_terminal_summary(terminalreporter):
    if not CORPUS_OUTCOMES:
        return
    counts = collections.Counter(outcome for outcome, _ in CORPUS_OUTCOMES.values())
    times = sorted(seconds for _, seconds in CORPUS_OUTCOMES.values())
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    slowest = max(CORPUS_OUTCOMES.items(), key=lambda item: item[1][1])
    write = terminalreporter.write_line
    terminalreporter.section("attachment corpus")
    write(f"{len(CORPUS_OUTCOMES)} files: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    write(f"per file: max {times[-1]:.2f} s ({slowest[0]}), p95 {p95:.2f} s, total {sum(times):.1f} s")
    try:
        SUMMARY_FILE.write_text(
            json.dumps(
                {"counts": counts, "max_s": times[-1], "p95_s": p95, "files": CORPUS_OUTCOMES}, indent=1, sort_keys=True
            )
        )
        write(f"details: {SUMMARY_FILE}")
    except OSError:
        pass
