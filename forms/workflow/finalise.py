"""定稿: an application with zero errors becomes read-only; reopening it needs a reason, kept in
the history."""

from __future__ import annotations

from typing import Any

from forms.checks import check, errors
from forms.draft import Draft
from forms.draft.files import now
from forms.draft.history import MAX_NOTE_CHARS, HistoryEntry
from forms.errors import UserError
from forms.pack import Pack
from forms.workflow.handoff import role_label


def check_input(draft: Draft) -> dict[str, Any]:
    """What the checks see: the data and the attachments by kind and title (as the desktop
    passes them)."""
    data = draft.data()
    items = [{"kind": a.kind, "title": a.title} for a in draft.attachments()]
    if items:
        data["attachments"] = items
    return data


def finalise(draft: Draft, pack: Pack, *, lang: str = "zh") -> None:
    """Mark ``draft`` final; refused while ``forms.checks.check`` reports errors or an
    attachment is damaged."""
    if draft.role is not None:
        # 定稿 is the applicant's word on the original; a copy marked final would print sealed
        # pages that no one who owns the application approved
        who = role_label(pack, draft.role)
        raise UserError(
            "workflow.copy_not_final",
            f"这是交给“{who.zh}”填写的副本，不能定稿；请把它发回申报人，合并后由申报人在原始草稿上定稿",
            f"This is the copy handed to the {who.en} to fill; it cannot be marked final. Send it back to the "
            "applicant, who merges it and marks the original draft final",
        )
    if draft.final:
        return
    found = errors(check(check_input(draft), pack, lang))
    damaged = [a for a in draft.attachments() if a.damaged]
    count = len(found) + len(damaged)
    if count:
        raise UserError(
            "workflow.not_ready",
            f"申报书还有 {count} 个错误，改正后才能定稿",
            f"The application still has {count} error{'s' if count != 1 else ''}; correct them before marking it final",
        )
    draft.set_final(True, HistoryEntry(now(), draft.role or "", "finalise", "", None, None, ""))


def unfinalise(draft: Draft, reason: str, *, role: str | None = None) -> None:
    """Reopen a final draft for editing; ``reason`` is required and recorded."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise UserError(
            "workflow.reason_required", "解除定稿需要填写原因", "Reopening a final application needs a reason"
        )
    if len(reason) > MAX_NOTE_CHARS:
        raise UserError(
            "workflow.reason_too_long",
            f"原因不能超过 {MAX_NOTE_CHARS} 个字符",
            f"The reason must be at most {MAX_NOTE_CHARS} characters",
        )
    if not draft.final:
        raise UserError("workflow.not_final", "申报书尚未定稿", "The application is not final")
    draft.set_final(False, HistoryEntry(now(), role or draft.role or "", "unfinalise", "", None, None, reason))
