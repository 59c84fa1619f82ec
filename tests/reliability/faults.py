"""I/O fault injection at every step of save and export (reliability.md §2 method 4, T4b).

SQLite's ``ioerr.test`` method in Python (the machinery is in :mod:`.faults_injection`): every
call to ``open``, ``os.open``, ``os.write``, ``os.fsync``, ``os.replace``, ``os.rename``,
``os.link``, ``os.ftruncate``, ``shutil.copyfileobj`` and the draft's ``VACUUM INTO`` is a
numbered step. A dry run counts the steps of an operation; then, for every step k and every
errno (ENOSPC, EIO, EACCES), the operation runs again with step k failing — once ("transient")
or from k on ("persistent"). After each failure:

* the destination (and for JSON export its attachments folder) is byte-for-byte what it was,
  or — only when the failure came after the atomic rename — the complete new file;
* no temporary file or folder is left behind;
* the live draft still opens with its data unchanged;
* the caller got one ``UserError`` (``DraftError`` for draft operations) whose Chinese and
  English messages say what happened (disk full / disk error / no permission);
* the same operation then succeeds without injection.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .common import has_cjk, make_draft
from .faults_injection import ERRNOS, Injector, injecting

# Words each message must contain for its errno: the user has to learn what to do.
KEYWORDS = {
    errno.ENOSPC: (("空间", "磁盘已满"), ("disk is full", "space")),
    errno.EIO: (("磁盘", "读写"), ("disk", "input/output")),
    errno.EACCES: (("权限", "只读", "占用"), ("permission", "read-only", "in use", "not writable")),
}


# ------------------------------------------------------------------ scenarios


def _snapshot(folder: Path) -> dict[str, str]:
    """Relative path → SHA-256 (or "<dir>") of everything under ``folder``."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        out[rel] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@dataclass
class Scenario:
    """One save/export path: ``setup`` makes a fresh folder state and returns the operation."""

    name: str
    setup: Callable[[Path], tuple[Callable[[], object], Callable[[], None]]]
    dest: str  # the published file (relative), to recognise "complete new file" after a late failure
    expect_draft_error: bool = True


def _live_draft(folder: Path):
    draft = make_draft(folder / "live.cxy", attachments=2)
    return draft


def _send_copy_over_existing(folder: Path):
    draft = _live_draft(folder)
    draft.send_copy(folder / "copy.cxy")  # yesterday's copy, about to be replaced
    draft.set("project.name", "今天改过的项目名称")
    return (lambda: draft.send_copy(folder / "copy.cxy")), draft.close


def _send_copy_new(folder: Path):
    draft = _live_draft(folder)
    return (lambda: draft.send_copy(folder / "copy.cxy")), draft.close


def _create(folder: Path):
    from forms.draft import Draft

    def op():
        Draft.create(folder / "new.cxy", pack="jiangsu-cxy-2023", category="tech_vp").close()

    return op, lambda: None


def _import_foreign(folder: Path):
    from forms.draft import Draft

    draft = _live_draft(folder)
    (folder / "inbox").mkdir()
    draft.send_copy(folder / "inbox" / "received.cxy")
    draft.close()

    def op():
        Draft.import_foreign(folder / "inbox" / "received.cxy", folder / "imported.cxy").close()

    return op, lambda: None


def _export_json_over_existing(folder: Path):
    from forms.transfer import export_json

    draft = _live_draft(folder)
    export_json(draft, folder / "application.json")  # an earlier export, about to be replaced
    draft.set("project.name", "今天改过的项目名称")
    return (lambda: export_json(draft, folder / "application.json")), draft.close


SCENARIOS = (
    Scenario("send_copy over an existing copy", _send_copy_over_existing, "copy.cxy"),
    Scenario("send_copy to a new file", _send_copy_new, "copy.cxy"),
    Scenario("Draft.create", _create, "new.cxy"),
    Scenario("Draft.import_foreign", _import_foreign, "imported.cxy"),
    Scenario("export_json over an existing export", _export_json_over_existing, "application.json", False),
)


@dataclass
class FaultReport:
    runs: int = 0
    steps: dict[str, int] = field(default_factory=dict)  # scenario → number of injection points
    published_then_failed: int = 0  # failure after the rename: destination is the complete new file
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        points = sum(self.steps.values())
        return (
            f"fault injection: {len(self.steps)} save/export paths, {points} injection points, {self.runs} runs "
            f"(x {len(ERRNOS)} errnos x transient/persistent), {len(self.failures)} failures"
            + (
                f", {self.published_then_failed} errors reported after the file was already complete"
                if self.published_then_failed
                else ""
            )
        )


