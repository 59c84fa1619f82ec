"""File ▸ 导入官方模板…: the file is chosen through the prompter (never a blocking dialog), the
official letter text is used by the open draft at once, and the outcome is one line in the
status bar and the banner."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from forms.pack import load_pack
from forms.render.documents import render_document

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def fresh_packs():
    """An imported template lives in this test's data folder only: no later test sees it."""
    load_pack.cache_clear()
    yield
    load_pack.cache_clear()


def leader_letter(path: Path) -> Path:
    letter = load_pack().letters["leader"]
    document = docx.Document()
    document.add_paragraph("附件4")
    document.add_paragraph(letter.title.zh)
    document.add_paragraph("本人承诺（官方文本）：")
    for number in range(1, len(letter.points) + 1):
        document.add_paragraph(f"{number}. 官方承诺第{number}条。")
    document.add_paragraph("项目负责人（签字）：")
    document.add_paragraph("2023年  月  日")
    document.save(path)
    return path


def file_menu_action(window, name: str):
    menu = window.menuBar().actions()[0].menu()
    return next(a for a in menu.actions() if a.objectName() == name)


def test_the_menu_imports_a_letter_and_the_open_draft_prints_it(qtbot, window, prompter, tmp_path):
    window.open_sample("tech_vp")
    action = file_menu_action(window, "action.template_import")
    assert action.text() == "导入官方模板(&T)…" and action.isEnabled()
    prompter.paths.append(leader_letter(tmp_path / "附件4 科研诚信承诺书.docx"))
    action.trigger()
    assert ("open_file", "导入官方模板") in prompter.asked
    message = window.statusBar().currentMessage()
    assert message.startswith("“附件4 科研诚信承诺书.docx”：已导入附件4") and "5 条承诺" in message
    assert window.banner.isVisible() and window.banner.severity == "info" and "附件4" in window.banner.text()
    assert not prompter.errors
    assert window.session.pack.letters["leader"].verified
    pdf = render_document("letter_leader", window.session.draft.data(), window.session.pack)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "官方承诺第3条。" in text and "文本待与官方模板核对" not in text


def test_a_picture_named_docx_is_refused_in_the_banner(qtbot, window, prompter, tmp_path):
    fake = tmp_path / "扫描件.docx"
    fake.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(64))
    prompter.paths.append(fake)
    window.menu_actions["template_import"].trigger()
    assert window.banner.severity == "error"
    assert "扫描件.docx" in window.banner.text() and "Word" in window.banner.text()
    assert "\n" not in window.banner.text() and "Traceback" not in window.banner.text()
    assert not window.pack.letters["leader"].verified


def test_the_entry_speaks_english(qtbot, open_window, prompter, tmp_path):
    window = open_window(lang="en")
    prompter.paths.append(leader_letter(tmp_path / "leader.docx"))
    window.menu_actions["template_import"].trigger()
    assert window.menu_actions["template_import"].text() == "Import official &template…"
    assert window.statusBar().currentMessage().startswith("“leader.docx”: Imported the official text of annex 4")


def test_an_imported_template_is_listed_and_can_be_removed(qtbot, window, prompter, tmp_path):
    window.open_sample("tech_vp")
    assert not window.template_menu.menuAction().isEnabled()  # nothing imported yet
    prompter.paths.append(leader_letter(tmp_path / "4.docx"))
    window.menu_actions["template_import"].trigger()
    assert window.template_menu.menuAction().isEnabled()
    (entry,) = window.template_menu.actions()
    assert entry.objectName() == "action.template_remove.annex-4" and "4.docx" in entry.text()
    prompter.confirms.append(False)  # "no": nothing changes
    entry.trigger()
    assert window.session.pack.letters["leader"].verified
    prompter.confirms.append(True)
    entry.trigger()
    assert ("confirm", "移除导入的官方模板") in prompter.asked
    assert not window.session.pack.letters["leader"].verified
    assert "重新使用规则包自带的文本" in window.statusBar().currentMessage()
    assert not window.template_menu.menuAction().isEnabled()
