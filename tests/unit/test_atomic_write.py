"""The one atomic writer (issue 14 item 3, forms.atomic): a write either replaces the file whole or
leaves the old one exactly as it was, never a temporary file beside it; a failure is one
UserError naming the file in both languages; what must not be overwritten is refused."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import forms.atomic
from forms.atomic import atomic_path, write_bytes, write_from, write_text, writing
from forms.errors import UserError
from forms.text import Text

ROOT = Path(__file__).resolve().parents[2]
REPORT = Text("报告", "the report")


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"the old report")
    return path


def test_a_write_replaces_the_file_whole_and_leaves_nothing_beside_it(old):
    write_bytes(old, b"the new report", REPORT)
    assert old.read_bytes() == b"the new report"
    assert listing(old.parent) == ["report.pdf"]


def test_text_is_written_as_given_in_its_encoding(tmp_path):
    write_text(tmp_path / "a.csv", "项目,金额\r\n", encoding="utf-8-sig")
    assert (tmp_path / "a.csv").read_bytes() == "项目,金额\r\n".encode("utf-8-sig")


class DiskFull(Exception):
    pass


def test_a_full_disk_mid_write_keeps_the_old_file_and_says_so(old):
    with pytest.raises(UserError) as caught, writing(old, REPORT) as handle:
        handle.write(b"the first half of the new")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.code == "draft.io" and "磁盘空间不足" in caught.value.zh and "disk is full" in caught.value.en
    assert old.read_bytes() == b"the old report"
    assert listing(old.parent) == ["report.pdf"]


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, DiskFull])
def test_an_interrupted_write_keeps_the_old_file_and_no_temporary_file(old, interruption):
    with pytest.raises(interruption), writing(old, REPORT) as handle:
        handle.write(b"half")
        raise interruption()
    assert old.read_bytes() == b"the old report"
    assert listing(old.parent) == ["report.pdf"]


def test_a_failed_fsync_discards_the_new_file_rather_than_publishing_it(old, monkeypatch):
    def failing(path: Path) -> None:
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(forms.atomic, "fsync_file", failing)
    with pytest.raises(UserError) as caught:
        write_bytes(old, b"the new report", REPORT)
    assert "报告" in caught.value.zh and "the report" in caught.value.en
    assert old.read_bytes() == b"the old report"
    assert listing(old.parent) == ["report.pdf"]


def test_a_failed_rename_keeps_the_old_file_and_no_temporary_file(old, monkeypatch):
    def denied(src: object, dest: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(dest))

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(UserError) as caught:
        write_bytes(old, b"the new report", REPORT)
    assert caught.value.code == "draft.io"
    assert old.read_bytes() == b"the old report"
    assert listing(old.parent) == ["report.pdf"]


def test_a_writer_that_wants_a_path_gets_one_beside_the_file_and_it_takes_its_place(old):
    with atomic_path(old, REPORT) as tmp:
        assert tmp.parent == old.parent and not tmp.exists()
        tmp.write_bytes(b"saved by a library")  # as pdf.save(tmp) or Draft.create(tmp) would
        Path(f"{tmp}-journal").write_bytes(b"sqlite journal")
    assert old.read_bytes() == b"saved by a library"
    assert listing(old.parent) == ["report.pdf"]


def test_a_writer_that_fails_after_creating_its_file_leaves_nothing(old):
    with pytest.raises(DiskFull), atomic_path(old, REPORT) as tmp:
        tmp.write_bytes(b"half a pdf")
        Path(f"{tmp}-journal").write_bytes(b"sqlite journal")
        raise DiskFull()
    assert old.read_bytes() == b"the old report"
    assert listing(old.parent) == ["report.pdf"]


def test_an_input_is_never_overwritten_by_any_name(tmp_path):
    source = tmp_path / "申报.cxy"
    source.write_bytes(b"the draft")
    os.link(source, tmp_path / "another name.cxy")
    for dest in (source, tmp_path / "another name.cxy"):
        with pytest.raises(UserError) as caught:
            write_bytes(dest, b"an output", inputs=[source])
        assert caught.value.code == "output.is_input"
    assert source.read_bytes() == b"the draft"
    assert listing(tmp_path) == ["another name.cxy", "申报.cxy"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_a_symlink_or_folder_is_refused_not_replaced(tmp_path, old):
    (tmp_path / "link.pdf").symlink_to(old)
    (tmp_path / "folder.pdf").mkdir()
    for name, code in (("link.pdf", "output.symlink"), ("folder.pdf", "output.directory")):
        with pytest.raises(UserError) as caught:
            write_from(tmp_path / name, old)
        assert caught.value.code == code
    assert old.read_bytes() == b"the old report"
    assert listing(tmp_path) == ["folder.pdf", "link.pdf", "report.pdf"]


def test_an_exclusive_write_never_replaces_a_file(old, tmp_path):
    with pytest.raises(UserError) as caught:
        write_bytes(old, b"new", REPORT, exclusive=True)
    assert caught.value.code == "draft.io" and "不会覆盖" in caught.value.zh
    assert old.read_bytes() == b"the old report"
    write_bytes(tmp_path / "new.key", b"k" * 32, exclusive=True)
    assert (tmp_path / "new.key").read_bytes() == b"k" * 32
    assert listing(tmp_path) == ["new.key", "report.pdf"]


def test_the_writer_loads_without_the_draft_package():
    """Every command that writes an output imports it: it must not pull in the draft (SQLite)."""
    code = "import sys, forms.atomic; print(any(m.startswith('forms.draft') for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
