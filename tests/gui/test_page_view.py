"""The page view of an attachment: thumbnails, selection, fixes on the worker, Undo/Redo with
Ctrl+Z / Ctrl+Shift+Z, opened from the attachments step (activating an item). Looked at with a
sideways photo, a blank page and an oversize page."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pikepdf
import pytest
from PySide6.QtCore import Qt

from forms.attachments import normalise
from tests.attachments.scan_pdfs import geometry, scan_image, scan_pdf

from .helpers import bare_sample

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("CXY_SHOTS")  # a folder: save what the view looks like, to look at it


def _mixed_attachment() -> tuple[bytes, int]:
    """A sideways phone photo, a blank page and a 656 mm-wide scan, as one attachment."""
    photo = scan_image(1200, 850, label="CONTRACT").rotate(90, expand=True)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    parts = [normalise(buffer.getvalue(), "photo.jpg").pdf, normalise(scan_pdf(656, 465, 60), "wide.pdf").pdf]
    out = pikepdf.new()
    for data in parts:
        out.pages.extend(pikepdf.open(io.BytesIO(data)).pages)
    blank = pikepdf.new()
    blank.add_blank_page(page_size=(595.28, 841.89))
    out.pages.insert(1, blank.pages[0])
    data = io.BytesIO()
    out.save(data)
    result = normalise(data.getvalue(), "mixed.pdf")
    return result, result.pages


@pytest.fixture
def view(qtbot, window):
    from desktop.pages.page_view import PageView

    bare_sample(window, "tech_vp")
    result, _ = _mixed_attachment()
    att = window.session.add_attachment(result, "contract", "合同照片")
    page = window.view.attachments_page
    page.refresh()
    window.view.go_to_key("attachments")
    item = page.list.item(0)
    page.list.itemActivated.emit(item)  # what Enter or a double-click on the item does
    found = page.findChild(PageView)
    assert found is not None and found.attachment_id == att
    qtbot.waitUntil(
        lambda: all(not found.list.item(i).icon().isNull() for i in range(found.list.count())), timeout=30000
    )
    return found


def _shot(view, name: str) -> None:
    if SHOTS:
        view.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _select(view, *pages: int) -> None:
    view.list.clearSelection()
    for page in pages:
        view.list.item(page - 1).setSelected(True)


def _activate(qtbot, view) -> None:
    """Shortcuts go to the active window: after earlier tests' windows closed, none may be."""
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.list.setFocus()


def _wait(qtbot, view) -> None:
    qtbot.waitUntil(lambda: view.job is None, timeout=60000)


def _geometry(view) -> list[tuple[float, float, int]]:
    return geometry(view.session.attachment_pdf(view.attachment_id))


def test_fixes_undo_and_redo_in_the_page_view(qtbot, view):
    assert view.list.count() == 3
    before = _geometry(view)
    assert before[0] == (210.0, 297.0, 0) and before[2][0] > 600  # a sideways photo on A4, the oversize scan
    _shot(view, "page-view-before")

    _select(view, 2)
    view.buttons["delete"].click()
    _wait(qtbot, view)
    assert view.list.count() == 2 and _geometry(view) == [before[0], before[2]]

    step = view.parent()  # the attachments step shows page 1 of each attachment, by digest

    def step_picture():
        return step.thumbs.get(view.attachment().sha256)

    qtbot.waitUntil(lambda: step_picture() is not None, timeout=30000)
    upright = step_picture().size()
    _select(view, 1)
    view.buttons["rotate_right"].click()
    _wait(qtbot, view)
    qtbot.waitUntil(lambda: step_picture() is not None and step_picture().width() > upright.width(), timeout=30000)
    _select(view, 2)
    view.buttons["a4"].click()
    _wait(qtbot, view)
    after = _geometry(view)
    assert after[0] == (before[0][1], before[0][0], 90)
    assert (round(after[1][0]), round(after[1][1])) == (297, 210)
    qtbot.waitUntil(lambda: all(not view.list.item(i).icon().isNull() for i in range(view.list.count())), timeout=30000)
    _shot(view, "page-view-after")

    _activate(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the A4 fit
    assert _geometry(view)[1] == before[2]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and the rotation
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and the deletion
    assert _geometry(view) == before and view.list.count() == 3
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert view.list.count() == 2
    assert view.info.text().startswith("已重做")


def test_deleting_every_page_is_refused_with_a_reason(qtbot, view, prompter):
    _select(view, 1, 2, 3)
    view.buttons["delete"].click()
    assert prompter.errors and "至少要保留一页" in prompter.errors[-1][1]
    assert view.job is None and view.list.count() == 3


def test_crop_keeps_the_rectangle_dragged_on_the_page(qtbot, view):
    from PySide6.QtCore import QPoint, QTimer
    from PySide6.QtTest import QTest

    before = _geometry(view)
    _select(view, 1)

    def drag_and_accept():
        dialog = view.crop_dialog
        canvas = dialog.canvas
        width, height = canvas.width(), canvas.height()
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(width // 4, height // 4))
        QTest.mouseMove(canvas, QPoint(width // 2, height // 2))
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(width * 3 // 4 - 1, height * 3 // 4 - 1))
        _shot(dialog, "crop-dialog")
        dialog.accept()

    QTimer.singleShot(0, drag_and_accept)
    view.buttons["crop"].click()
    _wait(qtbot, view)
    width, height, rotate = _geometry(view)[0]
    assert (width, height, rotate) == pytest.approx((before[0][0] / 2, before[0][1] / 2, 0), abs=1.0)
    assert _geometry(view)[1:] == before[1:]


def test_dragging_a_page_stores_the_new_order(qtbot, view):
    from PySide6.QtCore import QModelIndex

    before = _geometry(view)
    # What an internal drag does to the list, then what its drop handler does.
    assert view.list.model().moveRow(QModelIndex(), 2, QModelIndex(), 0)
    view.list.store_order()
    _wait(qtbot, view)
    assert _geometry(view) == [before[2], before[0], before[1]]
    _activate(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _geometry(view) == before
