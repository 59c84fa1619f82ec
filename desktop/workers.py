"""Long work (attachment intake, package builds, printing) runs on QThreadPool; results come
back to the GUI thread through queued signals. A job never touches the draft's SQLite connection:
callers read what it needs first and store what it returns afterwards."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from forms.errors import UserError

log = logging.getLogger(__name__)
_running: set[Job] = set()


class Job(QObject):
    """One piece of background work.

    Signals:
        progress(int, int): done, total
        succeeded(object): the function's return value
        failed(object): a UserError (or an unexpected exception, logged)
        ended(): after succeeded or failed
    """

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    ended = Signal()

    def __init__(self, fn: Callable[..., Any]) -> None:
        # Owned by the application, not by Python: the last Python reference may be dropped on a
        # worker thread (the pool deletes its runnable there) or by a slot while ``ended`` is
        # still being delivered (a page clearing its ``job``); either freed the QObject under
        # Qt's feet (a segfault in the next slot, seen in the output step's upload fix). It is
        # deleted on the GUI thread, from the event loop, after its last signal (``_forget``).
        super().__init__(QCoreApplication.instance())
        self._fn = fn
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def _forget(self) -> None:
        _running.discard(self)
        self.deleteLater()

    def _run(self) -> None:
        try:
            result = self._fn(
                progress=lambda done, total: self.progress.emit(int(done), int(total)), cancel=self._cancel.is_set
            )
        except UserError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # shown to the user as an unexpected error, logged in full
            log.error("background job failed:\n%s", traceback.format_exc())
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        self.ended.emit()


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job._run()


def start(fn: Callable[..., Any]) -> Job:
    """Run ``fn(progress=, cancel=)`` on the global pool; keep the Job until it has ended."""
    job = Job(fn)
    _running.add(job)
    job.ended.connect(job._forget)  # a bound slot runs on the GUI thread, after the result signal
    # The work starts from the event loop, after the caller has connected to the job's signals:
    # started at once, a fast job (a verification that fails at the first check) could end before
    # anyone listened, and the page waited for ever.
    QTimer.singleShot(0, job, lambda: QThreadPool.globalInstance().start(_Runnable(job)))
    return job


def busy() -> bool:
    return bool(_running)


def wait_all(msecs: int = 30000) -> bool:
    return QThreadPool.globalInstance().waitForDone(msecs)
