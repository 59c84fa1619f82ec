"""The 网上填报 step: a copy button puts the value on the clipboard and ticks it; ticks survive a
restart and fall off when the value changes; the upload files per slot with "open folder";
the portal account with copy buttons, the password only in the keyring."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import workers
from desktop.secrets import PORTAL_PASSWORD, SERVICE
from forms.draft import Draft
from forms.portal import portal_items
from forms.samples import sample

from .helpers import widget

pytestmark = pytest.mark.gui


class FakeOpener:
    def __init__(self) -> None:
        self.opened: list = []

    def open_folder(self, folder) -> bool:
        self.opened.append(folder)
        return True


def make_draft(path, category="tech_trade"):
    with Draft.create(path, pack="jiangsu-cxy-2023", category=category) as draft:
        draft.replace_data(sample(category))
    return path


def portal(qtbot, window):
    window.view.go_to_key("portal")
    page = window.view.portal_page
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    return page


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def close(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)
    window.close()


def test_copy_puts_the_value_on_the_clipboard_and_ticks_it(qtbot, open_window, tmp_path):
    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    page = portal(qtbot, window)
    items = portal_items(sample("tech_trade"), window.session.pack)
    assert [i.path for i in page.items] == [i.path for i in items]  # the 申报书's order
    tick = widget(window, "portal.tick.contract.amount_wan")
    assert not tick.isChecked()
    QApplication.clipboard().clear()
    click(qtbot, widget(window, "portal.copy.contract.amount_wan"))
    assert QApplication.clipboard().text() == "80"
    assert tick.isChecked()
    click(qtbot, widget(window, "portal.copy.contract.type"))
    assert QApplication.clipboard().text() == "技术开发"  # the label the portal shows, not the key
    assert "2 / " in widget(window, "portal.progress").text()
    assert window.view.step_state("portal") == "todo"


def test_ticks_survive_a_restart_and_fall_off_when_the_value_changes(qtbot, open_window, tmp_path):
    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    portal(qtbot, window)
    click(qtbot, widget(window, "portal.copy.project.name"))
    click(qtbot, widget(window, "portal.copy.leader.phone"))
    close(qtbot, window)

    again = open_window(path)
    portal(qtbot, again)
    assert widget(again, "portal.tick.project.name").isChecked()
    assert widget(again, "portal.tick.leader.phone").isChecked()
    assert not widget(again, "portal.tick.leader.name").isChecked()
    again.session.set("leader.phone", "13900001111")  # what was copied is no longer the value
    again.view.go_to_key("output")
    portal(qtbot, again)
    assert not widget(again, "portal.tick.leader.phone").isChecked()
    assert widget(again, "portal.tick.project.name").isChecked()
    with Draft.open(path, readonly=True) as draft:
        assert draft.data()["leader"]["phone"] == "13900001111"


def test_every_value_copied_completes_the_step(qtbot, open_window, tmp_path):
    path = make_draft(tmp_path / "mine.cxy", "conference")
    window = open_window(path)
    page = portal(qtbot, window)
    for item in page.items:
        if item.value:
            click(qtbot, page.copy_buttons[item.path])
    assert window.view.step_state("portal") == "complete"


def test_upload_files_per_slot_with_open_folder(qtbot, open_window):
    window = open_window()
    window.open_sample("tech_trade")  # two sample scans: a contract and a payment proof
    opener = FakeOpener()
    window.services.opener = opener
    page = portal(qtbot, window)
    folder = window.session.path.parent / f"{window.session.path.stem}-upload"
    assert (folder / "contract.pdf").is_file() and (folder / "payment_proofs.pdf").is_file()
    contract = widget(window, "portal.slot.contract.pdf")
    size_kb = round((folder / "contract.pdf").stat().st_size / 1024)
    assert f"{size_kb} KB" in contract.text() and "10 MB" in contract.text()
    assert "没有附件" in widget(window, "portal.slot.other.pdf").text()
    assert not widget(window, "portal.open.other.pdf").isEnabled()
    click(qtbot, widget(window, "portal.open.contract.pdf"))
    assert opener.opened == [folder]
    assert page.slots and not any(s.over for s in page.slots)


def test_account_user_name_in_settings_password_in_keyring(qtbot, open_window, memory_keyring, tmp_path):
    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    portal(qtbot, window)
    assert "从不发送" in widget(window, "portal.why").text()
    user = widget(window, "portal.user")
    user.setFocus()
    qtbot.keyClicks(user, "zhang.san")
    qtbot.keyClick(user, Qt.Key.Key_Return)
    click(qtbot, widget(window, "portal.copy_user"))
    assert QApplication.clipboard().text() == "zhang.san"
    password = widget(window, "secrets.portal_password")
    password.setFocus()
    qtbot.keyClicks(password, "Pw-4471")
    click(qtbot, widget(window, "secrets.remember"))
    click(qtbot, widget(window, "portal.copy_password"))
    assert QApplication.clipboard().text() == "Pw-4471"
    assert memory_keyring.store[(SERVICE, PORTAL_PASSWORD)] == "Pw-4471"
    close(qtbot, window)

    again = open_window(path)
    portal(qtbot, again)
    assert widget(again, "portal.user").text() == "zhang.san"
    assert widget(again, "secrets.portal_password").text() == "Pw-4471"
    settings_text = "".join(p.read_text(errors="replace") for p in (tmp_path / "config").glob("*"))
    assert "zhang.san" in settings_text and "Pw-4471" not in settings_text


def test_no_keyring_says_so_and_keeps_nothing(qtbot, open_window, tmp_path):
    keyring.set_keyring(fail.Keyring())
    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    portal(qtbot, window)
    message = widget(window, "secrets.message")
    assert "系统密码库不可用" in message.text()
    password = widget(window, "secrets.portal_password")
    password.setFocus()
    qtbot.keyClicks(password, "Pw-9902")
    click(qtbot, widget(window, "secrets.remember"))
    assert "不会被保存" in message.text()
    close(qtbot, window)

    again = open_window(path)
    portal(qtbot, again)
    assert widget(again, "secrets.portal_password").text() == ""
    stored = "".join(p.read_text(errors="replace") for p in (tmp_path / "config").glob("*"))
    assert "Pw-9902" not in stored


def test_another_folder_is_remembered_for_the_draft(qtbot, open_window, prompter, tmp_path):
    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    page = portal(qtbot, window)
    assert not any(s.size for s in page.slots)  # no attachments: nothing to upload, nothing written
    elsewhere = tmp_path / "for the portal"
    prompter.paths.append(elsewhere)
    click(qtbot, widget(window, "portal.change_folder"))
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    assert str(elsewhere) in widget(window, "portal.folder").text()
    close(qtbot, window)
    again = open_window(path)
    assert portal(qtbot, again).folder() == elsewhere


def test_a_slot_over_its_limit_says_so_with_its_fix(qtbot, open_window, monkeypatch):
    from desktop.pages import portal_page

    real = portal_page.plan_slots

    def tiny_limit(data, attachments, pack, *args, **kwargs):
        upload = pack.upload.model_copy(update={"max_file_mb": 0.001})
        return real(data, attachments, pack.model_copy(update={"upload": upload}), *args, **kwargs)

    monkeypatch.setattr(portal_page, "plan_slots", tiny_limit)
    window = open_window()
    window.open_sample("tech_trade")
    page = portal(qtbot, window)
    contract = widget(window, "portal.slot.contract.pdf")
    assert "超过" in contract.text() and "contract.pdf" in contract.text()
    assert "超过限制" in widget(window, "portal.slots_status").text()
    assert not widget(window, "portal.open.contract.pdf").isEnabled()  # not written: nothing to show
    assert page.slots[0].over
