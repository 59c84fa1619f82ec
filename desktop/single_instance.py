"""One running program per user: a second ``cxy-apply FILE`` hands FILE to the first (over a
per-user QLocalServer) and exits, so a draft never gets two editing windows in two processes.
A crashed first instance leaves only a dead server name, which the next start removes."""

from __future__ import annotations

import getpass
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from . import settings

log = logging.getLogger(__name__)
CONNECT_MS = 1000
ANSWER_MS = 30000  # the running program answers from its event loop, which may still be starting
MAX_MESSAGE = 64 * 1024  # a path, not a payload
ACK = b"ok\n"


def server_name() -> str:
    """Per user, and per settings folder (portable installs and tests do not meet)."""
    key = f"{getpass.getuser()}\0{Path(settings.settings().fileName()).parent}"
    return "cxy-apply-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _startup_lock() -> QLockFile:
    folder = Path(settings.settings().fileName()).parent
    folder.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(folder / "instance.lock"))
    lock.setStaleLockTime(30000)  # a start that crashed between asking and listening
    return lock


def hand_over(path: Path | None) -> bool | None:
    """Give ``path`` (None: just show yourself) to a running instance. True: it took it;
    False: no instance runs; None: one runs but did not answer (do not take its name)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    # surrogatepass: any str a path can be (POSIX undecodable bytes, a lone UTF-16 surrogate in a
    # Windows name) goes over and comes back unchanged
    message = (str(Path(path).absolute()) if path is not None else "").encode("utf-8", "surrogatepass") + b"\n"
    socket.write(message)
    socket.waitForBytesWritten(CONNECT_MS)
    answer = b""
    while ACK not in answer:
        # the answer may already be in the buffer (read while writing): waiting for more would
        # wait until the time-out, the running program having said all it will
        if not socket.bytesAvailable() and not socket.waitForReadyRead(ANSWER_MS):
            break
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return True if ACK in answer else None


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8", "surrogatepass")  # what hand_over sends
    except UnicodeDecodeError:  # anything else on the socket: never an exception in a slot
        return line.decode("utf-8", "surrogateescape")


class Instance(QObject):
    """The running program's end: emits ``requested(str)`` (a path, or "" to come forward).

    Signals:
        requested(str): another start asked to open this path ("" = just show the window); a
            Python str, carried as an object: a QString would drop a lone surrogate of a path
    """

    requested = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytes] = {}

    def start(self, path: Path | None) -> bool:
        """True when another instance took ``path`` (this one should exit); else listen."""
        lock = _startup_lock()
        locked = lock.tryLock(5000)
        try:
            handed = hand_over(path)
            if handed:
                return True
            if handed is False:
                QLocalServer.removeServer(server_name())  # a crashed instance's dead name
                self._listen()
        finally:
            if locked:
                lock.unlock()
        return False

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(server_name()):
            log.warning("single-instance server not started: %s", server.errorString())
            return
        server.newConnection.connect(self._connected)
        self.server = server

    def _connected(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE:
            socket.abort()
            return
        if b"\n" not in data:
            self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        self.requested.emit(_decode(line))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
