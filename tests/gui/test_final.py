"""定稿 through the widgets: allowed only with zero errors; a final application opens read-only
(every input locked, a banner 已定稿 with 解除定稿); 解除定稿 asks for a reason, records it and
makes the application editable again. The session never withdraws 定稿 by itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit

from forms.samples import sample

from .helpers import set_value, widget

pytestmark = pytest.mark.gui
OUT = Path(__file__).resolve().parents[2] / "out"


def _workflow():
    import forms.workflow

    return forms.workflow


def _inputs(window):
    view = window.view
    # 网上填报 stays usable: a final application is the one copied into the portal
    pages = [p for p in view.pages if p.key not in ("attachments", "review", "output", "portal")]
    for page in pages:
        yield from page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit)
        yield from page.findChildren(QComboBox) + page.findChildren(QAbstractButton)


def _locked(control) -> bool:
    if isinstance(control, (QLineEdit, QPlainTextEdit)):
        return control.isReadOnly() or not control.isEnabled()
    return not control.isEnabled()


def _finalise(qtbot, window):
    session = window.session
    qtbot.waitUntil(lambda: not session.errors())
    window.view.go_to_key("review")
    button = window.view.review_page.final_button
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: session.final)


def test_finalise_is_refused_while_errors_remain(qtbot, window):
    window.open_sample("tech_vp")
    set_value(qtbot, window, "leader.email", "broken@")
    qtbot.waitUntil(lambda: bool(window.session.errors()))
    window.view.go_to_key("review")
    review = window.view.review_page
    assert not review.final_button.isEnabled()
    assert "错误" in review.final_label.text()


def test_a_final_application_is_read_only_until_unfinalised_with_a_reason(qtbot, open_window, prompter, tmp_path):
    _workflow()
    window = open_window()
    window.open_sample("tech_vp")
    session, path = window.session, window.session.path
    _finalise(qtbot, window)

    # Every input is locked, the banner says 已定稿, the draft refuses writes.
    assert "已定稿" in window.banner.text() and "已定稿" in window.windowTitle()
    assert widget(window, "banner.action").isVisible()
    controls = list(_inputs(window))
    assert controls and all(_locked(c) for c in controls), [c.objectName() for c in controls if not _locked(c)]
    assert not widget(window, "attachments.add").isEnabled()
    assert not window.view.review_page.final_button.isEnabled()
    name = session.get("project.name")
    window.view.jump_to_field("project.name")
    qtbot.keyClicks(widget(window, "project.name"), "XYZ")
    assert session.get("project.name") == name and session.draft.get("project.name") == name
    OUT.mkdir(exist_ok=True)
    window.view.go_to_key("project")
    window.grab().save(str(OUT / "final-banner.png"))

    # It stays final when reopened.
    window.close_draft()
    window.open_path(path)
    session = window.session
    assert session.final and "已定稿" in window.banner.text()
    assert widget(window, "project.name").isReadOnly()

    # 解除定稿: cancelling the question changes nothing; a reason reopens it and is recorded.
    widget(window, "banner.action").click()
    assert session.final
    prompter.texts.append("企业更正了到账日期")
    widget(window, "banner.action").click()
    assert not session.final and session.draft.meta().get("final") != "1"
    assert window.banner.isHidden()
    assert not widget(window, "project.name").isReadOnly()
    set_value(qtbot, window, "project.name", "解除定稿后修改的名称")
    qtbot.waitUntil(lambda: session.save_state == "saved")
    assert session.draft.get("project.name") == "解除定稿后修改的名称"
    history = getattr(session.draft, "history", None)
    if history is not None:
        assert any("企业更正了到账日期" in (entry.note or "") for entry in history())


def test_an_error_never_withdraws_final_by_itself(qtbot, window):
    _workflow()
    window.open_sample("conference")
    session = window.session
    _finalise(qtbot, window)
    session.set("leader.email", "broken@")  # refused: a final session takes no edit
    session.recheck()
    assert session.final and session.get("leader.email") == sample("conference")["leader"]["email"]


def test_the_final_banner_follows_the_language(qtbot, window):
    _workflow()
    window.open_sample("tech_vp")
    _finalise(qtbot, window)
    window.set_language("en")
    assert window.banner.text().startswith("Final:")
    assert widget(window, "banner.action").text() == "&Reopen for editing…"
    assert widget(window, "project.name").isReadOnly()
