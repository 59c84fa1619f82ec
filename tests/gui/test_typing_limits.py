"""Typing stops at the pack's limits (FieldSpec.max_chars, the title's max_title_chars); a
table stops adding rows at its max_rows; one attachment past max_attachments is refused in one
line naming the limit."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt

from .files import make_pdf
from .helpers import ime_commit, widget

pytestmark = pytest.mark.gui


def _type_past(qtbot, target, limit: int) -> None:
    """Fill to a few characters short of ``limit`` at once, then type ten more, one by one."""
    target.setFocus()
    ime_commit(target, "字" * (limit - 3))
    qtbot.keyClicks(target, "abcdefghij")


def test_a_text_field_holds_exactly_its_limit(qtbot, window):
    window.open_sample("tech_vp")
    window.view.jump_to_field("project.name")
    edit = widget(window, "project.name")
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    _type_past(qtbot, edit, 200)
    assert len(edit.text()) == 200
    assert edit.text().endswith("字字字abc")
    window.session.flush()
    assert window.session.draft.get("project.name") == edit.text()
    assert window.session.save_state == "saved"


def test_a_multiline_field_holds_exactly_its_limit(qtbot, window):
    window.open_sample("tech_vp")
    window.view.jump_to_field("project.summary")
    edit = widget(window, "project.summary")
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    _type_past(qtbot, edit, 3000)
    assert len(edit.toPlainText()) == 3000
    window.session.flush()
    assert len(window.session.draft.get("project.summary")) == 3000
    assert window.session.save_state == "saved"


def test_table_cells_hold_their_limit_and_members_stop_at_20_rows(qtbot, window):
    window.open_sample("tech_vp")
    window.view.jump_to_field("members.0.name")
    cell = widget(window, "members.0.name")
    cell.selectAll()
    qtbot.keyClick(cell, Qt.Key.Key_Delete)
    _type_past(qtbot, cell, 50)
    assert len(cell.text()) == 50
    add = widget(window, "members.add")
    while add.isEnabled():
        add.click()
    assert window.session.rows("members") == 20


def test_a_payment_cell_holds_its_limit(qtbot, window):
    window.open_sample("tech_vp")
    window.view.jump_to_field("payments.0.payer")
    cell = widget(window, "payments.0.payer")
    cell.selectAll()
    qtbot.keyClick(cell, Qt.Key.Key_Delete)
    _type_past(qtbot, cell, 200)
    assert len(cell.text()) == 200


def test_an_attachment_title_holds_500_characters(qtbot, window, prompter, tmp_path):
    window.open_sample("tech_vp")
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    prompter.paths.append([make_pdf(tmp_path / "合同.pdf", pages=1)])
    widget(window, "attachments.add").click()
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    page.list.setCurrentRow(0)
    title = widget(window, "attachments.0.title")
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    _type_past(qtbot, title, 500)
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert len(title.text()) == 500
    assert len(window.session.attachments()[0].title) == 500


def test_the_101st_attachment_is_refused_naming_the_limit(qtbot, open_window, prompter, tmp_path):
    from forms.draft import Draft
    from forms.samples import DEFAULT_PACK, sample

    pdf = make_pdf(tmp_path / "页.pdf", pages=1).read_bytes()
    path = tmp_path / "满.cxy"
    with Draft.create(path, pack=DEFAULT_PACK, category="tech_vp") as draft:
        draft.replace_data(sample("tech_vp"))
        for number in range(100):
            draft.add_attachment(
                kind="other",
                title=f"附件{number + 1}",
                original_name="页.pdf",
                source_format="pdf",
                pages=1,
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
            )
    window = open_window(path)
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    prompter.paths.append([make_pdf(tmp_path / "第101个.pdf", pages=1)])
    widget(window, "attachments.add").click()
    assert page.job is None  # refused before any intake work
    assert len(window.session.attachments()) == 100
    ((_title, text),) = prompter.errors
    assert "100" in text and "\n" not in text
    if page.preflight_job is not None:  # the 100 unexamined pages need not be examined for this test
        page.preflight_job.cancel()
