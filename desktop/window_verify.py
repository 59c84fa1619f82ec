"""核验 from the main window (issue 10): a package PDF checked on a worker, the verdict in the banner.

A mixin of :class:`desktop.main_window.MainWindow`, which sets ``verify_job`` and ``_verifying``;
it works with or without an open draft (with one, it also says whether the PDF matches it)."""

from __future__ import annotations

from collections.abc import Callable
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
        _verified_against: Path | None

        def unfinalise(self) -> bool: ...

        def try_editing(self) -> bool: ...

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
        self._verified_against = draft
        self.banner.show_message(tr("正在核验“{name}”…").format(name=self._verifying.name), "info")
        job = self.verify_job = workers.start(verifying.verify_job(Path(pdf), draft))
        job.succeeded.connect(self._verified)
        job.failed.connect(self._verify_failed)
        job.ended.connect(self._verify_ended)
        return job

    def _verified(self, verdict: Any) -> None:
        name, draft = self._verifying.name, self._verified_against
        # another draft (or none) open now: the verdict says which one it compared
        other = draft is not None and (self.session is None or self.session.path != draft)

        def text() -> str:  # in the window's language of the moment (again after a switch)
            line = verifying.verdict_line(verdict, self.lang)
            if other and draft is not None:
                return tr("核验“{name}”（对照草稿“{draft}”）：{verdict}").format(
                    name=name, draft=draft.name, verdict=line
                )
            return tr("核验“{name}”：{verdict}").format(name=name, verdict=line)

        self._verdict(text, "info" if verdict.ok else "error")

    def _verify_failed(self, exc: Exception) -> None:
        from .failures import user_text

        name = self._verifying.name
        self._verdict(
            lambda: tr("无法核验“{name}”：{message}").format(name=name, message=user_text(exc, self.lang, logged=True)),
            "error",
        )

    def _verdict(self, text: Callable[[], str], severity: str) -> None:
        """In the banner, following a language switch; over a final draft's banner it keeps that
        banner's 解除定稿, over a draft another program holds its 改为编辑 (the title still says 只读)."""
        action = None
        if self.session is not None and self.readonly_reason == "locked":
            action = (tr("改为编辑(&E)"), self.try_editing)
        elif self.session is not None and self.session.final and self.readonly_reason is None:
            action = (tr("解除定稿(&R)…"), self.unfinalise)
        self.banner.show_message(text(), severity, action=action, remake=text)

    def _verify_ended(self) -> None:
        self.verify_job = None
