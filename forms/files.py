"""Writing a whole output file (JSON export, package PDF, print set) safely: a temporary file
beside the target, fsync, atomic replace, directory fsync. On failure the previous file is
untouched, the temporary file is gone, and the user reads why, in their language."""

from __future__ import annotations

import os
from pathlib import Path

from .draft.errors import from_os_error
from .draft.safe_write import fsync_dir, remove_quietly, replace_with_retry, temp_path


def write_atomically(dest: Path, data: bytes, what_zh: str = "文件", what_en: str = "the file") -> None:
    dest = Path(dest)
    tmp = temp_path(dest)
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace_with_retry(tmp, dest)
    except OSError as exc:
        remove_quietly(tmp)
        raise from_os_error(exc, what_zh, what_en) from None
    try:
        fsync_dir(dest.parent)
    except OSError as exc:
        raise from_os_error(exc, what_zh, what_en) from None
