"""The worker process: limits, cancel, crashes and every refusal message."""

from __future__ import annotations

import io
import random
import re
import sys

import pytest
from PIL import Image

from forms.attachments import IntakeLimits, normalise, runner
from forms.attachments.messages import MESSAGES, UNSUPPORTED_KINDS, attach_error
from forms.errors import UserError

from .attach_helpers import encode, text_pdf


def refused(data, name: str = "a.pdf", **kwargs) -> UserError:
    with pytest.raises(UserError) as info:
        normalise(data, name, **kwargs)
    return info.value


def test_progress_is_reported_per_page():
    calls = []
    normalise(text_pdf(4), "a.pdf", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_cancel_before_the_worker_starts():
    assert refused(text_pdf(1), cancel=lambda: True).code == "attach.cancelled"


def test_cancel_after_the_first_page():
    pages_seen = []
    error = refused(text_pdf(30), progress=lambda done, total: pages_seen.append(done), cancel=lambda: bool(pages_seen))
    assert error.code == "attach.cancelled" and error.zh == "已取消导入。"
    assert pages_seen == [1]


def test_the_wall_clock_limit_stops_the_worker():
    # No worker answers within a millisecond (it has to start Python first), so this is
    # deterministic without sleeping.
    error = refused(text_pdf(1), limits=IntakeLimits(timeout_s=0.001))
    assert error.code == "attach.timeout" and "0.001" in error.en


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_the_memory_cap_stops_a_greedy_decode():
    # 49 megapixels of RGBA take 196 MiB just to decode; the worker itself starts in about
    # 70 MiB of address space, so a 200 MiB cap is hit during the decode, not the imports.
    png = encode(Image.new("RGBA", (7000, 7000), (10, 20, 30, 40)), "PNG", compress_level=1)
    error = refused(png, "big.png", limits=IntakeLimits(memory_bytes=200 << 20))
    assert error.code == "attach.memory" and "200" in error.zh


def _fake_worker(monkeypatch, code: str) -> None:
    monkeypatch.setattr(runner, "worker_command", lambda: [sys.executable, "-c", code])


def test_a_crashing_worker_means_damaged(monkeypatch):
    _fake_worker(monkeypatch, "import os; os.abort()")
    assert refused(text_pdf(1)).code == "attach.damaged"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_worker_killed_by_the_oom_killer_means_memory(monkeypatch):
    _fake_worker(monkeypatch, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert refused(text_pdf(1)).code == "attach.memory"


def test_a_worker_that_cannot_start_is_explained(monkeypatch, tmp_path):
    monkeypatch.setattr(runner, "worker_command", lambda: [str(tmp_path / "missing-python")])
    assert refused(text_pdf(1)).code == "attach.worker"


def test_a_worker_speaking_garbage_means_damaged(monkeypatch):
    _fake_worker(monkeypatch, "import sys; sys.stdout.buffer.write(b'\\xff' * 64)")
    assert refused(text_pdf(1)).code == "attach.damaged"


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"", "empty.pdf", "attach.empty"),
        (random.Random(7).randbytes(4096), "noise.pdf", "attach.unknown_format"),
        (b"GIF89a" + b"\0" * 100, "anim.gif", "attach.unsupported_format"),
        (b"PK\x03\x04" + b"\0" * 22 + b"\x13\x00\x00\x00[Content_Types].xml", "cv.docx", "attach.unsupported_format"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc", "attach.unsupported_format"),
        (b"<html><script>alert(1)</script></html>", "page.pdf", "attach.unsupported_format"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9", "stub.jpg", "attach.damaged"),
    ],
)
def test_files_we_cannot_take_are_refused_with_a_reason(data, name, code):
    assert refused(data, name).code == code


def test_an_unsupported_file_is_named_for_what_it_is():
    error = refused(b"GIF89a" + b"\0" * 100, "anim.gif")
    assert "GIF" in error.zh and "GIF" in error.en


def test_a_missing_path_is_unreadable(tmp_path):
    assert refused(tmp_path / "gone.pdf").code == "attach.unreadable"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_is_a_full_chinese_and_english_sentence(code):
    params = {
        "size_mb": "250.0",
        "limit_mb": "200",
        "pages": 501,
        "limit": 500,
        "megapixels": "400",
        "limit_mp": "100",
        "page": 3,
        "seconds": "30",
        "kind": "gif",
    }
    error = attach_error(code, **params)
    assert error.code == code
    for text in (error.zh, error.en):
        assert "{" not in text and text.strip()
    assert re.search(r"[\u4e00-\u9fff]", error.zh) and error.zh.endswith("。")
    assert error.en.endswith(".")


def test_each_unsupported_kind_has_both_names():
    for kind in UNSUPPORTED_KINDS:
        error = attach_error("attach.unsupported_format", kind=kind)
        assert UNSUPPORTED_KINDS[kind].zh in error.zh and UNSUPPORTED_KINDS[kind].en in error.en


def test_an_unknown_worker_code_falls_back_to_damaged():
    assert attach_error("attach.no_such_code").code == "attach.damaged"


def test_the_worker_runs_isolated_from_the_current_directory(tmp_path, monkeypatch):
    # A module planted next to the user's file must not be imported by the parser process.
    (tmp_path / "pikepdf.py").write_text("raise SystemExit('planted module imported')\n")
    monkeypatch.chdir(tmp_path)
    assert normalise(text_pdf(1), "a.pdf").pages == 1


def test_pdf_output_opens_cleanly_in_qpdf(tmp_path):
    import shutil
    import subprocess

    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed; tools/setup.sh installs it")
    out = tmp_path / "out.pdf"
    out.write_bytes(normalise(text_pdf(2), "a.pdf").pdf)
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_notes_are_short_codes():
    result = normalise(encode(Image.new("RGBA", (10, 10)), "PNG"), "x.jpg")
    assert result.notes and all(re.fullmatch(r"[a-z0-9-]+", note) for note in result.notes)
    assert isinstance(io.BytesIO(result.pdf).read(5), bytes)


def test_a_job_that_cannot_be_sent_stops_the_worker_at_once(monkeypatch):
    """Found by the fault-injection harness: when writing the job into the worker's pipe failed,
    the worker waited for the rest of it and the caller for the worker, until the time limit.
    Now the worker is stopped and the caller told at once (not attach.timeout)."""

    def broken_pipe(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(runner, "write_frame", broken_pipe)
    with pytest.raises(UserError) as refused:
        runner.run_in_worker("pdf", b"%PDF-1.4\n", IntakeLimits(timeout_s=60.0), None, None)
    assert refused.value.code == "attach.worker"
