"""normalise(): one user-picked file in, one sanitised PDF out, or a bilingual refusal."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from forms.attachments import ledger
from forms.attachments.images import check_header
from forms.attachments.messages import Refusal, attach_error
from forms.attachments.model import IntakeLimits, Normalised
from forms.attachments.runner import run_in_worker
from forms.attachments.sniff import extension_matches, sniff
from forms.errors import UserError

_SNIFF_BYTES = 4096


def normalise(
    source: Path | bytes,
    original_name: str,
    *,
    limits: IntakeLimits = IntakeLimits(),
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Normalised:
    """Turn an image or PDF into sanitised PDF bytes (rules: forms/attachments/README.md).

    Raises forms.errors.UserError with an ``attach.*`` code for every failure. ``progress`` is
    called with (pages done, pages total); ``cancel`` is polled while the worker runs and
    returning True stops it (attach.cancelled).
    """
    data = _read(source, limits)
    if not data:
        raise attach_error("attach.empty")
    fmt = sniff(data[:_SNIFF_BYTES])
    if fmt.startswith("unsupported:"):
        raise attach_error("attach.unsupported_format", kind=fmt.partition(":")[2])
    if fmt == "unknown":
        raise attach_error("attach.unknown_format")
    if cancel is not None and cancel():
        raise attach_error("attach.cancelled")
    if fmt != "pdf":
        try:
            check_header(data, fmt, limits)
        except Refusal as refusal:
            raise attach_error(refusal.code, **refusal.params) from None
    result = run_in_worker(fmt, data, limits, progress, cancel)
    ledger.record(result.pdf)
    notes = list(result.notes)
    if not extension_matches(original_name, fmt):
        notes.insert(0, "name-mismatch")
    return Normalised(
        pdf=result.pdf,
        pages=result.pages,
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=original_name,
        source_format=fmt,
        notes=tuple(dict.fromkeys(notes)),
    )


def sanitised(pdf: bytes, name: str, *, limits: IntakeLimits = IntakeLimits()) -> bytes:
    """The PDF of an attachment, safe to open, assemble and write out.

    Bytes this installation's intake produced (see ledger.py) come back unchanged. Anything else,
    such as an attachment inside a received draft whose stored digest its sender computed, goes
    through the worker again (limits, rebuild, scanner) and the rebuilt PDF comes back. Refusals
    are the intake's ``attach.*`` UserErrors, with the attachment's ``name`` in the message.
    """
    pdf = bytes(pdf)
    if ledger.known(pdf):
        return pdf
    try:
        if not pdf:
            raise attach_error("attach.empty")
        if len(pdf) > limits.max_bytes:
            raise _too_large(len(pdf), limits)
        if sniff(pdf[:_SNIFF_BYTES]) != "pdf":  # drafts store PDFs only: anything else is damage
            raise attach_error("attach.damaged")
        result = run_in_worker("pdf", pdf, limits, None, None)
    except UserError as error:
        raise UserError(error.code, f"附件“{name}”：{error.zh}", f"Attachment “{name}”: {error.en}") from None
    ledger.record(result.pdf)
    return result.pdf


def _read(source: Path | bytes, limits: IntakeLimits) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > limits.max_bytes:
                raise _too_large(size, limits)
            with path.open("rb") as handle:
                data = handle.read(limits.max_bytes + 1)  # the file may grow after stat()
        except OSError:
            raise attach_error("attach.unreadable") from None
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), limits)
    return data


def _too_large(size: int, limits: IntakeLimits) -> UserError:
    mb = 1024 * 1024
    return attach_error("attach.too_large", size_mb=f"{size / mb:.1f}", limit_mb=f"{limits.max_bytes / mb:g}")
