"""The attachment worker's memory cap on each OS (forms/attachments/process_limits.py): Linux
caps the address space, Windows puts the worker in a Job Object, macOS watches its resident
size. Whatever the OS, a greedy file ends as ``attach.memory``, never as a stuck machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from forms.attachments import process_limits, runner
from forms.attachments.model import IntakeLimits
from forms.attachments.runner import run_in_worker
from forms.errors import UserError

MiB = 1 << 20
# Touches 300 MiB (bytes of b"x" are written, so they are resident), tells the parent, then
# blocks on stdin until the parent decides.
GREEDY = (
    "import sys\n"
    "try:\n"
    "    hog = b'x' * (300 << 20)\n"
    "except MemoryError:\n"
    "    sys.exit(7)\n"
    "print('allocated', flush=True)\n"
    "sys.stdin.readline()\n"
)

# The same hog as a worker that never answers: only a memory watch (or the wall clock) ends it.
HOG_FOREVER = "import threading\nhog = b'x' * (300 << 20)\nthreading.Event().wait()\n"
REPO = Path(__file__).resolve().parents[2]


def _greedy_png() -> bytes:
    import io

    # 64 megapixels of RGBA: 256 MiB to decode, past a 200 MiB cap on every OS
    buffer = io.BytesIO()
    Image.new("RGBA", (8000, 8000), (10, 20, 30, 40)).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _refused(data: bytes, fmt: str, limits: IntakeLimits) -> UserError:
    with pytest.raises(UserError) as caught:
        run_in_worker(fmt, data, limits, None, None)
    return caught.value


@pytest.mark.skipif(sys.platform == "win32", reason="Windows caps commit charge with a Job Object, not by watching")
def test_watching_the_resident_size_stops_a_greedy_worker(monkeypatch):
    """The macOS way, forced on here so that it is tested on Linux as well."""
    monkeypatch.setattr(runner, "watches_resident_size", lambda: True)
    monkeypatch.setattr(runner, "worker_command", lambda: [sys.executable, "-c", HOG_FOREVER])
    error = _refused(b"%PDF-1.7", "pdf", IntakeLimits(memory_bytes=200 * MiB, timeout_s=120))
    assert error.code == "attach.memory" and "200" in error.zh


@pytest.mark.skipif(sys.platform == "win32", reason="no resident size is read on Windows")
def test_the_resident_size_of_a_process_is_read():
    child = subprocess.Popen([sys.executable, "-c", GREEDY], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"allocated"
        resident = process_limits.resident_bytes(child.pid)
        assert resident is not None and resident > 300 * MiB
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert process_limits.resident_bytes(child.pid) is None  # ended: nothing to read


@pytest.mark.windows
def test_windows_job_object_caps_the_worker_memory():
    job = process_limits.WorkerJob.create(200 * MiB)
    assert job is not None
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.readline()\n" + GREEDY], stdin=subprocess.PIPE
    )
    try:
        assert job.assign(child.pid)
        child.communicate(b"go\n", timeout=60)
        assert child.returncode == 7  # the 300 MiB allocation failed inside the child
    finally:
        if child.poll() is None:
            child.kill()
        job.close()


@pytest.mark.windows
def test_windows_closing_the_job_kills_the_worker():
    """KILL_ON_JOB_CLOSE: a worker never outlives the program that started it."""
    job = process_limits.WorkerJob.create(1024 * MiB)
    assert job is not None
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.readline()"], stdin=subprocess.PIPE)
    try:
        assert job.assign(child.pid)
        assert child.poll() is None
        job.close()
        child.wait(timeout=30)  # it never got its line: only the job can have ended it
    finally:
        if child.poll() is None:
            child.kill()
        child.stdin.close()


@pytest.mark.windows
def test_windows_a_greedy_decode_is_refused_for_memory():
    error = _refused(_greedy_png(), "png", IntakeLimits(memory_bytes=200 * MiB, timeout_s=120))
    assert error.code == "attach.memory" and "200" in error.zh


@pytest.mark.windows
def test_windows_a_worker_ended_by_an_unchecked_allocation_means_memory(monkeypatch):
    code = f"import os; os._exit({process_limits.STATUS_NO_MEMORY})"
    monkeypatch.setattr(runner, "worker_command", lambda: [sys.executable, "-c", code])
    assert _refused(b"%PDF-1.7", "pdf", IntakeLimits()).code == "attach.memory"


@pytest.mark.macos
def test_macos_a_greedy_decode_is_refused_for_memory():
    error = _refused(_greedy_png(), "png", IntakeLimits(memory_bytes=200 * MiB, timeout_s=120))
    assert error.code == "attach.memory" and "200" in error.zh


@pytest.mark.macos
def test_macos_the_worker_sets_the_data_limit_and_the_runner_watches():
    assert process_limits.watches_resident_size()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from forms.attachments.process_limits import cap_own_memory; print(cap_own_memory(1 << 30))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.stdout.strip() == "RLIMIT_DATA", done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_linux_caps_the_address_space_and_needs_no_watch():
    assert not process_limits.watches_resident_size()
    assert process_limits.WorkerJob.create(200 * MiB) is None
