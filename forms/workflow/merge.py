"""Take what a role changed in a returned copy, in one transaction, with a history entry for
every change taken. The returned file is hostile: it is read by the hardened importer into a
private copy, and its attachments are re-checked by the intake before they are stored."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.attachments import sanitised
from forms.draft import Draft
from forms.draft.attachments import AttachmentInfo
from forms.draft.files import now
from forms.draft.history import HistoryEntry
from forms.errors import UserError
from forms.pack import DEFAULT_PACK, Pack, RoleSpec, load_pack
from forms.text import printable
from forms.workflow.diff import AttachmentDiff, diff
from forms.workflow.handoff import role_of
from forms.workflow.snapshot import fields_of, label_json

SIDES = ("theirs", "ours")


@dataclass
class MergeResult:
    role: str | None
    taken: list[str] = field(default_factory=list)  # paths / attachment keys taken from theirs
    kept: list[str] = field(default_factory=list)  # differences where ours stays
    conflicts_left: list[str] = field(default_factory=list)  # unresolved: nothing written for them
    skipped: list[str] = field(default_factory=list)  # changed by theirs, outside their role, not picked

    @property
    def merged(self) -> bool:
        return not self.conflicts_left


def _check_side(value: Any, what: str) -> None:
    if value not in SIDES:
        raise UserError("workflow.bad_choice", f"{what} 只能是 theirs 或 ours", f"{what} must be 'theirs' or 'ours'")


def _decide(
    key: str, conflict: bool, theirs_changed: bool, in_role: bool, take: str | None, choices: Mapping[str, str]
) -> str:
    """ "theirs", "ours", "conflict" or "skipped" for one difference."""
    if key in choices:  # the user's explicit pick, in or out of the role
        return choices[key]
    if not theirs_changed:
        return "ours"  # only ours changed it since the hand-off: nothing of theirs to take
    if not in_role:
        return "skipped"
    if take is not None:
        return take
    return "conflict" if conflict else "theirs"


def merge(
    draft: Draft,
    returned: Path,
    *,
    take: str | None = None,
    choices: Mapping[str, str] | None = None,
    role: str | None = None,
) -> MergeResult:
    """Merge the returned copy into ``draft``. Non-conflicting changes of theirs within their
    role are taken by default; ``take`` resolves every difference of the role one way;
    ``choices`` (path or ``attachment:<sha256>`` → side) overrides both, also outside the role."""
    choices = dict(choices or {})
    if take is not None:
        _check_side(take, "take")
    for key, side in choices.items():
        _check_side(side, key)
    pack = load_pack(draft.meta().get("pack") or DEFAULT_PACK)
    returned = Path(returned)
    with (
        tempfile.TemporaryDirectory(prefix="cxy-merge-") as tmp,
        Draft.import_foreign(returned, Path(tmp) / "returned.cxy") as theirs,
    ):
        _check_belongs(draft, theirs, pack)
        role = role or theirs.role
        spec = role_of(pack, role) if role else None
        return _merge(draft, theirs, pack, spec, role, take, choices, returned.name)


def _check_belongs(draft: Draft, theirs: Draft, pack: Pack) -> None:
    """A returned copy is merged only into the draft it was handed off from, under the same pack:
    the copy of another application would overwrite this one's parties and contract with its
    own (every difference a conflict, ``--take theirs`` away), and a copy of the year before a
    migration holds values the new pack may read differently (migrate the copy first)."""
    raw = theirs.meta().get("pack") or DEFAULT_PACK
    if raw != pack.id:
        theirs_pack = printable(raw)  # from a received file
        raise UserError(
            "workflow.other_pack",
            f"返回的文件按规则包“{theirs_pack}”填写，本草稿按“{pack.id}”；"
            f"未做任何改动；请先把它迁移到同一规则包（cxy migrate 文件 --to {pack.id} -o 新文件），再合并",
            f"The returned file was filled under the pack '{theirs_pack}', this draft under '{pack.id}'; "
            f"nothing was changed. Migrate it to the same pack first (cxy migrate FILE --to {pack.id} -o NEW), then merge",
        )
    handoff_id = theirs.meta().get("handoff_id")
    if theirs.role is not None and handoff_id and draft.handoff_base(handoff_id) is None:
        raise UserError(
            "workflow.not_this_draft",
            "返回的副本不是从这份草稿交出的（草稿中没有这次交接的记录），未做任何改动；请合并到当初交出它的草稿",
            "The returned copy was not handed off from this draft (it holds no record of that hand-off); "
            "nothing was changed. Merge it into the draft it was handed off from",
        )


def _merge(
    draft: Draft,
    theirs: Draft,
    pack: Pack,
    spec: RoleSpec | None,
    role: str | None,
    take: str | None,
    choices: dict[str, str],
    source_name: str,
) -> MergeResult:
    d = diff(draft, theirs, pack)
    result = MergeResult(role)
    changes: dict[str, Any] = {}
    history: list[HistoryEntry] = []
    # What this merge settled, as theirs has it: it becomes the hand-off's base, so merging the
    # same copy again is quiet (a conflict resolved with "ours" came back every time, and a field
    # taken from theirs and edited here since became a conflict).
    settled: dict[str, str | None] = {}
    theirs_fields = fields_of(theirs)
    at = now()
    who = role or ""
    for f in d.fields:
        in_role = spec is None or spec.owns_field(f.path)
        pick = _decide(f.path, f.conflict, f.theirs_changed, in_role, take, choices)
        if pick == "theirs":
            changes[f.path] = f.theirs
            history.append(HistoryEntry(at, who, "merge", f.path, f.ours, f.theirs, source_name))
        if pick == "theirs" or (pick == "ours" and f.theirs_changed):
            settled[f.path] = theirs_fields.get(f.path)
        _note(result, f.path, pick)
    add: list[dict[str, Any]] = []
    remove: list[int] = []
    relabel: list[tuple[int, str, str]] = []
    for a in d.attachments:
        in_role = spec is None or all(x.kind in spec.attachment_kinds for x in (a.ours, a.theirs) if x is not None)
        pick = _decide(a.key, a.conflict, a.theirs_changed, in_role, take, choices)
        if pick == "theirs":
            _take_attachment(theirs, a, add, remove, relabel)
            history.append(HistoryEntry(at, who, "merge", a.key, _label(a.ours), _label(a.theirs), source_name))
        if pick == "theirs" or (pick == "ours" and a.theirs_changed):
            settled[a.key] = label_json(a.theirs.kind, a.theirs.title) if a.theirs is not None else None
        _note(result, a.key, pick)
    base = _moved_base(draft, d.handoff_id if d.has_base else None, settled)
    if history or base is not None:
        draft.apply(changes, add=add, remove=remove, relabel=relabel, history=history, base=base)
    return result


def _moved_base(
    draft: Draft, handoff_id: str | None, settled: dict[str, str | None]
) -> tuple[str, dict[str, str]] | None:
    """The hand-off's base as ours records it, with ``settled`` keys at theirs' value; None when
    nothing moves (no base of ours, or nothing settled)."""
    if not handoff_id or not settled:
        return None
    rows = draft.handoff_base(handoff_id)
    if rows is None:
        return None
    for key, text in settled.items():
        if text is None:
            rows.pop(key, None)
        else:
            rows[key] = text
    return handoff_id, rows


def _note(result: MergeResult, key: str, pick: str) -> None:
    {"theirs": result.taken, "ours": result.kept, "conflict": result.conflicts_left, "skipped": result.skipped}[
        pick
    ].append(key)


def _label(info: AttachmentInfo | None) -> str | None:
    return None if info is None else f"{info.title} ({info.kind})"


def _take_attachment(theirs: Draft, a: AttachmentDiff, add: list[Any], remove: list[Any], relabel: list[Any]) -> None:
    if a.change == "removed":
        remove.append(a.ours.id)  # type: ignore[union-attr]
    elif a.change == "changed":
        relabel.append((a.ours.id, a.theirs.kind, a.theirs.title))  # type: ignore[union-attr]
    else:
        t = a.theirs
        assert t is not None
        # Received bytes: the intake re-checks (and rebuilds) them like any file dropped in.
        pdf = sanitised(theirs.attachment_pdf(t.id), t.title or t.original_name)
        add.append(
            {
                "kind": t.kind,
                "title": t.title,
                "original_name": t.original_name,
                "source_format": t.source_format,
                "pages": t.pages,
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "pdf": pdf,
                "source_sha256": a.digest,
            }
        )
