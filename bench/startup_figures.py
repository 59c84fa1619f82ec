"""Start-up figures: ``cxy validate`` and the app's first window, against bare Python and Qt.

Whole-process rows: each child from spawn to exit (or to its first painted window), interleaved
with its yardstick after one warm-up each.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from . import timing
from .figures import CATEGORY, HERE, Figure


def _start_env(folder: Path) -> dict[str, str]:
    """The environment of the start-up children: this checkout's code, and bytecode compiled once
    (in the warm-up) and reused, as an installed program's is. ``PYTHONDONTWRITEBYTECODE`` in the
    caller's environment would otherwise make every start compile every module it imports; the
    cache goes under ``folder``, never into the source tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def _isolated_env(folder: Path) -> dict[str, str]:
    env = _start_env(folder)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["CXY_CONFIG_DIR"] = str(folder / "config")
    env["CXY_DATA_DIR"] = str(folder / "data")
    return env


def _interleaved(
    cmds: list[list[str]], runs: int, env: dict[str, str], until: str | None = None
) -> list[list[timing.Run]]:
    """Each command once as a warm-up, then ``runs`` rounds of all of them in turn (A B C A B C …)."""
    for cmd in cmds:
        timing.run(cmd, env=env, until=until, timeout=120)
    results: list[list[timing.Run]] = [[] for _ in cmds]
    for _ in range(runs):
        for cmd, out in zip(cmds, results):
            out.append(timing.run(cmd, env=env, until=until, timeout=120))
    return results


def _ratios(a: list[timing.Run], b: list[timing.Run]) -> list[float]:
    return [x.seconds / y.seconds for x, y in zip(a, b)]


def _seconds(runs: list[timing.Run]) -> str:
    ms = [r.seconds * 1000 for r in runs]
    return f"{timing.median(ms):.0f} ms ({min(ms):.0f}–{max(ms):.0f})"


def cli_start_figures(workdir: Path, runs: int) -> list[Figure]:
    """``cxy validate DRAFT`` from spawn to exit against ``python -c pass``; importing the rule
    pack's code alone (pydantic and the pack's models) is timed beside them as the floor of any
    command that checks an application."""
    from forms.pack import load_pack
    from forms.samples import fill_sample
    from forms.transfer import create_draft

    folder = workdir / "clistart"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    draft_path = folder / "sample.cxy"
    pack = load_pack()
    create_draft(draft_path, pack=pack.id, category=CATEGORY, fill=lambda d: fill_sample(d, CATEGORY, pack))
    python = sys.executable
    validate = [python, "-m", "forms.cli", "validate", str(draft_path)]
    bare = [python, "-c", "pass"]
    floor = [python, "-c", "import forms.pack"]
    help_ = [python, "-m", "forms.cli", "--help"]
    v_runs, b_runs, f_runs, h_runs = _interleaved([validate, bare, floor, help_], runs, _start_env(folder))
    ratio = timing.median(_ratios(v_runs, b_runs))
    floor = timing.median(_ratios(f_runs, b_runs))
    without = _without_floor(v_runs, f_runs, b_runs)
    notes = [
        (
            f"validate {_seconds(v_runs)}, python -c pass {_seconds(b_runs)}; "
            f"pair ratios {timing.span(_ratios(v_runs, b_runs))}"
        ),
        (
            f"floor: python -c 'import forms.pack' (pydantic and the pack's models, nothing loaded) "
            f"{_seconds(f_runs)} = {floor:.2f}× python -c pass; validate less that floor: {without:.2f}×"
        ),
        f"cxy --help {_seconds(h_runs)} = {timing.median(_ratios(h_runs, b_runs)):.2f}× python -c pass",
    ]
    if ratio > 5.0:
        notes.append(
            "what would reach it: the pack already comes from its snapshot without validating it (no "
            "validator built, forms.layout not imported); what is left is pydantic itself (from pydantic "
            "import BaseModel alone ~3.9× python -c pass) and its models' classes (forms.model, forms.pack), "
            "the draft's hardened read validating its rows with forms.model.Application (its validator and "
            "pydantic's first-build machinery, ~16 ms), the checks' font charsets and message catalogue "
            "(~9 ms) and forms.draft's imports (~18 ms; CPU, measured in-process). 5× needs no pydantic "
            "on the validate path: the pack's entries and the draft's row check as plain data (pydantic only "
            "when a snapshot is rebuilt)"
        )
    return [
        Figure(
            f"cxy validate DRAFT, whole process / python -c pass (median of {runs} pairs)",
            f"{ratio:.2f}×",
            "≤ 5×",
            ratio <= 5.0,
            notes,
        )
    ]


