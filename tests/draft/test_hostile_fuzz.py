"""A bounded, seeded share of ``tests/fuzz_drafts.py`` in this process: hostile drafts (and JSON)
made from real ``cxy sample``/``handoff``/``migrate`` drafts give the readers a refusal or a result,
never another exception, and leave the received file byte-identical with nothing beside it.

The tool runs every case against every command in a subprocess with a timeout; raise the share
here with ``CXY_HOSTILE_FUZZ`` (inputs) and pick another seed with ``CXY_HOSTILE_FUZZ_SEED``."""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from fuzz_drafts import all_mutants, changed, judge, make_bases, snapshot

from forms.cli import main
from forms.draft import Draft, DraftError

CASES = int(os.environ.get("CXY_HOSTILE_FUZZ", "300"))
SEED = int(os.environ.get("CXY_HOSTILE_FUZZ_SEED", "20231202"))
# Cheap to make, and each one reaches a different reader; the heavy ones run in the tool.
HEAVY = ("attachment:bomb", "json:million", "json:deep", "fields:many", "rows:history_many", "attachment:many")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, Path]:
    return make_bases(tmp_path_factory.mktemp("bases"))


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def read_all(src: Path, out: Path) -> None:
    """Each reader of the draft API: a refusal is a DraftError, anything else is a bug."""
    with contextlib.suppress(DraftError), Draft.open(src, readonly=True) as draft:
        draft.data()
        for att in draft.attachments():
            if not att.damaged:
                draft.attachment_pdf(att.id)
    with contextlib.suppress(DraftError), Draft.import_foreign(src, out / "imported.cxy") as draft:
        draft.data()
        draft.attachments()


def commands(src: Path, out: Path, bases: dict[str, Path], json_input: bool) -> list[list[str]]:
    if json_input:
        return [["import", str(src), "-o", str(out / "i.cxy")], ["validate", str(src)]]
    ours = out / "ours.cxy"
    shutil.copyfile(bases["sample"], ours)
    return [
        ["validate", str(src)],
        ["--lang", "en", "export", str(src), "-o", str(out / "x.json")],
        ["diff", str(bases["sample"]), str(src)],
        ["merge", str(ours), str(src)],
    ]


def test_hostile_inputs_are_refused_in_one_line_and_left_as_they_were(bases, tmp_path):
    mutants = [m for m in all_mutants(bases, SEED) if not m.name.startswith(HEAVY)]
    chosen = random.Random(SEED).sample(mutants, min(CASES, len(mutants)))
    failures = []
    for n, mutant in enumerate(chosen):
        case_in, out = tmp_path / f"in{n}", tmp_path / f"out{n}"
        case_in.mkdir()
        out.mkdir()
        try:
            src = mutant.make(case_in)
        except sqlite3.IntegrityError:  # the schema itself refuses that value
            continue
        before = snapshot(case_in)
        if not mutant.json:
            try:
                read_all(src, out)
            except Exception as exc:  # exactly what this test is about
                failures.append(f"{mutant.name}: the draft API raised {type(exc).__name__}: {exc}")
        for argv in commands(src, out, bases, mutant.json):
            code, stdout, stderr = cli(*argv)
            verdict = judge(code, stdout, stderr, "en" if "en" in argv else "zh")
            if verdict:
                failures.append(f"{mutant.name}: cxy {argv[0] if argv[0] != '--lang' else argv[2]}: {verdict}")
        differ = changed(before, snapshot(case_in))
        if differ:
            failures.append(f"{mutant.name}: the received file or its folder changed: {differ}")
        shutil.rmtree(case_in, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    assert not failures, f"seed {SEED}:\n" + "\n".join(failures)
