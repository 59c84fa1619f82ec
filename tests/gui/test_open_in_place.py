"""A draft is a document: it opens where it lies (ours or a colleague's, never copied, never a
modal box), is edited there, and only read-only media or another program's lock makes it
read-only, said in a banner."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from desktop import opening, settings
from desktop.factory import make_window
from desktop.services import Services
from forms.draft import Draft
from forms.errors import UserError
from forms.samples import sample

from .helpers import set_value, shown_value, widget

pytestmark = pytest.mark.gui


class NoDialogs:
    """A prompter that fails the test on any question or message."""

    window = None

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            pytest.fail(f"a modal {name}() was shown: {args}")

        return fail


def received_draft(folder, name="from-colleague.cxy", category="tech_trade"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with Draft.create(path, pack="jiangsu-cxy-2023", category=category) as draft:
        draft.replace_data(sample(category))
    return path


def shown(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_draft_outside_the_data_folder_is_edited_in_that_same_file(qtbot, tmp_path):
    """The issue's "Must show": open, type through the widgets, close, find the edit there."""
    path = received_draft(tmp_path / "Documents")
    data_folder = settings.data_dir()
    window = shown(qtbot, make_window(path, services=Services(prompter=NoDialogs())))
    assert window.session is not None and window.session.path == path.absolute()
    assert not window.session.readonly and window.banner.isHidden()
    set_value(qtbot, window, "project.name", "新型高效换热器联合研发")  # Chinese through the input method
    set_value(qtbot, window, "tech_trade.trade_no", "3201002023000777")  # ASCII as key clicks
    window.close()
    with Draft.open(path) as draft:
        assert draft.get("project.name") == "新型高效换热器联合研发"
        assert draft.get("tech_trade.trade_no") == "3201002023000777"
    assert not list(data_folder.glob("*.cxy"))
    assert sorted(p.name for p in path.parent.iterdir() if p.suffix == ".cxy") == [path.name]


def test_open_from_the_menu_and_the_recent_list_is_in_place_without_a_box(qtbot, open_window, prompter, tmp_path):
    path = received_draft(tmp_path / "mail")
    window = open_window()
    prompter.paths.append(path)
    window.menu_actions["open"].trigger()
    assert window.session.path == path.absolute()
    assert not prompter.infos and not prompter.errors
    window.view.go_to_key("project")
    assert shown_value(window, "tech_trade.trade_no") == sample("tech_trade")["tech_trade"]["trade_no"]
    window.close_draft()
    assert window.start_page.recent_list.count() >= 1
    window.open_path(settings.recent_drafts()[0])
    assert window.session.path == path.absolute()
    assert not list(settings.data_dir().glob("*.cxy"))


@pytest.mark.parametrize(("lang", "word"), [("zh", "草稿"), ("en", "draft")])
def test_an_unreadable_file_is_explained_in_the_banner_not_a_box(qtbot, open_window, prompter, tmp_path, lang, word):
    window = open_window(lang=lang)
    broken = tmp_path / "broken.cxy"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    assert not window.open_path(broken)
    assert window.session is None
    assert not prompter.errors and not prompter.infos
    text = window.banner.text()
    assert "broken.cxy" in text and word in text.lower()
    assert "Traceback" not in text and ".py" not in text


def _refuse_writing(monkeypatch, code, holder=None):
    real = opening._open

    def fake(path, readonly):
        if not readonly:
            exc = UserError(code, "草稿被占用。", "The draft is in use.")
            exc.holder = holder
            raise exc
        return real(path, True)

    monkeypatch.setattr(opening, "_open", fake)


