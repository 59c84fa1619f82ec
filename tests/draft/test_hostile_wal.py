"""Found by tests/fuzz_drafts.py: a received draft another program left in WAL mode, with a commit
still in its -wal file. Reading it (cxy validate, the window's read-only open) shows that commit
and leaves both files byte-identical: SQLite folded the log into the main file and deleted it when
the reading connection closed, rewriting the input of a command that only reads."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from forms.draft import Draft


def wal_with_a_commit_in_the_log(src: Path, folder: Path) -> Path:
    draft = folder / "received.cxy"
    shutil.copyfile(src, draft)
    con = sqlite3.connect(draft, isolation_level=None)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("""UPDATE fields SET value = '"改在日志里"' WHERE path = 'project.name'""")
    # Keep the files as they are now: closing this connection would fold the log in.
    kept = folder / "kept"
    kept.mkdir()
    shutil.copyfile(draft, kept / draft.name)
    shutil.copyfile(folder / "received.cxy-wal", kept / "received.cxy-wal")
    con.close()
    for name in ("received.cxy", "received.cxy-wal"):
        (folder / name).unlink(missing_ok=True)
        (kept / name).rename(folder / name)
    kept.rmdir()
    return draft


def test_reading_a_wal_draft_shows_the_log_and_changes_neither_file(valid_draft_file, tmp_path):
    draft = wal_with_a_commit_in_the_log(valid_draft_file, tmp_path)
    log = tmp_path / "received.cxy-wal"
    before = draft.read_bytes(), log.read_bytes()
    with Draft.open(draft, readonly=True) as opened:
        assert opened.data()["project"]["name"] == "改在日志里"
    assert (draft.read_bytes(), log.read_bytes()) == before
    # SQLite's index of the log is all that may appear beside them
    assert {p.name for p in tmp_path.iterdir()} <= {"received.cxy", "received.cxy-wal", "received.cxy-shm"}


def test_a_wal_draft_is_validated_without_being_rewritten(valid_draft_file, tmp_path, capsys):
    from forms.cli import main

    draft = wal_with_a_commit_in_the_log(valid_draft_file, tmp_path)
    before = draft.read_bytes(), (tmp_path / "received.cxy-wal").read_bytes()
    assert main(["validate", str(draft)]) in (0, 1)
    assert (draft.read_bytes(), (tmp_path / "received.cxy-wal").read_bytes()) == before


def test_a_wal_draft_without_a_log_leaves_nothing_beside_it(valid_draft_file, tmp_path):
    draft = tmp_path / "received.cxy"
    shutil.copyfile(valid_draft_file, draft)
    con = sqlite3.connect(draft, isolation_level=None)
    con.execute("PRAGMA journal_mode = wal")
    con.close()  # the last connection: the log is folded in and removed
    before = draft.read_bytes()
    with Draft.open(draft, readonly=True) as opened:
        assert opened.data()["project"]
    assert draft.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["received.cxy"]
