"""Issue 12 item 4 on the attachments step: each preflight finding offers its fix in one click;
the fix runs on a worker (progress with Cancel once it takes over half a second), the pages are
examined again and the cured finding goes. Ctrl+Z on the step undoes the fix, and the journal
is in the draft: after closing the window and opening the draft again, Redo repeats it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from forms.errors import UserError
from tests.attachments.intake_files import image_pdf, jpeg, page_image
from tests.attachments.scan_pdfs import geometry

from .helpers import bare_sample, widget

pytestmark = pytest.mark.gui
GRAB = os.environ.get("CXY_GRAB")  # a folder: save what the step looks like, to look at it
NOTHING_FOUND = "未发现问题"


def open_attachments(window):
    bare_sample(window, "tech_vp")
    window.view.go_to_key("attachments")
    return window.view.attachments_page


def add(qtbot, page, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    page.import_files([path])
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)


def findings_text(page) -> list[str]:
    return [page.findings.item(i).text() for i in range(page.findings.count())]


def wait_examined(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.findings.count() and not findings_text(page)[0].startswith("正在预检"), timeout=60000)


def activate(qtbot, window, target) -> None:
    """Shortcuts go to the active window and the focused widget."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)


def grab(window, name: str) -> None:
    if GRAB:
        window.grab().save(str(Path(GRAB) / f"{name}.png"))


def stored(window) -> list[tuple[float, float, int]]:
    return geometry(window.session.attachment_pdf(window.session.attachments()[0].id))


def picture(qtbot, window, page):
    """The step's picture of the first attachment as it is now (pictures are cached by digest)."""
    sha = window.session.attachments()[0].sha256
    qtbot.waitUntil(lambda: page.thumbs.get(sha) is not None, timeout=30000)
    return page.thumbs[sha]


def click_fix(qtbot, page, row: int = 0) -> None:
    button = page.findings.findChild(QPushButton, f"attachments.fix.{row}")
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert page.fix_job is not None  # handed to the worker
    qtbot.waitUntil(lambda: page.fix_job is None, timeout=60000)


