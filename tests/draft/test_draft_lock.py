"""One writer per draft (issue 9, item 2): a second writer — in this process or another — is
refused with a message naming the holder; read-only views need no lock and never write; a
crashed holder leaves nothing that blocks the next start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from draft_helpers import listing, make_draft

from forms.draft import Draft, DraftError, in_place, lock
from forms.pack import DEFAULT_PACK

REPO = Path(__file__).resolve().parents[2]

HOLDER = """
import sys
from forms.draft import Draft, lock
lock.PROGRAM = "cxy-apply"
draft = Draft.open(sys.argv[1])
print("HELD", flush=True)
sys.stdin.readline()  # hold the draft until told (or killed)
draft.close()
print("RELEASED", flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.fixture
def holder_process(tmp_path):
    """Another process editing ``d.cxy``: (path, process), holding the lock once yielded."""
    path = make_draft(tmp_path / "d.cxy")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env()
    )
    try:
        assert proc.stdout.readline().strip() == "HELD"
        yield path, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        proc.stdin.close()
        proc.stdout.close()


def test_second_writer_in_another_process_is_told_who_holds_it(holder_process):
    path, proc = holder_process
    with pytest.raises(DraftError) as err:
        Draft.open(path)
    exc = err.value
    assert exc.code == "draft.locked"
    assert exc.holder.pid == proc.pid and exc.holder.program == "cxy-apply"
    assert f"进程 {proc.pid}" in exc.zh and "cxy-apply" in exc.zh and "只读" in exc.zh
    assert f"process {proc.pid}" in exc.en and "read-only" in exc.en
    assert f"{exc.holder.user}@{exc.holder.host}" in exc.zh
    assert lock.holder(path) == exc.holder


def test_a_read_only_view_opens_beside_the_writer_and_sees_its_commits(holder_process):
    path, _ = holder_process
    with Draft.open(path, readonly=True) as view:
        assert view.readonly
        assert view.data()["project"]["name"]


def test_the_lock_is_free_once_the_holder_closes(holder_process):
    path, proc = holder_process
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "RELEASED"
    assert lock.holder(path) is None
    with Draft.open(path) as draft:
        draft.set("project.name", "接手以后")


