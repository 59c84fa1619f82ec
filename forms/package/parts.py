"""What every output is made of: the content hash, the rendered documents and the attachments as
parts, their /Info, the marks on their pages and the seal record of a final file."""

from __future__ import annotations

import hashlib
import json
from functools import partial
from typing import Any

import pikepdf

from forms.pack import Pack
from forms.render import CREATOR
from forms.render import cache as render_cache
from forms.render.documents import documents_for, render_document

from . import assemble as asm
from .order import Attachments, kind_of, ordered
from .seal import Marks, record, seal_of
from .sources import sha256_of


def content_hash(data: dict[str, Any], attachments: Attachments) -> str:
    """8 hex digits identifying the content: the data JSON and every attachment's PDF."""
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    )
    for info, pdf in ordered(attachments):
        digest.update(f"\n{kind_of(info)}\t{getattr(info, 'title', '')}\t{sha256_of(pdf)}".encode())
    return digest.hexdigest()[:8]


def attachment_title(info: Any, pack: Pack) -> str:
    """The bookmark and contents line of an attachment: the pack's name of its kind (the
    package is a Chinese document) and its title."""
    label = pack.kind_label(kind_of(info), "zh")
    name = getattr(info, "title", "") or getattr(info, "original_name", "") or "附件"
    return f"{label}：{name}"


def document_parts(data: dict[str, Any], pack: Pack) -> list[asm.Part]:
    return [
        asm.Part(
            title.zh,
            render_cache.cached(
                "document", pack, "zh", {"doc": key, "data": data}, partial(render_document, key, data, pack)
            ),
            kind="document",
            extra={"ours": True},
        )
        for key, title in documents_for(data, pack)  # titles from the one parse of the layouts
    ]


def attachment_parts(attachments: Attachments, pack: Pack) -> list[asm.Part]:
    return [asm.Part(attachment_title(info, pack), pdf, kind=kind_of(info)) for info, pdf in ordered(attachments)]


def count_pages(parts: list[asm.Part]) -> None:
    for part in parts:
        with asm.open_pdf(part.pdf, part.title) as pdf:
            part.pages = len(pdf.pages)


def set_info(pdf: pikepdf.Pdf, data: dict[str, Any], pack: Pack, title: str) -> None:
    asm.set_info(
        pdf,
        title=title,
        author=str((data.get("university") or {}).get("name") or ""),
        subject=str((data.get("project") or {}).get("name") or ""),
        creator=CREATOR,
    )


def marks_of(data: dict[str, Any], pack: Pack, digest: str, final: bool) -> Marks:
    return Marks(final=final, seal=seal_of(digest), pack_id=pack.id, category=str(data.get("category") or ""))


def sealed(
    pdf: bytes,
    marks: Marks,
    data: dict[str, Any],
    attachments: Attachments,
    digest: str,
    *,
    without_attachments: bool = False,
) -> bytes:
    """A final file gets its seal record (page digests) once its pages are as they will stay."""
    if not marks.final:
        return pdf
    return record(pdf, marks, data, attachments, digest, without_attachments=without_attachments)
