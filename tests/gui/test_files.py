"""Opening: the start page, recent drafts, JSON import, send a copy, the sample (drafts opened in
place, from anywhere: test_open_in_place.py)."""

from __future__ import annotations

import json

import pytest

from desktop import opening, settings
from forms.draft import Draft
from forms.pack import load_pack
from forms.samples import sample

from .files import make_pdf
from .helpers import widget

pytestmark = pytest.mark.gui


def test_start_page_offers_every_category_with_its_blurb(window):
    pack = load_pack()
    for category in pack.categories:
        radio = widget(window, f"category.{category.id}")
        assert category.subtitle.zh in radio.text()
        assert radio.accessibleDescription() == category.blurb.zh
    assert widget(window, "start.sample").isEnabled()


def test_sample_opens_a_copy(qtbot, window):
    widget(window, "category.conference").click()
    widget(window, "start.sample").click()
    session = window.session
    assert session.category == "conference"
    assert session.path.parent == settings.data_dir()
    assert not session.errors()
    assert "已保存" in window.windowTitle()


def test_own_draft_opens_in_place_and_is_recent(qtbot, open_window, tmp_path):
    path = tmp_path / "mine.cxy"
    opening.create(path, load_pack(), "tech_vp").close()
    window = open_window(path)
    assert window.session.path == path
    window.close_draft()
    assert str(path) in window.start_page.recent_list.item(0).data(256)


def test_json_import_with_attachments(qtbot, window, prompter, tmp_path):
    data = sample("conference")
    make_pdf(tmp_path / "contract.pdf", pages=2)
    data["attachments"] = [{"kind": "contract", "title": "合同", "file": "contract.pdf"}]
    source = tmp_path / "app.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    prompter.paths.extend([source, tmp_path / "imported.cxy"])
    widget(window, "start.import").click()
    qtbot.waitUntil(lambda: window.session is not None, timeout=60000)
    session = window.session
    assert session.path == tmp_path / "imported.cxy"
    assert session.get("conference.filing_no") == data["conference"]["filing_no"]
    assert [(a.kind, a.title, a.pages) for a in session.attachments()] == [("contract", "合同", 2)]


def test_json_that_breaks_the_contract_is_refused(qtbot, window, prompter, tmp_path):
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"category": "tech_vp", "surprise": 1}), encoding="utf-8")
    prompter.paths.append(tmp_path / "bad.cxy")
    window.import_json(source)
    qtbot.waitUntil(lambda: window.import_job is None, timeout=60000)
    assert window.session is None
    assert "bad.json" in prompter.errors[-1][0]
    assert not (tmp_path / "bad.cxy").exists()


def test_send_a_copy(qtbot, window, prompter, tmp_path):
    window.open_sample("tech_vp")
    window.session.set("project.name", "发送前的最后修改")
    dest = tmp_path / "copy.cxy"
    prompter.paths.append(dest)
    window.menu_actions["send_copy"].trigger()
    with Draft.import_foreign(dest, tmp_path / "check.cxy") as copy:
        assert copy.get("project.name") == "发送前的最后修改"
    assert str(dest) in window.statusBar().currentMessage()


def test_json_import_with_a_bad_attachment_leaves_nothing_and_a_rerun_works(qtbot, window, prompter, tmp_path):
    """All or nothing on a worker: the import runs off the GUI thread, one line says why it
    failed, no draft is left at the chosen name, and the same import works once the file is fixed."""
    data = sample("tech_vp")
    bad = tmp_path / "contract.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis is not a PDF at all\n")
    data["attachments"] = [{"kind": "contract", "title": "合同", "file": "contract.pdf"}]
    source = tmp_path / "app.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dest = tmp_path / "out" / "imported.cxy"
    dest.parent.mkdir()
    prompter.paths.extend([dest])
    job = window.import_json(source)
    assert job is not None and window.import_job is job  # handed to a worker
    qtbot.waitUntil(lambda: window.import_job is None, timeout=60000)
    assert window.session is None
    ((title, text),) = prompter.errors
    assert "app.json" in title and "\n" not in text and "Traceback" not in text
    assert list(dest.parent.iterdir()) == []

    make_pdf(bad, pages=2)
    prompter.paths.append(dest)
    window.import_json(source)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60000)
    assert window.session.path == dest
    assert [(a.kind, a.title, a.pages) for a in window.session.attachments()] == [("contract", "合同", 2)]
