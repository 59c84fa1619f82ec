"""Long work (attachment intake, package builds, printing) runs on QThreadPool; results come
back to the GUI thread through queued signals. A job never touches the draft's SQLite connection:
callers read what it needs first and store what it returns afterwards."""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from forms.errors import UserError

log = logging.getLogger(__name__)
# Every started job, until the worker has let go of it: its last reference is then dropped here,
# on the GUI thread, after its signals have been delivered. A job freed elsewhere crashed: by a
# page clearing its ``job`` inside ``ended`` (Qt still delivering the signal to the next slot)
# or by the pool deleting its runnable on the worker thread (a QObject freed off its thread).
_running: dict[int, Job] = {}


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
        super().__init__()
        self._fn = fn
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

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


class _Reaper(QObject):
    """Lives on the GUI thread; a worker asks it to let go of a job once the worker holds no
    reference to it. Queued after the job's own signals, so it runs after them."""

    release = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.release.connect(self._release)

    @Slot(int)
    def _release(self, key: int) -> None:
        _running.pop(key, None)


@cache
def _the_reaper() -> _Reaper:
    return _Reaper()  # made by the first start(), on the GUI thread


_keys = itertools.count(1)  # a job's key in _running (a Qt int, unlike id())


class _Runnable(QRunnable):
    def __init__(self, job: Job, key: int, reaper: _Reaper) -> None:
        super().__init__()
        self.job: Job | None = job
        self.key = key
        self.reaper = reaper

    def run(self) -> None:
        job, self.job = self.job, None
        try:
            if job is not None:
                job._run()
        finally:
            del job  # the worker's last reference, before the GUI thread may drop its own
            self.reaper.release.emit(self.key)


def start(fn: Callable[..., Any]) -> Job:
    """Run ``fn(progress=, cancel=)`` on the global pool; keep the Job until it has ended."""
    reaper = _the_reaper()
    job = Job(fn)
    key = next(_keys)
    _running[key] = job
    # The work starts from the event loop, after the caller has connected to the job's signals:
    # started at once, a fast job (a verification that fails at the first check) could end before
    # anyone listened, and the page waited for ever.
    QTimer.singleShot(0, job, lambda: QThreadPool.globalInstance().start(_Runnable(job, key, reaper)))
    return job


def busy() -> bool:
    return bool(_running)


def wait_all(msecs: int = 30000) -> bool:
    return QThreadPool.globalInstance().waitForDone(msecs)
