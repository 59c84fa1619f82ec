"""Three roles, one application, through the widgets: hand the draft to the enterprise, type as
the enterprise into its field and find the others read-only, change the same field at home, merge
the returned copy with one conflict, take theirs, and find the value and a history entry."""

from __future__ import annotations

import hashlib
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from desktop import roles
from forms.draft import Draft
from forms.pack import load_pack
from forms.samples import sample

from .helpers import set_value, shown_value, widget

pytestmark = pytest.mark.gui

ENTERPRISE_FIELD = "enterprise.name"
OTHER_FIELD = "university.name"  # the applicant's
THEIRS = "常州恒创智能装备有限公司"
OURS = "常州恒创装备股份公司"


def make_draft(folder: Path, name: str = "申请书.cxy", category: str = "tech_trade") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with Draft.create(path, pack="jiangsu-cxy-2023", category=category) as draft:
        draft.replace_data(sample(category))
    return path


def enterprise_role(pack):
    return next(r for r in roles.handoff_roles(pack) if roles.owns_field(r, ENTERPRISE_FIELD))


def hand_off(window, prompter, dest: Path):
    role = enterprise_role(window.pack)
    prompter.paths.append(dest)
    window.menu_actions[f"handoff.{role.id}"].trigger()
    return role


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the flow ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hand_off_edit_as_the_enterprise_then_merge_one_conflict_taking_theirs(
    qtbot, open_window, prompter, tmp_path, lang
):
    original = make_draft(tmp_path / "Documents")
    copy = tmp_path / "Outbox" / "给企业.cxy"
    copy.parent.mkdir()
    window = open_window(original, lang)
    role = hand_off(window, prompter, copy)
    assert not prompter.errors and copy.is_file()
    word = "Merge a returned file" if lang == "en" else "合并返回的文件"
    assert word in window.statusBar().currentMessage()

    # The contact opens the copy: the role's first step, its instructions, the others read-only.
    contact = open_window(copy, lang)
    view = contact.view
    assert view.current_key() == next(k for k in role.steps if k in view.keys())  # noqa: SIM118 - a WizardView, not a dict
    instructions = view.pages[0].findChild(QLabel, "role.instructions")
    assert instructions is not None and instructions.isVisible()
    assert role.label.get(lang) in instructions.text()
    assert role.instructions.get(lang).splitlines()[0][:20] in instructions.text()
    assert not widget(contact, ENTERPRISE_FIELD).isReadOnly()
    set_value(qtbot, contact, ENTERPRISE_FIELD, THEIRS)  # Chinese through the input method
    other = widget(contact, OTHER_FIELD)
    assert isinstance(other, QLineEdit) and other.isReadOnly()
    note = contact.findChild(QLabel, f"{OTHER_FIELD}.owner")
    applicant = roles.owner_label(contact.pack, OTHER_FIELD, lang)
    assert note is not None and applicant in note.text()
    assert ("read-only" if lang == "en" else "只读") in note.text()
    assert not widget(contact, "members.add").isEnabled()  # the team table is the applicant's
    contact.session._reload()  # values reread from the file: the editors stay as the role allows
    assert widget(contact, OTHER_FIELD).isReadOnly() and not widget(contact, ENTERPRISE_FIELD).isReadOnly()
    assert not widget(contact, "members.add").isEnabled()
    contact.close()

    # At home the same field changes differently: a conflict.
    set_value(qtbot, window, ENTERPRISE_FIELD, OURS)
    returned = digest(copy)
    prompter.paths.append(copy)
    window.menu_actions["merge"].trigger()
    dialog = window.merge_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.conflicts == [ENTERPRISE_FIELD]
    row = dialog.row_of(ENTERPRISE_FIELD)
    assert dialog.table.item(row, 2).text() == OURS and dialog.table.item(row, 3).text() == THEIRS
    assert dialog.choices()[ENTERPRISE_FIELD] == "ours"  # a conflict waits for the user
    dialog.set_take(ENTERPRISE_FIELD, True)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    assert not prompter.errors
    assert window.session.get(ENTERPRISE_FIELD) == THEIRS
    assert shown_value(window, ENTERPRISE_FIELD) == THEIRS
    assert digest(copy) == returned  # the returned file was only read
    entries = [e for e in window.session.draft.history() if e.path == ENTERPRISE_FIELD]
    assert entries and entries[-1].new == THEIRS

    window.menu_actions["history"].trigger()
    history = window.history_dialog
    qtbot.waitUntil(history.isVisible)
    texts = [history.table.item(r, c).text() for r in range(history.table.rowCount()) for c in range(5)]
    label = window.session.spec(ENTERPRISE_FIELD).label(lang)
    assert label in texts and any(THEIRS in t for t in texts)
    history.close()
    window.close()
    with Draft.open(original) as draft:
        assert draft.get(ENTERPRISE_FIELD) == THEIRS


