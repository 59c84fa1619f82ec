"""Writing a whole output file (JSON export, package PDF, print set) safely: a temporary file
beside the target, fsync, atomic replace, directory fsync. On failure the previous file is
untouched, the temporary file is gone, and the user reads why, in their language.

The destination itself is checked first: a symlink, a folder, a device or any other
non-regular file is refused rather than replaced, so every writer (CLI and desktop) is covered
whether or not its caller ran :func:`forms.outputs.check_output`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .draft.errors import from_os_error
from .draft.safe_write import fsync_dir, remove_quietly, replace_with_retry, temp_path
from .outputs import check_output

CHUNK = 1 << 20


def write_atomically(dest: Path, data: bytes, what_zh: str = "文件", what_en: str = "the file") -> None:
    """Replace ``dest`` with ``data`` all at once (or leave it as it was)."""
    _publish(Path(dest), lambda handle: handle.write(data), what_zh, what_en)


def write_atomically_from(
    dest: Path, source: Path | str | BinaryIO, what_zh: str = "文件", what_en: str = "the file"
) -> None:
    """Like :func:`write_atomically`, copying from a file path or a binary file object in chunks,
    so a large output never has to be in memory twice."""
    dest = Path(dest)
    if isinstance(source, (str, os.PathLike)):

        def copy(handle: BinaryIO) -> None:
            with open(source, "rb") as fin:
                shutil.copyfileobj(fin, handle, CHUNK)
    else:

        def copy(handle: BinaryIO) -> None:
            shutil.copyfileobj(source, handle, CHUNK)

    _publish(dest, copy, what_zh, what_en)


def _publish(dest: Path, fill: Callable[[BinaryIO], object], what_zh: str, what_en: str) -> None:
    check_output(dest, ())
    tmp = temp_path(dest)
    try:
        # "x": O_CREAT|O_EXCL never follows a symlink planted at the temporary name
        with open(tmp, "xb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        check_output(dest, ())  # the rename replaces whatever is there now: look once more
        replace_with_retry(tmp, dest)
    except OSError as exc:
        remove_quietly(tmp)
        raise from_os_error(exc, what_zh, what_en) from None
    except BaseException:
        remove_quietly(tmp)
        raise
    try:
        fsync_dir(dest.parent)
    except OSError as exc:
        raise from_os_error(exc, what_zh, what_en) from None
