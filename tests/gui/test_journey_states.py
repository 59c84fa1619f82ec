"""What the File menu offers in each state of the application's journey: a final (定稿)
application takes nothing merged in until it is unfinalised; a hand-off copy is filled and sent
back, so it neither hands off nor takes a merge."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QAction

from desktop import roles, workers

from .test_lock_holder import held  # noqa: F401 - a draft another process holds

pytestmark = pytest.mark.gui
HAN = re.compile(r"[\u4e00-\u9fff]")


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


def test_a_language_switch_in_one_window_switches_every_window(qtbot, open_window, tmp_path):
    """The language is the program's (one translator, one setting): a second window left in the
    old language would mix the two in every message it shows afterwards."""
    first = open_window()
    first.open_sample("tech_vp")
    second = open_window()
    second.open_sample("conference")
    settled(qtbot)
    second.findChild(QAction, "action.lang.en").trigger()  # 语言 ▸ English
    for window in (first, second):
        assert window.lang == "en" and window.menuBar().actions()[0].text() == "&File"
        assert window.windowTitle().endswith("CXY Apply")
        assert window.view.current_key() == "project"


def test_a_window_opened_from_the_office_desk_speaks_the_programs_language(qtbot, prompter, tmp_path, open_window):
    from desktop import i18n
    from desktop.office.desk import open_desk
    from desktop.services import Services
    from forms.draft import Draft
    from forms.pack import load_pack
    from forms.samples import fill_sample

    pack = load_pack()
    folder = tmp_path / "received"
    folder.mkdir()
    for name, category in (("a.cxy", "tech_vp"), ("b.cxy", "conference")):
        with Draft.create(folder / name, pack=pack.id, category=category) as draft:
            fill_sample(draft, category, pack)
    desk = open_desk(folder, Services(prompter=prompter), "zh")
    qtbot.addWidget(desk, before_close_func=lambda _w: settled(qtbot))
    qtbot.waitUntil(lambda: desk.batch is not None and desk.job is None, timeout=60000)
    rows = {row.file: row for row in desk.batch.rows}
    first = desk.open_row(rows["a.cxy"])
    qtbot.addWidget(first, before_close_func=lambda _w: settled(qtbot))
    first.set_language("en")
    second = desk.open_row(rows["b.cxy"])
    qtbot.addWidget(second, before_close_func=lambda _w: settled(qtbot))
    assert i18n.lang() == "en"
    assert second.lang == "en" and second.menuBar().actions()[0].text() == "&File"
    assert first.lang == "en" and first.menuBar().actions()[0].text() == "&File"


def test_the_office_desk_shows_what_was_done_in_a_window_opened_from_it(qtbot, prompter, tmp_path):
    """The office opens an application from the desk, marks it final there and comes back to
    print it: the desk's row says 已定稿 and the print queue takes it."""
    from desktop.office.desk import open_desk
    from desktop.services import Services
    from forms.draft import Draft
    from forms.pack import load_pack
    from forms.samples import fill_sample

    pack = load_pack()
    folder = tmp_path / "received"
    folder.mkdir()
    with Draft.create(folder / "a.cxy", pack=pack.id, category="tech_vp") as draft:
        fill_sample(draft, "tech_vp", pack)
    desk = open_desk(folder, Services(prompter=prompter), "zh")
    qtbot.addWidget(desk, before_close_func=lambda _w: settled(qtbot))
    qtbot.waitUntil(lambda: desk.batch is not None and desk.job is None, timeout=60000)
    assert not desk.batch.rows[0].final
    window = desk.open_row(desk.batch.rows[0])
    qtbot.addWidget(window, before_close_func=lambda _w: settled(qtbot))
    qtbot.waitUntil(window.isActiveWindow)
    finalise(qtbot, window)

    desk.activateWindow()  # back to the desk
    qtbot.waitUntil(desk.isActiveWindow)
    qtbot.waitUntil(lambda: desk.job is None and desk.batch.rows[0].final, timeout=60000)
    assert "1 份已定稿" in desk.summary.text()
    dialog = desk.open_print_queue()
    assert dialog is not None and dialog.paths == [folder / "a.cxy"]
    qtbot.addWidget(dialog, before_close_func=lambda _w: settled(qtbot))


