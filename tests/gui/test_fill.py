"""A complete application of each category typed through the widgets, checked, finalised,
closed and reopened."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QRadioButton

from desktop import settings
from forms.model import flatten

from .helpers import add_required_uploads, fill_application, sample_for, set_value, shown_value, widget

pytestmark = pytest.mark.gui
CATEGORIES = ["tech_vp", "conference", "tech_trade"]


def new_application(qtbot, window, prompter, tmp_path, category: str):
    radio = widget(window, f"category.{category}")
    assert isinstance(radio, QRadioButton)
    radio.click()
    path = tmp_path / f"{category}.cxy"
    prompter.paths.append(path)
    widget(window, "start.new").click()
    assert window.session is not None and window.session.category == category
    return path


@pytest.mark.parametrize("category", CATEGORIES)
def test_fill_every_category_finalise_and_reopen(qtbot, open_window, prompter, tmp_path, category):
    window = open_window()
    path = new_application(qtbot, window, prompter, tmp_path, category)
    session = window.session
    # A new application is all to-do: errors exist, but nothing is shown loudly yet.
    assert session.errors()
    assert not any(session.is_quiet(i) is False and i.code == "required" for i in session.issues)

    data = sample_for(category)
    flat = fill_application(qtbot, window, data)
    qtbot.waitUntil(lambda: session.save_state == "saved")
    entered = {p: v for p, v in flatten(session.data()).items() if p not in ("pack", "category")}
    assert entered == {p: v for p, v in flat.items() if v is not False}

    # With the required scans the sample is eligible: the review page lists nothing and
    # finalising is allowed.
    add_required_uploads(qtbot, window, tmp_path, category)
    qtbot.waitUntil(lambda: not session.issues)
    window.view.go_to_key("review")
    review = window.view.review_page
    assert review.tree.topLevelItemCount() == 0
    assert review.final_button.isEnabled()
    review.final_button.click()
    assert session.final

    window.close()
    reopened = open_window(path)
    assert reopened.session.final
    for field, value in flat.items():
        if value is False:
            continue
        assert str(shown_value(reopened, field)) == str(value), field
    assert path in settings.recent_drafts()


def test_wrong_credit_code_shows_a_message_until_fixed(qtbot, window, prompter, tmp_path):
    new_application(qtbot, window, prompter, tmp_path, "tech_vp")
    message = widget(window, "university.uscc.message")
    set_value(qtbot, window, "university.uscc", "91320000MA1XXXXXX1")
    qtbot.waitUntil(lambda: message.isVisible() and "统一社会信用代码" in message.text())
    assert message.severity == "error"
    assert window.view.step_state("parties") == "error"
    set_value(qtbot, window, "university.uscc", sample_for("tech_vp")["university"]["uscc"])
    qtbot.waitUntil(lambda: not message.isVisible())
    assert not window.session.issues_for("university.uscc")


def test_required_fields_are_quiet_until_touched(qtbot, window, prompter, tmp_path):
    new_application(qtbot, window, prompter, tmp_path, "tech_vp")
    message = widget(window, "leader.name.message")
    assert window.session.issues_for("leader.name")  # the review page lists it …
    assert not message.isVisible()  # … the field does not shout before it was touched
    set_value(qtbot, window, "leader.name", "李四")
    set_value(qtbot, window, "leader.name", "")
    qtbot.waitUntil(message.isVisible)
    assert "项目负责人" in message.text()


def test_summary_counter_follows_the_pack_counting_rule(qtbot, window, prompter, tmp_path):
    new_application(qtbot, window, prompter, tmp_path, "conference")
    counter = widget(window, "project.summary.counter")
    limit = window.session.pack.rules.summary.max_chars
    set_value(qtbot, window, "project.summary", "产学研 合作\n项目")  # whitespace is not counted
    qtbot.waitUntil(lambda: counter.text().startswith(f"已输入 7 / {limit}"))
    assert not counter.property("over")
    set_value(qtbot, window, "project.summary", "字" * (limit + 1))
    qtbot.waitUntil(lambda: counter.property("over") is True)
    message = widget(window, "project.summary.message")
    qtbot.waitUntil(message.isVisible)


def test_category_blocks_only_for_their_category(qtbot, window, prompter, tmp_path):
    new_application(qtbot, window, prompter, tmp_path, "tech_trade")
    from PySide6.QtWidgets import QWidget

    assert window.findChild(QWidget, "tech_trade.event") is not None
    assert window.findChild(QWidget, "tech_vp.cohort_year") is None
    assert window.findChild(QWidget, "conference.filing_no") is None


def test_first_step_names_the_chosen_category(qtbot, window, prompter, tmp_path):
    from PySide6.QtWidgets import QLabel

    new_application(qtbot, window, prompter, tmp_path, "conference")
    shown = window.findChild(QLabel, "category")
    assert shown is not None and "附件2" in shown.text() and "产学研大会" in shown.text()
