"""Found by tests/fuzz_drafts.py: a received draft whose attachment rows hold values of the wrong
type opens (the attachment marked damaged) and every command reading it answers in one line of
the chosen language, never an internal error."""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from forms.cli import main
from forms.draft import Draft, DraftError


def cxy(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


def with_row_value(src: Path, dest: Path, column: str, value: object) -> Path:
    shutil.copyfile(src, dest)
    con = sqlite3.connect(dest, isolation_level=None)
    con.execute(f"UPDATE attachments SET {column} = ? WHERE id = 1", (value,))
    con.close()
    return dest


@pytest.mark.parametrize("value", [b"\x00binary", None], ids=["blob", "null"])
def test_a_digest_of_another_type_is_a_damaged_attachment_that_diff_can_list(valid_draft_file, tmp_path, value):
    received = with_row_value(valid_draft_file, tmp_path / "received.cxy", "sha256", value)
    before = received.read_bytes()
    with Draft.open(received, readonly=True) as draft:
        first, second = draft.attachments()
    assert first.damaged and first.sha256 == ""
    assert not second.damaged
    code, err = cxy("--lang", "en", "diff", str(valid_draft_file), str(received))
    assert code in (0, 1), err
    assert "internal error" not in err
    assert received.read_bytes() == before


def test_a_label_of_another_type_is_named_in_english(valid_draft_file, tmp_path):
    received = with_row_value(valid_draft_file, tmp_path / "received.cxy", "title", b"\xff")
    with pytest.raises(DraftError) as err:
        Draft.open(received, readonly=True)
    assert "title" in err.value.en and not any("\u4e00" <= c <= "\u9fff" for c in err.value.en)
    code, line = cxy("--lang", "en", "export", str(received), "-o", str(tmp_path / "x.json"))
    assert code == 2
    assert len(line.strip().splitlines()) == 1 and not any("\u4e00" <= c <= "\u9fff" for c in line)
