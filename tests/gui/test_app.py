"""The entry point's arguments and the one window factory."""

from __future__ import annotations

import json

import pytest

from desktop import settings
from desktop.app import parse_args
from forms.samples import sample, sample_attachments

pytestmark = pytest.mark.gui


def test_arguments():
    args = parse_args(["draft.cxy", "--lang", "en"])
    assert str(args.file) == "draft.cxy" and args.lang == "en" and args.sample is None
    assert parse_args(["--sample"]).sample == ""
    assert parse_args(["--sample", "conference"]).sample == "conference"
    with pytest.raises(SystemExit):
        parse_args(["--lang", "fr"])


def test_window_without_a_file_shows_the_start_page(window):
    assert window.session is None
    assert window.stack.currentWidget() is window.start_page
    assert not window.menu_actions["send_copy"].isEnabled()


def test_window_on_json_imports_it(qtbot, open_window, prompter, tmp_path):
    data = sample("tech_trade")
    data["attachments"] = []
    for kind, title, pdf in sample_attachments("tech_trade"):  # the notice's required scans, as files
        (tmp_path / f"{kind}.pdf").write_bytes(pdf)
        data["attachments"].append({"kind": kind, "title": title, "file": f"{kind}.pdf"})
    source = tmp_path / "app.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    prompter.paths.append(tmp_path / "from-json.cxy")
    window = open_window(source)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60000)
    assert window.session.category == "tech_trade"
    qtbot.waitUntil(lambda: len(window.session.attachments()) == 2, timeout=60000)
    window.session.recheck()
    assert not window.session.errors()


def test_language_setting_is_remembered(window):
    window.set_language("en")
    assert settings.language() == "en"
