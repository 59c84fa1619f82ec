"""The journey around rule packs in the app, as a person meets it: a pack installed in one
window while another waits for it, a newer pack of the same call installed while an older draft
is open, and the pack dialog when the language changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from desktop import workers
from forms import pack_registry
from forms.draft import Draft
from forms.pack import load_pack, load_pack_dir, resolve_pack
from forms.samples import fill_sample
from forms.transfer import create_draft
from tests.pack_writer import PACK_2025

from .helpers import widget

pytestmark = pytest.mark.gui


def leader_letter(pack, path: Path) -> Path:
    """The official text of the pack's leader letter, as a .docx (its annex number is the pack's)."""
    import docx

    letter = pack.letters["leader"]
    document = docx.Document()
    document.add_paragraph(f"附件{letter.annex}")
    document.add_paragraph(letter.title.zh)
    document.add_paragraph("本人承诺（官方文本）：")
    for number in range(1, len(letter.points) + 1):
        document.add_paragraph(f"{number}. 官方承诺第{number}条。")
    document.add_paragraph("项目负责人（签字）：")
    document.add_paragraph(f"{pack.year}年  月  日")
    document.save(path)
    return path


def settled(qtbot) -> None:
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)


def install_from(window, prompter, folder: Path) -> None:
    """File ▸ 规则包… ▸ 从文件夹安装…, the folder chosen."""
    window.menu_actions["packs"].trigger()
    dialog = window.pack_dialog
    prompter.paths.append(folder)
    QTest.mouseClick(dialog.findChild(QPushButton, "packs.install_folder"), Qt.MouseButton.LeftButton)


def test_a_pack_installed_in_another_window_reopens_the_draft_waiting_for_it(qtbot, open_window, prompter, sent_draft):
    waiting = open_window(sent_draft)
    other = open_window()
    settled(qtbot)
    assert waiting.migrate_bar.isVisible()
    install_from(other, prompter, PACK_2025)
    assert waiting.session.pack.id == "jiangsu-cxy-2025"
    assert not waiting.migrate_bar.isVisible()


def test_installing_a_newer_pack_of_the_call_offers_to_migrate_the_open_draft(
    qtbot, open_window, prompter, tmp_path, monkeypatch
):
    monkeypatch.setattr(pack_registry, "_named", {})
    load_pack.cache_clear()
    pack = load_pack("jiangsu-cxy-2023")
    path = tmp_path / "tech_vp.cxy"
    create_draft(path, pack=pack.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", pack))
    window = open_window(path)
    settled(qtbot)
    assert not window.migrate_bar.isVisible()
    install_from(window, prompter, PACK_2025)
    assert window.migrate_bar.isVisible()
    assert "可迁移到2025年规则包" in widget(window, "migrate_bar.text").text()
    window.grab().save(str(tmp_path / "offer.png"))
    load_pack.cache_clear()


@pytest.fixture
def pack_2025(monkeypatch):
    """The 2025-shaped pack, loaded from its folder in this run (as ``--pack FOLDER`` does)."""
    monkeypatch.setattr(pack_registry, "_named", {})
    load_pack.cache_clear()
    yield resolve_pack(str(PACK_2025))
    load_pack.cache_clear()


def test_the_file_menu_hands_off_to_the_roles_of_the_drafts_own_pack(qtbot, open_window, prompter, tmp_path, pack_2025):
    """A draft of the 2025 call (no separate office role) in a window that started on the 2023
    pack: the menu offers the 2025 call's roles, each of which the hand-off accepts."""
    from desktop import roles

    later = pack_2025
    path = tmp_path / "双高.cxy"
    create_draft(path, pack=later.id, category="dual_high", fill=lambda d: fill_sample(d, "dual_high", later))
    window = open_window(path, "en")
    settled(qtbot)
    assert window.pack.id == "jiangsu-cxy-2023" and window.session.pack.id == later.id
    offered = [key for key in window.menu_actions if key.startswith("handoff.")]
    assert offered == [f"handoff.{role.id}" for role in roles.handoff_roles(later)]
    enterprise = roles.role_of(later, "enterprise")
    assert window.menu_actions["handoff.enterprise"].text() == f"Hand off to {enterprise.label.en}…"

    prompter.paths.append(tmp_path / "enterprise-copy.cxy")
    window.menu_actions["handoff.enterprise"].trigger()
    assert prompter.errors == []
    assert (tmp_path / "enterprise-copy.cxy").is_file()


