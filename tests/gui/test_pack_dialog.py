"""Issue 15 §1 in the app: File ▸ 规则包… lists the packs and installs one from a folder or a
.zip (chosen through the prompter); a broken pack is one line naming its file and line; the
installed pack can be used for new applications; ``cxy-apply --pack`` chooses the pack; a draft
of an installed pack opens with that pack."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from forms.draft import Draft
from forms.pack import load_pack

pytestmark = pytest.mark.gui

PACK_2025 = Path(__file__).resolve().parents[1] / "data" / "packs" / "jiangsu-cxy-2025"


@pytest.fixture(autouse=True)
def fresh_packs():
    from desktop import pack_install

    load_pack.cache_clear()
    yield
    load_pack.cache_clear()
    pack_install._chosen.clear()


def open_dialog(window):
    menu = window.menuBar().actions()[0].menu()
    action = next(a for a in menu.actions() if a.objectName() == "action.packs")
    assert action.text() == "规则包(&P)…" and action.isEnabled()
    action.trigger()
    dialog = window.pack_dialog
    assert dialog.isVisible()
    return dialog


def click(dialog, name: str) -> None:
    QTest.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_the_dialog_installs_a_folder_and_the_start_page_uses_it(window, prompter, tmp_path):
    dialog = open_dialog(window)
    assert dialog.ids() == ["jiangsu-cxy-2023"]
    assert dialog.table.currentItem().text(1) == "2023年江苏省产学研合作项目"
    prompter.paths.append(PACK_2025)
    click(dialog, "packs.install_folder")
    assert ("choose_folder", "选择规则包文件夹") in prompter.asked
    assert dialog.ids() == ["jiangsu-cxy-2023", "jiangsu-cxy-2025"]
    assert dialog.outcome.text().startswith("已安装规则包 jiangsu-cxy-2025")
    assert "dual_high" in dialog.outcome.text()
    dialog.grab().save(str(tmp_path / "packs.png"))
    assert dialog.table.currentItem().text(0) == "jiangsu-cxy-2025"  # the pack just installed
    click(dialog, "packs.use")
    assert window.pack.id == "jiangsu-cxy-2025"
    assert window.start_page.pack.id == "jiangsu-cxy-2025"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_dialog_names_a_pack_and_its_categories_in_the_windows_language(open_window, lang, tmp_path):
    window = open_window(lang=lang)
    dialog = _open_by_action(window)  # the menu says 规则包… or Rule packs…
    item = dialog.table.currentItem()
    pack = window.pack
    assert item.text(1) == item.toolTip(1) == pack.title.get(lang)
    assert item.toolTip(3).splitlines() == [c.subtitle.get(lang) for c in pack.categories]
    dialog.grab().save(str(tmp_path / f"packs-{lang}.png"))


def _open_by_action(window):
    menu = window.menuBar().actions()[0].menu()
    next(a for a in menu.actions() if a.objectName() == "action.packs").trigger()
    return window.pack_dialog


def test_a_broken_zip_is_one_line_naming_file_and_line_and_nothing_is_installed(window, prompter, tmp_path):
    text = (PACK_2025 / "pack.toml").read_text("utf-8").replace("year = 2025", "year = 2025x")
    archive = tmp_path / "call-2025.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("pack.toml", text)
    dialog = open_dialog(window)
    prompter.paths.append(archive)
    click(dialog, "packs.install_zip")
    message = dialog.outcome.text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("year = 2025x"))
    assert "call-2025/pack.toml" in message and f"line {line}" in message and "\n" not in message
    assert dialog.ids() == ["jiangsu-cxy-2023"]


def test_reinstalling_asks_before_replacing(window, prompter, tmp_path):
    copy = tmp_path / "jiangsu-cxy-2025"
    shutil.copytree(PACK_2025, copy)
    dialog = open_dialog(window)
    prompter.paths.extend([copy, copy])
    click(dialog, "packs.install_folder")
    prompter.confirms.append(False)
    click(dialog, "packs.install_folder")
    assert ("confirm", "替换规则包") in prompter.asked
    assert "已安装" in dialog.outcome.text() and "--replace" in dialog.outcome.text()


def test_a_draft_of_an_installed_pack_opens_with_it(open_window, tmp_path):
    from forms.pack_install import install
    from forms.samples import fill_sample

    install(PACK_2025)
    later = load_pack("jiangsu-cxy-2025")
    path = tmp_path / "dual.cxy"
    with Draft.create(path, pack=later.id, category="dual_high") as draft:
        fill_sample(draft, "dual_high", later)
    window = open_window(path)
    assert window.session.pack.id == "jiangsu-cxy-2025"
    assert window.pack.id == "jiangsu-cxy-2023"  # new applications keep the window's pack


def test_cxy_apply_pack_chooses_the_pack_of_new_windows(open_window):
    from desktop.app import parse_args
    from desktop.pack_install import choose

    args = parse_args(["--pack", str(PACK_2025)])
    assert choose(args.pack).id == "jiangsu-cxy-2025"
    window = open_window()
    assert window.pack.id == "jiangsu-cxy-2025"
    assert [c.id for c in window.pack.categories][-1] == "dual_high"


def test_cxy_apply_office_with_pack_judges_the_folder_by_that_pack(qtbot, tmp_path):
    """``cxy-apply --office DIR --pack FOLDER``: the desk's batch is that pack's call, so a draft of
    it is a usable row (with the default pack it would be "made for another call")."""
    from desktop.app import _choose_pack, parse_args
    from desktop.office.desk import open_desk
    from forms.samples import fill_sample

    folder = tmp_path / "received"
    folder.mkdir()
    args = parse_args(["--office", str(folder), "--pack", str(PACK_2025)])
    assert _choose_pack(args.pack, "zh")
    later = load_pack("jiangsu-cxy-2025")
    with Draft.create(folder / "dual.cxy", pack=later.id, category="dual_high") as draft:
        fill_sample(draft, "dual_high", later)
    desk = open_desk(args.office, lang="zh")
    qtbot.addWidget(desk)
    assert desk.pack.id == "jiangsu-cxy-2025"
    qtbot.waitUntil(lambda: desk.job is None and desk.batch is not None, timeout=60_000)
    [row] = desk.batch.rows
    assert row.usable and row.category == "dual_high" and "另一申报批次" not in (row.reason or "")
