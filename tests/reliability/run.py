"""``python -m tests.reliability``: the whole reliability harness, with its figures.

Sizes come from the environment (CI defaults in ``common.DEFAULTS``):
``CXY_KILLS`` (200), ``CXY_MUTANTS`` (2000), ``CXY_SEED``, ``CXY_KILL_LANES`` (2).
Exit status 0 when every pass criterion holds.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from .common import CORPUS, setting

PARTS = ("kill", "faults", "diskfull", "mutants", "images", "corpus")


def _problems(title: str, items: list[str], limit: int = 8) -> None:
    if items:
        print(f"    {title}:")
        for item in items[:limit]:
            print(f"      - {item}")
        if len(items) > limit:
            print(f"      … and {len(items) - limit} more")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts (repeatable)")
    parser.add_argument("--kills", type=int, default=setting("CXY_KILLS"))
    parser.add_argument("--mutants", type=int, default=setting("CXY_MUTANTS"))
    parser.add_argument("--seed", type=int, default=setting("CXY_SEED"))
    args = parser.parse_args(argv)
    parts = args.only or list(PARTS)
    ok = True
    summary: list[str] = []
    started = time.monotonic()
    print(f"reliability harness — seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="cxy-reliability-") as tmp:
        work = Path(tmp)
        # The intake's ledger and the app's files go to a folder of the run, not the user's own.
        os.environ["CXY_DATA_DIR"] = str(work / "data")
        if "kill" in parts:
            from .kill import run_kills

            r = run_kills(args.kills, work / "kill", seed=args.seed, lanes=setting("CXY_KILL_LANES"))
            good = r.lost == 0 and r.unreadable == 0 and not r.problems
            ok &= good
            print(("  ok   " if good else "  FAIL ") + r.line())
            _problems("problems", r.problems)
            summary.append(f"kills {r.kills}, lost {r.lost}, unreadable {r.unreadable}")
        if "faults" in parts:
            from .faults import run_faults

            r = run_faults(work / "faults")
            good = not r.failures
            ok &= good
            print(("  ok   " if good else "  FAIL ") + r.line())
            for name, steps in r.steps.items():
                bad = sum(f.startswith(name + ":") for f in r.failures)
                print(f"         {name}: {steps} steps, {bad} failing runs")
            _problems("failures", r.failures)
            summary.append(f"fault runs {r.runs}, failing {len(r.failures)}")
        if "diskfull" in parts:
            from .faults import run_disk_full

            r = run_disk_full(work / "diskfull")
            if r is None:
                print("  skip real full disk: cannot mount a tmpfs here (needs root)")
            else:
                ok &= r.ok
                print(("  ok   " if r.ok else "  FAIL ") + r.line())
        if "mutants" in parts:
            from .mutants import run_mutants

            r = run_mutants(args.mutants, work / "mutants", seed=args.seed)
            good = not r.bugs and not r.slow
            ok &= good
            print(("  ok   " if good else "  FAIL ") + r.line())
            print("         refused by code: " + ", ".join(f"{k} {v}" for k, v in r.refused.most_common()))
            _problems("other exceptions", r.bugs)
            _problems("over the time limit", r.slow)
            summary.append(f"mutants {r.mutants}, max time {r.max_s:.2f} s")
        if "images" in parts:
            from .images import BOMB_LIMIT_S, run_images

            r = run_images()
            good = not r.failures and r.bomb_max_s <= BOMB_LIMIT_S
            ok &= good
            print(("  ok   " if good else "  FAIL ") + r.line())
            _problems("failures", r.failures)
            if r.bomb_max_s > BOMB_LIMIT_S:
                print(f"      a bomb took {r.bomb_max_s:.3f} s to refuse, over {BOMB_LIMIT_S} s")
            summary.append(f"images {r.passed}/{r.cases}")
        if "corpus" in parts:
            if not CORPUS.is_dir():
                print(f"  skip PDF corpus: not found at {CORPUS}")
            else:
                from .corpus import P95_LIMIT_S, run_corpus

                r = run_corpus()
                good = not (r.bugs or r.active or r.page_mismatch or r.slow) and r.p95_s <= P95_LIMIT_S
                ok &= good
                print(("  ok   " if good else "  FAIL ") + r.line())
                print("         refused by code: " + ", ".join(f"{k} {v}" for k, v in r.refused.most_common()))
                for title, items in (
                    ("other exceptions", r.bugs),
                    ("active content", r.active),
                    ("page counts", r.page_mismatch),
                    ("too slow", r.slow),
                ):
                    _problems(title, items)
                summary.append(f"corpus imported {r.imported}/refused {sum(r.refused.values())}")
    print(f"reliability: {'PASS' if ok else 'FAIL'} — " + "; ".join(summary) + f" ({time.monotonic() - started:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
