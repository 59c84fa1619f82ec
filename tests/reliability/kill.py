"""kill -9 at random moments while a child process edits a draft (reliability.md §2 method 1, T1).

Each round starts ``editor_child.py`` on the lane's draft, kills it with SIGKILL after a random
delay (usually a few tens of ms into its edit loop, sometimes before it has even opened the
draft, i.e. while SQLite may be rolling back the previous round's hot journal), then reopens
the draft exactly as the app does (``Draft.open``) and checks:

* it opens and ``PRAGMA integrity_check`` says ``ok`` (else: *unreadable*);
* every acknowledged edit is there: for each field the stored value comes from the last
  acknowledged edit of that field or from the one edit that was in flight (else: *lost*).

Lanes are independent drafts killed in parallel threads, to use both cores.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import make_draft

CHILD = Path(__file__).with_name("editor_child.py")
READY_TIMEOUT_S = 60.0


@dataclass
class KillReport:
    kills: int = 0
    lost: int = 0
    unreadable: int = 0
    acked: int = 0
    early_kills: int = 0  # killed before the child reported READY
    editing_kills: int = 0  # killed after at least one acknowledged edit
    in_flight_committed: int = 0  # the unacknowledged edit turned out to be on disk
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def merge(self, other: KillReport) -> None:
        for name in ("kills", "lost", "unreadable", "acked", "early_kills", "editing_kills", "in_flight_committed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)

    def line(self) -> str:
        return (
            f"kill -9: {self.kills} kills, {self.acked} acknowledged edits, lost {self.lost}, "
            f"unreadable {self.unreadable} ({self.early_kills} killed during start-up, "
            f"{self.in_flight_committed} unacknowledged edits found committed) in {self.seconds:.0f} s"
        )


def _reader(stream, sink: list[bytes]) -> None:
    for raw in iter(stream.readline, b""):
        sink.append(raw)  # noqa: PERF402 - line by line: the sink is read while this runs
    stream.close()


def _stored_n(value) -> int | None:
    if not isinstance(value, str) or "#" not in value:
        return None
    head = value.split("#", 1)[0]
    return int(head) if head.isdigit() else None


def _check(path: Path, expected: dict[str, int], ceiling: int, report: KillReport, lost: set) -> bool:
    """Reopen the draft like the app does; False when it is unreadable."""
    from forms.draft import Draft, DraftError

    try:
        draft = Draft.open(path)
    except DraftError as exc:
        report.unreadable += 1
        report.problems.append(f"{path.name}: Draft.open failed: {exc.code} {exc.en}")
        return False
    try:
        for name, n_acked in expected.items():
            n = _stored_n(draft.get(name))
            if n is None or n < n_acked:
                if (name, n_acked) not in lost:  # count each lost edit once, not once per round
                    lost.add((name, n_acked))
                    report.lost += 1
                    report.problems.append(f"{path.name}: {name} holds edit {n}, but edit {n_acked} was acknowledged")
            elif n > ceiling:
                report.problems.append(f"{path.name}: {name} holds edit {n}, which was never issued (max {ceiling})")
            elif n > n_acked:
                report.in_flight_committed += 1
    finally:
        draft.close()
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()
    if result != [("ok",)]:
        report.unreadable += 1
        report.problems.append(f"{path.name}: integrity_check {result[:3]}")
        return False
    return True


def _acked(lines: list[bytes]) -> bool:
    return any(line.startswith(b"ACK ") and line.endswith(b"\n") for line in list(lines))


def _lane(folder: Path, lane: int, rounds: int, seed: int, max_window_s: float, planted: str) -> KillReport:
    report = KillReport()
    rng = random.Random(f"{seed}/lane/{lane}")
    path = folder / f"lane{lane}.cxy"
    # Two attachments (a few hundred KB) so the file spans many pages, like a real draft.
    make_draft(path, attachments=2, pad_kb=400).close()
    expected: dict[str, int] = {}
    lost: set[tuple[str, int]] = set()
    last_n = 0
    for _ in range(rounds):
        start = last_n + 1  # skip the previous round's in-flight number: it may be on disk
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), str(start), str(rng.getrandbits(32)), planted],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        lines: list[bytes] = []
        reader = threading.Thread(target=_reader, args=(child.stdout, lines), daemon=True)
        reader.start()
        try:
            if rng.random() < 0.1:
                # Early kill: anywhere in start-up, opening, hot-journal rollback or first edits.
                time.sleep(rng.uniform(0.0, 0.5))
            else:
                # Kill while it edits: after its first acknowledged edit, however slow a loaded
                # machine makes the start, then at a random moment of the edits that follow.
                deadline = time.monotonic() + READY_TIMEOUT_S
                while not _acked(lines) and child.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.002)
                time.sleep(rng.uniform(0.0, max_window_s))
            if not lines:
                report.early_kills += 1
            if _acked(lines):
                report.editing_kills += 1
        finally:
            child.kill()
            child.wait()
            reader.join()
            stderr = child.stderr.read().decode("utf-8", "replace")
            child.stderr.close()
        report.kills += 1
        if child.returncode != -9:
            report.problems.append(f"{path.name}: child exited by itself ({child.returncode}): {stderr[-500:]}")
        round_max = start
        # Only complete lines count: a line cut off by the kill was not acknowledged.
        for raw in lines:
            if not raw.endswith(b"\n"):
                continue
            parts = raw.decode("utf-8").rstrip("\n").split(" ", 3)
            if parts[0] == "ACK" and len(parts) == 4:
                n, name, value = int(parts[1]), parts[2], parts[3]
                if _stored_n(value) != n:
                    report.problems.append(f"malformed ACK {raw[:80]!r}")
                expected[name] = n
                round_max = max(round_max, n)
                report.acked += 1
        # At most one edit after the last acknowledged one can be on disk: the one in flight.
        ceiling = max(round_max, start) + 1
        last_n = ceiling
        if not _check(path, expected, ceiling, report, lost):
            # Keep counting on a fresh draft rather than stopping at the first failure.
            path.unlink(missing_ok=True)
            Path(f"{path}-journal").unlink(missing_ok=True)
            make_draft(path, attachments=2, pad_kb=400).close()
            expected.clear()
    return report


def run_kills(
    kills: int, folder: Path, *, seed: int, lanes: int = 2, max_window_s: float = 0.08, planted: str = ""
) -> KillReport:
    """``planted``: a bug for the child to plant (see editor_child.py); proves the checks bite."""
    folder.mkdir(parents=True, exist_ok=True)
    lanes = max(1, min(lanes, kills))
    shares = [kills // lanes + (1 if i < kills % lanes else 0) for i in range(lanes)]
    results: list[KillReport | BaseException] = [KillReport()] * lanes
    started = time.monotonic()

    def work(i: int) -> None:
        try:
            results[i] = _lane(folder, i, shares[i], seed, max_window_s, planted)
        except BaseException as exc:  # surfaced below, in the caller's thread
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(lanes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = KillReport()
    for result in results:
        if isinstance(result, BaseException):
            raise result
        total.merge(result)
    total.seconds = time.monotonic() - started
    return total