def _edits_refused(qtbot, window, path):
    window.view.go_to_key("project")
    name = widget(window, "project.name")
    assert name.isReadOnly()
    name.setFocus()
    qtbot.keyClicks(name, "xyz")
    window.session.flush()
    with Draft.open(path) as draft:
        assert draft.get("project.name") == sample("tech_trade")["project"]["name"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_read_only_media_opens_read_only_with_a_banner(qtbot, open_window, prompter, tmp_path, monkeypatch, lang):
    path = received_draft(tmp_path / "cdrom")
    _refuse_writing(monkeypatch, opening.READONLY_MEDIA)
    window = open_window(path, lang=lang)
    assert window.session.readonly
    assert not prompter.errors and not prompter.infos and not prompter.asked
    assert path.name in window.banner.text()
    assert ("只读" if lang == "zh" else "read-only") in window.banner.text()
    _edits_refused(qtbot, window, path)


def test_a_lock_held_elsewhere_opens_read_only_naming_the_holder(qtbot, open_window, prompter, tmp_path, monkeypatch):
    from forms.draft.lock import LockInfo

    path = received_draft(tmp_path / "share")
    holder = LockInfo(user="wang", host="pc-17", pid=4242, program="cxy-apply", since="2026-12-01T22:00")
    _refuse_writing(monkeypatch, opening.LOCKED, holder)
    window = open_window(path)
    assert window.session.readonly
    assert "wang@pc-17" in window.banner.text()
    assert "只读" in window.windowTitle()
    _edits_refused(qtbot, window, path)


def test_a_read_only_view_follows_the_writer(qtbot, open_window, tmp_path, monkeypatch):
    path = received_draft(tmp_path / "share")
    _refuse_writing(monkeypatch, opening.LOCKED)
    window = open_window(path)
    window.view.go_to_key("project")
    with Draft.open(path) as writer:
        writer.set("project.name", "对方刚改的名称")
    qtbot.waitUntil(lambda: shown_value(window, "project.name") == "对方刚改的名称", timeout=10000)
    assert "对方刚改的名称" in window.windowTitle()
    assert widget(window, "project.name").isReadOnly()


def test_opening_the_same_draft_again_brings_its_window_forward(qtbot, open_window, prompter, tmp_path):
    path = received_draft(tmp_path / "Documents")
    first = open_window(path)
    session = first.session
    second = open_window()
    second.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is second)
    assert second.open_path(path)
    assert second.session is None and first.session is session
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first)
    assert make_window(path, services=Services(prompter=prompter)) is first
    assert not prompter.errors and not prompter.infos


def test_a_failed_import_leaves_no_file_and_keeps_the_one_it_would_replace(
    qtbot, open_window, prompter, tmp_path, monkeypatch
):
    import json

    from forms.draft import draft as draft_module

    existing = received_draft(tmp_path / "Documents", "keep-me.cxy")
    before = existing.read_bytes()
    source = tmp_path / "app.json"
    source.write_text(json.dumps(sample("tech_vp"), ensure_ascii=False), encoding="utf-8")

    def refuse(self, nested):
        raise UserError("draft.too_large", "太大。", "Too large.")

    monkeypatch.setattr(draft_module.Draft, "replace_data", refuse)
    window = open_window()
    prompter.paths.append(existing)
    assert window.import_json(source) is not None
    qtbot.waitUntil(lambda: window.import_job is None, timeout=60000)
    assert window.session is None and len(prompter.errors) == 1
    assert existing.read_bytes() == before
    assert sorted(p.name for p in existing.parent.iterdir()) == ["keep-me.cxy"]
    prompter.paths.append(tmp_path / "Documents" / "refused.cxy")
    assert window.import_json(source) is not None
    qtbot.waitUntil(lambda: window.import_job is None, timeout=60000)
    assert window.session is None and len(prompter.errors) == 2
    assert sorted(p.name for p in existing.parent.iterdir()) == ["keep-me.cxy"]
    monkeypatch.undo()
    prompter.paths.append(tmp_path / "Documents" / "new.cxy")
    assert window.import_json(source) is not None  # a rerun works
    qtbot.waitUntil(lambda: window.session is not None, timeout=60000)
    assert window.session.get("project.name") == sample("tech_vp")["project"]["name"]


def test_a_new_application_never_replaces_a_draft_open_in_a_window(qtbot, open_window, prompter, tmp_path):
    path = received_draft(tmp_path / "Documents")
    editing = open_window(path)
    other = open_window()
    prompter.paths.append(path)
    assert not other.new_application("tech_vp")
    assert path.name in prompter.errors[-1][1]
    assert editing.session.get("project.name") == sample("tech_trade")["project"]["name"]
    with Draft.open(path, readonly=True) as draft:
        assert draft.get("tech_trade.trade_no") == sample("tech_trade")["tech_trade"]["trade_no"]


def test_a_read_only_view_can_be_made_editable_once_the_writer_is_gone(
    qtbot, open_window, prompter, tmp_path, monkeypatch
):
    path = received_draft(tmp_path / "share")
    _refuse_writing(monkeypatch, opening.LOCKED)
    window = open_window(path)
    action = widget(window, "banner.action")
    assert window.session.readonly and action.isVisible()
    action.click()  # still held: stays read-only, says so again
    assert window.session.readonly and "只读" in window.banner.text()
    monkeypatch.undo()  # the writer closed it
    action.click()
    assert not window.session.readonly and window.banner.isHidden()
    set_value(qtbot, window, "project.name", "接手后的名称")
    window.close()
    with Draft.open(path) as draft:
        assert draft.get("project.name") == "接手后的名称"
