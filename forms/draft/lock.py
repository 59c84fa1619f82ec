"""One writer per draft: a lock file beside it, held with an OS lock while a ``Draft`` is open
for writing.

The file is LibreOffice's convention (``.~lock.<name>#`` in the draft's folder), so people
recognise it; its content (JSON) names the holder for the "in use by …" message. What decides
is the OS lock on it (``flock`` on POSIX, ``msvcrt.locking`` on Windows), which dies with the
process: a crashed holder leaves at most a stale file, taken over by the next writer.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from forms.draft.errors import DraftError, from_os_error
from forms.text import Text, printable

# Set by the entry point (the CLI says "cxy"); shown to whoever finds the draft in use.
PROGRAM = "cxy-apply"
MAX_LOCK_BYTES = 4096
_WINDOWS_LOCK_OFFSET = 1 << 30  # lock a byte past the content, so others can still read it


@dataclass(frozen=True)
class LockInfo:
    user: str
    host: str
    pid: int
    program: str
    since: str  # local time, ISO 8601, minutes

    def describe(self) -> Text:
        since = self.since.replace("T", " ")
        return Text(
            f"{self.user}@{self.host}（{self.program}，进程 {self.pid}，自 {since}）",
            f"{self.user}@{self.host} ({self.program}, process {self.pid}, since {since})",
        )


def lock_path(draft: Path) -> Path:
    return draft.with_name(f".~lock.{draft.name}#")


def me() -> LockInfo:
    try:
        user = getpass.getuser()
    except Exception:  # no login name (service account, odd environment)
        user = "?"
    return LockInfo(
        user, socket.gethostname() or "?", os.getpid(), PROGRAM, datetime.now().isoformat(timespec="minutes")
    )


# Drafts this process holds, by (device, inode): an OS lock does not always conflict with
# itself inside one process (flock emulated by fcntl on some network filesystems).
_held: dict[tuple[int, int], LockInfo] = {}
_held_guard = threading.Lock()


def _key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def locked_error(info: LockInfo) -> DraftError:
    exc = DraftError(
        "draft.locked",
        f"草稿正由 {info.describe().zh}编辑，请稍后再试或以只读方式打开",
        f"The draft is being edited by {info.describe().en}; try again later or open it read-only",
    )
    exc.holder = info  # type: ignore[attr-defined]
    return exc


def readonly_media_error(path: Path) -> DraftError:
    return DraftError(
        "draft.readonly_media",
        f"草稿所在的位置是只读的（例如光盘、写保护的 U 盘或没有写入权限的文件夹），只能以只读方式打开：{path}",
        f"The draft is on read-only media or in a folder without write permission; it can only be opened read-only: {path}",
    )


# A folder whose file system keeps no locks (an NFS mount without its lock service, some
# network shares): one writer cannot be guaranteed there, so the draft opens read-only.
_NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


def no_locks_error(path: Path) -> DraftError:
    """``draft.readonly_media`` (the app then opens the draft read-only), saying why."""
    return DraftError(
        "draft.readonly_media",
        f"草稿所在的位置（例如网络共享盘）不支持文件锁，无法保证只有一人在编辑，只能以只读方式打开。"
        f"如需修改，请先把草稿复制到本机磁盘：{path}",
        "The draft's location (a network share, for example) cannot lock files, so one editor at a time "
        f"cannot be ensured; it can only be opened read-only. To edit it, copy it to this computer first: {path}",
    )


def _text(value: object, limit: int = 80) -> str:
    """A field of someone else's lock file, made safe to put into one line of a message."""
    return (printable(value, limit) if isinstance(value, str) else "") or "?"


