"""The bar under the window's banner (never modal) about the draft's rule pack.

When the draft names a pack this program does not have (someone sent it, made under a newer or
an office's pack), the bar says so and offers to install that pack; once it is installed the
draft opens again under it. Otherwise, for a draft of an older year's pack, it offers to carry
the draft into a new draft of the latest pack of the same call: a button that asks for the new
file's name, runs :func:`forms.migrate.migrate_draft`, opens the new draft and shows the report
in a dialog the user may keep open beside it. The old draft is only read."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from forms.errors import UserError
from forms.migrate import MigrationReport, final_note, known_packs, migrate_draft, newer_pack, notes, sections, summary
from forms.pack import Pack, load_pack
from forms.text import printable

from . import workers
from .i18n import tr

# Which packs a draft may move to: those this program knows. Tests and the installed-packs
# listing (issue 15 item 1) replace it.
candidates: Callable[[], list[Pack]] = known_packs


def draft_pack(window: Any) -> Pack | None:
    """The pack the window's draft was made for, when this program knows it."""
    session = window.session
    if session is None:
        return None
    try:
        pack_id = session.draft.meta().get("pack")
        return load_pack(pack_id) if isinstance(pack_id, str) else None
    except UserError:
        return None


def missing_pack(window: Any) -> str | None:
    """The id of the pack the window's draft names when this program does not have it (the
    window then shows and checks the draft under its own pack), made safe to show in one line."""
    session = window.session
    if session is None:
        return None
    try:
        pack_id = session.draft.meta().get("pack")
    except UserError:
        return None
    if not isinstance(pack_id, str) or not pack_id or pack_id == session.pack.id:
        return None
    return printable(pack_id) or "?"


class MigrateBar(QFrame):
    """Shown while the window's draft names a pack the program lacks, or belongs to an older
    pack than one the program has."""

    def __init__(self, window: Any) -> None:
        super().__init__()
        self.window_ = window
        self.target: Pack | None = None
        self.missing: str | None = None  # the draft's pack, when this program does not have it
        self.dismissed: set[Path] = set()  # drafts whose offer the user closed
        self.dialog: ReportDialog | None = None
        self.job: workers.Job | None = None
        self.running: tuple[Path, Pack] = (Path(), window.pack)  # (new draft, its pack) while migrating
        self.source = Path()  # the draft being migrated
        self.setObjectName("migrate_bar")
        self.setStyleSheet("#migrate_bar { background: #e8f0fe; border-bottom: 1px solid #1a3d7c; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setObjectName("migrate_bar.text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a pack id from someone else's file is not markup
        self.label.setStyleSheet("color: #1a3d7c;")
        layout.addWidget(self.label, 1)
        self.button = QPushButton()
        self.button.setObjectName("migrate_bar.migrate")
        self.button.clicked.connect(self._clicked)
        layout.addWidget(self.button)
        self.close_button = QToolButton()
        self.close_button.setObjectName("migrate_bar.close")
        self.close_button.setText("✕")
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.close_button)
        self.hide()

    def refresh(self) -> None:
        """Offer (again, in the current language) what fits the window's draft now."""
        window = self.window_
        if self.job is not None:  # rebuilt (a language switch) while migrating
            self._migrating(self.running[1])
            return
        self.missing = missing_pack(window)
        if self.missing is not None:
            self.target = None
            if window.session.path in self.dismissed:
                self.hide()
                return
            self.label.setText(
                tr(
                    "此申报书按规则包“{id}”填写，本机没有这个规则包，现按“{current}”显示和检查，结果可能不准。"
                    "请向发来草稿的人索取这个规则包（文件夹或 zip 文件）并安装，安装后草稿按它重新打开。"
                ).format(id=self.missing, current=window.session.pack.id)
            )
            self.button.setText(tr("安装规则包(&I)…"))
            self._finish_offer()
            return
        old = draft_pack(window)
        # the window's own pack counts too (cxy-apply --pack, or a migration done in it)
        self.target = newer_pack(old, [window.pack, *candidates()]) if old is not None else None
        if old is None or self.target is None or window.session.path in self.dismissed:
            self.hide()
            return
        self.label.setText(
            tr("此申报书按{old}年规则包填写，可迁移到{new}年规则包：迁移生成一份新草稿，原草稿保持不变。").format(
                old=old.year, new=self.target.year
            )
        )
        self.button.setText(tr("迁移到{year}年规则包(&Y)…").format(year=self.target.year))
        self._finish_offer()

    def _finish_offer(self) -> None:
        self.close_button.setToolTip(tr("关闭提示"))
        self.close_button.setAccessibleName(tr("关闭提示"))
        self.setAccessibleName(self.label.text())
        self.show()

    def _clicked(self) -> None:
        if self.missing is not None:
            from .pack_install import open_pack_dialog

            open_pack_dialog(self.window_)
        else:
            self.migrate()

    def pack_installed(self, pack_id: str) -> bool:
        """A pack was just installed: when it is the one the draft names, the draft opens again
        under it (what was typed is saved first; the same step stays in view); otherwise the
        offer is made again (the new pack may be a later year of the draft's call)."""
        window = self.window_
        if window.session is None or self.missing is None or missing_pack(window) != pack_id:
            if self.job is None:  # a running migration's bar says so until it ends
                self.refresh()
            return False
        path = window.session.path
        step = window.view.current_key() if window.view is not None else None
        window.close_draft()
        if not window.open_path(path):
            return False
        if step and window.view is not None and step in window.view.keys():  # noqa: SIM118 - a WizardView
            window.view.go_to_key(step)
        window.statusBar().showMessage(
            tr("“{name}”已按规则包 {id} 重新打开。").format(name=path.name, id=pack_id), 15000
        )
        return True

    def dismiss(self) -> None:
        if self.window_.session is not None:
            self.dismissed.add(self.window_.session.path)
        self.hide()

    def migrate(self) -> workers.Job | None:
        """Ask for the new draft's name, then migrate on a worker; when it is done the new draft
        opens and the report shows (a failure: one line, and nothing written)."""
        window, target = self.window_, self.target
        session = window.session
        if session is None or target is None or self.job is not None:
            return None
        suggested = session.path.with_name(f"{session.path.stem}-{target.year}.cxy")
        path = window.services.prompter.save_file(tr("迁移后的新草稿保存为"), suggested, tr("申报草稿 (*.cxy)"))
        if path is None:
            return None
        path = Path(path)
        if path.suffix.lower() != ".cxy":
            path = path.with_name(path.name + ".cxy")
        session.flush()  # what was just typed goes along
        source, lang = session.path, window.lang
        self.running, self.source = (path, target), session.path
        self._migrating(target)
        # the worker reads the draft through a read-only connection of its own
        job = self.job = workers.start(lambda **_: migrate_draft(source, target, path, lang))
        job.succeeded.connect(self._migrated)
        job.failed.connect(self._failed)
        job.ended.connect(self._ended)
        return job

    def _migrating(self, target: Pack) -> None:
        self.button.setEnabled(False)
        self.label.setText(tr("正在迁移到{year}年规则包…").format(year=target.year))
        # The copy is of the draft as it is now and the window then shows the copy: what would be
        # typed meanwhile would stay behind in the old file. The pages take no input till the end.
        if self.window_.view is not None:
            self.window_.view.setEnabled(False)

    def _migrated(self, report: MigrationReport) -> None:
        window = self.window_
        path, target = self.running
        report.output = str(path)
        if not window.isVisible():
            return  # closed meanwhile: the new draft is on disk, no window comes back to hold it
        if window.session is not None and window.session.path != self.source:
            # another draft was opened meanwhile: it stays; the report says where the new one is
            self.dialog = ReportDialog(report, window.lang, window)
            self.dialog.show()
            return
        # The window follows its draft into the new call (as importing a template swaps its pack):
        # the new draft is filled, checked and printed under the pack it now belongs to.
        previous, window.pack = window.pack, target
        if not window.open_path(path):
            window.pack = previous
            window._build()
        self.dialog = ReportDialog(report, window.lang, window)
        self.dialog.show()

    def _failed(self, exc: Exception) -> None:
        self.window_._error(tr("无法迁移"), exc)

    def _ended(self) -> None:
        self.job = None
        self.button.setEnabled(True)
        if self.window_.view is not None:  # the old draft's, after a failure
            self.window_.view.setEnabled(True)
        self.refresh()


