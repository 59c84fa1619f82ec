"""Every input named by its contract path and labelled for assistive tools; the wizard works
from the keyboard; the review list jumps to fields; finalising needs zero errors; table rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from forms.model import pattern_of

from .helpers import set_value, widget

pytestmark = pytest.mark.gui
INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QCheckBox)


@pytest.mark.parametrize("category", ["tech_vp", "conference", "tech_trade"])
def test_every_field_input_is_named_and_labelled(window, category):
    window.open_sample(category)
    session = window.session
    named = {}
    for page in window.view.pages:
        for path, binding in getattr(page, "all_bindings", dict)().items():
            assert binding.widget.objectName() == path
            assert binding.widget.accessibleName(), path
            assert isinstance(binding.widget, INPUTS)
            named[path] = binding.widget
    declared = set(session.fields)
    assert {pattern_of(p) for p in named} == declared  # every declared field has one input


def test_next_and_back_from_the_keyboard(qtbot, window):
    window.open_sample("tech_vp")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view = window.view
    assert view.current_key() == "project"
    focused = QApplication.focusWidget()
    assert focused is not None and focused.objectName() == "project.name"  # the first field has focus
    qtbot.keyClick(focused, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.current_key() == "contract"
    # A mnemonic "animates" the button: the click follows a moment later.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.current_key() == "parties")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.current_key() == "contract")


def test_tab_walks_the_fields_in_order(qtbot, window):
    window.open_sample("tech_vp")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.go_to_key("parties")
    order = []
    for _ in range(4):
        order.append(QApplication.focusWidget().objectName())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert order == ["university.name", "university.uscc", "university.contact.name", "university.contact.phone"]


def test_review_lists_every_issue_and_jumps_to_its_field(qtbot, window):
    window.open_sample("conference")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    session = window.session
    set_value(qtbot, window, "members.1.unit", "")
    set_value(qtbot, window, "enterprise.uscc", "91320000MA1XXXXXX1")
    qtbot.waitUntil(lambda: len(session.errors()) == 2)
    window.view.go_to_key("review")
    review = window.view.review_page
    assert review.tree.topLevelItemCount() == len(session.issues)
    assert not review.final_button.isEnabled()
    fields = [
        review.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(review.tree.topLevelItemCount())
    ]
    item = review.tree.topLevelItem(fields.index("members.1.unit"))
    review.tree.itemClicked.emit(item, 0)
    assert window.view.current_key() == "team"
    assert QApplication.focusWidget() is widget(window, "members.1.unit")

    set_value(qtbot, window, "members.1.unit", "南京理工大学")
    set_value(qtbot, window, "enterprise.uscc", "91321302MA1XY2K3PR")
    qtbot.waitUntil(lambda: not session.errors())
    window.view.go_to_key("review")
    assert review.final_button.isEnabled()


def test_table_rows_add_and_remove(qtbot, window):
    window.open_sample("tech_vp")
    session = window.session
    window.view.go_to_key("team")
    before = [m["name"] for m in session.data()["members"]]
    widget(window, "members.add").click()
    new_row = len(before)
    assert window.focusWidget() is widget(window, f"members.{new_row}.name")
    set_value(qtbot, window, f"members.{new_row}.name", "新成员")
    widget(window, "members.0.remove").click()
    qtbot.waitUntil(lambda: session.save_state == "saved")
    names = [m.get("name") for m in session.data()["members"]]
    assert names == [*before[1:], "新成员"]
    assert widget(window, "members.0.name").text() == before[1]


def test_title_shows_the_saved_state(qtbot, window):
    window.open_sample("tech_vp")
    set_value(qtbot, window, "project.name", "标题里的名称")
    qtbot.waitUntil(lambda: window.session.save_state == "saved")
    assert window.windowTitle().startswith("标题里的名称 — 已保存")
    window.view.jump_to_field("contract.name")
    edit = widget(window, "contract.name")
    qtbot.keyClicks(edit, "x")
    assert "正在保存" in window.windowTitle()
    qtbot.waitUntil(lambda: "已保存" in window.windowTitle())


def test_a_value_the_draft_refuses_is_reported_once(qtbot, window, prompter):
    window.open_sample("tech_vp")
    session = window.session
    session.set("project.kpis", "长" * 200_000)  # beyond what a draft stores for one field
    assert not session.flush()
    assert session.save_state == "failed" and "保存失败" in window.windowTitle()
    assert len(prompter.errors) == 1
    session.flush()
    assert len(prompter.errors) == 1
    session.set("project.kpis", "正常长度")
    assert session.flush() and session.save_state == "saved"
