"""The main window: the start page or one draft's wizard; opening, creating and closing drafts.

Also the menus and the saved state in the title bar; everything else happens in the pages.

Its parts are mixins, each in a module of its own: the start-up (window_startup: the shell
painted before the rule pack's code is imported, then :meth:`MainWindow.load`), the banner over a
draft (window_banner), JSON in and out (window_json), 核验 (window_verify), the roles' File-menu
entries (workflow_menu) and the window's place (window_placement). Like them, this module imports
what needs the pack inside the methods that use it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog, QStackedWidget, QVBoxLayout, QWidget

from forms.errors import UserError
from forms.version import version

from . import i18n, settings, workers
from .i18n import tr
from .shell import OpeningPlaceholder, add_shell_menus
from .widgets.banner import Banner
from .window_banner import DraftBanner
from .window_json import JsonTransfer
from .window_placement import WindowPlacement
from .window_startup import WindowStartup
from .window_verify import VerifyPackage
from .workflow_menu import WorkflowMenu

if TYPE_CHECKING:
    from .pages.start_page import StartPage
    from .services import Services
    from .session import Session
    from .wizard import WizardView

APP_NAME = "产学研申报助手"
SAVE_STATES = {"saved": i18n.N_("已保存"), "pending": i18n.N_("正在保存…"), "failed": i18n.N_("保存失败")}


class MainWindow(WindowStartup, DraftBanner, JsonTransfer, VerifyPackage, WorkflowMenu, WindowPlacement, QMainWindow):
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
        self._verified_against: Path | None = None  # the draft the running 核验 compares
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
        lang = i18n.install(lang)
        settings.set_language(lang)
        # one translator for the program: a window left in the old language would mix the two
        for window in main_windows():
            window._speak(lang)

    def _speak(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        if not self._loaded:  # a shell still starting: its content is made in this language
            return
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