class ReportDialog(QDialog):
    """The migration report: what was carried over, then the three lists. Not modal: the user
    works through the lists in the new draft beside it."""

    def __init__(self, report: MigrationReport, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setObjectName("migrate_report")
        self.setModal(False)
        self.setWindowTitle(tr("迁移报告"))
        self.resize(720, 520)
        column = QVBoxLayout(self)
        head = QLabel(summary(report, lang))
        head.setObjectName("migrate_report.summary")
        head.setWordWrap(True)
        column.addWidget(head)
        # what became of the draft's state: 定稿 first (the user has work to do), then the rest
        final = final_note(report, lang)
        self.final = QLabel(final or "")
        self.final.setObjectName("migrate_report.final")
        self.final.setWordWrap(True)
        self.final.setStyleSheet("color: #8a4b00; background: #fff4e0; border: 1px solid #e0b070; padding: 6px;")
        self.final.setVisible(final is not None)
        column.addWidget(self.final)
        said = notes(report, lang)
        self.notes = QLabel("\n".join(said))
        self.notes.setObjectName("migrate_report.notes")
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(said))
        column.addWidget(self.notes)
        self.body = QTextBrowser()
        self.body.setObjectName("migrate_report.lists")
        self.body.setOpenLinks(False)
        self.body.setHtml(self._html(report, lang))
        column.addWidget(self.body, 1)
        if report.output:
            where = QLabel(tr("新草稿：{path}（原草稿未改动）").format(path=report.output))
            where.setObjectName("migrate_report.output")
            where.setWordWrap(True)
            where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.close)
        column.addWidget(buttons)

    @staticmethod
    def _html(report: MigrationReport, lang: str) -> str:
        parts = []
        for heading, items in sections(report, lang, paths=False):
            parts.append(f"<h3>{html.escape(heading)}</h3>")
            if items:
                parts.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
            else:
                parts.append(f"<p>{html.escape(tr('（无）'))}</p>")
        return "".join(parts)

    def text(self) -> str:
        return "\n".join(filter(None, [self.final.text(), self.notes.text(), self.body.toPlainText()]))
