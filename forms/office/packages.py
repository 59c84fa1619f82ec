"""Sealed PDFs in an office's folder (packages, print sets, upload files) and which draft each
was built from.

The seal record (:mod:`forms.package.seal`) keeps the content hash of what was built and a
digest per field, not the draft's name. The call knows an application by its leader and its
enterprise (one application each, G5/G6), so a PDF belongs to a draft with the same leader and
enterprise code — the one sharing most field digests when several do (a draft changed after the
build keeps them) — and is verified when the draft's content hash is the recorded one and no
page changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from forms.errors import UserError
from forms.package.seal import page_digests
from forms.package.verify import read_seal
from forms.text import Text

# A PDF names its draft through these fields; all must agree for a match.
IDENTITY = ("leader.name", "enterprise.uscc")


@dataclass
class Sealed:
    """What the batch keeps of one PDF: its seal record's small parts, never its pages."""

    path: Path
    reason: Text | None  # when it carries no usable seal or cannot be read
    intact: bool = False
    seal: str = ""
    pack: str = ""
    category: str = ""
    content_hash: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    without_attachments: bool = False  # a print set of the forms only: its hash is of the data alone
    best: tuple[int, int] | None = None  # (score, row index) of the best matching draft so far
    hash_equal: bool = False  # of that best draft


def read_sealed(path: Path) -> Sealed:
    """The seal record of ``path`` and whether its pages are as sealed; a reason if neither can
    be told. Never raises for what the file contains."""
    try:
        with pikepdf.Pdf.open(path) as pdf:
            entry = read_seal(pdf)
            intact = page_digests(pdf) == entry["pages"]
    except UserError as exc:
        return Sealed(path, exc.text)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, OSError, RecursionError):
        return Sealed(path, Text("无法作为PDF读取", "not a readable PDF"))
    return Sealed(
        path,
        None,
        intact=intact,
        seal=str(entry["seal"]),
        pack=str(entry.get("pack") or ""),
        category=str(entry.get("category") or ""),
        content_hash=entry["hash"],
        fields=dict(entry["fields"]),
        without_attachments=entry.get("without_attachments") is True,
    )


def score(sealed: Sealed, digests: dict[str, str]) -> int:
    """How many field digests ``sealed`` shares with a draft's; 0 unless all of IDENTITY agree."""
    if not all(key in digests and sealed.fields.get(key) == digests[key] for key in IDENTITY):
        return 0
    return sum(1 for key, value in digests.items() if sealed.fields.get(key) == value)


def offer(sealed: Sealed, index: int, digests: dict[str, str], content_hash: Any, data_hash: Any = None) -> None:
    """Let the draft of row ``index`` (its field digests; ``content_hash()`` computes its hash,
    only when the data agree, since it reads every attachment; ``data_hash()`` that of its data
    alone, for a print set without attachments) claim ``sealed`` if it fits best."""
    if sealed.reason is not None:
        return
    points = score(sealed, digests)
    if points == 0 or (sealed.best is not None and sealed.best[0] >= points):
        return
    of = data_hash if sealed.without_attachments and data_hash is not None else content_hash
    equal = sealed.fields == digests and of() == sealed.content_hash  # may raise: claim after
    sealed.best, sealed.hash_equal = (points, index), equal
