"""The steps of a safe whole-file write, for the draft code that names them ``safe_write.…``:
they live in :mod:`forms.atomic`, the one writer, so that writing an output never has to load
the draft package."""

from __future__ import annotations

from forms.atomic import (
    REPLACE_RETRY_SECONDS,
    TEMP_SUFFIX,
    WINDOWS_TRANSIENT,
    fsync_dir,
    fsync_file,
    publish_new,
    publish_new_durably,
    remove_quietly,
    replace_with_retry,
    temp_path,
)

__all__ = [
    "REPLACE_RETRY_SECONDS",
    "TEMP_SUFFIX",
    "WINDOWS_TRANSIENT",
    "fsync_dir",
    "fsync_file",
    "publish_new",
    "publish_new_durably",
    "remove_quietly",
    "replace_with_retry",
    "temp_path",
]
