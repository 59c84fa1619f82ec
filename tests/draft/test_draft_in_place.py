"""Open in place (issue 9, items 1 and 3): a draft is edited where it lies, received or not, and
every read sees exactly the last committed state — after a writer was killed mid-transaction
(hot journal), with a WAL file beside it, and while another process commits."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from draft_helpers import listing, make_draft

from forms.draft import Draft, DraftError

REPO = Path(__file__).resolve().parents[2]

# Begins a transaction, changes the project name, then writes enough to push the dirty pages
# into the main file (cache spill), and dies before COMMIT: a hot journal is left behind.
KILLED_WRITER = """
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA cache_size=10")
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE fields SET value = '\\"UNCOMMITTED\\"' WHERE path = 'project.name'")
for n in range(40):
    con.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (f"filler{n}", "x" * 3000))
os._exit(9)
"""

# Another program switched the file to WAL and committed; its change lives only in -wal.
WAL_WRITER = """
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
assert con.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
con.execute("UPDATE fields SET value = '\\"IN THE WAL\\"' WHERE path = 'project.name'")
os._exit(0)  # no checkpoint: the committed change is only in the -wal file
"""


def _run(code: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", code, *args], env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60, check=False
    )


def _raw_name(path: Path, tmp_path: Path) -> str:
    """What a raw copy of the main file alone says (what the old loader read)."""
    copy = tmp_path / "raw-copy.cxy"
    shutil.copyfile(path, copy)
    con = sqlite3.connect(f"{copy.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return con.execute("SELECT value FROM fields WHERE path = 'project.name'").fetchone()[0]
    finally:
        con.close()


def test_a_draft_outside_the_data_folder_is_edited_where_it_lies(tmp_path):
    documents = tmp_path / "Documents"
    documents.mkdir()
    path = make_draft(documents / "我的申报.cxy")
    inode = path.stat().st_ino
    with Draft.open(path) as draft:
        draft.set("project.name", "在原处修改")
    assert listing(documents) == {"我的申报.cxy"}  # no copy, no leftovers
    assert path.stat().st_ino == inode  # the same file, changed in place
    with Draft.open(path, readonly=True) as again:
        assert again.get("project.name") == "在原处修改"


def test_a_received_draft_opens_in_place_with_the_same_checks(tmp_path):
    mine = make_draft(tmp_path / "mine.cxy", pdfs=2)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with Draft.open(mine) as draft:
        draft.send_copy(inbox / "from-colleague.cxy")
    with Draft.open(inbox / "from-colleague.cxy") as received:
        assert len(received.attachments()) == 2 and not any(a.damaged for a in received.attachments())
        received.set("project.kpis", "同事补充的指标")
    with Draft.open(inbox / "from-colleague.cxy", readonly=True) as received:
        assert received.get("project.kpis") == "同事补充的指标"


def test_a_writer_killed_mid_transaction_is_rolled_back_not_read(tmp_path):
    path = make_draft(tmp_path / "d.cxy")
    with Draft.open(path, readonly=True) as draft:
        committed = draft.data()
    _run(KILLED_WRITER, str(path))
    assert Path(f"{path}-journal").exists()
    assert _raw_name(path, tmp_path) == '"UNCOMMITTED"'  # the main file alone would lie
    with Draft.open(path, readonly=True) as draft:
        assert draft.data() == committed
        assert "filler0" not in draft.meta()
    assert not Path(f"{path}-journal").exists()  # SQLite rolled the journal back
    with Draft.open(path) as draft:
        assert draft.data() == committed


def test_a_wal_file_is_honoured(tmp_path):
    path = make_draft(tmp_path / "d.cxy")
    _run(WAL_WRITER, str(path))
    assert Path(f"{path}-wal").stat().st_size > 0
    assert _raw_name(path, tmp_path) != '"IN THE WAL"'
    with Draft.open(path, readonly=True) as draft:
        assert draft.get("project.name") == "IN THE WAL"
    with Draft.open(path) as draft:  # opened for writing: back to one file
        assert draft.get("project.name") == "IN THE WAL"
        draft.set("project.kpis", "写回单文件")
    assert path.read_bytes()[18:20] == b"\x01\x01"  # rollback-journal mode again
    assert not Path(f"{path}-wal").exists()
    assert _raw_name(path, tmp_path) == '"IN THE WAL"'


def test_reads_during_another_process_committing_every_20_ms_are_all_right(tmp_path):
    path = make_draft(tmp_path / "d.cxy", pdfs=2)
    writer = subprocess.Popen(
        [sys.executable, "-c", COMMITTER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert writer.stdout.readline().strip() == "READY"
        right = 0
        for _ in range(25):
            with Draft.open(path, readonly=True) as view, view.snapshot():
                name = view.get("project.name")
                assert name.startswith("第") and len(view.attachments()) == 2
                right += 1
        assert right == 25
    finally:
        writer.kill()
        writer.wait(timeout=30)
        writer.stdout.close()


COMMITTER = """
import sys, time
from forms.draft import Draft
draft = Draft.open(sys.argv[1])
draft.set("project.name", "第0次")
print("READY", flush=True)
n = 0
while True:
    n += 1
    draft.set_many({"project.name": f"第{n}次", "project.summary": "改" * (n % 50 + 1) * 100})
    time.sleep(0.02)
"""


def test_hot_journal_on_read_only_media_is_refused_with_a_message(tmp_path, monkeypatch):
    path = make_draft(tmp_path / "d.cxy")
    _run(KILLED_WRITER, str(path))
    # Tests run as root, so a read-only medium is simulated by what SQLite reports there.
    from forms.draft import in_place

    monkeypatch.setattr(in_place, "_uri", lambda p, **_: f"{p.resolve().as_uri()}?mode=ro")
    with pytest.raises(DraftError) as err:
        Draft.open(path, readonly=True)
    assert err.value.code == "draft.hot_journal" and "journal" in err.value.zh
    assert Path(f"{path}-journal").exists()


def test_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "pipe.cxy")
    for target in (tmp_path / "pipe.cxy", tmp_path):
        with pytest.raises(DraftError) as err:
            Draft.open(target, readonly=True)
        assert err.value.code == "draft.not_regular"


@pytest.fixture
def read_only_medium(tmp_path):
    """A real read-only filesystem (tmpfs remounted read-only): ``(folder, make_read_only)``."""
    mount = tmp_path / "medium"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a read-only filesystem needs root")
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True, check=False
        )
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if mounted.returncode:
        pytest.skip("mount is not allowed here")
    try:
        yield mount, lambda: subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, check=False)


def test_a_draft_on_read_only_media_opens_read_only(read_only_medium):
    folder, make_read_only = read_only_medium
    path = make_draft(folder / "d.cxy")
    make_read_only()
    with pytest.raises(DraftError) as err:
        Draft.open(path)
    assert err.value.code == "draft.readonly_media" and "只读" in err.value.zh and "read-only" in err.value.en
    with Draft.open(path, readonly=True) as view:
        assert view.data()["project"]["name"] and len(view.attachments()) == 1


def test_a_hot_journal_on_read_only_media_is_refused_not_read(read_only_medium):
    folder, make_read_only = read_only_medium
    path = make_draft(folder / "d.cxy")
    _run(KILLED_WRITER, str(path))
    make_read_only()
    with pytest.raises(DraftError) as err:
        Draft.open(path, readonly=True)
    assert err.value.code == "draft.hot_journal", err.value.en
