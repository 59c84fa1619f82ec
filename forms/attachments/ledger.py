"""The ledger of PDFs this installation's intake produced: one SHA-256 per line in the user's
data folder.

A received draft states a digest for each attachment, but whoever made the file computed it, so a
matching digest proves nothing about where the bytes came from. Only bytes our own worker wrote
(on this machine) may skip the worker; everything else is sanitised again before use. The ledger
is a cache of that trust: losing it, or failing to write it, only costs a re-check.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from hashlib import sha256
from pathlib import Path

from forms.atomic import write_bytes
from forms.errors import UserError
from forms.paths import user_data_dir
from forms.text import Text

log = logging.getLogger(__name__)

FILE_NAME = "sanitised-attachments.sha256"
MAX_ENTRIES = 100_000  # ~6.5 MB; older entries are dropped when it grows past this
_LINE = re.compile(rb"^[0-9a-f]{64}$")
_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], set[str]]] = {}  # path -> ((mtime_ns, size), digests)


def path() -> Path:
    return user_data_dir() / FILE_NAME


def digest(pdf: bytes) -> str:
    return sha256(pdf).hexdigest()


def known(pdf: bytes) -> bool:
    """True when these exact bytes came out of this installation's worker."""
    return known_digest(digest(pdf))


def known_digest(sha256_hex: str) -> bool:
    """:func:`known` for a file whose SHA-256 the caller computed over its bytes itself."""
    return sha256_hex.lower() in _entries(path())


def record(pdf: bytes) -> None:
    """Remember that our worker produced ``pdf``. Never fails: an unwritable data folder only
    means the file is checked again next time."""
    file = path()
    line = (digest(pdf) + "\n").encode("ascii")
    with _lock:
        if digest(pdf) in _entries(file):
            return
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            # One short O_APPEND write per entry: concurrent writers never interleave a line.
            fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
            if file.stat().st_size > MAX_ENTRIES * 65:
                _trim(file)
        except OSError as exc:
            log.info("attachment ledger not written (%s): %s", file, exc.strerror or exc)
        except UserError as exc:  # the trimmed copy could not replace it: the long one stays
            log.info("attachment ledger not trimmed (%s): %s", file, exc.en)


def _entries(file: Path) -> set[str]:
    key = str(file)
    try:
        stat = file.stat()
    except OSError:
        return set()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        with file.open("rb") as handle:
            data = handle.read((MAX_ENTRIES + 1000) * 65)
    except OSError:
        return set()
    entries = {line.decode("ascii") for line in data.splitlines() if _LINE.match(line)}
    _cache[key] = (stamp, entries)
    return entries


def _trim(file: Path) -> None:
    with file.open("rb") as handle:
        lines = [line for line in handle.read().splitlines() if _LINE.match(line)]
    keep = b"".join(line + b"\n" for line in lines[-(MAX_ENTRIES // 2) :])
    write_bytes(file, keep, Text("附件记录", "the attachment ledger"))