def _parse(raw: bytes) -> LockInfo:
    try:
        data = json.loads(raw[:MAX_LOCK_BYTES].decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    pid = pid if isinstance(pid, int) and not isinstance(pid, bool) and 0 <= pid < 1 << 32 else 0
    return LockInfo(
        _text(data.get("user")), _text(data.get("host")), pid, _text(data.get("program")), _text(data.get("since"), 32)
    )


def _read_info(fd: int) -> LockInfo:
    return _parse(os.pread(fd, MAX_LOCK_BYTES, 0) if hasattr(os, "pread") else _read_from_start(fd))


def _read_from_start(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, MAX_LOCK_BYTES)


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock_file(path: Path, create: bool) -> int:
    flags = os.O_RDWR | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    if create:
        flags |= os.O_CREAT
    fd = os.open(path, flags, 0o644)
    try:
        import stat

        if not stat.S_ISREG(os.fstat(fd).st_mode):  # never write into a device or FIFO of that name
            raise OSError(errno.EINVAL, "the lock file is not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_info(fd: int, info: LockInfo) -> None:
    payload = json.dumps(info.__dict__, ensure_ascii=False).encode("utf-8")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, payload)


class WriterLock:
    """The held lock of one open draft; ``release`` removes the lock file."""

    _fd: int | None  # None once released

    def __init__(self, draft: Path, path: Path, fd: int, key: tuple[int, int] | None) -> None:
        self.draft, self.path, self._key = draft, path, key
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if os.name != "nt":  # unlink while still holding the lock: nobody can take a dying file
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        _unlock(fd)
        os.close(fd)
        if os.name == "nt":
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        with _held_guard:
            if self._key is not None:
                _held.pop(self._key, None)


def _discard(path: Path, fd: int, held: bool) -> None:
    """Close a lock file this call opened; remove it too when we hold its lock (on POSIX while
    still holding it, so nobody takes a dying file)."""
    if held and os.name != "nt":
        with contextlib.suppress(OSError):
            os.unlink(path)
    if held:
        _unlock(fd)
    with contextlib.suppress(OSError):
        os.close(fd)
    if held and os.name == "nt":
        with contextlib.suppress(OSError):
            os.unlink(path)


def acquire(draft: Path) -> WriterLock:
    """Take the writer lock of ``draft`` or raise ``DraftError`` (``draft.locked`` naming the
    holder, ``draft.readonly_media`` when the folder cannot hold a lock file)."""
    draft = Path(draft)
    path = lock_path(draft)
    key = _key(draft)
    with _held_guard:
        if key is not None and key in _held:
            raise locked_error(_held[key])
    for _ in range(20):  # the file may be removed by its holder between our open and lock
        try:
            fd = _open_lock_file(path, create=True)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise readonly_media_error(draft) from exc
            raise from_os_error(exc, Text("草稿的锁文件", "the draft's lock file")) from exc
        held = False
        try:
            if not _try_lock(fd):
                info = _read_info(fd)
                raise locked_error(info)
            held = True
            try:
                same = os.name == "nt" or os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if not same:  # we locked a file its holder had just removed: start over
                _unlock(fd)
                os.close(fd)
                continue
            mine = me()
            _write_info(fd, mine)
        except DraftError:
            os.close(fd)
            raise
        except BaseException as exc:  # a failed write, or Ctrl+C: a lock file we made goes with us
            # An OSError here (a full disk, a file system without locks) leaves a file that
            # nobody can hold either; an interrupt before our lock leaves someone else's alone.
            _discard(path, fd, held or isinstance(exc, OSError))
            if not isinstance(exc, OSError):
                raise
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise readonly_media_error(draft) from exc
            if exc.errno in _NO_LOCKS:
                raise no_locks_error(draft) from exc
            raise from_os_error(exc, Text("草稿的锁文件", "the draft's lock file")) from exc
        with _held_guard:
            if key is not None:
                _held[key] = mine
        return WriterLock(draft, path, fd, key)
    raise locked_error(LockInfo("?", "?", 0, "?", "?"))


def holder(path: Path) -> LockInfo | None:
    """Who holds the writer lock of the draft at ``path`` now, or None (no lock or a stale one)."""
    path = Path(path)
    key = _key(path)
    with _held_guard:
        if key is not None and key in _held:
            return _held[key]
    try:
        fd = _open_lock_file(lock_path(path), create=False)
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
        return _read_info(fd)
    except OSError:
        return None
    finally:
        os.close(fd)
