"""Who fills what, read from the pack's roles: the hand-off copy's steps first, the fields of
other roles read-only with a line naming who fills them. No role id is written here: the pack
says which roles exist; the first one is the applicant, who holds the original draft."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from forms.errors import UserError
from forms.model import pattern_of

from .i18n import tr

READONLY_STYLE = 'QLineEdit:read-only, QPlainTextEdit[readOnly="true"] { background: #f2f2f2; }'
NOTE_COLOUR = "#6b6b6b"


def pack_roles(pack: Any) -> list[Any]:
    """The pack's roles (none for a pack that declares no roles)."""
    return list(getattr(pack, "roles", None) or [])


def role_of(pack: Any, role_id: str | None) -> Any | None:
    if not role_id:
        return None
    return next((r for r in pack_roles(pack) if r.id == role_id), None)


def draft_role(draft: Any) -> str | None:
    """The role a hand-off copy was written for; None for an ordinary draft."""
    role = getattr(draft, "role", None)
    if callable(role):
        role = role()
    return role or None


def handoff_roles(pack: Any) -> list[Any]:
    """The roles a draft can be handed to: every one after the applicant that fills fields."""
    return [r for r in pack_roles(pack)[1:] if r.fields]


def label(role: Any, lang: str) -> str:
    return role.label.get(lang)


def owns_field(role: Any, path: str) -> bool:
    if hasattr(role, "owns_field"):
        return bool(role.owns_field(path))
    return pattern_of(path) in role.fields


def owns_step(role: Any, key: str) -> bool:
    if hasattr(role, "owns_step"):
        return bool(role.owns_step(key))
    return key in role.steps


def owner_label(pack: Any, path: str, lang: str) -> str:
    """The label of the role that fills ``path`` (the applicant's when no role claims it)."""
    roles = pack_roles(pack)
    owner = next((r for r in roles if owns_field(r, path)), roles[0] if roles else None)
    return label(owner, lang) if owner is not None else ""


def step_order(role: Any, keys: Iterable[str]) -> list[str]:
    """``keys`` with the role's own steps first (in the role's order), then the rest as they were."""
    keys = list(keys)
    first = [k for k in role.steps if k in keys]
    return first + [k for k in keys if k not in first]


def who_fills(pack: Any, path: str, lang: str) -> str:
    return tr("此项由{role}填写，这里只读。").format(role=owner_label(pack, path, lang))


def lock(widget: QWidget) -> None:
    """Shows its value and takes no edit (the same look as a read-only draft)."""
    edits = [widget] if isinstance(widget, (QLineEdit, QPlainTextEdit)) else []
    for edit in edits + widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit):
        edit.setReadOnly(True)
    controls = [widget] if isinstance(widget, (QComboBox, QAbstractButton)) else []
    for control in controls + widget.findChildren(QComboBox) + widget.findChildren(QAbstractButton):
        control.setEnabled(False)


def _note(text: str, name: str) -> QLabel:
    note = QLabel(text)
    note.setObjectName(name)
    note.setWordWrap(True)
    note.setStyleSheet(f"color: {NOTE_COLOUR}")
    return note


def apply_to_page(page: Any, role: Any, pack: Any, lang: str) -> None:
    """Make the fields and tables of ``page`` (a FieldPage) that ``role`` does not own read-only,
    each with a line saying who fills it. Tables rebuild their editors: locked again after each."""
    page.setStyleSheet(READONLY_STYLE)
    for path, binding in page.bindings.items():
        if owns_field(role, path):
            continue
        lock(binding.container)
        box = binding.container.parentWidget()
        if box is not None and box.layout() is not None and box.findChild(QLabel, f"{path}.owner") is None:
            box.layout().insertWidget(0, _note(who_fills(pack, path, lang), f"{path}.owner"))
    for table, editor in page.tables.items():
        columns = [p for p, _spec in editor.columns]
        if all(owns_field(role, p) for p in columns):
            continue
        if not getattr(editor, "_role_locked", False):
            editor._role_locked = True
            editor.layout().insertWidget(0, _note(who_fills(pack, columns[0], lang), f"{table}.owner"))
            editor.rebuilt.connect(lambda e=editor: _lock_table(e, role))
        _lock_table(editor, role)


