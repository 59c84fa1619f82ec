"""Run one file through the worker process under a wall-clock limit, with progress and cancel.

The calling thread waits on a queue fed by a reader thread; it alone calls the caller's
progress and cancel callbacks, and it kills the worker on cancel, on timeout and on any way out.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from forms.attachments.messages import attach_error
from forms.attachments.model import IntakeLimits
from forms.attachments.process_limits import STATUS_NO_MEMORY, WorkerJob, resident_bytes, watches_resident_size
from forms.attachments.protocol import read_body, read_header, write_frame
from forms.errors import UserError

log = logging.getLogger(__name__)

FROZEN_WORKER_FLAG = "--cxy-attachment-worker"
_POLL_S = 0.05  # how often cancel() is asked while the worker is busy
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def worker_command() -> list[str]:
    """How to start a worker. A frozen build has no ``python -m``: its entry point must call
    ``forms.attachments.worker.main()`` when it sees FROZEN_WORKER_FLAG as first argument."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_WORKER_FLAG]
    # -I: ignore PYTHON* variables and never import from the current directory, so a stray
    # module next to the user's file cannot be loaded into the process that parses it.
    bootstrap = (
        f"import sys; sys.path.insert(0, {_PACKAGE_ROOT!r}); "
        "from forms.attachments.worker import main; sys.exit(main())"
    )
    return [sys.executable, "-I", "-c", bootstrap]


@dataclasses.dataclass
class WorkerResult:
    pdf: bytes
    pages: int
    notes: list[str]


def run_in_worker(
    fmt: str,
    data: bytes,
    limits: IntakeLimits,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    *,
    ops: list[dict[str, Any]] | None = None,
) -> WorkerResult:
    """``ops``: page operations (forms.attachments.page_ops) applied to a PDF before its rebuild."""
    deadline = time.monotonic() + limits.timeout_s
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        stderr_log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the `with` below; opened apart for its own message
    except OSError as exc:
        raise _start_failure(exc) from None
    with stderr_log:
        try:
            proc = subprocess.Popen(
                worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr_log, creationflags=flags
            )
        except (OSError, ValueError) as exc:
            raise _start_failure(exc) from None
        # Windows: the memory cap, before the job is sent (the worker reads it before any parsing)
        job = WorkerJob.create(limits.memory_bytes)
        if job is not None and not job.assign(proc.pid):
            log.info("attachment worker runs without a memory cap: Windows refused the job object")
        messages: _Messages = queue.Queue()
        threads = [
            threading.Thread(target=_send_job, args=(proc, fmt, data, limits, messages, ops), daemon=True),
            threading.Thread(target=_read_replies, args=(proc, limits, messages), daemon=True),
        ]
        try:
            for thread in threads:
                try:
                    thread.start()
                except RuntimeError as exc:  # "can't start new thread": out of threads or memory
                    raise _start_failure(exc) from None
            return _wait(proc, messages, deadline, limits, progress, cancel, stderr_log)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            for thread in threads:
                if thread.ident is not None:
                    thread.join(timeout=5)
            if job is not None:
                job.close()


def _start_failure(exc: BaseException) -> UserError:
    # Logged for whoever configured logging (the app's log file), never printed: forms adds a
    # NullHandler, so Python's last-resort handler does not dump this on the user's console.
    log.info("attachment worker did not start: %s: %s", type(exc).__name__, exc)
    if isinstance(exc, OSError) and exc.errno in (errno.EMFILE, errno.ENFILE):
        return attach_error("attach.no_file_handles")
    return attach_error("attach.worker")


_SEND_FAILED: dict[str, Any] = {"kind": "send_failed"}
# (header, body) from the worker; (None, b"") once its answers end
_Messages = queue.Queue[tuple[dict[str, Any] | None, bytes]]


