"""The injection machinery of :mod:`.faults`: SQLite's ``ioerr.test`` method in Python.

Every call to ``open``, ``os.open``, ``os.write``, ``os.fsync``, ``os.replace``, ``os.rename``,
``os.link``, ``os.ftruncate``, ``shutil.copyfileobj``, a written file's ``write``/``flush`` and
the draft's ``VACUUM INTO`` is a numbered step; an :class:`Injector` counts them (dry run) or
makes step k fail with an errno — once, or from k on for every later write.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ERRNOS = {errno.ENOSPC: "ENOSPC", errno.EIO: "EIO", errno.EACCES: "EACCES"}
# SQLite reports its own I/O failures as result codes, not errno.
SQLITE_CODE = {
    errno.ENOSPC: (13, "database or disk is full"),
    errno.EIO: (10, "disk I/O error"),
    errno.EACCES: (14, "unable to open database file"),
}


class Injected(Exception):
    pass


@dataclass
class Injector:
    fail_at: int = 0  # 0: count only
    err: int = errno.EIO
    persistent: bool = False
    calls: int = 0
    fired: int = 0
    suspended: int = 0  # inside clean-up (rmtree): removing temporaries is not a save step
    steps: list[str] = field(default_factory=list)

    def _hit(self, name: str, writes: bool = True) -> bool:
        """``writes``: the call changes the disk. A persistent fault hits every later *write*
        (a full or failing disk); reads after it still work, so that clean-up can run."""
        if self.suspended:
            return False
        self.calls += 1
        self.steps.append(name)
        if self.fail_at and (self.calls == self.fail_at or (self.persistent and writes and self.calls > self.fail_at)):
            self.fired += 1
            return True
        return False

    def fail(self, target=None) -> OSError:
        return OSError(self.err, os.strerror(self.err), target)

    def wrap(self, name: str, real: Callable) -> Callable:
        def injected(*args, **kwargs):
            writes = _writes(name, args, kwargs)
            target = args[0] if args and isinstance(args[0], (str, bytes, os.PathLike)) else None
            if self._hit(name, writes):
                raise self.fail(target)
            result = real(*args, **kwargs)
            if name == "open" and writes:
                # A file object's write() is C code: wrap it so a disk that fills up halfway
                # through a file (after open() has truncated it) is a step too.
                return _FaultyFile(result, self, target)
            return result

        return injected

    def unfaulted(self, real: Callable) -> Callable:
        def quiet(*args, **kwargs):
            self.suspended += 1
            try:
                return real(*args, **kwargs)
            finally:
                self.suspended -= 1

        return quiet

    def wrap_vacuum(self, real: Callable) -> Callable:
        def injected(con, target):
            if self._hit("VACUUM INTO"):
                Path(target).write_bytes(b"SQLite format 3\x00" + b"\x00" * 2000)  # a half-written copy
                code, text = SQLITE_CODE[self.err]
                exc = sqlite3.OperationalError(text)
                exc.sqlite_errorcode = code
                exc.sqlite_errorname = text
                raise exc
            return real(con, target)

        return injected


class _FaultyFile:
    def __init__(self, raw, injector: Injector, target) -> None:
        self._raw, self._injector, self._target = raw, injector, target

    def write(self, data):
        if self._injector._hit("file.write"):
            if len(data) > 1:  # part of the data reaches the disk before it fills up
                self._raw.write(data[: len(data) // 2])
                self._raw.flush()
            raise self._injector.fail(self._target)
        return self._raw.write(data)

    def flush(self):
        if self._injector._hit("file.flush"):
            raise self._injector.fail(self._target)
        return self._raw.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._raw.close()

    def __iter__(self):
        return iter(self._raw)

    def __getattr__(self, name):
        return getattr(self._raw, name)


_OS_CALLS = ("open", "write", "fsync", "replace", "rename", "link", "ftruncate")


def _writes(name: str, args: tuple, kwargs: dict) -> bool:
    if name == "open":
        mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
        return any(c in mode for c in "wax+")
    if name == "os.open":
        flags = args[1] if len(args) > 1 else kwargs.get("flags", 0)
        return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    return True


@contextlib.contextmanager
def injecting(injector: Injector) -> Iterator[Injector]:
    import forms.draft.send_copy as send_copy_module

    saved: list[tuple[object, str, object]] = []

    def patch(owner: object, name: str, value: object) -> None:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    real_open = builtins.open
    try:
        for name in _OS_CALLS:
            patch(os, name, injector.wrap(f"os.{name}", getattr(os, name)))
        wrapped_open = injector.wrap("open", real_open)
        patch(builtins, "open", wrapped_open)
        patch(io, "open", wrapped_open)
        patch(shutil, "copyfileobj", injector.wrap("shutil.copyfileobj", shutil.copyfileobj))
        patch(shutil, "rmtree", injector.unfaulted(shutil.rmtree))
        patch(send_copy_module, "_vacuum_into", injector.wrap_vacuum(send_copy_module._vacuum_into))
        yield injector
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)