def _lock_table(editor: Any, role: Any) -> None:
    if all(not owns_field(role, p) for p, _spec in editor.columns):
        lock(editor)
        return
    for path, binding in editor.bindings.items():  # a table shared by two roles: cell by cell
        if not owns_field(role, path):
            lock(binding.container)


def instructions(page: Any, role: Any, lang: str) -> None:
    """The role's instructions at the top of its first step: the page the contact reads first."""
    if page.findChild(QLabel, "role.instructions") is not None:
        return
    heading = tr("您正在以“{role}”的身份填写。").format(role=label(role, lang))
    note = QLabel(f"<b>{heading}</b><br>{_escape(role.instructions.get(lang))}")
    note.setObjectName("role.instructions")
    note.setWordWrap(True)
    note.setStyleSheet("QLabel { background: #eef5ff; border: 1px solid #b6d0f5; padding: 8px; }")
    column = page.page_message.parentWidget().layout()
    column.insertWidget(1, note)  # under the page title


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def owns_kind(pack: Any, role: Any, kind: str) -> bool:
    """A kind no role claims (say "other") is anyone's: the contact can label a file they add."""
    claimed = [r for r in pack_roles(pack) if kind in (r.attachment_kinds or [])]
    return not claimed or role in claimed


def apply_to_attachments(page: Any, role: Any, pack: Any, lang: str) -> None:
    """An attachment of a kind another role provides shows, but its details take no edit."""
    note = _note("", "attachments.owner")
    note.hide()
    column = _layout_holding(page.info.parentWidget().layout(), page.info)
    if column is not None:
        column.insertWidget(column.indexOf(page.info) + 1, note)

    handed = _handoff_time(page.session.draft)
    initial = {a.id for a in page.session.attachments()}

    def added_here(info: Any) -> bool:
        """The contact's own upload (any kind until they label it): added in this window, or
        after the hand-off."""
        if info.id not in initial:
            return True
        added = _when(getattr(info, "added", None))
        return handed is not None and added is not None and added > handed

    def relock(*_: object) -> None:
        info = page._info(page._current_id())
        theirs = info is not None and not owns_kind(pack, role, info.kind) and not added_here(info)
        if theirs:
            for widget in (
                page.kind_combo,
                page.title_edit,
                page.up_button,
                page.down_button,
                page.remove_button,
                page.replace_button,
            ):
                widget.setEnabled(False)
            owner = next((r for r in pack_roles(pack) if info.kind in (r.attachment_kinds or [])), None)
            note.setText(tr("此项由{role}填写，这里只读。").format(role=label(owner, lang) if owner else ""))
        note.setVisible(theirs)

    # Connected after the page's own slots, so this runs once they have set the details up.
    page.list.currentRowChanged.connect(relock)
    page.session.attachments_changed.connect(relock)
    relock()


def _layout_holding(layout: Any, widget: QWidget) -> Any | None:
    if layout is None:
        return None
    if layout.indexOf(widget) >= 0:
        return layout
    for index in range(layout.count()):
        found = _layout_holding(layout.itemAt(index).layout(), widget)
        if found is not None:
            return found
    return None


def _when(at: Any) -> datetime | None:
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return None
    if not isinstance(at, datetime):
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).replace(microsecond=0)


def _handoff_time(draft: Any) -> datetime | None:
    """When this copy was handed off, from its history (None when it has none)."""
    try:
        entries = draft.history()
    except (AttributeError, UserError):
        return None
    times = [t for t in (_when(e.at) for e in entries if e.action == "handoff") if t is not None]
    return max(times) if times else None