def _live_state(folder: Path) -> dict | None:
    from forms.draft import Draft

    if not (folder / "live.cxy").exists():
        return None
    with Draft.open(folder / "live.cxy", readonly=True) as draft:  # beside the live writer
        return {"data": draft.data(), "attachments": [(a.sha256, a.title) for a in draft.attachments()]}


def _message_problem(exc: BaseException, err: int, expect_draft_error: bool, *, keywords: bool = True) -> str | None:
    from forms.draft import DraftError
    from forms.errors import UserError

    if not isinstance(exc, UserError):
        return f"{type(exc).__name__} reached the caller: {exc!r:.200}"
    if expect_draft_error and not isinstance(exc, DraftError):
        return f"UserError instead of DraftError: {exc.code}"
    if not (exc.code and has_cjk(exc.zh) and len(re.findall(r"[A-Za-z]{3,}", exc.en)) >= 3):
        return f"message not bilingual: {exc.code} {exc.zh!r} / {exc.en!r}"
    zh_words, en_words = KEYWORDS[err]
    if (keywords and not any(w in exc.zh for w in zh_words)) or not any(w in exc.en.lower() for w in en_words):
        return f"message does not say what happened ({ERRNOS[err]}): {exc.zh} / {exc.en}"
    return None


def run_scenario(scenario: Scenario, workdir: Path, report: FaultReport) -> None:
    base = workdir / scenario.name.replace(" ", "_")
    # Dry run: count the steps and learn the bytes of a successful result.
    dry = base / "dry"
    dry.mkdir(parents=True)
    op, cleanup = scenario.setup(dry)
    counter = Injector()
    try:
        with injecting(counter):
            op()
    finally:
        cleanup()
    steps = counter.calls
    report.steps[scenario.name] = steps
    run = 0
    for k in range(1, steps + 1):
        for err in ERRNOS:
            for persistent in (False, True):
                run += 1
                folder = base / f"run{run}"
                folder.mkdir()
                op, cleanup = scenario.setup(folder)
                try:
                    before = _snapshot(folder)
                    live_before = _live_state(folder)
                    injector = Injector(fail_at=k, err=err, persistent=persistent)
                    raised: BaseException | None = None
                    try:
                        with injecting(injector):
                            op()
                    except BaseException as exc:  # judged below
                        raised = exc
                    label = f"{scenario.name}: step {k} ({counter.steps[k - 1]}) {ERRNOS[err]} {'persistent' if persistent else 'once'}"
                    report.runs += 1
                    _judge(scenario, folder, before, live_before, injector, raised, err, label, report)
                    # The next attempt, with the disk healthy again, must work (unless the
                    # operation refuses to overwrite what the failed attempt completed).
                    published = scenario.dest not in before and (folder / scenario.dest).exists()
                    if raised is not None and not published:
                        try:
                            op()
                        except BaseException as exc:
                            report.failures.append(f"{label}: retry without fault failed: {exc!r:.200}")
                finally:
                    cleanup()
                shutil.rmtree(folder, ignore_errors=True)


def _judge(scenario, folder, before, live_before, injector, raised, err, label, report) -> None:
    if injector.fired == 0:
        report.failures.append(f"{label}: the step was never reached (nondeterministic path?)")
        return
    if raised is None:
        # Swallowing an injected failure is only fine if the result is still complete.
        problem = "the injected failure was swallowed"
    else:
        published = scenario.dest in _snapshot(folder) and before.get(scenario.dest) != _snapshot(folder).get(
            scenario.dest
        )
        # After the rename the right advice is "check the disk and save again", whatever errno.
        problem = _message_problem(raised, err, scenario.expect_draft_error, keywords=not published)
    if problem and raised is not None:
        report.failures.append(f"{label}: {problem}")
    after = _snapshot(folder)
    leftovers = sorted(set(after) - set(before) - {scenario.dest})
    if leftovers:
        report.failures.append(f"{label}: left behind {leftovers[:4]}")
    changed = sorted(rel for rel in before if rel in after and before[rel] != after[rel] and rel != "live.cxy")
    missing = sorted(set(before) - set(after))
    dest_changed = scenario.dest in changed or (scenario.dest in after and scenario.dest not in before)
    other_changed = [rel for rel in changed if rel != scenario.dest]
    if missing or other_changed:
        report.failures.append(f"{label}: previous files damaged: changed {other_changed[:4]} missing {missing[:4]}")
    if dest_changed:
        if raised is None or not _complete(folder / scenario.dest):
            report.failures.append(f"{label}: destination damaged")
        else:
            report.published_then_failed += 1
    elif raised is None and problem:
        report.failures.append(f"{label}: {problem}")
    live_after = _live_state(folder)
    if live_after != live_before:
        report.failures.append(f"{label}: the live draft changed")