def test_what_is_typed_while_a_migration_runs_is_not_left_behind_in_the_old_draft(
    qtbot, open_window, prompter, tmp_path, monkeypatch
):
    """The migration copies the draft as it was when the button was pressed; the window then
    shows the new draft. Typing in the old one meanwhile would be kept only in the file left
    behind: the pages take no input until the migration has ended."""
    from desktop import migrate_bar

    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [old, new])
    source = tmp_path / "tech_vp.cxy"
    create_draft(source, pack=old.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", old))
    window = open_window(source)
    settled(qtbot)
    name = widget(window, "project.name")
    before = window.session.get("project.name")

    prompter.paths.append(tmp_path / "new.cxy")
    qtbot.mouseClick(widget(window, "migrate_bar.migrate"), Qt.MouseButton.LeftButton)
    window.set_language("en")  # the pages are made again meanwhile: they still wait
    assert widget(window, "migrate_bar.text").text() == "Carrying the draft over to the 2025 pack…"
    name = widget(window, "project.name")
    name.setFocus()
    QTest.keyClick(name, Qt.Key.Key_End)
    QTest.keyClicks(name, " V2")
    bar = window.migrate_bar
    qtbot.waitUntil(lambda: bar.dialog is not None and bar.dialog.isVisible())
    settled(qtbot)

    assert window.session.path == tmp_path / "new.cxy"
    assert window.session.get("project.name") == before
    with Draft.open(source, readonly=True) as draft:
        assert draft.get("project.name") == before
    assert window.view.isEnabled() and widget(window, "project.name").isEnabled()


def test_after_a_failed_migration_the_old_draft_takes_typing_again(qtbot, open_window, prompter, tmp_path, monkeypatch):
    from desktop import migrate_bar

    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [old, new])
    source = tmp_path / "tech_vp.cxy"
    create_draft(source, pack=old.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", old))
    window = open_window(source)
    taken = tmp_path / "taken.cxy"
    taken.write_bytes(b"not ours")
    prompter.paths.append(taken)
    assert window.migrate_bar.migrate() is not None
    qtbot.waitUntil(lambda: window.migrate_bar.job is None)
    assert window.session.path == source and len(prompter.errors) == 1
    name = widget(window, "project.name")
    name.setFocus()
    QTest.keyClick(name, Qt.Key.Key_End)
    QTest.keyClicks(name, " V2")
    assert window.session.get("project.name").endswith(" V2")


def test_an_official_template_imported_with_a_draft_open_goes_to_that_drafts_pack(
    qtbot, open_window, prompter, tmp_path, pack_2025
):
    """A 2025-call draft in a window that started on the 2023 pack: the official letter imported
    now is the 2025 call's, and the open draft prints with it."""
    path = tmp_path / "双高.cxy"
    create_draft(path, pack=pack_2025.id, category="dual_high", fill=lambda d: fill_sample(d, "dual_high", pack_2025))
    window = open_window(path)
    settled(qtbot)
    assert not window.session.pack.letters["leader"].verified
    prompter.paths.append(leader_letter(pack_2025, tmp_path / "科研诚信承诺书.docx"))
    window.menu_actions["template_import"].trigger()
    assert not prompter.errors
    assert window.session.pack.id == pack_2025.id and window.session.pack.letters["leader"].verified
    assert "附件5" in window.statusBar().currentMessage()
    assert not load_pack("jiangsu-cxy-2023").letters["leader"].verified
    assert window.pack.id == "jiangsu-cxy-2023"  # new applications keep the window's pack


def test_a_draft_waiting_for_its_pack_is_not_handed_off_or_merged_until_installed(
    qtbot, open_window, prompter, sent_draft
):
    """Hand-off and merge read the draft's own pack: while it is missing they are off (they
    asked for a file, then failed with 未知的规则包), and on once it is installed."""
    window = open_window(sent_draft)
    settled(qtbot)
    exchanges = [key for key in window.menu_actions if key.startswith("handoff.")] + ["merge"]
    assert not any(window.menu_actions[key].isEnabled() for key in exchanges)
    assert window.menu_actions["send_copy"].isEnabled()  # the draft as it is may still travel
    install_from(window, prompter, PACK_2025)
    assert window.session.pack.id == "jiangsu-cxy-2025"
    exchanges = [key for key in window.menu_actions if key.startswith("handoff.")] + ["merge"]
    assert all(window.menu_actions[key].isEnabled() for key in exchanges)
    assert not prompter.errors


def test_a_draft_opened_while_a_migration_runs_stays_in_the_window(qtbot, open_window, prompter, tmp_path, monkeypatch):
    from desktop import migrate_bar

    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [old, new])
    source, other = tmp_path / "tech_vp.cxy", tmp_path / "other.cxy"
    for path in (source, other):
        create_draft(path, pack=old.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", old))
    window = open_window(source)
    settled(qtbot)
    prompter.paths.append(tmp_path / "new.cxy")
    bar = window.migrate_bar
    assert bar.migrate() is not None
    assert window.open_path(other)  # File ▸ 打开 meanwhile
    qtbot.waitUntil(lambda: bar.dialog is not None and bar.dialog.isVisible())
    settled(qtbot)
    assert window.session.path == other and window.pack.id == old.id
    assert (tmp_path / "new.cxy").is_file() and "new.cxy" in bar.dialog.findChild(
        QLabel, "migrate_report.output"
    ).text()
    assert window.view.isEnabled()


def test_a_window_closed_while_its_migration_runs_stays_closed(qtbot, open_window, prompter, tmp_path, monkeypatch):
    """Closed by the user, the window does not come back to hold the new draft (its writer lock
    would keep every other window from editing it)."""
    from desktop import migrate_bar
    from desktop.main_window import window_editing

    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [old, new])
    source = tmp_path / "tech_vp.cxy"
    create_draft(source, pack=old.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", old))
    window = open_window(source)
    settled(qtbot)
    prompter.paths.append(tmp_path / "new.cxy")
    assert window.migrate_bar.migrate() is not None
    window.close()
    settled(qtbot)  # the worker's results delivered
    assert (tmp_path / "new.cxy").is_file()
    assert window.session is None and not window.isVisible()
    assert window_editing(tmp_path / "new.cxy") is None
