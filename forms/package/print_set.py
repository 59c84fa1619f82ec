"""The print set: one collated paper copy per recipient, each behind its routing slip, in one PDF."""

from __future__ import annotations

from typing import Any

import pikepdf

from forms.derive import recipients
from forms.pack import Pack

from . import assemble as asm
from .guard import checked, guard
from .order import Attachments
from .pages import Entry, footers, slip
from .parts import attachment_parts, content_hash, count_pages, document_parts, marks_of, sealed, set_info


def build_print_set(
    data: dict[str, Any],
    pack: Pack,
    *,
    include_attachments: bool = False,
    attachments: Attachments = (),
    final: bool = False,
) -> bytes:
    """One collated paper copy per recipient (pack.copies): a routing slip naming the
    recipient and the sign/seal checklist, then the 申报书 and the three letters (and the
    attachments when asked). The documents are rendered once and shared by the copies."""
    stored = attachments if include_attachments else ()
    digest = content_hash(data, stored)
    marks = marks_of(data, pack, digest, final)
    attachments = checked(attachments) if include_attachments else ()
    documents = document_parts(data, pack) + (attachment_parts(attachments, pack) if include_attachments else [])
    count_pages(documents)
    bureaus = recipients(data)
    parts: list[asm.Part] = []
    copies: list[tuple[str, int]] = []  # (outline title, index of its slip in parts)
    total = len(pack.copies)
    for number, copy in enumerate(pack.copies, start=1):
        bureau = bureaus.get(copy.key)
        page, entries = 1, []
        for part in documents:
            entries.append(Entry(part.title, page, part.pages))
            page += part.pages
        slip_pdf = slip(data, pack, number=number, total=total, recipient=copy.zh, bureau=bureau, entries=entries)
        copies.append((f"第{number}份：{bureau or copy.zh}", len(parts)))
        parts.append(asm.Part(f"报送清单 第{number}份", slip_pdf, kind="slip"))
        parts.extend(asm.Part(p.title, p.pdf, kind=p.kind, pages=p.pages) for p in documents)

    pdf = asm.assemble(parts)
    texts: list[str] = []
    per_copy = sum(p.pages for p in documents)
    for number in range(1, total + 1):
        slip_part = parts[copies[number - 1][1]]
        texts += [f"第{number}份　报送清单（递交前取下）"] * slip_part.pages
        texts += [f"第{number}份　第 {n} 页 共 {per_copy} 页　校验码 {digest}" for n in range(1, per_copy + 1)]
    asm.stamp(pdf, footers([asm.visible_size(page)[:2] for page in pdf.pages], texts, marks))
    with pdf.open_outline() as tree:
        for (title, index), next_index in zip(copies, [i for _, i in copies[1:]] + [len(parts)]):
            item = pikepdf.OutlineItem(title, parts[index].start)
            item.children.extend(pikepdf.OutlineItem(p.title, p.start) for p in parts[index + 1 : next_index])
            tree.root.append(item)
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
    set_info(pdf, data, pack, f"{pack.title.zh}纸质材料（{total}份）：{(data.get('project') or {}).get('name') or ''}")
    return guard(sealed(asm.save(pdf), marks, data, stored, digest, without_attachments=not include_attachments))
