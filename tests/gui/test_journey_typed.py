"""What was typed and not yet 'left' (the focus still in the field) survives what the journey
does next from a menu or a shortcut: a language switch, closing the draft, a hand-off copy."""

from __future__ import annotations

import pytest

from desktop import workers
from forms.draft import Draft

from .files import make_pdf
from .helpers import bare_sample, widget

pytestmark = pytest.mark.gui


def attachment_with_typed_title(qtbot, window, prompter, tmp_path, title: str):
    """One attachment, its title typed with the focus still in the title field."""
    bare_sample(window, "tech_vp")
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    prompter.paths.append([make_pdf(tmp_path / "合同.pdf", pages=1)])
    widget(window, "attachments.add").click()
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    page.list.setCurrentRow(0)
    field = widget(window, "attachments.0.title")
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, title)
    return field


@pytest.mark.parametrize("then", ["language", "close", "handoff"])
def test_an_attachment_title_typed_just_before(qtbot, window, prompter, tmp_path, then):
    attachment_with_typed_title(qtbot, window, prompter, tmp_path, "Contract 2024")
    path = window.session.path
    if then == "language":
        window.set_language("en")  # 语言 ▸ English: a menu takes no focus from the field
        assert [a.title for a in window.session.attachments()] == ["Contract 2024"]
        assert widget(window, "attachments.0.title").text() == "Contract 2024"
    elif then == "close":
        window.menu_actions["close"].trigger()  # 文件 ▸ 关闭草稿, or its Ctrl+W
        assert window.session is None
        with Draft.open(path, readonly=True) as draft:
            assert [a.title for a in draft.attachments()] == ["Contract 2024"]
    else:
        copy = tmp_path / "copy.cxy"
        prompter.paths.append(copy)
        assert window.handoff("enterprise")
        with Draft.open(copy, readonly=True) as draft:
            assert [a.title for a in draft.attachments()] == ["Contract 2024"]
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)


def test_a_window_closed_while_its_json_import_runs_stays_closed(qtbot, window, prompter, tmp_path):
    import json

    from desktop.main_window import window_editing
    from forms.samples import sample

    source = tmp_path / "app.json"
    source.write_text(json.dumps(sample("conference"), ensure_ascii=False), encoding="utf-8")
    prompter.paths.append(tmp_path / "imported.cxy")
    assert window.import_json(source) is not None
    window.close()
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)
    assert (tmp_path / "imported.cxy").is_file()
    assert window.session is None and not window.isVisible()
    assert window_editing(tmp_path / "imported.cxy") is None


def test_an_official_template_s_outcome_in_the_banner_follows_a_language_switch(qtbot, window, prompter, tmp_path):
    from forms.pack import load_pack

    from .test_template_menu import leader_letter

    load_pack.cache_clear()
    window.open_sample("tech_vp")
    prompter.paths.append(leader_letter(tmp_path / "附件4 科研诚信承诺书.docx"))
    window.menu_actions["template_import"].trigger()
    assert "已导入附件4" in window.banner.text()
    window.set_language("en")
    text = window.banner.text().replace("附件4 科研诚信承诺书.docx", "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    load_pack.cache_clear()


def test_what_a_json_import_converted_is_said_again_after_a_language_switch(qtbot, window, prompter, tmp_path):
    import json

    from forms.samples import sample

    data = sample("conference")
    data["contract"]["amount_wan"] = "1234567元"  # converted to 万元 on the way in
    source = tmp_path / "app.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    prompter.paths.append(tmp_path / "imported.cxy")
    assert window.import_json(source) is not None
    qtbot.waitUntil(lambda: window.session is not None, timeout=60000)
    assert window.banner.text().startswith("导入时已换算")
    window.set_language("en")
    text = window.banner.text()
    assert not any("\u4e00" <= ch <= "\u9fff" or ch == "；" for ch in text), text