def _without_floor(runs: list[timing.Run], floor: list[timing.Run], base: list[timing.Run]) -> float:
    """``runs`` less what ``floor`` adds to ``base``, as a ratio to ``base`` (medians)."""
    med = [timing.median([r.seconds for r in rs]) for rs in (runs, floor, base)]
    return (med[0] - med[1] + med[2]) / med[2]


def cold_start_figures(workdir: Path, runs: int) -> list[Figure]:
    from forms.draft import Draft
    from forms.samples import sample

    folder = workdir / "coldstart"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data = sample(CATEGORY)
    env = _isolated_env(folder)
    # In the app's own data folder, so it opens in place (a draft from elsewhere is imported
    # first and announced in a dialog, which would wait for a click).
    draft_path = Path(env["CXY_DATA_DIR"]) / "sample.cxy"
    draft_path.parent.mkdir(parents=True)
    with Draft.create(draft_path, pack=data["pack"], category=CATEGORY) as draft:
        draft.replace_data(data)
    python = sys.executable
    app_cmd = [python, str(HERE / "launch_app.py"), str(draft_path)]
    bare_cmd = [python, str(HERE / "launch_bare.py")]
    # the bare window after importing the rule pack's code: what the window's first paint once waited for
    floor_cmd = [python, str(HERE / "launch_bare.py"), "forms.pack"]
    name = (
        "cold start to the first painted window (the app's shell; sample draft, offscreen) / bare PySide6 QMainWindow"
    )
    try:
        app_runs, bare_runs, floor_runs = _interleaved([app_cmd, bare_cmd, floor_cmd], runs, env, until="SHOWN")
    except timing.ChildFailed as exc:
        return [Figure(name, "failed", "≤ 1.5×", False, [str(exc)[-600:]])]
    ratios = _ratios(app_runs, bare_runs)
    ratio = timing.median(ratios)
    notes = [
        (
            f"app {_seconds(app_runs)}, bare {_seconds(bare_runs)}; pair ratios {timing.span(ratios)}; "
            f"peak RSS when shown: app {_hwm(app_runs):.0f} MB, bare {_hwm(bare_runs):.0f} MB"
        ),
        (
            f"the bare window after importing forms.pack (pydantic and the pack's models), which the shell no "
            f"longer waits for: {_seconds(floor_runs)} = {timing.median(_ratios(floor_runs, bare_runs)):.2f}× bare"
        ),
        f"info: start to the first page usable (the draft loaded into the shell and painted) {_usable(app_runs)}",
    ]
    if ratio > 1.5:
        notes.append(
            "what the shell adds to a bare window (measured on the 2-core machine, ~45 ms): the single-instance "
            "check that must precede any window (QtNetwork, hashlib, the lock file: ~20 ms), its first text "
            "(Qt's font database: ~10 ms), the UI language and desktop's own start-up modules; what would reach "
            "it: the single-instance check without hashlib/QtNetwork's imports (`python -X importtime "
            "bench/launch_app.py` names the rest)"
        )
    return [Figure(f"{name} (median of {runs} pairs)", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5, notes)]


def _usable(runs: list[timing.Run]) -> str:
    """Spawn to the content painted: the time to SHOWN plus the USABLE seconds the child counted after it."""
    ms = [
        (r.seconds + float(line.split()[1])) * 1000
        for r in runs
        for line in r.stdout.splitlines()
        if line.startswith("USABLE ")
    ]
    return f"{timing.median(ms):.0f} ms ({min(ms):.0f}–{max(ms):.0f})" if ms else "not reported"


def _hwm(runs: list[timing.Run]) -> float:
    values = [int(line.split()[1]) for r in runs for line in r.stdout.splitlines() if line.startswith("VmHWM:")]
    return max(values, default=0) / 1024