def test_a_sideways_page_is_turned_from_its_finding_undone_and_redone_after_a_restart(
    qtbot, open_window, prompter, tmp_path
):
    window = open_window()
    page = open_attachments(window)
    add(qtbot, page, tmp_path / "sideways.jpg", jpeg(page_image(size=(2339, 1654))))
    page.list.setCurrentRow(0)
    wait_examined(qtbot, page)
    assert findings_text(page) == ["第 1 页是横向的，而文件是纵向的：可能放倒了\n建议：旋转页面"]
    assert stored(window) == [(297.0, 210.0, 0)]
    sideways = picture(qtbot, window, page)
    assert sideways.width() > sideways.height()
    grab(window, "fix-before")

    click_fix(qtbot, page)
    assert not prompter.errors
    assert stored(window) == [(210.0, 297.0, 90)]  # turned upright, the image untouched (/Rotate)
    wait_examined(qtbot, page)  # the new pages are examined again
    assert findings_text(page)[0].startswith(NOTHING_FOUND)
    assert "预检：" not in page.list.item(0).text()
    assert widget(window, "attachments.undo").text() == "撤销：修正页面"
    upright = picture(qtbot, window, page)  # the step's picture is of the new pages
    assert upright.width() < upright.height()
    grab(window, "fix-after")

    activate(qtbot, window, page.list)
    qtbot.keyClick(page.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window) == [(297.0, 210.0, 0)]
    assert findings_text(page)[0].startswith("第 1 页是横向的")  # its examination is kept by digest
    assert picture(qtbot, window, page) is sideways  # and so is its picture: never a stale one
    assert widget(window, "attachments.redo").text() == "重做：修正页面"

    path = window.session.path
    window.close()
    qtbot.waitUntil(lambda: window.session is None)
    window = open_window(path)
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    assert widget(window, "attachments.redo").isEnabled()
    activate(qtbot, window, page.list)
    qtbot.keyClick(page.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(window) == [(210.0, 297.0, 90)]
    page.list.setCurrentRow(0)
    wait_examined(qtbot, page)
    assert findings_text(page)[0].startswith(NOTHING_FOUND)


@pytest.mark.parametrize("case", ["blank page", "656 mm wide scan"])
def test_each_finding_is_cured_by_its_button(qtbot, window, prompter, tmp_path, case):
    page = open_attachments(window)
    if case == "blank page":  # a contract page, then an empty one: the empty one is deleted
        first, blank = page_image(), Image.new("L", (1654, 2339), 248)
        path = tmp_path / "two.tif"
        first.save(path, "TIFF", save_all=True, append_images=[blank], dpi=(200, 200), compression="tiff_lzw")
        page.import_files([path])
        qtbot.waitUntil(lambda: page.job is None, timeout=60000)
        expect_before, expect_after = "第 2 页几乎是空白页", [(210.0, 297.0, 0)]
    else:
        add(qtbot, page, tmp_path / "wide.pdf", image_pdf(page_image(size=(3874, 1754)), 150))
        expect_before, expect_after = "第 1 页尺寸为 656×297 mm", [(297.0, 210.0, 0)]
    page.list.setCurrentRow(0)
    wait_examined(qtbot, page)
    assert findings_text(page)[0].startswith(expect_before)
    click_fix(qtbot, page)
    assert not prompter.errors
    got = stored(window)
    assert [(round(w), round(h), r) for w, h, r in got] == [(round(w), round(h), r) for w, h, r in expect_after]
    assert window.session.attachments()[0].pages == len(expect_after)
    wait_examined(qtbot, page)
    assert not any(text.startswith(expect_before) for text in findings_text(page))


def test_a_finding_with_no_fix_has_no_button(qtbot, window, tmp_path):
    page = open_attachments(window)
    add(qtbot, page, tmp_path / "fax.pdf", image_pdf(page_image(size=(595, 842)), 72))
    page.list.setCurrentRow(0)
    wait_examined(qtbot, page)
    assert any("72 dpi" in text and "重新扫描" in text for text in findings_text(page))
    assert not [b for b in page.findings.findChildren(QPushButton) if "dpi" in b.toolTip()]


def test_a_long_fix_shows_progress_and_cancel_leaves_the_attachment(qtbot, window, prompter, tmp_path, monkeypatch):
    page = open_attachments(window)
    add(qtbot, page, tmp_path / "sideways.jpg", jpeg(page_image(size=(2339, 1654))))
    page.list.setCurrentRow(0)
    wait_examined(qtbot, page)
    before = window.session.attachments()[0].sha256
    asked = threading.Event()

    def slow(att_id, ops, *, progress=None, cancel=None):  # stands in for a 100 Mpx re-encode
        asked.set()
        while not cancel():
            progress(0, 1)
            threading.Event().wait(0.02)
        raise UserError("attach.cancelled", "已取消。", "Cancelled.")

    monkeypatch.setattr(window.session.draft, "edit_pages", slow)
    button = page.findings.findChild(QPushButton, "attachments.fix.0")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    job = page.fix_job
    assert job is not None and not button.isEnabled()  # one fix at a time
    assert not widget(window, "attachments.undo").isEnabled()  # nor an undo under it
    qtbot.waitUntil(lambda: job.progress is not None and job.progress.isVisible(), timeout=10000)
    assert asked.is_set()
    qtbot.mouseClick(job.progress.findChild(QPushButton), Qt.MouseButton.LeftButton)  # 取消
    qtbot.waitUntil(lambda: page.fix_job is None, timeout=10000)
    assert window.session.attachments()[0].sha256 == before
    assert not prompter.errors  # the user stopped it: nothing to report
    assert page.findings.findChild(QPushButton, "attachments.fix.0").isEnabled()
