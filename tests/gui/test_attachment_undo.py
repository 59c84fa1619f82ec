"""Issue 12 item 4: Undo/Redo (Ctrl+Z / Ctrl+Shift+Z) of every attachment operation on the
attachments step itself, named by what it would undo; the list, its pictures and the page view
follow. Ctrl+Z in the title field still undoes the typing there, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.attachments.intake_files import jpeg, page_image

from .helpers import bare_sample, widget

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_attachments(window):
    bare_sample(window, "tech_vp")
    window.view.go_to_key("attachments")
    return window.view.attachments_page


def add(qtbot, page, tmp_path: Path, *names: str) -> None:
    paths = []
    for number, name in enumerate(names):  # each its own content: a duplicate would be refused
        path = tmp_path / name
        path.write_bytes(jpeg(page_image(size=(1654 - 40 * number, 2339))))
        paths.append(path)
    page.import_files(paths)
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)


def focus(qtbot, window, target) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)


def titles(window) -> list[str]:
    return [a.title for a in window.session.attachments()]


def undo_button(window) -> str:
    return widget(window, "attachments.undo").text()


def test_add_remove_and_reorder_are_undone_and_redone_on_the_step(qtbot, window, prompter, tmp_path):
    page = open_attachments(window)
    add(qtbot, page, tmp_path, "合同.jpg", "回单.jpg")
    assert titles(window) == ["合同", "回单"]
    assert undo_button(window) == "撤销：添加附件"
    focus(qtbot, window, page.list)

    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL)  # each file is an addition of its own
    assert titles(window) == ["合同"] and page.list.count() == 1
    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL)
    assert titles(window) == [] and page.list.count() == 0
    assert widget(window, "attachments.redo").text() == "重做：添加附件"
    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL_SHIFT)
    assert titles(window) == ["合同"]
    qtbot.keyClick(page.list, Qt.Key.Key_Y, CTRL)  # the other redo key
    assert titles(window) == ["合同", "回单"] and page.list.count() == 2
    assert widget(window, "attachments.redo").text() == "重做" and not widget(window, "attachments.redo").isEnabled()

    page.list.setCurrentRow(0)
    qtbot.keyClick(page.list, Qt.Key.Key_Down, CTRL)  # move 合同 down
    assert titles(window) == ["回单", "合同"]
    assert undo_button(window) == "撤销：调整附件顺序"
    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL)
    assert titles(window) == ["合同", "回单"]

    prompter.confirms.append(True)
    page.list.setCurrentRow(1)
    qtbot.mouseClick(widget(window, "attachments.remove"), Qt.MouseButton.LeftButton)
    assert titles(window) == ["合同"]
    assert undo_button(window) == "撤销：移除附件"
    qtbot.mouseClick(widget(window, "attachments.undo"), Qt.MouseButton.LeftButton)
    assert titles(window) == ["合同", "回单"]
    assert widget(window, "attachments.redo").text() == "重做：移除附件"  # says what was undone
    back = window.session.attachments()[1]
    assert page.thumbs.get(back.sha256) is not None  # its picture at once, cached by its digest
    assert not page.list.item(1).icon().isNull()


def test_a_kind_change_undone_shows_the_same_kind_in_the_list_and_the_page_view(qtbot, window, tmp_path):
    page = open_attachments(window)
    add(qtbot, page, tmp_path, "技术合同.jpg")
    page.list.setCurrentRow(0)
    assert window.session.attachments()[0].kind == "contract"
    qtbot.mouseClick(widget(window, "attachments.kind.payment_proof"), Qt.MouseButton.LeftButton)  # one click
    assert window.session.attachments()[0].kind == "payment_proof"
    page.list.itemActivated.emit(page.list.item(0))  # Enter on the item: the page view
    from desktop.pages.page_view import PageView

    view = page.findChild(PageView)
    assert "到账证明" in view.heading.text()
    assert undo_button(window) == "撤销：修改类型或标题"
    focus(qtbot, window, page.list)
    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL)
    assert window.session.attachments()[0].kind == "contract"
    assert "技术合同扫描件" in page.list.item(0).text()
    assert widget(window, "attachments.kind.contract").isChecked()
    assert page.kind_combo.currentData() == "contract"
    assert "技术合同扫描件" in view.heading.text() and "到账证明" not in view.heading.text()
    view.close()


def test_ctrl_z_in_the_title_field_undoes_the_typing_only(qtbot, window, tmp_path):
    page = open_attachments(window)
    add(qtbot, page, tmp_path, "合同.jpg")
    page.list.setCurrentRow(0)
    title = widget(window, "attachments.0.title")
    focus(qtbot, window, title)
    title.end(False)
    qtbot.keyClicks(title, "v2")
    assert title.text() == "合同v2"
    qtbot.keyClick(title, Qt.Key.Key_Z, CTRL)
    assert title.text() == "合同"  # the field's own undo
    assert titles(window) == ["合同"]  # the attachment is still there: the step's Undo did not run
    assert undo_button(window) == "撤销：添加附件"

    qtbot.keyClicks(title, "-signed")
    focus(qtbot, window, page.list)  # leaving the field stores the title: an undoable operation
    assert titles(window) == ["合同-signed"]
    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL)
    assert titles(window) == ["合同"] and title.text() == "合同"


def test_ctrl_z_on_another_step_leaves_the_attachments(qtbot, window, tmp_path):
    """The step's shortcuts are the step's: elsewhere Ctrl+Z is not an attachment undo."""
    page = open_attachments(window)
    add(qtbot, page, tmp_path, "合同.jpg")
    window.view.go_to_key("review")
    review = window.view.stack.currentWidget()
    assert review is not page and not page.isVisible()
    focus(qtbot, window, window.view.step_list)  # the list of steps, on the left
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, CTRL)
    assert titles(window) == ["合同"]


def test_a_fix_made_in_the_page_view_is_undone_on_the_step(qtbot, window, tmp_path):
    from desktop.pages.page_view import PageView
    from tests.attachments.scan_pdfs import geometry

    page = open_attachments(window)
    add(qtbot, page, tmp_path, "合同.jpg")
    page.list.itemActivated.emit(page.list.item(0))
    view = page.findChild(PageView)
    view.list.item(0).setSelected(True)
    view.buttons["rotate_right"].click()
    qtbot.waitUntil(lambda: view.job is None, timeout=60000)
    assert geometry(window.session.attachment_pdf(window.session.attachments()[0].id))[0][2] == 90
    undo = widget(window, "attachments.undo")
    assert undo.isEnabled() and undo.text() == "撤销：修正页面"
    focus(qtbot, window, page.list)
    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL)
    assert geometry(window.session.attachment_pdf(window.session.attachments()[0].id))[0][2] == 0
    assert view.buttons["redo"].text() == "重做：修正页面"  # the page view follows
    view.close()
