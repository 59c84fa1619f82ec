"""``python -m bench batch [--drafts N]``: the research office's batch (issue 13) on a folder of
N sample drafts (500 by default, made once in a temp folder and reused).

Each figure runs in its own child process, so that start-up is excluded from the time (the
child times only ``scan_folder``, after its imports and the pack are loaded) and its peak memory
is its own (``VmHWM``, reset at exec). The yardstick, in the same run and the same way: a child
with the same imports that reads the same files' bytes one after another. Memory is bounded
when the peak for N drafts is about the peak for a fifth of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import timing
from .figures import Figure

HERE = Path(__file__).resolve().parent
TARGET_MS = 10.0
STAMP = "batch-folder-v1"


def make_folder(folder: Path, count: int) -> Path:
    """``count`` tech_vp sample drafts (attachments included), each with its own leader and
    enterprise code; reused when already complete."""
    from forms.draft import Draft
    from forms.pack import load_pack
    from forms.samples import fill_sample, uscc
    from forms.transfer import create_draft

    stamp = folder / ".complete"
    if stamp.is_file() and stamp.read_text() == f"{STAMP} {count}":
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pack = load_pack()
    model = folder.parent / f"model-{os.getpid()}.cxy"
    model.unlink(missing_ok=True)
    create_draft(model, pack=pack.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", pack))
    for n in range(count):
        path = folder / f"{n:04d}.cxy"
        shutil.copyfile(model, path)
        with Draft.open(path) as draft:
            leader = f"申报人{n:04d}"
            draft.set_many(
                {"leader.name": leader, "letters.leader.signer": leader, "enterprise.uscc": uscc(f"91320100MA1{n:06d}")}
            )
    model.unlink()
    stamp.write_text(f"{STAMP} {count}")
    return folder


def _child(mode: str, folder: Path) -> None:
    """Run in a fresh process: time ``mode`` over ``folder`` and print one JSON line."""
    from forms.office import scan_folder
    from forms.office.batch import list_files
    from forms.pack import load_pack

    pack = load_pack()
    files = list_files(folder)
    t0 = time.perf_counter()
    if mode == "scan":
        batch = scan_folder(folder, pack)
        assert len(batch.rows) == len(files)
    else:  # the yardstick: the same files' bytes, one at a time
        for path in files:
            path.read_bytes()
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "files": len(files), "hwm_mb": timing.vmhwm_kb() / 1024}))


def _measure(mode: str, folder: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    run = timing.run([sys.executable, "-m", "bench.batch_bench", "--child", mode, str(folder)], env=env)
    return json.loads(run.stdout.strip().splitlines()[-1])


def batch_figures(workdir: Path, count: int = 500, runs: int = 3) -> list[Figure]:
    folder = make_folder(workdir / f"drafts-{count}", count)
    fifth = workdir / f"drafts-{count}-fifth"
    if not fifth.is_dir() or len(list(fifth.glob("*.cxy"))) != count // 5:
        shutil.rmtree(fifth, ignore_errors=True)
        fifth.mkdir(parents=True)
        for path in sorted(folder.glob("*.cxy"))[: count // 5]:
            os.link(path, fifth / path.name)
    _measure("scan", folder), _measure("read", folder)  # warm-up: the page cache, the .pyc files
    scans, reads = [], []
    for _ in range(runs):  # interleaved, A B A B
        scans.append(_measure("scan", folder))
        reads.append(_measure("read", folder))
    per_draft = timing.median([s["seconds"] / s["files"] for s in scans]) * 1000
    per_read = timing.median([r["seconds"] / r["files"] for r in reads]) * 1000
    ratios = [s["seconds"] / max(r["seconds"], 1e-9) for s, r in zip(scans, reads)]
    peak = max(s["hwm_mb"] for s in scans)
    peak_read = max(r["hwm_mb"] for r in reads)
    small = _measure("scan", fifth)
    return [
        Figure(
            f"batch: checks per draft over {count} drafts, start-up excluded (median of {runs})",
            f"{per_draft:.2f} ms",
            f"≤ {TARGET_MS:.0f} ms",
            per_draft <= TARGET_MS,
            [
                f"yardstick (reading the same files' bytes): {per_read:.3f} ms per file; "
                f"ratio {timing.median(ratios):.0f}× (pairs {', '.join(f'{r:.0f}' for r in ratios)})",
                f"whole folder {timing.median([s['seconds'] for s in scans]):.2f} s",
            ],
        ),
        Figure(
            f"batch: peak memory, {count} drafts vs {count // 5}",
            f"{peak:.0f} MB vs {small['hwm_mb']:.0f} MB",
            None,
            None,
            [
                f"yardstick peak (same imports, reading the bytes): {peak_read:.0f} MB; "
                f"the batch adds {peak - peak_read:.0f} MB for {count} drafts, "
                f"{small['hwm_mb'] - peak_read:.0f} MB for {count // 5}"
            ],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench batch", description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "cxy-bench" / "batch")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return 0
    from .run import _print

    for figure in batch_figures(args.workdir, args.drafts, args.runs):
        _print(figure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
