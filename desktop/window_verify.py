"""核验 from the main window (issue 10): a package PDF checked on a worker, the verdict in the banner.

A mixin of :class:`desktop.main_window.MainWindow`, which sets ``verify_job`` and ``_verifying``;
it works with or without an open draft (with one, it also says whether the PDF matches it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import verifying, workers
from .i18n import tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from .services import Services
    from .session import Session
    from .widgets.banner import Banner

    class _Window(QMainWindow):
        """What this mixin uses of MainWindow."""

        services: Services
        lang: str
        session: Session | None
        banner: Banner
        readonly_reason: str | None
        verify_job: workers.Job | None
        _verifying: Path

        def unfinalise(self) -> bool: ...

else:
    _Window = object  # at run time MainWindow itself supplies all of it


class VerifyPackage(_Window):
    def verify_package(self) -> workers.Job | None:
        """核验: is the chosen package PDF as it was sealed, and (a draft being open) does it match
        the draft? Runs on a worker; the verdict is one line in the banner."""
        if self.verify_job is not None:
            return None
        pdf = self.services.prompter.open_file(tr("选择要核验的申报材料 PDF"), "PDF (*.pdf)")
        if pdf is None:
            return None
        draft = None
        if self.session is not None:
            self.session.flush()  # the draft file holds every edit shown
            draft = self.session.path
        self._verifying = Path(pdf)
        self.banner.show_message(tr("正在核验“{name}”…").format(name=self._verifying.name), "info")
        job = self.verify_job = workers.start(verifying.verify_job(Path(pdf), draft))
        job.succeeded.connect(self._verified)
        job.failed.connect(self._verify_failed)
        job.ended.connect(self._verify_ended)
        return job

    def _verified(self, verdict: Any) -> None:
        self._verdict(
            tr("核验“{name}”：{verdict}").format(
                name=self._verifying.name, verdict=verifying.verdict_line(verdict, self.lang)
            ),
            "info" if verdict.ok else "error",
        )

    def _verify_failed(self, exc: Exception) -> None:
        from .failures import user_text

        self._verdict(
            tr("无法核验“{name}”：{message}").format(
                name=self._verifying.name, message=user_text(exc, self.lang, logged=True)
            ),
            "error",
        )

    def _verdict(self, text: str, severity: str) -> None:
        """In the banner; over a final draft's banner it keeps that banner's 解除定稿."""
        final = self.session is not None and self.session.final and self.readonly_reason is None
        self.banner.show_message(text, severity, action=(tr("解除定稿(&R)…"), self.unfinalise) if final else None)

    def _verify_ended(self) -> None:
        self.verify_job = None
