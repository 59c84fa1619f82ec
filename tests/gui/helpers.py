"""Driving the wizard the way a person does: typing (Chinese through an input-method commit,
ASCII as key clicks), ticking, choosing; and finding widgets by their contract path."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from forms.model import flatten
from forms.samples import sample


def widget(window, path: str) -> QWidget:
    found = window.findChild(QWidget, path)
    assert found is not None, f"no widget named {path!r}"
    return found


def ime_commit(target: QWidget, text: str) -> None:
    """What a pinyin input method sends when the user picks the characters."""
    target.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(target, event)


def type_text(qtbot, target: QWidget, text: str) -> None:
    if isinstance(target, QComboBox) and target.isEditable():
        target = target.lineEdit()
    target.setFocus()
    if isinstance(target, (QLineEdit, QPlainTextEdit)):
        target.selectAll()
        qtbot.keyClick(target, Qt.Key.Key_Delete)
    if not text:
        return
    if text.isascii():
        qtbot.keyClicks(target, text)
    else:
        ime_commit(target, text)


def set_value(qtbot, window, path: str, value: Any) -> None:
    """Enter ``value`` into the field ``path`` through its widget, as a user would."""
    view = window.view
    view.jump_to_field(path)
    target = widget(window, path)
    if isinstance(target, QCheckBox):
        if target.isChecked() != bool(value):
            target.setFocus()
            qtbot.keyClick(target, Qt.Key.Key_Space)
    elif isinstance(target, QComboBox) and not target.isEditable():
        index = target.findData(value)
        assert index >= 0, f"{path}: no option {value!r}"
        target.setFocus()
        target.setCurrentIndex(index)
    else:
        type_text(qtbot, target, str(value))
    # leaving the field commits it
    if isinstance(target, (QLineEdit, QPlainTextEdit, QComboBox)):
        qtbot.keyClick(target, Qt.Key.Key_Tab)


def shown_value(window, path: str) -> Any:
    target = widget(window, path)
    if isinstance(target, QCheckBox):
        return target.isChecked()
    if isinstance(target, QComboBox):
        return target.currentText() if target.isEditable() else target.currentData()
    if isinstance(target, QPlainTextEdit):
        return target.toPlainText()
    return target.text()


def rows_needed(data: dict) -> dict[str, int]:
    return {table: len(data.get(table) or []) for table in ("payments", "members")}


def fill_application(qtbot, window, data: dict) -> dict[str, Any]:
    """Type every filled field of ``data`` into the wizard; returns the flat values entered."""
    for table, count in rows_needed(data).items():
        add = widget(window, f"{table}.add")
        while window.session.rows(table) < count:
            window.view.jump_to_field(f"{table}.0.{'name' if table == 'members' else 'amount_wan'}")
            assert isinstance(add, QAbstractButton)
            add.click()
            add = widget(window, f"{table}.add")
    flat = {p: v for p, v in flatten(data).items() if p not in ("pack", "category")}
    for path, value in flat.items():
        if value is False:
            continue  # an unticked box is what a new row shows
        set_value(qtbot, window, path, value)
    return flat


def sample_for(category: str) -> dict:
    """The sample's fields, to type (its attachments are files, added by add_required_uploads)."""
    data = sample(category)
    data.pop("attachments", None)
    return data


def add_required_uploads(qtbot, window, tmp_path, category: str) -> None:
    """The scans the notice requires, added through the attachments page with their kinds (the
    sample's generated ones, when forms makes them)."""
    from pathlib import Path

    from forms.samples import sample_attachments as make

    folder = Path(tmp_path) / "scans"
    folder.mkdir(exist_ok=True)
    meta = {}
    for kind, title, pdf in make(category, window.session.pack):
        path = folder / f"{kind}.pdf"
        path.write_bytes(pdf)
        meta[path] = (kind, title)
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    page.import_files(list(meta), meta)
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    assert len(window.session.attachments()) >= len(meta)


def bare_sample(window, category: str) -> None:
    """The sample application without its generated scans: attachment tests start from an empty
    list (removing them is setup, not what is tested)."""
    window.open_sample(category)
    for info in window.session.attachments():
        window.session.remove_attachment(info.id)
    window.view.attachments_page.refresh()
    assert window.session.attachments() == []
