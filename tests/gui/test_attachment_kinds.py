"""Issue 12 items 1-3 on the attachments step: the kind chosen when adding is the kind stored; with
none chosen it is inferred and shown, changed in one click; a duplicate is refused naming the
attachment it repeats; the preflight findings of the selected attachment are listed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.attachments.intake_files import image_pdf, jpeg, page_image

from .helpers import bare_sample, widget

pytestmark = pytest.mark.gui


def open_attachments(window):
    bare_sample(window, "tech_vp")
    window.view.go_to_key("attachments")
    return window.view.attachments_page


def import_and_wait(qtbot, page, paths):
    page.import_files(paths)
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)


def choose(combo, data) -> None:
    """Pick an item the way a keyboard user does: focus the box, then arrow keys."""
    combo.setFocus()
    target = combo.findData(data)
    while combo.currentIndex() != target:
        QTest.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def kinds(window):
    return [(a.title, a.kind) for a in window.session.attachments()]


def test_the_kind_chosen_when_adding_is_the_kind_stored(qtbot, window, tmp_path):
    """Regression: every imported file used to become 其他材料 whatever the kind box said."""
    page = open_attachments(window)
    choose(widget(window, "attachments.add_kind"), "contract")
    import_and_wait(qtbot, page, [write(tmp_path / "到账回单.jpg", jpeg(page_image()))])
    assert kinds(window) == [("到账回单", "contract")]  # the choice, not the name's guess
    assert not page.kind_note.isVisible()


def test_no_choice_infers_the_kind_and_one_click_changes_it(qtbot, window, tmp_path):
    page = open_attachments(window)
    assert widget(window, "attachments.add_kind").currentData() is None  # 自动识别
    assert not widget(window, "attachments.kind.other").isEnabled()  # nothing selected to change
    import_and_wait(
        qtbot,
        page,
        [
            write(tmp_path / "技术合同.jpg", jpeg(page_image())),
            write(tmp_path / "IMG_2041.jpg", jpeg(page_image(size=(1600, 2300)))),
        ],
    )
    assert kinds(window) == [("技术合同", "contract"), ("IMG_2041", "other")]
    page.list.setCurrentRow(0)
    assert widget(window, "attachments.kind.other").isEnabled()
    assert page.kind_note.isVisible() and "文件名" in page.kind_note.text()
    assert widget(window, "attachments.kind.contract").isChecked()
    qtbot.mouseClick(widget(window, "attachments.kind.payment_proof"), Qt.MouseButton.LeftButton)
    assert kinds(window)[0] == ("技术合同", "payment_proof")
    assert widget(window, "attachments.kind.payment_proof").isChecked()
    assert not widget(window, "attachments.kind.contract").isChecked()
    assert not page.kind_note.isVisible()  # the user's choice now
    page.list.setCurrentRow(1)
    assert "没能识别" in page.kind_note.text()


def test_a_duplicate_is_refused_naming_the_attachment(qtbot, window, prompter, tmp_path):
    page = open_attachments(window)
    scan = jpeg(page_image())
    import_and_wait(qtbot, page, [write(tmp_path / "合同.jpg", scan)])
    import_and_wait(
        qtbot,
        page,
        [write(tmp_path / "copy.jpg", scan), write(tmp_path / "到账.jpg", jpeg(page_image(size=(1600, 2300))))],
    )
    assert kinds(window) == [("合同", "contract"), ("到账", "payment_proof")]
    _title, message = prompter.errors[-1]
    assert "copy.jpg" in message and "附件 1（合同）" in message


def test_findings_are_listed_for_the_selected_attachment(qtbot, window, tmp_path):
    page = open_attachments(window)
    import_and_wait(
        qtbot,
        page,
        [
            write(tmp_path / "合同.jpg", jpeg(page_image())),
            write(tmp_path / "sideways.jpg", jpeg(page_image(size=(2339, 1654)))),
            write(tmp_path / "blank.jpg", jpeg(Image.new("L", (1654, 2339), 248))),
            write(tmp_path / "wide.pdf", image_pdf(page_image(size=(3874, 1754)), 150)),
        ],
    )
    findings = widget(window, "attachments.findings")

    def shown(row: int) -> list[str]:
        page.list.setCurrentRow(row)
        return [findings.item(i).text() for i in range(findings.count())]

    assert shown(0) == ["未发现问题：页面尺寸、分辨率、方向、空白页和颜色都正常。"]
    assert shown(1) == ["第 1 页是横向的，而文件是纵向的：可能放倒了\n建议：旋转页面"]
    assert shown(2) == ["第 1 页几乎是空白页\n建议：删除该页"]
    assert shown(3) == ["第 1 页尺寸为 656×297 mm，不是 A4（210×297 mm）\n建议：缩放到 A4"]
    assert findings.item(0).data(Qt.ItemDataRole.UserRole) == (1, "not_a4", "a4")
    assert "预检：" in page.list.item(3).text() and "预检：" not in page.list.item(0).text()
    if os.environ.get("CXY_GRAB"):  # look at it: CXY_GRAB=folder
        page.list.setCurrentRow(3)
        window.grab().save(str(Path(os.environ["CXY_GRAB"]) / "attachments-findings.png"))


def test_findings_of_a_draft_without_records_are_examined_on_opening(qtbot, open_window, tmp_path):
    """A draft made elsewhere (no record of ours): examined in the background, then listed."""
    import hashlib

    from forms.attachments import normalise
    from forms.draft import Draft

    path = tmp_path / "received.cxy"
    blank = normalise(jpeg(Image.new("L", (1654, 2339), 248)), "blank.jpg")
    with Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp") as draft:
        draft.add_attachment(
            kind="other",
            title="空白",
            original_name="blank.jpg",
            source_format="jpeg",
            pages=1,
            sha256=hashlib.sha256(blank.pdf).hexdigest(),
            pdf=blank.pdf,
        )
    window = open_window(path)
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    page.list.setCurrentRow(0)
    findings = widget(window, "attachments.findings")
    qtbot.waitUntil(lambda: findings.count() and "空白页" in findings.item(0).text(), timeout=60000)
    assert any(key.startswith("intake:") for key in window.session.draft.meta())  # stored for next time


def test_a_replacement_is_examined_and_its_record_kept(qtbot, window, tmp_path):
    from forms.attachments.intake_record import decode
    from forms.draft.attachments import entry_key

    page = open_attachments(window)
    import_and_wait(qtbot, page, [write(tmp_path / "合同.jpg", jpeg(Image.new("L", (1654, 2339), 248)))])
    page.list.setCurrentRow(0)
    findings = widget(window, "attachments.findings")
    assert "空白页" in findings.item(0).text()
    page.import_files(
        [write(tmp_path / "合同-重扫.jpg", jpeg(page_image()))], replace=window.session.attachments()[0].id
    )
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    info = window.session.attachments()[0]
    assert info.original_name == "合同-重扫.jpg"
    assert decode(info.sha256, window.session.draft.meta().get(entry_key(info.sha256))) is not None
    page.list.setCurrentRow(0)
    assert findings.item(0).text().startswith("未发现问题")
