"""A page fix (Draft.edit_pages / split_attachment) run on a worker: a progress dialog with
Cancel appears once it has taken half a second, and when the draft has changed the window is
told (saved state, the attachment lists, the checks). Shared by the attachments step and the
page view, which must never run two at once on one draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from .. import workers
from ..failures import user_text
from ..i18n import tr

PROGRESS_AFTER_MS = 500


class AttachmentJob(QObject):
    """Signals: done(object) the draft method's result; ended() after it succeeded, failed or
    was cancelled."""

    done = Signal(object)
    ended = Signal()

    def __init__(self, owner: QWidget, session: Any, services: Any, work: Callable[[Callable, Callable], Any]) -> None:
        super().__init__(owner)
        self.session = session
        self.services = services
        session.flush()  # the worker's write must come after the typing it follows
        session.page_job = self  # no other fix, and no undo, until it has ended
        self.job = workers.start(work)
        self.progress: QProgressDialog | None = QProgressDialog(tr("正在处理页面…"), tr("取消"), 0, 0, owner)
        self.progress.setObjectName("attachments.job_progress")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(PROGRESS_AFTER_MS)
        self.progress.canceled.connect(self.job.cancel)
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self.job.ended.connect(self._ended)

    def cancel(self) -> None:
        self.job.cancel()

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(min(done, total))

    def _succeeded(self, result) -> None:
        if self.session.closed:
            return
        session = self.session
        session.page_job = None  # stored: the lists refreshed below may offer Undo again
        session.commits += 1
        session.committed.emit(session.commits)
        session.attachments_changed.emit()
        self.done.emit(result)

    def _failed(self, exc) -> None:
        if self.job.cancelled() or self.session.closed:
            return  # the user asked for it to stop: nothing was stored, nothing to say
        self.services.prompter.error(tr("页面操作未完成"), user_text(exc, self.session.lang, logged=True))

    def _ended(self) -> None:
        if self.session.page_job is self:
            self.session.page_job = None
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.ended.emit()
        self.deleteLater()