def test_a_killed_holder_leaves_no_blocking_lock(holder_process):
    path, proc = holder_process
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert lock.lock_path(path).exists()  # the stale file stays …
    assert lock.holder(path) is None  # … but nobody holds it
    with Draft.open(path) as draft:  # and it is taken over
        draft.set("project.name", "崩溃之后")
        assert json.loads(lock.lock_path(path).read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert not lock.lock_path(path).exists()


def test_second_writer_in_the_same_process_is_refused(tmp_path):
    path = make_draft(tmp_path / "d.cxy")
    with Draft.open(path) as first:
        with pytest.raises(DraftError) as err:
            Draft.open(path)
        assert err.value.code == "draft.locked" and err.value.holder.pid == os.getpid()
        first.set("project.name", "仍然可以编辑")
    with Draft.open(path) as again:
        assert again.get("project.name") == "仍然可以编辑"


def test_the_lock_file_sits_beside_the_draft_only_while_it_is_open(tmp_path):
    path = make_draft(tmp_path / "申报书.cxy")
    assert listing(tmp_path) == {"申报书.cxy"}
    draft = Draft.open(path)
    assert listing(tmp_path) == {"申报书.cxy", ".~lock.申报书.cxy#"}
    info = json.loads((tmp_path / ".~lock.申报书.cxy#").read_text(encoding="utf-8"))
    assert set(info) == {"user", "host", "pid", "program", "since"} and info["pid"] == os.getpid()
    draft.close()
    assert listing(tmp_path) == {"申报书.cxy"}


def test_read_only_open_takes_no_lock_never_writes_and_refuses_changes(tmp_path):
    path = make_draft(tmp_path / "d.cxy")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with Draft.open(path, readonly=True) as view:
        assert listing(tmp_path) == {"d.cxy"}
        assert view.data()["project"]["name"] and len(view.attachments()) == 1
        for change in (
            lambda: view.set("project.name", "x"),
            lambda: view.remove_attachment(1),
            lambda: view.set_meta("note", "x"),
            lambda: view.replace_data({"pack": "x"}),
        ):
            with pytest.raises(DraftError) as err:
                change()
            assert err.value.code in ("draft.readonly", "draft.invalid_value")
        with pytest.raises(DraftError) as err:
            view.set("project.name", "x")
        assert err.value.code == "draft.readonly" and "只读" in err.value.zh
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert listing(tmp_path) == {"d.cxy"}


def test_read_only_media_is_said_so(tmp_path, monkeypatch):
    path = make_draft(tmp_path / "d.cxy")
    monkeypatch.setattr(in_place, "writable", lambda p: False)  # tests run as root: simulate the medium
    with pytest.raises(DraftError) as err:
        Draft.open(path)
    assert err.value.code == "draft.readonly_media" and "只读" in err.value.zh
    with Draft.open(path, readonly=True) as view:
        assert view.readonly and view.data()["project"]


def test_a_folder_refusing_the_lock_file_means_read_only_media(tmp_path, monkeypatch):
    path = make_draft(tmp_path / "d.cxy")
    real_open = os.open

    def refusing(target, flags, *args, **kwargs):
        if str(target).endswith("#") and flags & os.O_CREAT:
            raise OSError(30, "Read-only file system", str(target))  # EROFS
        return real_open(target, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    with pytest.raises(DraftError) as err:
        Draft.open(path)
    assert err.value.code == "draft.readonly_media"


def test_data_version_tells_a_view_that_someone_else_saved(tmp_path):
    path = make_draft(tmp_path / "d.cxy")
    with Draft.open(path, readonly=True) as view, Draft.open(path) as writer:
        seen = view.data_version()
        assert view.data_version() == seen  # nothing happened
        writer.set("project.name", "另一个窗口改的名称")
        assert view.data_version() != seen
        assert view.get("project.name") == "另一个窗口改的名称"


def test_hostile_lock_files_neither_crash_nor_get_written_through(tmp_path):
    path = make_draft(tmp_path / "d.cxy")
    lock.lock_path(path).write_bytes(b"\xff" * 100_000)  # garbage left by anything: stale, taken over
    with Draft.open(path):
        pass
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    lock.lock_path(path).symlink_to(victim)
    with pytest.raises(DraftError):
        Draft.open(path)
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_lock_info_from_someone_else_is_made_safe_for_one_line():
    info = lock._parse(
        json.dumps(
            {
                "user": "张三\n\x1b[31m",
                "host": "PC-01",
                "pid": 1234,
                "program": "cxy-apply",
                "since": "2026-12-01T14:03",
            }
        ).encode()
    )
    assert info == lock.LockInfo("张三[31m", "PC-01", 1234, "cxy-apply", "2026-12-01T14:03")
    assert "张三[31m@PC-01（cxy-apply，进程 1234，自 2026-12-01 14:03）" in lock.locked_error(info).zh
    assert lock._parse(b"[1, 2]") == lock.LockInfo("?", "?", 0, "?", "?")


@pytest.mark.parametrize("where", ["me", "_write_info"])
def test_ctrl_c_while_taking_the_lock_leaves_no_lock_file(tmp_path, monkeypatch, where):
    """Found by CI: Ctrl+C during a real ``cxy import`` left ``.~lock.<temp>#`` behind."""
    path = make_draft(tmp_path / "d.cxy")

    def interrupted(*_args):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(lock, where, interrupted)
        with pytest.raises(KeyboardInterrupt):
            Draft.open(path)
    assert listing(tmp_path) == {"d.cxy"}
    Draft.open(path).close()  # and the next writer is not refused


def test_ctrl_c_while_connecting_releases_the_lock(tmp_path, monkeypatch):
    path = make_draft(tmp_path / "d.cxy")

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(in_place, "connect", interrupted)
        with pytest.raises(KeyboardInterrupt):
            Draft.open(path)
    assert listing(tmp_path) == {"d.cxy"}
    Draft.open(path).close()


def test_ctrl_c_after_the_lock_but_before_the_draft_is_bound_leaves_nothing(tmp_path, monkeypatch):
    """The last window: the draft is open (lock taken) but ``create_draft`` never got it to close."""
    from forms.transfer import create_draft

    def interrupted(self, *_args, **_kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(Draft, "__init__", interrupted)
        with pytest.raises(KeyboardInterrupt):
            create_draft(tmp_path / "new.cxy", pack=DEFAULT_PACK, category="tech_vp")
    assert listing(tmp_path) == set()
    create_draft(tmp_path / "new.cxy", pack=DEFAULT_PACK, category="tech_vp")
    assert listing(tmp_path) == {"new.cxy"}
