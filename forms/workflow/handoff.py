"""Hand a copy of the application to one role (交给合作企业填写)."""

from __future__ import annotations

import uuid
from pathlib import Path

from forms.atomic import atomic_path
from forms.draft import Draft
from forms.draft.files import now
from forms.draft.history import HistoryEntry
from forms.errors import UserError
from forms.outputs import check_output
from forms.pack import DEFAULT_PACK, Pack, RoleSpec, load_pack
from forms.text import Text, printable
from forms.workflow.snapshot import base_of


def role_of(pack: Pack, role: str) -> RoleSpec:
    spec = pack.role(role)
    if spec is None:
        known = "、".join(r.id for r in pack.roles)
        raise UserError(
            "workflow.unknown_role",
            f"规则包中没有角色“{role}”（可选：{known}）",
            f"The rule pack has no role '{role}' (choose from: {', '.join(r.id for r in pack.roles)})",
        )
    return spec


def role_label(pack: Pack, role: str) -> Text:
    """What a user calls ``role`` (合作企业联系人), its id where this pack has no such role; the id
    may come from a received file, so it is shown short and printable."""
    spec = pack.role(role)
    if spec is not None:
        return spec.label
    shown = printable(role, 40)
    return Text(shown, shown)


def handoff(source: Path | Draft, role: str, dest: Path, *, lang: str = "zh") -> None:
    """Write ``dest``: an ordinary ``.cxy`` copy of ``source`` marked for ``role``, holding the
    base snapshot and ``handoff_id``; the original records the same snapshot and a "handoff"
    history entry (so a later compare knows what changed on each side).

    ``source`` is a path, or the ``Draft`` a caller already holds open for writing (the app:
    its window is the draft's one writer). An existing ``dest`` is replaced only once the new
    copy is complete and verified (the app's save dialog has asked)."""
    dest = Path(dest)
    if isinstance(source, Draft):
        check_output(dest, [source.path])
        _handoff(source, role, dest)
        return
    source = Path(source)
    check_output(dest, [source])
    with Draft.open(source) as draft:
        _handoff(draft, role, dest)


def _handoff(draft: Draft, role: str, dest: Path) -> None:
    handoff_id = uuid.uuid4().hex
    pack = load_pack(draft.meta().get("pack") or DEFAULT_PACK)
    spec = role_of(pack, role)
    if draft.role is not None:
        who = role_label(pack, draft.role)
        raise UserError(
            "workflow.not_original",
            f"这是交给“{who.zh}”的副本，只能从原始草稿交接",
            f"This is a copy handed to the {who.en}; hand off from the original draft",
        )
    if draft.final:
        raise UserError(
            "workflow.final_handoff",
            "申报书已定稿，不能再交给他人填写；如需他人修改，请先解除定稿（需填写原因）再交接",
            "The application is final and cannot be handed to anyone to fill; to have it changed, reopen it "
            "for editing (with a reason) and hand it off then",
        )
    entry = HistoryEntry(now(), spec.id, "handoff", "", None, spec.id, dest.name)
    with draft.snapshot():  # the recorded base is exactly what the copy holds
        base = base_of(draft)
    # The copy is made whole beside ``dest`` and published in one rename; only then does the
    # original record the hand-off, so its history never lists a hand-off that did not happen.
    with atomic_path(dest, Text("交接副本", "the hand-off copy"), inputs=[draft.path]) as staged:
        draft.send_copy(staged)
        with Draft.open(staged) as copy:
            copy.record_handoff(handoff_id, base, entry)
            copy.set_meta("role", spec.id)
            copy.set_meta("handoff_id", handoff_id)
    draft.record_handoff(handoff_id, base, entry)
