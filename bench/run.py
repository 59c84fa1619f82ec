"""``python -m bench [--quick] [--only NAME]``: every benchmark, one line per figure, then the count of targets met.

``--only NAME`` (repeatable) runs some groups of figures: ``cli-start`` and ``cold-start`` are the
start-up figures, and neither needs the attachment workload, which is then not made.

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

from .autosave_figures import autosave_figures
from .check_figures import check_figures
from .figures import MB, Figure, python_info
from .package_figures import package_figures
from .prepare import prepare
from .render_figures import render_figures
from .startup_figures import cli_start_figures, cold_start_figures
from .workload import DEFAULT_SEED, generate

FULL = {"scans": 30, "pdfs": 5, "big_pages": 200, "pairs": 5, "edits": 500, "renders": 15, "checks": 1000, "starts": 7}
QUICK = {"scans": 10, "pdfs": 3, "big_pages": 200, "pairs": 3, "edits": 200, "renders": 5, "checks": 300, "starts": 3}


# The groups of figures, in the order they run (``--only NAME`` picks some).
STEPS = ("package", "autosave", "render", "check", "cli-start", "cold-start")


def _print(figure: Figure) -> None:
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
    parser.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        metavar="NAME",
        help=f"run only this group of figures (repeatable): {', '.join(STEPS)}",
    )
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    chosen = args.only or list(STEPS)
    started = time.monotonic()
    print(f"bench ({'quick' if args.quick else 'full'}): {python_info()}")
    print(
        "method: whole-process rows run the app side and its yardstick in subprocesses, interleaved A B A B "
        "after one warm-up each, median of the pair ratios; in-process rows use perf_counter loops"
    )
    work = args.workdir / ("quick" if args.quick else "full")
    work.mkdir(parents=True, exist_ok=True)
    met = total = 0
    steps = {
        "render": lambda: render_figures(size["renders"]),
        "check": lambda: check_figures(size["checks"]),
        "cli-start": lambda: cli_start_figures(work, size["starts"]),
        "cold-start": lambda: cold_start_figures(work, size["starts"]),
    }
    if {"package", "autosave"} & set(chosen):  # the workload only for the figures that use it
        workload = generate(
            work / "workload", seed=args.seed, scans=size["scans"], pdfs=size["pdfs"], big_pages=size["big_pages"]
        )
        print(
            f"workload: {len(workload.scans)} A4 300-dpi JPEG scans, {len(workload.pdfs)} PDFs of 3–10 pages, "
            f"a {size['big_pages']}-page PDF; {workload.total_bytes() / MB:.1f} MB, seed {args.seed}, "
            f"in {workload.folder}"
        )
        prepared = prepare(workload, work)
        steps["package"] = lambda: package_figures(workload, prepared, size["pairs"])
        steps["autosave"] = lambda: autosave_figures(prepared, size["edits"])
    for name in STEPS:
        if name not in chosen:
            continue
        step = steps[name]
        try:
            rows = step()
        except Exception as exc:  # a missing or broken module is a missed target, not a crash
            rows = [
                Figure(
                    name,
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
