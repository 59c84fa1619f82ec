"""Attachments through the page: intake on a worker, thumbnails, kind/title, order, removal,
refusals explained in the UI language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPushButton

from .files import make_jpeg, make_pdf
from .helpers import bare_sample, widget

pytestmark = pytest.mark.gui


def wait_import(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)


def test_choose_files_then_kind_title_order_and_remove(qtbot, window, prompter, tmp_path):
    bare_sample(window, "tech_vp")
    view = window.view
    view.go_to_key("attachments")
    page = view.attachments_page
    pdf, jpeg = make_pdf(tmp_path / "合同.pdf", pages=3), make_jpeg(tmp_path / "到账凭证.jpg")
    prompter.paths.append([pdf, jpeg])
    widget(window, "attachments.add").click()
    assert page.job is not None  # the GUI thread handed the work off
    wait_import(qtbot, page)
    infos = window.session.attachments()
    assert [(a.title, a.pages, a.source_format) for a in infos] == [("合同", 3, "pdf"), ("到账凭证", 1, "jpeg")]
    qtbot.waitUntil(lambda: all(page.thumbs.get(a.sha256) for a in infos))
    assert page.list.count() == 2
    assert not page.list.item(0).icon().isNull()

    # The details edit the selected attachment; their names follow the contract path.
    page.list.setCurrentRow(1)
    kind = widget(window, "attachments.1.kind")
    kind.setCurrentIndex(kind.findData("payment_proof"))
    title = widget(window, "attachments.1.title")
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Receipt 1")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert [(a.kind, a.title) for a in window.session.attachments()][1] == ("payment_proof", "Receipt 1")

    widget(window, "attachments.up").click()
    assert [a.title for a in window.session.attachments()] == ["Receipt 1", "合同"]

    prompter.confirms.append(True)
    page.list.setCurrentRow(0)
    widget(window, "attachments.remove").click()
    assert [a.title for a in window.session.attachments()] == ["合同"]


def test_dropped_files_are_imported(qtbot, window, tmp_path):
    bare_sample(window, "conference")
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(make_pdf(tmp_path / "contract.pdf", pages=1)))])
    # Qt delivers a drop only during a real drag, which a test cannot start: the list's
    # handlers get the events directly.
    enter = QDragEnterEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    page.list.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    page.list.dropEvent(drop)
    qtbot.waitUntil(lambda: page.job is None and len(window.session.attachments()) == 1, timeout=60000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_file_says_why_in_the_ui_language(qtbot, open_window, prompter, tmp_path, lang):
    window = open_window(lang=lang)
    bare_sample(window, "tech_trade")
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not a scan", encoding="utf-8")
    good = make_pdf(tmp_path / "ok.pdf", pages=1)
    page.import_files([bad, good])
    wait_import(qtbot, page)
    assert [a.original_name for a in window.session.attachments()] == ["ok.pdf"]
    assert len(prompter.errors) == 1
    text = prompter.errors[0][1]
    assert "notes.txt" in text
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text.replace("notes.txt", ""))
    assert has_chinese == (lang == "zh")


def test_cancel_stops_the_import(qtbot, window, tmp_path):
    bare_sample(window, "tech_vp")
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    files = [make_pdf(tmp_path / f"p{n}.pdf", pages=1, title=f"p{n}") for n in range(4)]
    job = page.import_files(files)
    cancel = next(b for b in page.progress.findChildren(QPushButton))
    cancel.click()
    assert job.cancelled()
    wait_import(qtbot, page)
    assert len(window.session.attachments()) < len(files)


def test_dragging_an_item_stores_the_new_order(qtbot, window, tmp_path):
    from PySide6.QtCore import QModelIndex

    bare_sample(window, "tech_vp")
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    # three different files: the same content twice would be refused as a duplicate (issue 12)
    page.import_files([make_pdf(tmp_path / f"{name}.pdf", pages=1, title=name) for name in ("a", "b", "c")])
    wait_import(qtbot, page)
    # What an internal drag does to the list, then the drop handler's signal.
    assert page.list.model().moveRow(QModelIndex(), 2, QModelIndex(), 0)
    page.list.reordered.emit()
    assert [a.title for a in window.session.attachments()] == ["c", "a", "b"]
    assert page.list.item(0).text().startswith("1. c")