def _complete(path: Path) -> bool:
    """The published file is whole: a draft that verifies, or JSON that parses."""
    import json

    from forms.draft import DraftError
    from forms.draft.foreign import verify_file

    try:
        if path.suffix == ".cxy":
            verify_file(path)
        else:
            json.loads(path.read_text(encoding="utf-8"))
        return True
    except (DraftError, ValueError, OSError):
        return False


def run_faults(workdir: Path, scenarios=SCENARIOS) -> FaultReport:
    report = FaultReport()
    for scenario in scenarios:
        run_scenario(scenario, workdir, report)
    return report


# ------------------------------------------------------------------ a real full disk (T4a)


@dataclass
class DiskFullReport:
    checks: dict[str, bool] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(self.checks.values())

    def line(self) -> str:
        passed = sum(self.checks.values())
        return f"real full disk (1 MiB tmpfs): {passed}/{len(self.checks)} checks passed" + (
            "" if self.ok else f" — failed: {[k for k, v in self.checks.items() if not v]}"
        )


@contextlib.contextmanager
def tiny_filesystem(mountpoint: Path, size: str = "1m") -> Iterator[Path | None]:
    """A real filesystem that fills up (tmpfs); yields None where mounting is not allowed."""
    import subprocess

    mountpoint.mkdir(parents=True, exist_ok=True)
    done = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)], capture_output=True, check=False
        )
        if hasattr(os, "geteuid") and os.geteuid() == 0
        else None
    )
    if done is None or done.returncode != 0:
        yield None
        return
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)
    return filler


def run_disk_full(workdir: Path) -> DiskFullReport | None:
    """Autosave and send-a-copy on a disk that is really full: ``SQLITE_FULL``/``ENOSPC`` must
    become the disk-full message, the draft must keep every earlier edit, nothing may be left
    behind, and saving must work again once there is space."""
    from forms.draft import Draft, DraftError

    with tiny_filesystem(workdir / "tiny") as tiny:
        if tiny is None:
            return None
        report = DiskFullReport()
        draft = make_draft(tiny / "live.cxy", attachments=1)
        draft.set("project.name", "磁盘写满之前的名称")
        before_data = draft.data()
        try:
            filler = _fill(tiny)
            names_before = {p.name for p in tiny.iterdir()}
            for what, value in (
                ("a one-word edit", "改"),
                ("a pasted 9 KB text (the summary at its limit)", "长文本" * 1000),
            ):
                try:
                    draft.set("project.summary", value)
                    report.checks[f"{what} on a full disk raises"] = False
                except DraftError as exc:
                    report.messages.append(f"{exc.code}: {exc.zh} / {exc.en}")
                    report.checks[f"{what} on a full disk raises the disk-full message"] = (
                        exc.code == "draft.io" and "磁盘空间不足" in exc.zh and "disk is full" in exc.en
                    )
            report.checks["earlier edits still there (same connection)"] = draft.data() == before_data
            try:
                draft.send_copy(tiny / "copy.cxy")
                report.checks["send_copy on a full disk raises"] = False
            except DraftError as exc:
                report.messages.append(f"{exc.code}: {exc.zh} / {exc.en}")
                report.checks["send_copy on a full disk raises the disk-full message"] = "磁盘空间不足" in exc.zh
            report.checks["nothing left behind"] = {p.name for p in tiny.iterdir()} == names_before
            filler.unlink()
            with Draft.open(tiny / "live.cxy", readonly=True) as again:  # the writer is still open
                report.checks["reopens with earlier edits"] = again.data() == before_data
            con = sqlite3.connect(f"{(tiny / 'live.cxy').as_uri()}?mode=ro", uri=True)
            try:
                report.checks["integrity_check ok"] = con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            finally:
                con.close()
            draft.set("project.summary", "有空间以后再保存")
            report.checks["saves again once there is space"] = draft.get("project.summary") == "有空间以后再保存"
        finally:
            draft.close()
        return report
