"""What the File menu offers in each state of the application's journey: a final (定稿)
application takes nothing merged in until it is unfinalised; a hand-off copy is filled and sent
back, so it neither hands off nor takes a merge."""

from __future__ import annotations

import pytest

from desktop import roles, workers

pytestmark = pytest.mark.gui


def settled(qtbot) -> None:
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)


def finalise(qtbot, window) -> None:
    session = window.session
    qtbot.waitUntil(lambda: not session.errors())
    window.view.go_to_key("review")
    window.view.review_page.final_button.click()
    qtbot.waitUntil(lambda: session.final)


def test_a_final_application_offers_no_merge_until_unfinalised(qtbot, open_window, prompter):
    window = open_window()
    window.open_sample("tech_vp")
    settled(qtbot)
    assert window.menu_actions["merge"].isEnabled()
    finalise(qtbot, window)
    assert not window.menu_actions["merge"].isEnabled()
    assert not window.merge_returned()  # nor by its shortcut or a stale menu
    assert not any(kind == "open_file" for kind, _ in prompter.asked)
    prompter.texts.append("企业更正合同金额")
    assert window.unfinalise()
    assert window.menu_actions["merge"].isEnabled()


def test_a_hand_off_copy_neither_hands_off_nor_merges(qtbot, open_window, prompter, tmp_path):
    window = open_window()
    window.open_sample("tech_trade")
    settled(qtbot)
    role = roles.handoff_roles(window.session.pack)[0]
    copy = tmp_path / "copy.cxy"
    prompter.paths.append(copy)
    assert window.handoff(role.id)
    window.close_draft()

    assert window.open_path(copy)
    settled(qtbot)
    offered = [key for key in window.menu_actions if key.startswith("handoff.")]
    assert offered and not any(window.menu_actions[key].isEnabled() for key in offered)
    assert not window.menu_actions["merge"].isEnabled()
    assert window.menu_actions["history"].isEnabled() and window.menu_actions["send_copy"].isEnabled()


def test_a_final_application_is_not_handed_off_for_filling(qtbot, open_window, prompter, tmp_path):
    """A copy of a final application would be final too: the enterprise could fill nothing, and
    nothing could be merged back. Hand-off is offered again after 解除定稿."""
    window = open_window()
    window.open_sample("tech_trade")
    settled(qtbot)
    finalise(qtbot, window)
    offered = [key for key in window.menu_actions if key.startswith("handoff.")]
    assert offered and not any(window.menu_actions[key].isEnabled() for key in offered)
    role = roles.handoff_roles(window.session.pack)[0]
    copy = tmp_path / "copy.cxy"
    prompter.paths.append(copy)
    assert not window.handoff(role.id) and not copy.exists()
    prompter.texts.append("企业补充合同")
    assert window.unfinalise()
    assert all(window.menu_actions[key].isEnabled() for key in offered)
