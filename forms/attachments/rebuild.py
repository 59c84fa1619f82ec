"""Rebuild a picked PDF as a brand-new one, page by page, keeping only what draws the pages.

Runs in the worker process. The source is opened (repaired, the empty password tried), its page
tree counted with a ceiling, its printable annotations flattened; then each page is copied by
:class:`forms.attachments.page_copier.PageCopier` (content, resources, boxes, rotation) and
nothing from the source catalog comes along, so document JavaScript, open actions, outlines,
named trees, embedded files and forms cannot. ``save`` writes the result deterministically.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectType

from forms.attachments.messages import Refusal
from forms.attachments.model import IntakeLimits
from forms.attachments.page_copier import PageCopier
from forms.attachments.pdf_values import PdfValue, number


def rebuild_pdf(
    data: bytes, limits: IntakeLimits, progress: Callable[[int, int], None]
) -> tuple[bytes, int, list[str]]:
    from forms.attachments.scan import graph_findings

    notes: list[str] = []
    try:
        src = pikepdf.open(io.BytesIO(data), password="", suppress_warnings=True)
    except pikepdf.PasswordError:
        raise Refusal("attach.encrypted") from None
    except pikepdf.PdfError:
        raise Refusal("attach.damaged") from None
    with src:
        if src.is_encrypted:
            notes.append("decrypted")
        _check_page_tree(src, limits)
        total = len(src.pages)
        if total == 0:
            raise Refusal("attach.zero_pages")
        if total > limits.max_pages:
            raise Refusal("attach.too_many_pages", pages=total, limit=limits.max_pages)
        if graph_findings(src):
            notes.append("active-content-removed")
        if any(_annotated(page.obj) for page in src.pages):
            notes.append(_flatten_annotations(src))

        out = pikepdf.new()
        copier = PageCopier(out, limits)
        for index, page in enumerate(src.pages):
            copier.page_no = index + 1
            out.pages.append(pikepdf.Page(copier.page(page.obj)))
            progress(index + 1, total)
        notes.extend(copier.notes())
        # qpdf reads stream data lazily, so its repair warnings are only complete now.
        warnings = src.get_warnings()
        if warnings:
            notes.insert(0, "repaired")
        if any("treating stream as empty" in w or "unable to recover stream data" in w for w in warnings):
            notes.append("content-lost")  # the UI should ask the user to check the preview
        return save(out), total, notes


def _check_page_tree(src: pikepdf.Pdf, limits: IntakeLimits) -> None:
    """Count the page tree's leaves ourselves, with a ceiling, before qpdf flattens it: a tree
    can name one page 100 000 times, or nest two references to one node twenty deep (a million
    pages from a few hundred bytes), and qpdf would copy every repeat."""
    limit = limits.max_pages
    ceiling = 4 * limit + 64  # nodes: no honest tree of `limit` pages has more
    root: PdfValue = src.Root.get("/Pages")
    stack, leaves, visits = [root], 0, 0
    while stack:
        node = stack.pop()
        visits += 1
        kids = node.get("/Kids") if isinstance(node, Dictionary) else None
        if isinstance(kids, Array) and node.get("/Type") != Name.Page:
            if visits + len(stack) + len(kids) > ceiling:
                raise _too_many_pages(root, limit)
            stack.extend(kids)
        else:
            leaves += 1
            if leaves > limit:
                raise _too_many_pages(root, limit)


def _too_many_pages(root: PdfValue, limit: int) -> Refusal:
    declared = number(root.get("/Count")) if isinstance(root, Dictionary) else None
    pages = int(declared) if declared is not None and limit < declared < 1e12 else f"{limit}+"
    return Refusal("attach.too_many_pages", pages=pages, limit=limit)


def save(out: pikepdf.Pdf) -> bytes:
    """Deterministic bytes: static /ID, no /Info, no object streams (so scan.py's raw pass
    sees every dictionary), stream data written exactly as copied."""
    buf = io.BytesIO()
    out.save(
        buf,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        compress_streams=True,
        min_version="1.7",
        fix_metadata_version=False,
    )
    return buf.getvalue()


def _flatten_annotations(src: pikepdf.Pdf) -> str:
    # Visible stamps, signatures' appearances and filled-in form fields are part of what the
    # applicant sees and prints; flattening turns them into page content, the annotation
    # dictionaries (and their actions) are then left behind with /Annots.
    try:
        src.generate_appearance_streams()
        src.flatten_annotations(mode="print")
        return "annotations-flattened"
    except Exception:
        return "annotations-dropped"


def _annotated(page: PdfValue) -> bool:
    annots = page.get("/Annots")
    return getattr(annots, "_type_code", None) == ObjectType.array and len(annots) > 0