def blank_pdf(path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as out:
        writer.write(out)
    return path


def test_a_verdict_that_arrives_after_the_draft_was_closed_names_the_draft_it_was_checked_against(
    qtbot, open_window, prompter, tmp_path
):
    from .test_outputs_final import _wait_output

    window = open_window()
    window.open_sample("tech_vp")
    finalise(qtbot, window)
    window.view.go_to_key("output")
    _wait_output(qtbot, window)
    pdf = tmp_path / "package.pdf"
    prompter.paths.append(pdf)
    window.view.output_page.buttons["save_package"].click()
    _wait_output(qtbot, window)
    checked = window.session.path.name
    prompter.paths.append(pdf)
    assert window.verify_package() is not None
    window.close_draft()  # before the verdict comes: it is about that draft, not about none
    qtbot.waitUntil(lambda: window.verify_job is None, timeout=60000)
    text = window.banner.text()
    assert "package.pdf" in text and "与草稿一致" in text and f"“{checked}”" in text


def test_a_verdict_over_a_read_only_draft_keeps_the_way_to_edit_it(qtbot, open_window, prompter, tmp_path, held):  # noqa: F811
    path, _holder = held
    window = open_window(path)
    assert window.session.readonly
    prompter.paths.append(blank_pdf(tmp_path / "package.pdf"))
    assert window.verify_package() is not None
    qtbot.waitUntil(lambda: window.verify_job is None, timeout=60000)
    assert "package.pdf" in window.banner.text()
    assert window.banner.action_button.isVisible() and window.banner.action_button.text() == "改为编辑(&E)"


def test_after_a_merge_the_portal_step_makes_the_upload_files_again(qtbot, open_window, prompter, tmp_path):
    """The enterprise took a payment proof out of its copy; once merged, the upload files on
    网上填报 follow (they were left as before the merge: the step saw no edit of its own)."""
    from forms.draft import Draft

    window = open_window()
    window.open_sample("tech_trade")
    settled(qtbot)
    window.view.go_to_key("portal")
    portal = window.view.portal_page
    qtbot.waitUntil(lambda: portal.job is None and portal.slots_at is not None, timeout=60000)
    before = {slot.file: slot.attachments for slot in portal.slots}

    copy = tmp_path / "copy.cxy"
    prompter.paths.append(copy)
    assert window.handoff("enterprise")
    with Draft.open(copy) as draft:
        proof = next(a for a in draft.attachments() if a.kind == "payment_proof")
        draft.remove_attachment(proof.id)
    assert window.apply_merge(copy, {})
    assert len(window.session.attachments()) == sum(before.values()) - 1

    window.view.go_to_key("output")
    window.view.go_to_key("portal")
    qtbot.waitUntil(lambda: portal.job is None and portal.slots_at is not None, timeout=60000)
    after = {slot.file: slot.attachments for slot in portal.slots}
    assert sum(after.values()) == sum(before.values()) - 1


def test_a_verdict_in_the_banner_follows_a_language_switch(qtbot, open_window, prompter, tmp_path):
    window = open_window()
    window.open_sample("tech_vp")
    settled(qtbot)
    prompter.paths.append(blank_pdf(tmp_path / "package.pdf"))
    assert window.verify_package() is not None
    qtbot.waitUntil(lambda: window.verify_job is None, timeout=60000)
    assert window.banner.text().startswith("无法核验“package.pdf”")
    window.set_language("en")
    text = window.banner.text()
    assert text.startswith("Could not verify “package.pdf”") and not HAN.search(text), text