def _send_job(
    proc: subprocess.Popen[bytes],
    fmt: str,
    data: bytes,
    limits: IntakeLimits,
    messages: _Messages,
    ops: list[dict[str, Any]] | None = None,
) -> None:
    header: dict[str, Any] = {"fmt": fmt, "limits": dataclasses.asdict(limits)}
    if ops is not None:
        header["ops"] = ops
    try:
        stdin = cast(BinaryIO, proc.stdin)  # Popen(stdin=PIPE): a binary pipe
        write_frame(stdin, header, data)
        stdin.close()
    except (OSError, ValueError):
        if proc.poll() is None:
            # Our end failed (a full pipe buffer's write error, a closed handle), not the worker:
            # it would wait for the rest of the job until the time limit, so stop it now.
            messages.put((_SEND_FAILED, b""))
            proc.kill()
        # else the worker died or was killed; _wait reports why


def _read_replies(proc: subprocess.Popen[bytes], limits: IntakeLimits, messages: _Messages) -> None:
    stdout = cast(BinaryIO, proc.stdout)  # Popen(stdout=PIPE): a binary pipe
    try:
        while True:
            header = read_header(stdout)
            if header is None:
                break
            body = read_body(stdout, 4 * limits.max_bytes + (64 << 20))
            messages.put((header, body))
    except (OSError, ValueError, EOFError):
        pass
    messages.put((None, b""))


def _wait(
    proc: subprocess.Popen[bytes],
    messages: _Messages,
    deadline: float,
    limits: IntakeLimits,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    stderr_log: IO[bytes],
) -> WorkerResult:
    while True:
        if cancel is not None and cancel():
            raise attach_error("attach.cancelled")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise attach_error("attach.timeout", seconds=_seconds(limits.timeout_s))
        if _over_memory(proc.pid, limits):  # the caller's finally kills the worker
            log.info("attachment worker stopped: resident memory over %d MiB", limits.memory_bytes >> 20)
            raise attach_error("attach.memory", limit_mb=limits.memory_bytes >> 20)
        try:
            header, body = messages.get(timeout=min(_POLL_S, remaining))
        except queue.Empty:
            continue
        if header is None:
            code = proc.wait()
            log.info("attachment worker ended without an answer (exit %s): %s", code, _tail(stderr_log))
            if _killed_for_memory(code):
                raise attach_error("attach.memory", limit_mb=limits.memory_bytes >> 20)
            raise attach_error("attach.damaged")
        kind = header.get("kind")
        if kind == "send_failed":
            log.info("the job could not be sent to the attachment worker")
            raise attach_error("attach.worker")
        if kind == "progress":
            if progress is not None:
                progress(int(header["done"]), int(header["total"]))
        elif kind == "result":
            return WorkerResult(body, int(header["pages"]), list(header["notes"]))
        elif kind == "error":
            if header.get("detail"):
                log.info("attachment refused as %s: %s", header.get("code"), header["detail"])
            raise attach_error(str(header.get("code")), **dict(header.get("params") or {}))


def _over_memory(pid: int, limits: IntakeLimits) -> bool:
    """Where the worker's own limit is not enforced (macOS), its resident size is the limit."""
    if not watches_resident_size():
        return False
    resident = resident_bytes(pid)
    return resident is not None and resident > limits.memory_bytes


def _killed_for_memory(exit_code: int) -> bool:
    # The kernel OOM killer sends SIGKILL; we never do that before reading the exit code. On
    # Windows, an allocation past the job's cap that a library did not check ends the process
    # with STATUS_NO_MEMORY.
    if os.name == "nt":
        return exit_code & 0xFFFFFFFF == STATUS_NO_MEMORY
    return exit_code == -9


def _seconds(value: float) -> str:
    return f"{value:g}"


def _tail(stderr_log: IO[bytes]) -> str:
    try:
        stderr_log.seek(0, os.SEEK_END)
        stderr_log.seek(max(0, stderr_log.tell() - 2000))
        return stderr_log.read().decode("utf-8", "replace")
    except OSError:
        return ""
