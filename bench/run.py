"""``python -m bench [--quick]``: every benchmark, one line per figure, then the count of targets met.

Each line is ``name  value  target  ok|MISS``; indented ``·`` lines give the same-run yardsticks
and context. Timings are never asserted in the test suite; this command is where they live.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import figures
from .workload import DEFAULT_SEED, generate

FULL = {"scans": 30, "pdfs": 5, "big_pages": 200, "pairs": 5, "edits": 500, "renders": 15, "checks": 1000, "starts": 7}
ONLY = ("package", "autosave", "render", "check", "start")  # the steps below, in order
QUICK = {"scans": 10, "pdfs": 3, "big_pages": 200, "pairs": 3, "edits": 200, "renders": 5, "checks": 300, "starts": 3}


def _print(figure: figures.Figure) -> None:
    if figure.target is None:
        print(f"{figure.name}  {figure.value}  -  info")
    else:
        print(f"{figure.name}  {figure.value}  {figure.target}  {'ok' if figure.ok else 'MISS'}")
    for note in figure.notes:
        print(f"    · {note}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller workload, fewer repetitions")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cxy-bench",
        help="where the workload and outputs go (the workload is reused when unchanged)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--only", action="append", choices=ONLY, help="run only these figures (repeatable)")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    started = time.monotonic()
    print(f"bench ({'quick' if args.quick else 'full'}): {figures.python_info()}")
    print(
        "method: whole-process rows run the app side and its yardstick in subprocesses, interleaved A B A B "
        "after one warm-up each, median of the pair ratios; in-process rows use perf_counter loops"
    )
    work = args.workdir / ("quick" if args.quick else "full")
    workload = generate(
        work / "workload", seed=args.seed, scans=size["scans"], pdfs=size["pdfs"], big_pages=size["big_pages"]
    )
    print(
        f"workload: {len(workload.scans)} A4 300-dpi JPEG scans, {len(workload.pdfs)} PDFs of 3–10 pages, "
        f"a {size['big_pages']}-page PDF; {workload.total_bytes() / figures.MB:.1f} MB, seed {args.seed}, in {workload.folder}"
    )
    met = total = 0
    prepared = figures.prepare(workload, work)
    steps = (
        lambda: figures.package_figures(workload, prepared, size["pairs"]),
        lambda: figures.autosave_figures(prepared, size["edits"]),
        lambda: figures.render_figures(size["renders"]),
        lambda: figures.check_figures(size["checks"]),
        lambda: figures.cold_start_figures(prepared, size["starts"]),
    )
    steps = tuple(step for name, step in zip(ONLY, steps) if not args.only or name in args.only)
    for step in steps:
        try:
            rows = step()
        except Exception as exc:  # a missing or broken module is a missed target, not a crash
            rows = [
                figures.Figure(
                    f"{getattr(step, '__name__', 'step')}",
                    f"error: {type(exc).__name__}: {exc}",
                    "runs",
                    False,
                    traceback.format_exc().splitlines()[-4:],
                )
            ]
        for row in rows:
            _print(row)
            if row.target is not None:
                total += 1
                met += bool(row.ok)
    print(f"(took {time.monotonic() - started:.0f} s, load {os.getloadavg()[0]:.1f})")
    print(f"bench: {met} of {total} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
