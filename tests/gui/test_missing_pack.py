"""A draft someone made under a rule pack this computer does not have: the bar says which pack
and offers to install it (File ▸ 规则包…); once installed, the draft opens again under that pack,
with what was typed kept and the same step in view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from desktop import workers
from forms.draft import Draft
from tests.pack_writer import PACK_2025

from .helpers import widget

pytestmark = pytest.mark.gui


def test_the_bar_names_the_missing_pack_and_installing_it_reopens_the_draft(qtbot, open_window, prompter, sent_draft):
    window = open_window(sent_draft)
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)
    assert window.session.pack.id == "jiangsu-cxy-2023"  # shown under the program's own pack meanwhile
    bar = window.migrate_bar
    assert bar.isVisible()
    text = widget(window, "migrate_bar.text").text()
    assert "规则包“jiangsu-cxy-2025”" in text and "本机没有这个规则包" in text and "jiangsu-cxy-2023" in text
    assert widget(window, "migrate_bar.migrate").text() == "安装规则包(&I)…"
    assert "pack" in {issue.code for issue in window.session.errors()}
    window.grab().save(str(sent_draft.with_name("bar.png")))

    name = widget(window, "project.name")  # something typed while waiting for the pack is kept
    name.setFocus()
    QTest.keyClick(name, Qt.Key.Key_End)
    QTest.keyClicks(name, " V2")
    step = window.view.current_key()

    qtbot.mouseClick(widget(window, "migrate_bar.migrate"), Qt.MouseButton.LeftButton)
    dialog = window.pack_dialog
    assert dialog.isVisible()
    prompter.paths.append(PACK_2025)
    QTest.mouseClick(dialog.findChild(QPushButton, "packs.install_folder"), Qt.MouseButton.LeftButton)

    assert window.session.path == sent_draft.absolute()
    assert window.session.pack.id == "jiangsu-cxy-2025"
    assert "pack" not in {issue.code for issue in window.session.errors()}
    assert window.session.draft.get("project.name").endswith(" V2")
    assert window.view.current_key() == step
    assert not bar.isVisible()
    assert "已按规则包 jiangsu-cxy-2025 重新打开" in window.statusBar().currentMessage()


def test_the_bar_in_english_and_a_pack_id_is_shown_as_plain_text(qtbot, open_window, tmp_path, monkeypatch):
    path = tmp_path / "odd.cxy"
    with Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp") as draft:
        draft.set_meta("pack", "<b>x</b>-pack")  # someone else's file: any text
    window = open_window(path, "en")
    bar = window.migrate_bar
    assert bar.isVisible()
    label = widget(window, "migrate_bar.text")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert "rule pack \u201c<b>x</b>-pack\u201d, which this computer does not have" in label.text()
    assert widget(window, "migrate_bar.migrate").text() == "&Install the rule pack…"
    qtbot.mouseClick(widget(window, "migrate_bar.close"), Qt.MouseButton.LeftButton)
    assert bar.isHidden()
