"""The main window: the start page or the wizard of one draft, the menus, the saved state in the
title bar. Opening, creating and closing drafts happen here; everything else in the pages.

Start-up (issue 14): ``cxy-apply`` paints the window's shell (made with Qt alone) before the rule
pack's code is imported, then loads the content into it (:meth:`MainWindow.load`); this module
imports what needs the pack inside the methods that use it. A window that opens a draft makes the
draft's first page before its first paint; what that page does not show (the start page, the
other steps) is made after it, or at once when asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog, QStackedWidget, QVBoxLayout, QWidget

from forms.errors import UserError
from forms.version import version

from . import i18n, settings, verifying, workers
from .i18n import tr
from .shell import OpeningPlaceholder, add_shell_menus
from .widgets.banner import Banner
from .window_placement import WindowPlacement
from .workflow_menu import WorkflowMenu

if TYPE_CHECKING:
    from forms.pack import Pack
    from forms.text import Text

    from .migrate_bar import MigrateBar
    from .pages.start_page import StartPage
    from .services import Services
    from .session import Session
    from .wizard import WizardView

APP_NAME = "产学研申报助手"
SAVE_STATES = {"saved": i18n.N_("已保存"), "pending": i18n.N_("正在保存…"), "failed": i18n.N_("保存失败")}


class MainWindow(WorkflowMenu, WindowPlacement, QMainWindow):
    def __init__(
        self, services: Services | None = None, lang: str = "zh", path: Path | None = None, *, shell: bool = False
    ) -> None:
        """A window on ``path`` (a draft, or JSON to import), else on the start page.

        ``shell``: only the window's shell (its place, title, an empty step column and 正在打开…),
        made with Qt alone so that it paints before the rule pack's code is imported; the
        content follows with :meth:`load`."""
        super().__init__()
        self.lang = lang
        self.session: Session | None = None
        self.view: WizardView | None = None
        self.setObjectName("main")
        self.readonly_reason: str | None = None
        self.holder = None
        self.open_failure: tuple[Path, UserError] | None = None
        self.final_banner = False  # the banner says 已定稿 (cleared when that ends)
        self.import_job: workers.Job | None = None
        self._importing: tuple[Path, Path] = (Path(), Path())  # (JSON, new draft) of the running import
        self.verify_job: workers.Job | None = None
        self._verifying = Path()
        self.import_progress: QProgressDialog | None = None
        self._start_page: StartPage | None = None
        self._painted = False
        self._after_paint: list[Callable[[], object]] = []
        self._loaded = False
        self._lazy_pages = shell  # cxy-apply's window: a draft's steps made when first shown
        central = QWidget()
        self._column = QVBoxLayout(central)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self.banner = Banner()
        self._column.addWidget(self.banner)
        self.stack = QStackedWidget()
        self._column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.stack.addWidget(OpeningPlaceholder())
        add_shell_menus(self.menuBar())
        self.setWindowTitle(tr(APP_NAME))
        self._placed = False  # checked once more when first shown, with the real frame
        self.restore_or_fit()
        if not shell:
            self.load(services, path)

    def load(self, services: Services | None = None, path: Path | None = None) -> None:
        """The window's content in place of its shell: the draft at ``path`` (its first page made
        now, the rest when first shown) or the start page; the menus; the pack's styles."""
        from . import pack_install
        from .migrate_bar import MigrateBar
        from .services import Services
        from .widgets.messages import INPUT_STYLE

        if self._loaded:
            return
        self._loaded = True
        self.services = services or Services()
        self.services.prompter.window = self
        self.pack: Pack = pack_install.current_pack()
        self.setStyleSheet(INPUT_STYLE)
        self.migrate_bar: MigrateBar = MigrateBar(self)  # issue 15: a draft of an older year's pack may migrate
        self._column.insertWidget(1, self.migrate_bar)
        # A draft opens straight into its wizard (the start page is not made first, only to be
        # replaced); JSON is imported from the start page, as a file chosen there would be.
        is_json = path is not None and path.suffix.lower() == ".json"
        if not (path is not None and not is_json and self.open_path(path)):
            self._build()
            if path is not None and is_json:
                self.open_path(path)
        if self._placed:  # the shell was shown: the content may ask for more room than it did
            QTimer.singleShot(0, self, self._refit_if_outside)

    def is_loaded(self) -> bool:
        """The content is in the window (not only its shell)."""
        return self._loaded

    # -- building (again, when the language changes) ----------------------------------------
    def _build(self, step: str | None = None) -> None:
        if self.view is not None:
            step = step or self.view.current_key()
        while self.stack.count():
            old = self.stack.widget(0)
            assert old is not None  # count() > 0
            self.stack.removeWidget(old)
            old.hide()
            old.setParent(None)  # out of findChild's reach at once; deleted on the next loop turn
            old.deleteLater()
        self._start_page = None
        self.view = None
        if self.session is None:
            self.stack.setCurrentWidget(self.start_page)
        else:
            from .wizard import WizardView

            self.after_first_paint(lambda: self.start_page)  # ready for 关闭草稿, made off the start path
            self.view = WizardView(self.session, self.services, step=step, lazy=self._lazy_pages)
            self.stack.addWidget(self.view)
            self.stack.setCurrentWidget(self.view)
            self.view.go_to_key(self.view.current_key())  # once in the window: its first field takes the focus
            self.view.verify_requested.connect(self.verify_package)
        self._build_menus()
        self._update_title()
        self._show_readonly()
        if self.banner.isHidden():
            self.open_failure = None  # closed by the user: not shown again
        else:
            self._show_open_failure()
        self.banner.retranslate()
        self.migrate_bar.refresh()

    @property
    def start_page(self) -> StartPage:
        """The start page (new, sample, open, import, recent files), made when first needed."""
        if self._start_page is None:
            from .pages.start_page import StartPage

            page = StartPage(self.pack, self.lang)
            page.new_requested.connect(self.new_application)
            page.sample_requested.connect(self.open_sample)
            page.open_requested.connect(self.choose_and_open)
            page.import_requested.connect(self.choose_and_import)
            page.recent_requested.connect(self.open_path)
            self.stack.insertWidget(0, page)
            self._start_page = page
        return self._start_page

    # -- after the first paint --------------------------------------------------------------
    def after_first_paint(self, work: Callable[[], object]) -> None:
        """Run ``work`` from the event loop once the window has been painted (at once from the
        loop when it has been already): the user sees the window before it."""
        if self._painted:
            QTimer.singleShot(0, self, work)
        else:
            self._after_paint.append(work)

    def is_complete(self) -> bool:
        """Nothing is waiting for the first paint any more."""
        return not self._after_paint

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._run_after_paint)
        return handled

    def _run_after_paint(self) -> None:
        while self._after_paint:
            self._after_paint.pop(0)()

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

    def bring_forward(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        file_menu = bar.addMenu(tr("文件(&F)"))
        self.menu_actions: dict[str, QAction] = {}  # not `actions`: that is QWidget.actions()
        for key, text, shortcut, slot, needs_draft in (
            ("new", tr("新建申请(&N)…"), QKeySequence.StandardKey.New, self.show_start, False),
            ("open", tr("打开(&O)…"), QKeySequence.StandardKey.Open, self.choose_and_open, False),
            ("import_json", tr("导入 JSON(&I)…"), None, self.choose_and_import, False),
            ("export_json", tr("导出 JSON(&E)…"), None, self._export_json, True),
            ("send_copy", tr("发送副本(&S)…"), None, self.send_copy, True),
            ("close", tr("关闭草稿(&C)"), QKeySequence.StandardKey.Close, self.close_draft, True),
            ("quit", tr("退出(&Q)"), QKeySequence.StandardKey.Quit, self.close, False),
        ):
            action = QAction(text, self)
            action.setObjectName(f"action.{key}")
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            action.setEnabled(not needs_draft or self.session is not None)
            action.setProperty("needs_draft", needs_draft)
            file_menu.addAction(action)
            self.menu_actions[key] = action
        self._build_workflow_menu(file_menu)
        from . import pack_install, template_menu

        template_menu.add_template_action(self, file_menu)
        pack_install.add_pack_action(self, file_menu)
        # 核验 (issue 10): works with or without an open draft.
        verify = QAction(tr("核验(&V)…"), self)
        verify.setObjectName("action.verify")
        verify.triggered.connect(self.verify_package)
        verify.setProperty("needs_draft", False)
        file_menu.insertAction(self.menu_actions["close"], verify)
        self.menu_actions["verify"] = verify
        lang_menu = bar.addMenu(tr("语言(&L)"))
        group = QActionGroup(self)
        for code, name in (("zh", "中文"), ("en", "English")):
            action = QAction(name, self, checkable=True, checked=code == self.lang)
            action.setObjectName(f"action.lang.{code}")
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            group.addAction(action)
            lang_menu.addAction(action)
        help_menu = bar.addMenu(tr("帮助(&H)"))
        about = QAction(tr("关于(&A)"), self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = i18n.install(lang)
        settings.set_language(self.lang)
        if self.session is not None:
            self.session.flush()
            self.session.set_lang(self.lang)
        self._build()

    # -- title ----------------------------------------------------------------------------
    def _update_title(self, *_: object) -> None:
        name = tr(APP_NAME)
        if self.session is None:
            self.setWindowTitle(name)
            return
        project = self.session.get("project.name") or self.session.path.stem
        if self.session.readonly:
            state = tr("只读")
        elif self.session.final and self.session.save_state == "saved":
            state = tr("已定稿")
        else:
            state = tr(SAVE_STATES[self.session.save_state])
        self.setWindowTitle(f"{project} — {state} — {name}")

    # -- opening --------------------------------------------------------------------------
    def _attach(self, draft, path: Path, readonly: str | None = None, holder=None) -> None:
        from . import pack_install
        from .session import Session

        self._detach()
        self.open_failure = None
        self.readonly_reason, self.holder = readonly, holder
        session = Session(
            draft,
            path,
            pack_install.pack_of_draft(draft, self.pack),
            self.lang,
            parent=self,
            readonly=readonly is not None,
        )
        session.save_state_changed.connect(self._update_title)
        session.committed.connect(self._update_title)
        session.failed.connect(self._draft_failed)
        session.final_changed.connect(self._final_changed)
        self.session = session
        self._build()

    def _detach(self) -> None:
        if self.view is not None:  # the pages go with their session
            self.stack.removeWidget(self.view)
            self.view.hide()
            self.view.setParent(None)
            self.view.deleteLater()
            self.view = None
        if self.session is not None:
            try:
                self.session.close()
            except UserError as exc:
                self._error(tr("保存失败"), exc)
            self.session.deleteLater()
            self.session = None
        self.readonly_reason, self.holder = None, None
        self.banner.clear()
        self.final_banner = False

    def _error(self, title: str, exc: Exception) -> None:
        from .failures import user_text  # logging's handlers: not on the shell's path

        text = user_text(exc, self.lang)
        self.services.prompter.error(title, text)

    def _draft_failed(self, exc: UserError) -> None:
        self._update_title()
        self._error(tr("草稿未能保存"), exc)

    def _refuse_open_file(self, path: Path) -> None:
        """Replacing a draft a window of ours edits would pull it from under that window."""
        if path.exists() and window_editing(path) is not None:
            raise UserError(
                "draft.open_here",
                f"“{path.name}”正在本程序的一个窗口中编辑，不能替换它。",
                f"“{path.name}” is being edited in a window of this program and cannot be replaced.",
            )

    def show_start(self) -> None:
        self.close_draft()

    def close_draft(self) -> None:
        self._detach()
        self._build()
        self.stack.setCurrentWidget(self.start_page)

    def new_application(self, category: str) -> bool:
        from . import opening

        path = self.services.prompter.save_file(
            tr("新申请保存为"), opening.suggested_new_path(self.pack, category), tr("申报草稿 (*.cxy)")
        )
        if path is None:
            return False
        if path.suffix.lower() != ".cxy":
            path = path.with_name(path.name + ".cxy")
        try:
            self._refuse_open_file(path)
            draft = opening.create(path, self.pack, category)
        except UserError as exc:
            self._error(tr("无法新建申请"), exc)
            return False
        self._attach(draft, path)
        return True

    def open_sample(self, category: str | None = None) -> bool:
        from . import opening

        category = category or self.pack.categories[0].id
        try:
            draft, path = opening.create_sample(self.pack, category)
        except UserError as exc:
            self._error(tr("无法打开示例"), exc)
            return False
        self._attach(draft, path)
        return True

    def choose_and_open(self) -> bool:
        path = self.services.prompter.open_file(tr("打开草稿"), tr("申报草稿 (*.cxy);;JSON (*.json);;所有文件 (*)"))
        return self.open_path(path) if path is not None else False

    def choose_and_import(self) -> bool:
        path = self.services.prompter.open_file(tr("导入 JSON"), "JSON (*.json)")
        return self.import_json(path) is not None if path is not None else False

    def open_path(self, path: Path) -> bool:
        """A draft opens where it lies (never copied); JSON is imported (True: the import
        started). A draft some window of this program already edits is brought forward
        instead of opened twice."""
        from . import opening

        path = Path(path)
        if path.suffix.lower() == ".json":
            return self.import_json(path) is not None
        editing = window_editing(path)
        if editing is not None:
            editing.bring_forward()
            return True
        try:
            opened = opening.open_in_place(path)
        except UserError as exc:
            # Not modal: the user reads why on the page they are on and picks another file.
            self.open_failure = (path, exc)
            self._show_open_failure()
            return False
        self._attach(opened.draft, opened.path, opened.readonly, opened.holder)
        return True

    def import_json(self, source: Path) -> workers.Job | None:
        """The JSON and its attachment files become a new draft on a worker, all or nothing
        (forms.transfer.import_json_file); the draft opens when it is complete. A failure leaves
        no file and is reported in one line; a rerun starts afresh."""
        from . import opening

        source = Path(source)
        if self.import_job is not None:
            return None
        dest = self.services.prompter.save_file(
            tr("导入的申请保存为"), opening.unique_path(settings.data_dir(), source.stem), tr("申报草稿 (*.cxy)")
        )
        if dest is None:
            return None
        dest = Path(dest)
        if dest.suffix.lower() != ".cxy":
            dest = dest.with_name(dest.name + ".cxy")
        try:
            self._refuse_open_file(dest)
        except UserError as exc:
            self._error(tr("无法导入“{name}”").format(name=source.name), exc)
            return None
        self.import_progress = QProgressDialog(tr("正在导入“{name}”及其附件…").format(name=source.name), "", 0, 0, self)
        self.import_progress.setCancelButton(None)  # one transaction: it finishes or leaves nothing
        self.import_progress.setWindowTitle(tr("导入 JSON"))
        from PySide6.QtCore import Qt  # not at import: the shell paints without the Qt namespace (~13 ms)

        self.import_progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.import_progress.setMinimumDuration(400)
        self._importing = (source, dest)
        job = self.import_job = workers.start(opening.import_json_job(source, dest, self.pack.id))
        # Bound slots: queued to the GUI thread (and dropped with the window).
        job.succeeded.connect(self._import_done)
        job.failed.connect(self._import_failed)
        job.ended.connect(self._import_ended)
        return job

    def _export_json(self) -> None:
        # through self.view each time: it is another page view once another draft is opened
        if self.view is not None:
            self.view.output_page.export_json()

    def _import_done(self, result: list[Text] | None) -> None:
        self.open_path(self._importing[1])
        if result and self.session is not None:  # what the import converted (forms.typed notes)
            self.banner.show_message(
                tr("导入时已换算：{notes}").format(notes="；".join(note.get(self.lang) for note in result)),
                "info",
            )

    def _import_failed(self, exc: Exception) -> None:
        self._error(tr("无法导入“{name}”").format(name=self._importing[0].name), exc)

    def _import_ended(self) -> None:
        self.import_job = None
        if self.import_progress is not None:
            self.import_progress.close()
            self.import_progress.deleteLater()
            self.import_progress = None

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

    def _verified(self, verdict) -> None:
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

    def send_copy(self) -> bool:
        if self.session is None:
            return False
        suggested = Path.home() / f"{self.session.path.stem}-{tr('副本')}.cxy"
        dest = self.services.prompter.save_file(tr("发送副本"), suggested, tr("申报草稿 (*.cxy)"))
        if dest is None:
            return False
        try:
            self.session.send_copy(dest)
        except UserError as exc:
            self._error(tr("无法保存副本"), exc)
            return False
        self.statusBar().showMessage(
            tr("副本已保存：{path}。可以把它发给同事，您自己的草稿不受影响。").format(path=dest), 10000
        )
        return True

    def about(self) -> None:
        contacts = "\n".join(f"{c.get(self.lang)}  {c.phone}" for c in self.pack.contacts)
        self.services.prompter.info(
            tr("关于"),
            f"{tr(APP_NAME)} {version()}\n{self.pack.title.get(self.lang)}\n{self.pack.portal_url}\n\n{contacts}",
        )

    def closeEvent(self, event) -> None:
        self.remember_geometry()
        self._detach()
        super().closeEvent(event)


def main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def window_editing(path: Path) -> MainWindow | None:
    """The window of this program that has ``path`` open, if any."""
    for window in main_windows():
        if window.session is None:
            continue
        from . import opening

        if opening.same_file(window.session.path, path):
            return window
    return None


def current_window() -> MainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            return widget
    return None