def test_the_buttons_take_all_theirs_or_keep_all_ours(qtbot, open_window, prompter, tmp_path):
    original = make_draft(tmp_path)
    copy = tmp_path / "copy.cxy"
    window = open_window(original)
    hand_off(window, prompter, copy)
    contact = open_window(copy)
    set_value(qtbot, contact, ENTERPRISE_FIELD, THEIRS)
    set_value(qtbot, contact, "enterprise.contact.name", "王立新")
    contact.close()
    set_value(qtbot, window, ENTERPRISE_FIELD, OURS)
    prompter.paths.append(copy)
    window.menu_actions["merge"].trigger()
    dialog = window.merge_dialog
    choices = dialog.choices()
    assert choices["enterprise.contact.name"] == "theirs" and choices[ENTERPRISE_FIELD] == "ours"
    qtbot.mouseClick(dialog.all_theirs, Qt.MouseButton.LeftButton)
    assert set(dialog.choices().values()) == {"theirs"}
    qtbot.mouseClick(dialog.all_ours, Qt.MouseButton.LeftButton)
    assert set(dialog.choices().values()) == {"ours"}
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert window.session.get(ENTERPRISE_FIELD) == OURS
    assert window.session.get("enterprise.contact.name") != "王立新"


def test_an_unchanged_copy_needs_no_merge_and_a_cancelled_choice_does_nothing(qtbot, open_window, prompter, tmp_path):
    original = make_draft(tmp_path)
    copy = tmp_path / "copy.cxy"
    window = open_window(original)
    hand_off(window, prompter, copy)
    prompter.paths.append(copy)
    assert window.merge_returned() is False
    assert "无需合并" in window.statusBar().currentMessage()
    assert window.merge_returned() is False  # the file dialog cancelled
    assert not prompter.errors


def test_an_ordinary_draft_has_no_read_only_fields_and_no_instructions(qtbot, open_window, tmp_path):
    window = open_window(make_draft(tmp_path))
    assert not widget(window, OTHER_FIELD).isReadOnly() and not widget(window, ENTERPRISE_FIELD).isReadOnly()
    assert window.findChild(QLabel, "role.instructions") is None
    assert window.view.current_key() == window.pack.steps[0].key


def test_the_menu_offers_one_hand_off_per_role_that_fills_fields(qtbot, open_window, tmp_path):
    window = open_window(make_draft(tmp_path), "en")
    offered = [k for k in window.menu_actions if k.startswith("handoff.")]
    assert offered == [f"handoff.{r.id}" for r in roles.handoff_roles(window.pack)]
    role = enterprise_role(window.pack)
    assert window.menu_actions[f"handoff.{role.id}"].text() == f"Hand off to {role.label.en}…"


