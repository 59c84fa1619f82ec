"""Nothing with active content leaves the builder: attachments whose bytes our intake did not make
are sanitised again, unknown parts are scanned whole before the merge, and what the build writes
around them is scanned before it is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pikepdf

from forms.attachments import sanitised
from forms.attachments.scan import active_content, written_findings
from forms.errors import UserError

from . import assemble as asm
from .order import Attachments
from .sources import Source, is_file


def checked(attachments: Attachments) -> list[tuple[Any, Source]]:
    """Every attachment's PDF as our own worker made it: a draft's stored digest is no proof
    of that (its sender computed it), so unknown bytes are sanitised again before anything
    here opens them (forms.attachments.sanitised). A file copied out of the draft stays a file
    when this installation's worker made its bytes (its digest was computed as it was copied)."""
    return [(info, _checked(pdf, _name(info))) for info, pdf in attachments]


def _checked(pdf: Source, name: str) -> Source:
    if is_file(pdf):
        from forms.attachments import ledger

        if ledger.known_digest(pdf.sha256):  # type: ignore[union-attr]
            return pdf
        pdf = pdf.read_bytes()  # type: ignore[union-attr]
    return sanitised(pdf, name)  # type: ignore[arg-type]


def _name(info: Any) -> str:
    return str(getattr(info, "title", "") or getattr(info, "original_name", "") or "附件")


_Checked = TypeVar("_Checked", bytes, Path)


def guard(pdf: _Checked) -> _Checked:
    _refuse(active_content(pdf))
    return pdf


def guard_parts(parts: list[asm.Part]) -> None:
    """Every part not known to be clean is scanned whole before the merge: an attachment whose
    digest the ledger does not hold (its bytes were not made by our intake worker, which scans
    what it makes), rendered documents included when they are not ours (a caller's bytes)."""
    from forms.attachments import ledger

    for part in parts:
        if part.extra.get("ours"):
            continue  # drawn by this program (or read back from its render cache, digest-checked)
        if is_file(part.pdf):
            if not ledger.known_digest(part.pdf.sha256):
                _refuse(active_content(part.pdf.path))
        elif not ledger.known(part.pdf):
            _refuse(active_content(part.pdf))


def guard_written(pdf: pikepdf.Pdf) -> None:
    """What the build itself writes around the parts (scanned already, :func:`guard_parts`):
    the catalog, the page tree and page dictionaries, outline and /Info (scan.written_findings)."""
    _refuse(written_findings(pdf))


def _refuse(findings: list[str]) -> None:
    if findings:
        raise UserError(
            "package.active_content",
            f"生成的PDF中发现不允许的活动内容（{'，'.join(findings[:3])}），已停止保存",
            f"The generated PDF contains forbidden active content ({', '.join(findings[:3])}); nothing was saved",
        )
