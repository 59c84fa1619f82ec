"""Qt's own dialogs speak the UI's language: the file dialog, the message box, the print dialog
and a text field's context menu are Chinese in the Chinese UI and English after switching. And
Chinese can be typed with fcitx: the input-method choice is made before the QApplication."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QFileDialog, QLabel, QLineEdit, QMessageBox

from desktop import input_method
from desktop.input_method import plugin_keys, prefer_working_module
from desktop.prompter import Prompter

pytestmark = pytest.mark.gui
OUT = Path(__file__).resolve().parents[2] / "out"


def answering(qtbot, kind: type[QDialog], seen: dict, picture: str | None = None) -> QTimer:
    """Reads the texts of the next modal ``kind`` dialog, then cancels it (the dialogs block)."""
    timer = QTimer()
    timer.setInterval(10)

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            return
        timer.stop()
        seen["labels"] = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
        seen["buttons"] = [button.text() for button in dialog.findChildren(QAbstractButton) if button.isVisible()]
        if picture:
            OUT.mkdir(exist_ok=True)
            dialog.grab().save(str(OUT / picture))
        dialog.reject()

    timer.timeout.connect(look)
    timer.start()
    return timer


def switch(window, lang: str) -> None:
    window.findChild(QAction, f"action.lang.{lang}").trigger()
    assert window.lang == lang


def file_dialog_texts(qtbot, window, lang: str) -> dict:
    seen: dict = {}
    timer = answering(qtbot, QFileDialog, seen, f"file-dialog-{lang}.png")
    assert Prompter(window).open_file("打开", "申报草稿 (*.cxy)") is None
    timer.stop()
    assert seen, "no file dialog was shown"
    return seen


def test_the_file_dialog_is_chinese_in_the_chinese_ui_and_english_after_switching(qtbot, window):
    zh = file_dialog_texts(qtbot, window, "zh")
    labels, buttons = " ".join(zh["labels"]), zh["buttons"]
    for word in ("查找范围", "文件名称", "文件类型"):
        assert word in labels
    assert "取消" in buttons and any(b.startswith("打开") for b in buttons)
    assert not any(english in labels for english in ("Look in", "File name", "Files of type", "&name"))

    switch(window, "en")
    en = file_dialog_texts(qtbot, window, "en")
    labels = " ".join(en["labels"]).replace("&", "")
    assert "Look in:" in labels and "File name:" in labels and "Files of type:" in labels
    buttons = [button.replace("&", "") for button in en["buttons"]]
    assert "Cancel" in buttons and "Open" in buttons

    switch(window, "zh")
    assert "取消" in file_dialog_texts(qtbot, window, "zh")["buttons"]


def test_message_box_buttons_follow_the_language(qtbot, window):
    seen: dict = {}
    timer = answering(qtbot, QMessageBox, seen)
    assert Prompter(window).confirm("确认", "删除这一行？") is False
    timer.stop()
    assert {"是(&Y)", "否(&N)"} <= set(seen["buttons"])
    switch(window, "en")
    seen.clear()
    timer = answering(qtbot, QMessageBox, seen)
    Prompter(window).confirm("Confirm", "Delete this row?")
    timer.stop()
    assert {"&Yes", "&No"} <= set(seen["buttons"])


def test_print_dialog_is_chinese(qtbot, window):
    from PySide6.QtPrintSupport import QPrintDialog

    seen: dict = {}
    timer = answering(qtbot, QPrintDialog, seen, "print-dialog-zh.png")
    assert Prompter(window).printer(1) is None
    timer.stop()
    assert "取消" in seen["buttons"] and any(b.startswith("打印") for b in seen["buttons"])


def test_a_text_fields_context_menu_follows_the_language(qtbot, window):
    def menu_texts() -> list[str]:
        field = QLineEdit(window)
        menu = field.createStandardContextMenu()
        texts = [action.text().split("\t")[0] for action in menu.actions() if action.text()]
        # The menu belongs to Python (createStandardContextMenu hands it over): deleteLater()
        # on it let Python free it first, and the queued delete crashed a later test's teardown.
        shiboken6.delete(menu)
        field.deleteLater()
        return texts

    zh = menu_texts()
    assert "复制(&C)" in zh and "粘贴(&P)" in zh
    switch(window, "en")
    en = menu_texts()
    assert "&Copy" in en and "&Paste" in en


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the input-method choice is made on Linux only")
def test_the_installed_qt_has_the_ibus_plugin_and_the_decision_is_logged(caplog):
    assert "ibus" in plugin_keys(input_method.bundled_plugin_dirs())
    env = {"QT_IM_MODULE": "fcitx"}
    with caplog.at_level(logging.INFO, logger="cxy-apply"):
        decision = prefer_working_module(env)
    if "fcitx" in plugin_keys(input_method.bundled_plugin_dirs()):
        assert env == {"QT_IM_MODULE": "fcitx"}
    else:
        assert env == {"QT_IM_MODULE": "ibus", "IBUS_USE_PORTAL": "1"} and decision.changes
    assert any("input method" in record.getMessage() for record in caplog.records)


def test_the_app_decides_before_it_makes_the_qapplication(monkeypatch):
    import desktop.factory as app

    calls = []

    class NewApplication:
        """Qt reads QT_IM_MODULE when the QApplication is made: the choice must come first."""

        @staticmethod
        def instance():
            return None

        def __init__(self, argv):
            calls.append("made")

    monkeypatch.setattr(app.input_method, "prefer_working_module", lambda: calls.append("decided"))
    monkeypatch.setattr(app, "QApplication", NewApplication)
    app.ensure_app(["cxy-apply"])
    assert calls == ["decided", "made"]
