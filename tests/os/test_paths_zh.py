"""A user's folders have Chinese names and spaces (桌面\\申报 材料, OneDrive - 公司): drafts are
locked, opened and written there, and the command line takes such paths, on every OS. On
Windows this is where ``msvcrt.locking`` and the console's code page meet Chinese paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forms.draft import Draft, DraftError, lock

REPO = Path(__file__).resolve().parents[2]
FOLDER = "申报 材料 2023"
HOLDER = """
import sys
from forms.draft import Draft, lock
lock.PROGRAM = "cxy-apply"
draft = Draft.open(sys.argv[1])
print("HELD", flush=True)
sys.stdin.readline()
draft.close()
print("RELEASED", flush=True)
"""


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PYTHONIOENCODING", None)  # the console's own encoding, as on a user's machine
    return env


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / FOLDER / "草稿 一号.cxy"
    path.parent.mkdir()
    Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp").close()
    return path


def test_the_lock_file_sits_beside_a_draft_in_a_chinese_folder(draft):
    with Draft.open(draft) as opened:
        assert not opened.readonly
        assert lock.lock_path(draft).is_file()
        assert lock.lock_path(draft).name == ".~lock.草稿 一号.cxy#"
        assert lock.holder(draft) is not None
    assert not lock.lock_path(draft).exists()
    assert lock.holder(draft) is None


def test_another_process_holding_a_draft_in_a_chinese_folder_is_named(draft):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(draft)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_env(),
        text=True,
        encoding="utf-8",
    )
    try:
        assert proc.stdout.readline().strip() == "HELD"
        with pytest.raises(DraftError) as caught:
            Draft.open(draft)
        assert caught.value.code == "draft.locked"
        assert caught.value.holder.pid == proc.pid
        with Draft.open(draft, readonly=True) as view:  # reading beside the writer
            assert view.readonly
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "RELEASED"
        with Draft.open(draft) as opened:  # free again once the holder closed it
            assert not opened.readonly
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def test_the_command_line_writes_and_checks_a_draft_in_a_chinese_folder(tmp_path):
    folder = tmp_path / FOLDER
    folder.mkdir()
    target = folder / "样例 草稿.cxy"

    def cxy(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "forms.cli", *args],
            check=False,
            capture_output=True,
            env=_env(),
            cwd=folder,
            timeout=120,
        )

    made = cxy("sample", "--category", "conference", "-o", str(target))
    assert made.returncode == 0, made.stderr.decode("utf-8", "replace")
    assert target.is_file()
    checked = cxy("validate", str(target))
    assert checked.returncode == 0, checked.stderr.decode("utf-8", "replace")
    relative = cxy("validate", target.name)  # a relative name, from inside the folder
    assert relative.returncode == 0, relative.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("code", ["ENOLCK", "EOPNOTSUPP"])
def test_a_folder_that_cannot_lock_opens_the_draft_read_only_saying_why(draft, monkeypatch, code):
    """An NFS mount without its lock service, some network shares: flock/locking fails with
    "no locks". One writer cannot be ensured there, so the app opens the draft read-only."""
    import errno

    def no_locks(fd: int) -> bool:
        raise OSError(getattr(errno, code), os.strerror(getattr(errno, code)))

    monkeypatch.setattr(lock, "_try_lock", no_locks)
    with pytest.raises(DraftError) as caught:
        Draft.open(draft)
    assert caught.value.code == "draft.readonly_media"  # desktop/opening.py then opens it read-only
    assert "文件锁" in caught.value.zh and "cannot lock files" in caught.value.en
    assert not lock.lock_path(draft).exists()  # nothing left behind
    with Draft.open(draft, readonly=True) as view:
        assert view.readonly
    assert lock.holder(draft) is None
