"""File ▸ 导入官方模板…: a research office loads the official Word template of one of the six
attachments; from then on its labels or letter text print, and a letter no longer carries the
"文本待与官方模板核对" note. File ▸ 已导入的官方模板 lists them, each to be removed again. The
reading, mapping and storing are :mod:`forms.template`'s; here only the menu, the file choice
and the one-line outcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction

from forms.errors import UserError
from forms.pack import load_pack

from .i18n import tr


def add_template_action(window, file_menu) -> QAction:
    """The entries sit with the other imports; they need no open draft."""
    before = window.menu_actions["export_json"]
    action = QAction(tr("导入官方模板(&T)…"), window)
    action.setObjectName("action.template_import")
    action.triggered.connect(lambda _=False: import_official_template(window))
    action.setProperty("needs_draft", False)
    file_menu.insertAction(before, action)
    window.menu_actions["template_import"] = action
    imported = file_menu.addMenu(tr("已导入的官方模板"))
    imported.setObjectName("menu.templates")
    file_menu.insertMenu(before, imported)
    imported.aboutToShow.connect(lambda: _fill(window, imported))
    _fill(window, imported)
    window.template_menu = imported
    return action


def _fill(window, menu) -> None:
    """One entry per imported template: choosing it removes it (after a confirmation)."""
    from forms.template import list_overrides

    for old in menu.actions():  # not clear(): the entry being triggered may be among them
        menu.removeAction(old)
        old.deleteLater()
    for item in list_overrides(window.draft_pack.id):
        entry = QAction(tr("移除“{title}”（导入自 {name}）…").format(title=item.title, name=item.source.name), menu)
        entry.setObjectName(f"action.template_remove.{item.id}")
        entry.triggered.connect(lambda _=False, i=item: remove_official_template(window, i.id, i.title))
        menu.addAction(entry)
    menu.menuAction().setEnabled(not menu.isEmpty())


def _use_pack(window) -> None:
    """The open draft, and the window when it has the same pack, print with the pack as it now loads."""
    pack = load_pack(window.draft_pack.id)
    if window.pack.id == pack.id:
        window.pack = pack
    if window.session is not None and window.session.pack.id == pack.id:
        window.session.pack = pack  # the next preview, package and print set use it
    if getattr(window, "template_menu", None) is not None:
        _fill(window, window.template_menu)


def import_official_template(window) -> bool:
    path = window.services.prompter.open_file(tr("导入官方模板"), tr("Word 文档 (*.docx);;所有文件 (*)"))
    if path is None:
        return False
    path = Path(path)
    from forms.template import import_template

    try:
        # with a draft open, the template is its call's (the window may have started on another)
        result = import_template(path, window.draft_pack)
        _use_pack(window)
    except UserError as exc:
        _tell(
            window,
            tr("无法导入官方模板“{name}”：{message}").format(name=path.name, message=exc.message(window.lang)),
            "error",
        )
        return False
    _tell(window, lambda: tr("“{name}”：{summary}").format(name=path.name, summary=result.summary(window.lang)), "info")
    return True


def remove_official_template(window, override_id: str, title: str) -> bool:
    if not window.services.prompter.confirm(
        tr("移除导入的官方模板"), tr("移除后，“{title}”重新使用规则包自带的文本。确定移除吗？").format(title=title)
    ):
        return False
    from forms.template import remove_override

    try:
        remove_override(window.draft_pack.id, override_id)
        _use_pack(window)
    except UserError as exc:
        _tell(window, tr("无法移除导入的官方模板：{message}").format(message=exc.message(window.lang)), "error")
        return False
    _tell(window, tr("已移除导入的官方模板，“{title}”重新使用规则包自带的文本。").format(title=title), "info")
    return True


def _tell(window, text: str | Callable[[], str], severity: str) -> None:
    """In the status bar, and in the banner unless it holds a message that must stay (read-only,
    final), which cannot be closed. ``text`` made by a function follows a language switch."""
    remake = text if callable(text) else None
    line = text() if callable(text) else text
    window.statusBar().showMessage(line, 30000)
    banner = window.banner
    if banner.isHidden() or not banner.close_button.isHidden():
        banner.show_message(line, severity, remake=remake)
