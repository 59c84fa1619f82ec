"""Writing a whole file so that a crash, a full disk or a busy antivirus never leaves half a file:
the one writer every output, export, record and draft copy goes through.

Recipe (research/reliability.md §1.3): a temporary file in the destination's folder (same
filesystem, so the rename is atomic) → write → fsync → rename over the destination, riding out
the brief locks Windows scanners take → fsync the folder. After a failed fsync the temporary
file is discarded, never renamed (fsync errors are not retryable). On any failure the previous
file is untouched, no temporary file is left behind, and the user reads why, in their language.

The destination is checked first and again just before the rename (:func:`forms.outputs.check_output`):
a symlink, a folder, a device or pipe, or one of the command's ``inputs`` is refused rather than
replaced. Folders shared with the user (only files we wrote are replaced) are
:mod:`forms.owned_outputs`, which writes each file through here.

Three shapes of one writer: :func:`write_bytes` / :func:`write_text` for data in memory,
:func:`write_from` to stream from a file, and :func:`writing` / :func:`atomic_path` for writers
that want a handle or a path of their own (pikepdf, reportlab, openpyxl, SQLite).

A leaf on the start-up path: the standard library only, the rest imported when needed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .text import Text

if TYPE_CHECKING:
    from .errors import UserError

# Windows: ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION — Defender, the
# search indexer and OneDrive hold freshly written files open for a moment.
WINDOWS_TRANSIENT = frozenset({5, 32, 33})
REPLACE_RETRY_SECONDS = 2.5

TEMP_SUFFIX = ".cxytmp"
CHUNK = 1 << 20
FILE = Text("文件", "the file")


# --- the steps -----------------------------------------------------------------------------------


def temp_path(dest: Path) -> Path:
    """A unique hidden name beside ``dest``: same folder, hence same filesystem for the rename."""
    return dest.with_name(f".{dest.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        _fsync(fd)
    finally:
        os.close(fd)


def _fsync(fd: int) -> None:
    if sys.platform == "darwin":
        import fcntl

        # macOS fsync() does not flush the drive's cache; F_FULLFSYNC does.
        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
    else:
        os.fsync(fd)


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


def replace_with_retry(src: Path, dest: Path, **retry: Any) -> None:
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


# --- the writer ----------------------------------------------------------------------------------


def write_bytes(
    dest: Path, data: bytes, what: Text = FILE, *, inputs: Sequence[Path] = (), exclusive: bool = False
) -> None:
    """Replace ``dest`` with ``data`` all at once, or leave it as it was.

    ``what`` names the file in a failure's message; ``inputs``: files ``dest`` must not be;
    ``exclusive``: never replace an existing file (``draft.io`` "already exists" instead)."""
    with writing(dest, what, inputs=inputs, exclusive=exclusive) as handle:
        handle.write(data)


def write_text(
    dest: Path, text: str, what: Text = FILE, *, inputs: Sequence[Path] = (), encoding: str = "utf-8"
) -> None:
    """:func:`write_bytes` of ``text`` in ``encoding`` (line ends as given, on every platform)."""
    write_bytes(dest, text.encode(encoding), what, inputs=inputs)


def write_from(dest: Path, source: Path | str | BinaryIO, what: Text = FILE, *, inputs: Sequence[Path] = ()) -> None:
    """Like :func:`write_bytes`, copying from a file path or a binary file object in chunks, so a
    large output never has to be in memory twice."""
    with writing(dest, what, inputs=inputs) as handle:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as fin:
                shutil.copyfileobj(fin, handle, CHUNK)
        else:
            shutil.copyfileobj(source, handle, CHUNK)


@contextlib.contextmanager
def writing(
    dest: Path, what: Text = FILE, *, inputs: Sequence[Path] = (), exclusive: bool = False
) -> Iterator[BinaryIO]:
    """A binary handle whose content becomes ``dest`` when the block ends normally; an exception
    in the block (or while publishing) leaves ``dest`` as it was and no temporary file."""
    # "x": O_CREAT|O_EXCL never follows a symlink planted at the temporary name
    with atomic_path(dest, what, inputs=inputs, exclusive=exclusive) as tmp, open(tmp, "xb") as handle:
        yield handle


@contextlib.contextmanager
def atomic_path(
    dest: Path, what: Text = FILE, *, inputs: Sequence[Path] = (), exclusive: bool = False
) -> Iterator[Path]:
    """A fresh temporary path beside ``dest`` for a writer that creates the file itself
    (``pdf.save(path)``, ``Draft.create(path)``); when the block ends normally the file there is
    synced and takes ``dest``'s place. The temporary file (and a SQLite journal beside it) is
    removed whatever happens."""
    from .outputs import check_output

    dest = Path(dest)
    check_output(dest, inputs)
    tmp = temp_path(dest)
    try:
        yield tmp
        fsync_file(tmp)
        check_output(dest, inputs)  # the rename replaces whatever is there now: look once more
        if exclusive:
            publish_new(tmp, dest)
        else:
            replace_with_retry(tmp, dest)
        fsync_dir(dest.parent)
    except OSError as exc:
        if exc.filename is not None and str(exc.filename).startswith(str(tmp)):
            exc.filename = str(dest)  # the user named dest; our hidden temporary name means nothing to them
        raise _failed(exc, what) from None
    finally:
        remove_quietly(tmp, Path(f"{tmp}-journal"))


def _failed(exc: OSError, what: Text) -> UserError:
    from .draft.errors import from_os_error

    return from_os_error(exc, what)
