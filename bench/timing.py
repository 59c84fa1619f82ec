"""Measuring helpers: whole-process runs and statistics.

Peak memory: ``ru_maxrss`` of a child survives ``execve`` (getrusage(2)), so a child forked from
this large benchmark process would report *our* size. Python children therefore print their own
``VmHWM`` (reset at exec); other programs are measured under GNU ``/usr/bin/time`` (a tiny
parent), see :func:`peak_mb_external`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    seconds: float  # from spawn to exit, or to the marker line when one was awaited
    stdout: str
    returncode: int
    cpu: float = 0.0  # the child's user + system CPU seconds, to exit: far less sensitive to a shared machine's load


class ChildFailed(RuntimeError):
    pass


def run(
    cmd: Sequence[str], *, env: dict[str, str] | None = None, until: str | None = None, timeout: float = 600.0
) -> Run:
    """Run ``cmd`` to completion; with ``until``, the time is taken when that line appears."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        child = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=err, env=env)
        watchdog = threading.Timer(timeout, child.kill)  # a hung child (a modal dialog…) fails the figure
        watchdog.start()
        lines: list[str] = []
        marked: float | None = None
        assert child.stdout is not None
        try:
            for raw in child.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if until is not None and marked is None and line.strip() == until:
                    marked = time.perf_counter() - t0
                lines.append(line)
        finally:
            watchdog.cancel()
            child.stdout.close()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0 or (until is not None and marked is None):
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise ChildFailed(f"{' '.join(cmd[:3])}… exited {child.returncode}: {tail}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(marked if marked is not None else elapsed, "\n".join(lines), child.returncode, cpu)


def vmhwm_kb() -> int:
    """This process's peak RSS (call it at the end of a measured child)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def peak_mb_external(cmd: Sequence[str], env: dict[str, str] | None = None) -> float | None:
    """Peak RSS of a program in MB via GNU time, or None when /usr/bin/time is missing."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if not gnu_time:
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        run([gnu_time, "-f", "%M", "-o", out.name, *cmd], env=env)
        return int(out.read().split()[-1]) / 1024


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def span(values: Sequence[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}" if values else "–"
