"""Rule packs in the app: ``cxy-apply --pack ID|FOLDER`` chooses the pack new applications use,
an opened draft is shown with the pack it names (when the program has it), and File ▸ 规则包…
lists the bundled and installed packs and installs one from a folder or a .zip. Finding, checking
and installing are :mod:`forms.pack_install`'s; here only the dialog and the one-line outcome."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from forms.errors import UserError
from forms.pack import Pack, load_pack, pack_named, resolve_pack

from .i18n import tr

if TYPE_CHECKING:
    from .main_window import MainWindow

_chosen: list[Pack] = []  # the pack of --pack, for every window of this run


def choose(ref: str) -> Pack:
    """``--pack``: the pack id or folder new applications use in this run."""
    pack = resolve_pack(ref)
    _chosen[:] = [pack]
    return pack


def current_pack() -> Pack:
    """The pack a new window starts with: the one chosen with ``--pack``, else the default."""
    return _chosen[0] if _chosen else load_pack()


def pack_of_draft(draft: Any, default: Pack) -> Pack:
    """The pack the draft was made for, when the program has it; otherwise ``default``."""
    try:
        named = draft.meta().get("pack")
    except (UserError, OSError):
        return default
    return pack_named(named, default)


def add_pack_action(window: MainWindow, file_menu: QMenu) -> QAction:
    action = QAction(tr("规则包(&P)…"), window)
    action.setObjectName("action.packs")
    action.setProperty("needs_draft", False)
    action.triggered.connect(lambda _=False: open_pack_dialog(window))
    file_menu.insertAction(window.menu_actions["export_json"], action)
    window.menu_actions["packs"] = action
    return action


def open_pack_dialog(window: Any) -> PackDialog:  # Any: it keeps the dialog on the window
    dialog = PackDialog(window)
    window.pack_dialog = dialog  # kept (and found by the tests) while it is open
    dialog.open()
    return dialog


class PackDialog(QDialog):
    """The packs the program has, and installing one."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("dialog.packs")
        self.setWindowTitle(tr("规则包"))
        self.resize(860, 300)
        column = QVBoxLayout(self)
        self.table = QTreeWidget()
        self.table.setObjectName("packs.table")
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([tr("规则包编号"), tr("名称"), tr("年度"), tr("类别"), tr("来源"), tr("状态")])
        column.addWidget(self.table, 1)
        self.outcome = QLabel()
        self.outcome.setObjectName("packs.outcome")
        self.outcome.setWordWrap(True)
        column.addWidget(self.outcome)
        row = QHBoxLayout()
        self.from_folder = self._button(row, "packs.install_folder", tr("从文件夹安装(&F)…"), self.install_folder)
        self.from_zip = self._button(row, "packs.install_zip", tr("从 zip 文件安装(&Z)…"), self.install_zip)
        self.use = self._button(row, "packs.use", tr("用于新申请(&U)"), self.use_selected)
        row.addStretch(1)
        self._button(row, "packs.close", tr("关闭"), self.accept)
        column.addLayout(row)
        self.refresh()

    def _button(self, row: QHBoxLayout, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _=False: slot())
        row.addWidget(button)
        return button

    def refresh(self, select: str | None = None) -> None:
        """List the packs again, ``select`` (an id; else the window's pack) chosen."""
        from forms.pack_install import list_packs

        lang = self.window_.lang
        select = select or self.window_.pack.id
        self.table.clear()
        for info in list_packs():
            state = tr("已验证") if info.verified else tr("无法载入")
            where = tr("自带") if info.where == "bundled" else tr("已安装")
            cells = [info.id, info.title.get(lang), str(info.year or "?"), ", ".join(info.categories), where, state]
            item = QTreeWidgetItem(cells)
            item.setToolTip(1, info.title.get(lang))
            item.setToolTip(3, "\n".join(title.get(lang) for title in info.category_titles))
            if info.problem is not None:
                item.setToolTip(5, info.problem.message(lang))
            self.table.addTopLevelItem(item)
            if info.id == select:
                self.table.setCurrentItem(item)
        for index in range(self.table.columnCount()):
            self.table.resizeColumnToContents(index)
        # a long title is elided (in full in its tooltip) so that the state stays in view
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 240))

    def use_selected(self) -> bool:
        """New applications of this window use the selected pack (an open draft keeps its own)."""
        item = self.table.currentItem()
        if item is None:
            return False
        try:
            pack = load_pack(item.text(0))
        except UserError as exc:
            self._say(exc.message(self.window_.lang), error=True)
            return False
        self.window_.pack = pack
        if self.window_.session is None:
            self.window_._build()  # the start page offers the pack's categories
        self._say(tr("新申请将使用规则包 {id}").format(id=pack.id), error=False)
        return True

    def ids(self) -> list[str]:
        items = (self.table.topLevelItem(i) for i in range(self.table.topLevelItemCount()))
        return [item.text(0) for item in items if item is not None]

    def install_folder(self) -> bool:
        path = self.window_.services.prompter.choose_folder(tr("选择规则包文件夹"), Path.home())
        return path is not None and self.install(Path(path))

    def install_zip(self) -> bool:
        path = self.window_.services.prompter.open_file(tr("选择规则包 zip 文件"), tr("规则包 (*.zip)"))
        return path is not None and self.install(Path(path))

    def install(self, source: Path) -> bool:
        from forms.pack_install import install

        lang = self.window_.lang
        try:
            try:
                info = install(source)
            except UserError as exc:
                if exc.code != "pack.install.exists" or not self.window_.services.prompter.confirm(
                    tr("替换规则包"), tr("已安装同名的规则包。用“{name}”替换它吗？").format(name=source.name)
                ):
                    raise
                info = install(source, replace=True)
        except UserError as exc:
            self._say(exc.message(lang), error=True)
            return False
        self.refresh(select=info.id)
        self._say(
            tr("已安装规则包 {id}（{year}，类别：{categories}）").format(
                id=info.id, year=info.year, categories=", ".join(info.categories)
            ),
            error=False,
        )
        from PySide6.QtWidgets import QApplication

        # every window's draft may have waited for this pack (it opens under it) or be of an
        # older year of its call (the bar now offers to migrate), not only this window's; found
        # by their bar, so that this module does not import the window's (which imports it)
        for window in QApplication.topLevelWidgets():
            bar = getattr(window, "migrate_bar", None)
            if bar is not None:
                bar.pack_installed(info.id)
        return True

    def _say(self, text: str, error: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet("color: #b00020;" if error else "")
        self.window_.statusBar().showMessage(text, 30000)
