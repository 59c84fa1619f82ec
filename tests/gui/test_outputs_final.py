"""Outputs of a draft look like drafts: the save dialogs suggest names with 草稿 until 定稿 (and
the builds pass the final flag); 核验 from the Output page and the File menu says, in one line,
whether a package is intact and matches the open draft."""

from __future__ import annotations

import pytest

from .helpers import set_value, widget

pytestmark = pytest.mark.gui


def _finalise(qtbot, window):
    qtbot.waitUntil(lambda: not window.session.errors())
    window.view.go_to_key("review")
    window.view.review_page.final_button.click()
    qtbot.waitUntil(lambda: window.session.final)


def _wait_output(qtbot, window):
    qtbot.waitUntil(lambda: window.view.output_page.job is None, timeout=120000)


def test_save_dialogs_suggest_draft_names_until_final(qtbot, window, prompter):
    window.open_sample("tech_vp")
    project = window.session.get("project.name")
    window.view.go_to_key("output")
    _wait_output(qtbot, window)
    page = window.view.output_page
    page.buttons["save_package"].click()
    page.buttons["save_print_set"].click()
    assert [p.name for p in prompter.suggested] == [f"{project}-申报材料-草稿.pdf", f"{project}-打印稿-草稿.pdf"]

    _finalise(qtbot, window)
    window.view.go_to_key("output")
    _wait_output(qtbot, window)
    prompter.suggested.clear()
    window.view.output_page.buttons["save_package"].click()
    window.view.output_page.buttons["save_print_set"].click()
    assert [p.name for p in prompter.suggested] == [f"{project}-申报材料.pdf", f"{project}-打印稿.pdf"]


def _verify(qtbot, window, prompter, pdf, via="button"):
    prompter.paths.append(pdf)
    if via == "button":
        window.view.output_page.buttons["verify"].click()
    else:
        window.menu_actions["verify"].trigger()
    qtbot.waitUntil(lambda: window.verify_job is None, timeout=120000)
    text = window.banner.text()
    assert "\n" not in text and "Traceback" not in text
    return text


def test_verify_a_final_package_then_a_changed_field(qtbot, window, prompter, tmp_path):
    window.open_sample("tech_vp")
    _finalise(qtbot, window)
    window.view.go_to_key("output")
    _wait_output(qtbot, window)
    pdf = tmp_path / "package.pdf"
    prompter.paths.append(pdf)
    window.view.output_page.buttons["save_package"].click()
    _wait_output(qtbot, window)
    assert pdf.exists()

    text = _verify(qtbot, window, prompter, pdf)
    assert "完好" in text and "与草稿一致" in text and window.banner.severity == "info"

    # It cannot change while final: unfinalise with a reason, edit one field, verify again.
    prompter.texts.append("更正项目名称")
    widget(window, "banner.action").click()
    assert not window.session.final
    set_value(qtbot, window, "project.name", "更正后的项目名称")
    window.view.go_to_key("output")
    _wait_output(qtbot, window)
    text = _verify(qtbot, window, prompter, pdf)
    assert "完好" in text and "与草稿不一致" in text and "project.name" in text
    assert window.banner.severity == "error"

    window.set_language("en")
    window.view.go_to_key("output")
    _wait_output(qtbot, window)
    text = _verify(qtbot, window, prompter, pdf, via="menu")
    assert text.startswith("Verified “package.pdf”: Intact") and "Does not match the draft: project.name" in text

    # From the File menu with no draft open: the file alone.
    window.close_draft()
    text = _verify(qtbot, window, prompter, pdf, via="menu")
    assert "Intact" in text and "draft" not in text.split(":", 1)[1]


def test_verify_a_draft_package_says_it_has_no_seal(qtbot, window, prompter, tmp_path):
    window.open_sample("conference")
    window.view.go_to_key("output")
    _wait_output(qtbot, window)
    pdf = tmp_path / "draft.pdf"
    prompter.paths.append(pdf)
    window.view.output_page.buttons["save_package"].click()
    _wait_output(qtbot, window)
    text = _verify(qtbot, window, prompter, pdf)
    assert text.startswith("无法核验“draft.pdf”") and "封签" in text
    assert window.banner.severity == "error"
