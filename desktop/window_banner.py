"""The banner over a draft: read-only, final (已定稿), a file that did not open; 改为编辑, 解除定稿.

What it says: the draft is held by another program or lies in a read-only place, it is final,
or the last file did not open; and the ways out it offers. A mixin of
:class:`desktop.main_window.MainWindow`, which sets ``readonly_reason``, ``holder``,
``open_failure`` and ``final_banner``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.errors import UserError

from .i18n import tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from .services import Services
    from .session import Session
    from .widgets.banner import Banner
    from .wizard import WizardView

    class _Window(QMainWindow):
        """What this mixin uses of MainWindow."""

        services: Services
        lang: str
        session: Session | None
        view: WizardView | None
        banner: Banner
        readonly_reason: str | None
        holder: Any
        open_failure: tuple[Path, UserError] | None
        final_banner: bool

        def _build(self, step: str | None = None) -> None: ...

        def _attach(self, draft: Any, path: Path, readonly: str | None = None, holder: Any = None) -> None: ...

else:
    _Window = object  # at run time MainWindow itself supplies all of it


class DraftBanner(_Window):
    def _show_readonly(self) -> None:
        """The banner of a read-only view or a final application (again after a language change)."""
        if self.session is None:
            return
        if self.readonly_reason is None:
            if self.session.final:
                self.banner.show_message(
                    tr("已定稿：申报书不能再修改，可以保存、打印和核验。"),
                    "info",
                    closable=False,
                    action=(tr("解除定稿(&R)…"), self.unfinalise),
                )
                self.final_banner = True
            elif self.final_banner:
                self.banner.clear()
                self.final_banner = False
            return
        if self.readonly_reason == "locked":
            from . import opening

            holder = opening.holder_text(self.holder, self.lang)
            text = (
                tr("“{name}”正由 {holder} 编辑，这里以只读方式显示，并随对方保存自动更新。").format(
                    name=self.session.path.name, holder=holder
                )
                if holder
                else tr("“{name}”正由另一个程序编辑，这里以只读方式显示，并随对方保存自动更新。").format(
                    name=self.session.path.name
                )
            )
            self.banner.show_message(text, "warning", closable=False, action=(tr("改为编辑(&E)"), self.try_editing))
            return
        text = tr(
            "“{name}”位于只读位置（只读文件、文件夹或介质），这里以只读方式显示。要编辑，请把它复制到可写的文件夹后再打开。"
        ).format(name=self.session.path.name)
        self.banner.show_message(text, "warning", closable=False)

    def _show_open_failure(self) -> None:
        """Why the last file did not open, in the current language (again after a switch,
        unless the user has closed the banner)."""
        if self.open_failure is None:
            return
        path, exc = self.open_failure
        self.banner.show_message(
            tr("无法打开“{name}”：{message}").format(name=path.name, message=exc.message(self.lang)), "error"
        )

    def _final_changed(self, _final: bool) -> None:
        """定稿 or 解除定稿: the pages are built again, locked or editable."""
        self._build()

    def unfinalise(self) -> bool:
        """解除定稿: asks why (the reason goes into the draft's history), then the draft is editable."""
        if self.session is None or not self.session.final:
            return False
        reason = self.services.prompter.ask_text(tr("解除定稿"), tr("请说明为什么要解除定稿（将记入变更记录）："))
        if reason is None or not reason.strip():
            return False
        try:
            self.session.unfinalise(reason.strip())
        except UserError as exc:
            self.banner.show_message(tr("未能解除定稿：{message}").format(message=exc.message(self.lang)), "error")
            self.final_banner = True  # shown again by the next rebuild
            return False
        self.statusBar().showMessage(tr("已解除定稿，可以修改。"), 10000)
        return True

    def try_editing(self) -> bool:
        """The user asks to edit a draft another program held: take it if it is free now."""
        if self.session is None or self.readonly_reason is None:
            return False
        from . import opening

        path, step = self.session.path, self.view.current_key() if self.view else None
        try:
            opened = opening.open_in_place(path)
        except UserError as exc:
            self.banner.show_message(exc.message(self.lang), "error")
            return False
        if opened.readonly is not None:
            opened.draft.close()
            self.holder = opened.holder
            self._show_readonly()  # still held: the banner names who holds it now
            return False
        self._attach(opened.draft, opened.path)
        if step and self.view is not None and step in self.view.keys():  # noqa: SIM118 - a WizardView, not a dict
            self.view.go_to_key(step)
        self.statusBar().showMessage(tr("现在可以编辑“{name}”。").format(name=path.name), 10000)
        return True

    def show_banner(self, text: str, severity: str = "info") -> None:
        self.banner.show_message(text, severity)
