"""File ▸ 导入官方模板…: a research office loads the official Word template of one of the six
attachments; from then on its labels or letter text print, and a letter no longer carries the
"文本待与官方模板核对" note. The reading, mapping and storing are :mod:`forms.template`'s; here
only the menu entry, the file choice and the one-line outcome."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction

from forms.errors import UserError
from forms.pack import load_pack

from .i18n import tr


def add_template_action(window, file_menu) -> QAction:
    """The entry sits with the other imports; it needs no open draft."""
    action = QAction(tr("导入官方模板(&T)…"), window)
    action.setObjectName("action.template_import")
    action.triggered.connect(lambda _=False: import_official_template(window))
    action.setProperty("needs_draft", False)
    file_menu.insertAction(window.actions["export_json"], action)
    window.actions["template_import"] = action
    return action


def import_official_template(window) -> bool:
    path = window.services.prompter.open_file(tr("导入官方模板"), tr("Word 文档 (*.docx);;所有文件 (*)"))
    if path is None:
        return False
    path = Path(path)
    from forms.template import import_template

    try:
        result = import_template(path, window.pack)
        pack = load_pack(window.pack.id)  # now with the override
    except UserError as exc:
        _tell(window, tr("无法导入官方模板“{name}”：{message}").format(name=path.name, message=exc.message(window.lang)),
              "error")
        return False
    window.pack = pack
    if window.session is not None and window.session.pack.id == pack.id:
        window.session.pack = pack  # the next preview, package and print set use the official text
    _tell(window, tr("已导入官方模板“{name}”：{summary}").format(name=path.name, summary=result.summary(window.lang)),
          "info")
    return True


def _tell(window, text: str, severity: str) -> None:
    """In the status bar, and in the banner unless it holds a message that must stay (read-only,
    final), which cannot be closed."""
    window.statusBar().showMessage(text, 30000)
    banner = window.banner
    if banner.isHidden() or not banner.close_button.isHidden():
        banner.show_message(text, severity)
