"""T4: faults while writing whole files (send-a-copy, create, import). Whatever fails, the
previous file is intact, no temporary file is left, and the user reads a clear sentence."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from draft_helpers import PACK, SAMPLE, attach, listing, make_draft, tiny_pdf

from forms.draft import Draft, DraftError, foreign, safe_write
from forms.draft import send_copy as send_copy_module
from forms.draft.errors import draft_error, from_os_error
from forms.text import Text

REPO = Path(__file__).resolve().parents[2]
SQLITE_CODE = {
    errno.ENOSPC: (13, "database or disk is full"),
    errno.EIO: (10, "disk I/O error"),
    errno.EACCES: (14, "unable to open database file"),
}
EXPECTED_WORDS = {
    errno.ENOSPC: ("磁盘空间不足", "disk is full"),
    errno.EIO: ("磁盘", "disk"),
    errno.EACCES: ("权限", "permission"),
}


@pytest.fixture
def draft(tmp_path):
    (tmp_path / "work").mkdir()
    with Draft.create(tmp_path / "work" / "d.cxy", pack=PACK, category="tech_vp") as d:
        d.replace_data(SAMPLE)
        attach(d, tiny_pdf(b"x"))
        yield d


@pytest.fixture
def outbox(tmp_path, valid_draft_file):
    """A folder that already holds an earlier copy that must survive any failure."""
    folder = tmp_path / "outbox"
    folder.mkdir()
    shutil.copyfile(valid_draft_file, folder / "sent.cxy")
    return folder


def _fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


def _sqlite_fail(code: int):
    def fail(con, target):
        Path(target).write_bytes(b"SQLite format 3\x00partial")  # a half-written snapshot
        number, text = SQLITE_CODE[code]
        exc = sqlite3.OperationalError(text)
        exc.sqlite_errorcode = number
        raise exc

    return fail


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EACCES], ids=["ENOSPC", "EIO", "EACCES"])
@pytest.mark.parametrize("point", ["vacuum", "fsync", "replace"])
def test_send_copy_fault_keeps_previous_copy(draft, outbox, monkeypatch, point, code):
    dest = outbox / "sent.cxy"
    before = dest.read_bytes()
    with monkeypatch.context() as m:
        if point == "vacuum":
            m.setattr(send_copy_module, "_vacuum_into", _sqlite_fail(code))
        elif point == "fsync":
            m.setattr(os, "fsync", _fail_with(code))
        else:
            m.setattr(os, "replace", _fail_with(code))
        with pytest.raises(DraftError) as err:
            draft.send_copy(dest)
    assert err.value.code == "draft.io"
    zh_word, en_word = EXPECTED_WORDS[code]
    assert zh_word in err.value.zh and en_word in err.value.en.lower(), (err.value.zh, err.value.en)
    assert dest.read_bytes() == before
    assert listing(outbox) == {"sent.cxy"}
    # The working draft is unaffected and the next attempt succeeds.
    draft.set("project.name", "再试一次")
    draft.send_copy(dest)
    with Draft.import_foreign(dest, outbox / "check.cxy") as copy:
        assert copy.get("project.name") == "再试一次"


def test_send_copy_verification_failure_is_io(draft, outbox, monkeypatch):
    def broken(path, limits=None):
        raise draft_error("draft.corrupt")

    monkeypatch.setattr(foreign, "verify_file", broken)
    with pytest.raises(DraftError) as err:
        draft.send_copy(outbox / "new.cxy")
    assert err.value.code == "draft.io" and "校验" in err.value.zh
    assert listing(outbox) == {"sent.cxy"}


def test_directory_fsync_failure_after_the_rename_leaves_a_whole_file(draft, outbox, monkeypatch):
    calls = []
    real = os.fsync

    def fail_second(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        return real(fd)

    monkeypatch.setattr(os, "fsync", fail_second)
    with pytest.raises(DraftError) as err:
        draft.send_copy(outbox / "sent.cxy")
    assert err.value.code == "draft.io" and "没有确认" in err.value.zh
    monkeypatch.undo()
    assert listing(outbox) == {"sent.cxy"}
    foreign.verify_file(outbox / "sent.cxy")  # old or new: either way a complete, valid draft


def test_send_copy_refuses_the_working_file_itself(draft):
    before = draft.path.read_bytes()
    with pytest.raises(DraftError) as err:
        draft.send_copy(draft.path)
    assert err.value.code == "draft.io"
    assert draft.path.read_bytes() == before


def test_send_copy_is_one_portable_file(draft, outbox):
    dest = outbox / "给企业的草稿.cxy"
    draft.send_copy(dest)
    assert listing(outbox) == {"sent.cxy", "给企业的草稿.cxy"}
    with Draft.import_foreign(dest, outbox / "roundtrip.cxy") as copy:
        assert copy.data() == draft.data()
        assert [a.sha256 for a in copy.attachments()] == [a.sha256 for a in draft.attachments()]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
def test_create_fault_leaves_nothing(tmp_path, monkeypatch, code):
    monkeypatch.setattr(os, "fsync", _fail_with(code))
    with pytest.raises(DraftError) as err:
        Draft.create(tmp_path / "new.cxy", pack=PACK, category=None)
    assert err.value.code == "draft.io"
    assert listing(tmp_path) == set()


@pytest.mark.parametrize("point", ["fsync", "link"])
def test_import_fault_leaves_nothing(valid_draft_file, tmp_path, monkeypatch, point):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(os, point, _fail_with(errno.ENOSPC if point == "fsync" else errno.EACCES))
    with pytest.raises(DraftError) as err:
        Draft.import_foreign(valid_draft_file, out / "mine.cxy")
    assert err.value.code == "draft.io"
    assert listing(out) == set()


# ------------------------------------------------------------------ a real full disk


ENOSPC_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, hashlib
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from forms.draft import Draft, DraftError
    full, work = Path(sys.argv[1]), Path(sys.argv[2])
    (full / "sent.cxy").write_bytes(b"previous copy")
    filler = full / "filler"
    with open(filler, "wb") as f:  # leave ~200 KB free on the 1 MB filesystem
        f.write(b"\\0" * (800 * 1024))
    result = {}
    with Draft.open(work / "d.cxy") as d:
        try:
            d.send_copy(full / "sent.cxy")
            result["error"] = None
        except DraftError as exc:
            result["error"] = [exc.code, exc.zh, exc.en]
        result["listing"] = sorted(os.listdir(full))
        result["previous"] = (full / "sent.cxy").read_bytes().decode()
        filler.unlink()
        d.send_copy(full / "sent.cxy")  # with space again it works
        result["after"] = (full / "sent.cxy").stat().st_size
    print(json.dumps(result))
    """
)


