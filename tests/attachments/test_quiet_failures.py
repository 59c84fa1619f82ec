"""Issue 9 item 11: worker start failures, library warnings and logging never print tracebacks or
source paths: the real `cxy attach` says one line on stderr, in the UI language."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def cxy(*args: str, cwd: Path, preexec=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec,
        check=False,
    )


def assert_quiet(stderr: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) <= 1, stderr
    assert "Traceback" not in stderr and ".py" not in stderr and "Warning" not in stderr, stderr


@pytest.fixture
def draft(tmp_path) -> Path:
    made = cxy("sample", "--category", "tech_vp", "-o", "d.cxy", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    return tmp_path / "d.cxy"


def _tiff_with(tag: int, count: int, value_type: int = 3) -> bytes:
    """A small valid TIFF whose IFD entry for ``tag`` claims ``count`` values (malformed)."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "TIFF", dpi=(300, 300))
    data = bytearray(buffer.getvalue())
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack(order + "I", data[4:8])[0]
    for index in range(struct.unpack(order + "H", data[ifd : ifd + 2])[0]):
        entry = ifd + 2 + 12 * index
        if struct.unpack(order + "H", data[entry : entry + 2])[0] == tag:
            data[entry + 2 : entry + 8] = struct.pack(order + "HI", value_type, count)
            return bytes(data)
    raise AssertionError(f"tag {tag} not in the TIFF")


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_NOFILE is POSIX")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_attach_with_only_10_file_handles_says_one_line(draft, tmp_path, lang):
    import resource

    picture = tmp_path / "scan.jpg"
    Image.new("RGB", (300, 200), "red").save(picture)

    def ten_files() -> None:  # as `ulimit -n 10`
        resource.setrlimit(resource.RLIMIT_NOFILE, (10, 10))

    done = cxy("--lang", lang, "attach", str(draft), "--kind", "other", str(picture), cwd=tmp_path, preexec=ten_files)
    assert done.returncode == 2
    assert_quiet(done.stderr)
    assert done.stderr.startswith("cxy: ")
    assert ("ulimit -n" in done.stderr) and (("open files" in done.stderr) == (lang == "en"))


@pytest.mark.parametrize(
    "tiff, accepted",
    [
        (_tiff_with(283, 1000, value_type=5), True),  # "Tag data larger than file. Skipping tag 283"
        (_tiff_with(259, 176), False),  # "Metadata Warning, tag 259 had too many entries", then damaged
    ],
)
def test_a_malformed_tiff_prints_no_pillow_warning(draft, tmp_path, tiff, accepted):
    source = tmp_path / "scan.tif"
    source.write_bytes(tiff)
    done = cxy("attach", str(draft), "--kind", "other", str(source), cwd=tmp_path)
    assert_quiet(done.stderr)
    assert (done.returncode == 0) == accepted
    if not accepted:
        assert done.returncode == 2 and done.stderr.startswith("cxy: ")


def test_a_worker_that_dies_leaves_no_log_on_the_console(tmp_path, monkeypatch, capfd):
    # The worker's stderr tail is logged (for a log file); without a configured handler that
    # record must not reach the console through Python's last-resort handler.
    from forms.attachments import runner
    from forms.attachments.model import IntakeLimits
    from forms.errors import UserError

    monkeypatch.setattr(
        runner,
        "worker_command",
        lambda: [sys.executable, "-c", "import sys; sys.stderr.write('Traceback (x.py)'); sys.exit(3)"],
    )
    with pytest.raises(UserError) as caught:
        runner.run_in_worker("pdf", b"%PDF-1.7", IntakeLimits(), None, None)
    assert caught.value.code == "attach.damaged"
    assert capfd.readouterr().err == ""
