"""A background job's result reaches whoever connected right after starting it, however fast the
job is: a verification that failed at once used to end before the page listened, and the page
waited for ever (regression: tests/gui/test_outputs_final.py hung under load). The work starts
from the event loop, so nothing runs between start() and the caller's connects."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Slot

from desktop import workers
from forms.errors import UserError

pytestmark = pytest.mark.gui


def _finished_before_listening(fn):
    job = workers.start(fn)
    # However long the caller takes to connect, no event has run yet: the work has not begun.
    assert QThreadPool.globalInstance().waitForDone(10000)
    got: list = []
    job.succeeded.connect(lambda result: got.append(("ok", result)))
    job.failed.connect(lambda exc: got.append(("failed", exc)))
    return job, got


def test_a_job_that_ended_before_anyone_listened_still_reports_its_result(qtbot):
    job, got = _finished_before_listening(lambda progress, cancel: 42)
    with qtbot.waitSignal(job.ended, timeout=5000):
        pass
    assert got == [("ok", 42)]
    qtbot.waitUntil(lambda: not workers.busy(), timeout=5000)  # let go of once its queued signals are delivered


def test_a_job_that_failed_before_anyone_listened_still_reports_the_failure(qtbot):
    def refuse(progress, cancel):
        raise UserError("test.refused", "不行", "no")

    job, got = _finished_before_listening(refuse)
    with qtbot.waitSignal(job.ended, timeout=5000):
        pass
    assert [kind for kind, _ in got] == ["failed"] and got[0][1].code == "test.refused"


class _Listener(QObject):
    """Two slots on a job's ``ended``: the first drops the caller's last reference to the job (as
    the output step's page clears its ``job``), the second still asks Qt about the sender."""

    def __init__(self, holder: list) -> None:
        super().__init__()
        self.holder = holder
        self.names: list[str] = []

    @Slot()
    def drop(self) -> None:
        self.holder.clear()
        gc.collect()

    @Slot()
    def touch(self) -> None:
        self.names.append(self.sender().objectName())


def test_a_job_whose_last_reference_goes_while_it_ends_lives_until_its_signal_is_delivered(qtbot):
    # Regression: the QObject was Python's, so dropping the last reference inside a slot freed it
    # while Qt was still delivering ``ended``; the next slot crashed (a segfault in the suite).
    holder = [workers.start(lambda progress, cancel: 1)]
    holder[0].setObjectName("the job")
    listener = _Listener(holder)
    holder[0].ended.connect(listener.drop)
    holder[0].ended.connect(listener.touch)
    QCoreApplication.processEvents()  # starts the work
    assert QThreadPool.globalInstance().waitForDone(10000)  # the pool has let go of it too
    qtbot.waitUntil(lambda: listener.names == ["the job"], timeout=5000)
    qtbot.waitUntil(lambda: not workers.busy(), timeout=5000)  # let go of once its queued signals are delivered
