"""What one click on a preflight finding's fix does to the attachment: page operations for
``Draft.edit_pages`` or a page to split at for ``Draft.split_attachment`` (issue 12 item 4).
The fix ids and their operations are page_ops'; this only fills in what a finding implies:
which way to turn the page and where to split."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.attachments import page_ops
from forms.attachments.preflight import Finding


@dataclass(frozen=True)
class FixPlan:
    ops: tuple[dict[str, Any], ...] = ()  # for Draft.edit_pages
    split_at: int | None = None  # for Draft.split_attachment


def plan(finding: Finding, pages: int) -> FixPlan | None:
    """The edit that applies ``finding.fix`` to an attachment of ``pages`` pages; None when the
    fix cannot be applied by a click (no fix: only a new scan helps; a one-page split or deletion)."""
    if finding.fix is None:
        return None
    if finding.fix == "delete" and pages <= 1:
        return None  # an attachment keeps a page: the whole attachment is removed from the list
    if finding.fix == "split":
        # too big to upload: halve it (each half is then checked again on its own)
        return FixPlan(split_at=pages // 2 + 1) if pages >= 2 else None
    degrees = 90
    if finding.code == "rotated_text":
        # text running at N° counter-clockwise comes upright when the page turns N° clockwise
        degrees = int(finding.params.get("angle", 90)) % 360 or 90
    return FixPlan(ops=tuple(page_ops.ops_for_fix(finding.fix, pages, finding.page, degrees=degrees)))
