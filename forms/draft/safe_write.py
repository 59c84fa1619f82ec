"""Writing whole files so that a crash, a full disk or a busy antivirus never leaves a half file.

Recipe (research/reliability.md §1.3): temporary file in the destination's folder → write →
fsync → close → rename over the destination → fsync the folder. After a failed fsync the
temporary file is discarded, never renamed (fsync errors are not retryable).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Windows: ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION — Defender, the
# search indexer and OneDrive hold freshly written files open for a moment.
WINDOWS_TRANSIENT = frozenset({5, 32, 33})
REPLACE_RETRY_SECONDS = 2.5

TEMP_SUFFIX = ".cxytmp"


def temp_path(dest: Path) -> Path:
    """A unique hidden name beside ``dest``: same folder, hence same filesystem for the rename."""
    return dest.with_name(f".{dest.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        if sys.platform == "darwin":
            import fcntl

            # macOS fsync() does not flush the drive's cache; F_FULLFSYNC does.
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
        else:
            os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some filesystems (e.g. certain FUSE or network mounts) cannot sync a directory.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _retry_windows(
    action: Callable[[], None],
    *,
    budget: float = REPLACE_RETRY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    start = clock()
    delay = 0.05
    while True:
        try:
            action()
            return
        except OSError as exc:
            if getattr(exc, "winerror", None) not in WINDOWS_TRANSIENT or clock() - start + delay > budget:
                raise
        sleep(delay)
        delay = min(delay * 2, 0.8)


def replace_with_retry(src: Path, dest: Path, **retry: Any) -> None:  # retry: _retry_windows's
    """``os.replace`` that rides out the brief locks Windows scanners take on new files."""
    _retry_windows(lambda: os.replace(src, dest), **retry)


def publish_new(src: Path, dest: Path, **retry: Any) -> None:
    """Move ``src`` to ``dest`` atomically, refusing (FileExistsError) if ``dest`` exists."""
    if os.name == "nt":
        # Windows rename (MoveFileEx without REPLACE_EXISTING) refuses an existing target.
        _retry_windows(lambda: os.rename(src, dest), **retry)
        return
    try:
        os.link(src, dest)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        # Filesystems without hard links (FAT, some FUSE mounts): check, then rename.
        if dest.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dest)) from None
        os.replace(src, dest)
        return
    os.unlink(src)


def publish_new_durably(src: Path, dest: Path) -> None:
    """``publish_new`` + directory fsync; if the rename cannot be made durable, undo it, so that
    a failed create/import leaves nothing behind rather than a file the caller was told failed."""
    publish_new(src, dest)
    try:
        fsync_dir(dest.parent)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(dest)
        raise


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