def test_real_enospc_on_a_tiny_filesystem(tmp_path):
    """A 1 MB tmpfs in a private mount namespace (needs unshare + mount rights; skipped otherwise)."""
    if sys.platform != "linux" or not shutil.which("unshare"):
        pytest.skip("needs Linux unshare(1) to mount a tiny private tmpfs")
    work, full = tmp_path / "work", tmp_path / "full"
    work.mkdir(), full.mkdir()
    with Draft.create(work / "d.cxy", pack=PACK, category=None) as d:
        d.replace_data(SAMPLE)
        pdf = b"%PDF-1.4\n" + os.urandom(600 * 1024)  # larger than the space left
        d.add_attachment(
            kind="contract",
            title="合同",
            original_name="c.pdf",
            source_format="pdf",
            pages=1,
            sha256=hashlib.sha256(pdf).hexdigest(),
            pdf=pdf,
        )
    script = tmp_path / "enospc.py"
    script.write_text(ENOSPC_SCRIPT)
    command = f"mount -t tmpfs -o size=1m cxy-full {full} && exec {sys.executable} {script} {full} {work} {REPO}"
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0 and ("mount" in probe.stderr or "unshare" in probe.stderr):
        pytest.skip(f"cannot mount a private tmpfs here: {probe.stderr.strip()[:200]}")
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    code, zh, en = result["error"]
    assert code == "draft.io" and "磁盘空间不足" in zh and "disk is full" in en
    assert result["previous"] == "previous copy"
    assert result["listing"] == ["filler", "sent.cxy"]
    assert result["after"] > 600 * 1024


# ------------------------------------------------------------------ Windows sharing violations


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _sharing_violation() -> OSError:
    exc = PermissionError(errno.EACCES, "The process cannot access the file")
    exc.winerror = 32
    return exc


def test_replace_rides_out_a_brief_windows_lock(tmp_path, monkeypatch):
    clock = FakeClock()
    attempts = []
    real = os.replace

    def flaky(src, dst):
        attempts.append(clock.now)
        if len(attempts) < 4:
            raise _sharing_violation()
        real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    src, dst = tmp_path / "a", tmp_path / "b"
    src.write_bytes(b"new")
    safe_write.replace_with_retry(src, dst, sleep=clock.sleep, clock=clock)
    assert dst.read_bytes() == b"new" and len(attempts) == 4
    assert clock.now < 1.0


def test_replace_gives_up_after_the_budget(tmp_path, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(os, "replace", lambda s, d: (_ for _ in ()).throw(_sharing_violation()))
    with pytest.raises(PermissionError):
        safe_write.replace_with_retry(tmp_path / "a", tmp_path / "b", sleep=clock.sleep, clock=clock)
    assert 1.5 <= clock.now <= safe_write.REPLACE_RETRY_SECONDS
    err = from_os_error(_sharing_violation(), Text("副本文件", "the copy"))
    assert err.code == "draft.io" and "占用" in err.zh


def test_other_errors_are_not_retried(tmp_path, monkeypatch):
    clock = FakeClock()
    calls = []

    def denied(src, dst):
        calls.append(1)
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError):
        safe_write.replace_with_retry(tmp_path / "a", tmp_path / "b", sleep=clock.sleep, clock=clock)
    assert calls == [1] and clock.sleeps == []


def test_publish_new_never_overwrites(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.write_bytes(b"new")
    dst.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        safe_write.publish_new(src, dst)
    assert dst.read_bytes() == b"old" and src.exists()


def test_make_draft_helper_is_valid(tmp_path):
    foreign.verify_file(make_draft(tmp_path / "x.cxy"))


@pytest.mark.parametrize("operation", ["create", "import"])
def test_undurable_rename_is_undone_for_new_files(valid_draft_file, tmp_path, monkeypatch, operation):
    out = tmp_path / "out"
    out.mkdir()
    import forms.atomic

    monkeypatch.setattr(forms.atomic, "fsync_dir", _fail_with(errno.EIO))
    with pytest.raises(DraftError) as err:
        if operation == "create":
            Draft.create(out / "new.cxy", pack=PACK, category=None)
        else:
            Draft.import_foreign(valid_draft_file, out / "new.cxy")
    assert err.value.code == "draft.io"
    assert listing(out) == set()