def test_a_refused_merge_is_one_line_and_leaves_the_draft_as_it_was(
    qtbot, open_window, prompter, tmp_path, monkeypatch
):
    from forms.errors import UserError

    original = make_draft(tmp_path)
    copy = tmp_path / "copy.cxy"
    window = open_window(original)
    hand_off(window, prompter, copy)
    contact = open_window(copy)
    set_value(qtbot, contact, ENTERPRISE_FIELD, THEIRS)
    contact.close()
    before = window.session.get(ENTERPRISE_FIELD)
    prompter.paths.append(copy)
    window.menu_actions["merge"].trigger()
    dialog = window.merge_dialog
    workflow = sys.modules["forms.workflow"]

    def refuse(*args, **kwargs):
        raise UserError("merge.test", "返回的文件已损坏。", "The returned file is damaged.")

    monkeypatch.setattr(workflow, "merge", refuse)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert len(prompter.errors) == 1 and "\n" not in prompter.errors[0][1]
    assert "返回的文件已损坏" in prompter.errors[0][1] and "Traceback" not in prompter.errors[0][1]
    assert window.session.get(ENTERPRISE_FIELD) == before


def test_the_draft_itself_is_neither_a_hand_off_target_nor_a_returned_file(qtbot, open_window, prompter, tmp_path):
    original = make_draft(tmp_path)
    window = open_window(original)
    prompter.paths.append(original)
    assert window.merge_returned() is False
    role = enterprise_role(window.pack)
    prompter.paths.append(original)
    assert window.handoff(role.id) is False
    assert len(prompter.errors) == 2
    assert window.session.get(ENTERPRISE_FIELD) == sample("tech_trade")["enterprise"]["name"]
    window.close()
    with Draft.open(original) as draft:  # still the user's draft, not replaced by a copy of itself
        assert roles.draft_role(draft) is None


def test_attachments_of_a_kind_another_role_provides_are_read_only_in_the_copy(qtbot, open_window, prompter, tmp_path):
    from .files import make_pdf

    original = make_draft(tmp_path)
    pack = load_pack()
    role = enterprise_role(pack)
    kinds = ("contract", "payment_proof", "other")
    mine = next((k for k in kinds if k in role.attachment_kinds), None)
    theirs = next(
        (
            k
            for k in kinds
            if k not in role.attachment_kinds and any(k in r.attachment_kinds for r in roles.pack_roles(pack))
        ),
        None,
    )
    if mine is None or theirs is None:
        pytest.skip("the pack gives the enterprise no attachment kind of its own, or every kind")
    provider = next(r for r in roles.pack_roles(pack) if theirs in r.attachment_kinds)
    with Draft.open(original) as draft:
        for kind in (theirs, mine):
            pdf = make_pdf(tmp_path / f"{kind}.pdf").read_bytes()
            draft.add_attachment(
                kind=kind,
                title=kind,
                original_name=f"{kind}.pdf",
                source_format="pdf",
                pages=2,
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
            )
    window = open_window(original)
    copy = tmp_path / "copy.cxy"
    hand_off(window, prompter, copy)
    contact = open_window(copy)
    contact.view.go_to_key("attachments")
    page = contact.view.attachments_page
    note = page.findChild(QLabel, "attachments.owner")
    page.list.setCurrentRow(0)  # the other role's file
    assert not page.kind_combo.isEnabled() and not page.remove_button.isEnabled() and not page.title_edit.isEnabled()
    assert note.isVisible() and provider.label.zh in note.text()
    page.list.setCurrentRow(1)  # the enterprise's own
    assert page.kind_combo.isEnabled() and page.remove_button.isEnabled() and not note.isVisible()
    contact.session.attachments_changed.emit()  # the list rebuilt: the lock follows
    page.list.setCurrentRow(0)
    assert not page.kind_combo.isEnabled()
    # A file the contact adds is theirs to label, whatever kind it starts as.
    pdf = make_pdf(tmp_path / "new.pdf").read_bytes()
    contact.session.add_attachment(
        types.SimpleNamespace(original_name="new.pdf", source_format="pdf", pages=2, pdf=pdf),
        kind=theirs,
        title="新文件",
    )
    page.list.setCurrentRow(2)
    assert page.kind_combo.isEnabled() and not note.isVisible()
