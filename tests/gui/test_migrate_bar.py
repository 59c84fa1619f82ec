"""A draft of an older year's pack offers migration (issue 15 item 5): the bar names both years,
its button asks for the new file, migrates, opens the new draft and shows the report beside it;
the old draft is never changed, and an existing file is never overwritten."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop import migrate_bar, workers
from forms.draft import Draft
from forms.pack import load_pack, load_pack_dir
from forms.samples import fill_sample
from forms.transfer import create_draft
from tests.pack_writer import PACK_2025

from .helpers import set_value, widget

pytestmark = pytest.mark.gui


@pytest.fixture
def packs(monkeypatch):
    """The program knows the 2023 pack and the 2025-shaped one."""
    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [old, new])
    return old, new


def sample_2023(tmp_path: Path) -> Path:
    pack = load_pack("jiangsu-cxy-2023")
    path = tmp_path / "tech_vp.cxy"
    create_draft(path, pack=pack.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", pack))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settled(qtbot) -> None:
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)


def test_the_bar_migrates_opens_the_new_draft_and_shows_the_report(qtbot, open_window, prompter, tmp_path, packs):
    old, new = packs
    source = sample_2023(tmp_path)
    window = open_window(source)
    settled(qtbot)
    bar = window.migrate_bar
    assert bar.isVisible()
    text = widget(window, "migrate_bar.text").text()
    assert f"按{old.year}年规则包填写" in text and f"可迁移到{new.year}年规则包" in text
    window.grab().save(str(tmp_path / "bar.png"))
    before = digest(source)

    prompter.paths.append(tmp_path / "迁移后")  # the .cxy is added, as for a new application
    qtbot.mouseClick(widget(window, "migrate_bar.migrate"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.dialog is not None and bar.dialog.isVisible())

    assert prompter.suggested[-1] == tmp_path / f"tech_vp-{new.year}.cxy"
    assert window.session is not None and window.session.path == tmp_path / "迁移后.cxy"
    assert window.session.draft.meta()["pack"] == new.id
    assert window.pack is new and window.session.pack is new  # filled and checked under the 2025 pack
    assert "pack" not in {issue.code for issue in window.session.errors()}
    report = bar.dialog.text()
    window_k6 = new.category("tech_vp").start
    assert "判定有变化" in report and "未沿用" in report and "新增且必填" in report
    with Draft.open(source, readonly=True) as draft:
        start = draft.get("contract.start")
    assert f"须晚于{window_k6.after}，现为{start}" in report  # the sample's start, in the new words
    assert not bar.isVisible()  # the new draft is of the latest pack
    bar.dialog.grab().save(str(tmp_path / "report.png"))
    settled(qtbot)
    assert digest(source) == before


def test_the_offer_in_english(qtbot, open_window, prompter, tmp_path, packs):
    window = open_window(sample_2023(tmp_path), lang="en")
    text = widget(window, "migrate_bar.text").text() + widget(window, "migrate_bar.migrate").text()
    assert "2023 rule pack" in text and "2025 pack" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)
    prompter.paths.append(tmp_path / "new.cxy")
    assert window.migrate_bar.migrate() is not None
    qtbot.waitUntil(lambda: window.migrate_bar.dialog is not None)
    report = window.migrate_bar.dialog
    assert "Judged differently" in report.text() and report.windowTitle() == "Migration report"
    report.grab().save(str(tmp_path / "report-en.png"))


def test_an_existing_file_is_refused_and_the_old_draft_stays_open(qtbot, open_window, prompter, tmp_path, packs):
    source = sample_2023(tmp_path)
    window = open_window(source)
    taken = tmp_path / "taken.cxy"
    taken.write_bytes(b"not ours")
    prompter.paths.append(taken)
    assert window.migrate_bar.migrate() is not None
    qtbot.waitUntil(lambda: window.migrate_bar.job is None)
    assert taken.read_bytes() == b"not ours"
    assert len(prompter.errors) == 1 and "taken.cxy" in prompter.errors[0][1]
    assert window.session.path == source


def test_no_offer_without_a_later_pack_and_a_closed_offer_stays_closed(qtbot, open_window, tmp_path, monkeypatch):
    source = sample_2023(tmp_path)
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [load_pack("jiangsu-cxy-2023")])
    window = open_window(source)
    assert window.migrate_bar.isHidden()
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)])
    window.set_language("en")  # a rebuild looks again
    assert window.migrate_bar.isVisible()
    qtbot.mouseClick(widget(window, "migrate_bar.close"), Qt.MouseButton.LeftButton)
    window.set_language("zh")
    assert window.migrate_bar.isHidden()


def test_a_final_draft_migrates_into_a_draft_the_user_can_type_in_and_the_report_says_why(
    qtbot, open_window, prompter, tmp_path, packs
):
    from forms.workflow import finalise

    old, _new = packs
    source = sample_2023(tmp_path)
    with Draft.open(source) as draft:
        first = draft.attachments()[0]
        draft.update_attachment(first.id, title=first.title + "（改）")
        draft.undo()  # undo history (a new draft starts without any): Redo would bring it back
        finalise(draft, old)
    before = digest(source)
    window = open_window(source)
    settled(qtbot)
    assert window.session.final and window.migrate_bar.isVisible()

    prompter.paths.append(tmp_path / "final-2025.cxy")
    qtbot.mouseClick(widget(window, "migrate_bar.migrate"), Qt.MouseButton.LeftButton)
    bar = window.migrate_bar
    qtbot.waitUntil(lambda: bar.dialog is not None and bar.dialog.isVisible())
    settled(qtbot)

    final = widget(bar.dialog, "migrate_report.final")
    assert final.isVisible() and "原草稿已定稿，新草稿不是定稿" in final.text() and "再次定稿" in final.text()
    assert "撤销记录" in widget(bar.dialog, "migrate_report.notes").text()  # the retitle above left undo history
    bar.dialog.grab().save(str(tmp_path / "report-final.png"))

    # the new draft is a draft: what the user types is kept
    assert window.session.path == tmp_path / "final-2025.cxy" and not window.session.final
    set_value(qtbot, window, "project.name", "按新规则修改的项目名称")
    assert window.session.flush()
    window.grab().save(str(tmp_path / "window-after.png"))
    with Draft.open(tmp_path / "final-2025.cxy", readonly=True) as draft:
        assert draft.get("project.name") == "按新规则修改的项目名称" and not draft.final
    with Draft.open(source, readonly=True) as draft:
        assert draft.final
    assert digest(source) == before


def test_a_hand_off_copy_keeps_its_role_and_what_was_just_typed(qtbot, open_window, prompter, tmp_path, packs):
    from forms.workflow import handoff

    _old, new = packs
    copy = tmp_path / "enterprise.cxy"
    handoff(sample_2023(tmp_path), "enterprise", copy)
    window = open_window(copy, lang="en")
    settled(qtbot)
    set_value(qtbot, window, "enterprise.contact.phone", "13900001111")  # typed, not yet saved by the timer

    prompter.paths.append(tmp_path / "enterprise-2025.cxy")
    assert window.migrate_bar.migrate() is not None
    qtbot.waitUntil(lambda: window.migrate_bar.dialog is not None)
    settled(qtbot)

    report = window.migrate_bar.dialog
    assert "Role carried over" in report.text() and new.role("enterprise").label.en in report.text()
    assert widget(report, "migrate_report.final").isHidden()  # it was not final: nothing said
    assert "undo" not in report.text()  # a hand-off copy travels without undo history: nothing said
    report.grab().save(str(tmp_path / "report-role.png"))
    with Draft.open(tmp_path / "enterprise-2025.cxy", readonly=True) as draft:
        assert draft.role == "enterprise" and draft.get("enterprise.contact.phone") == "13900001111"
    assert window.session.draft.role == "enterprise"
    report.close()  # closed inside the test: its layout's offscreen noise stays with this GUI test
    qtbot.waitUntil(lambda: not report.isVisible())
