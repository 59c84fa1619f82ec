"""Putting PDFs together with pikepdf (qpdf): pages are copied as they are (scans keep their
exact image bytes), stripped of everything but what draws them, footed, outlined and saved
with a content-derived /ID, so the same parts always give the same file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, cast

import pikepdf
from pikepdf import Name, OutlineItem

from forms.errors import UserError

# What a page needs to be drawn. Everything else (/Annots, /AA, /Thumb, /PieceInfo, /B,
# structure and metadata) is dropped: links, form fields and scripts go with it.
PAGE_KEYS = frozenset(
    {
        "/Type",
        "/Parent",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/Rotate",
        "/Resources",
        "/Contents",
        "/Group",
        "/UserUnit",
    }
)


@dataclass
class Part:
    """One document or attachment of a package: its outline title and its PDF."""

    title: str
    pdf: bytes
    kind: str = "document"
    pages: int = 0
    start: int = 0  # 0-based index of its first page in the assembled file
    extra: dict[str, Any] = field(default_factory=dict)


def open_pdf(data: bytes, what: str) -> pikepdf.Pdf:
    try:
        return pikepdf.Pdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError) as exc:
        raise UserError(
            "package.unreadable",
            f"无法读取“{what}”，请删除后重新添加该附件",
            f"Cannot read '{what}'; please remove and add the attachment again",
        ) from exc


def assemble(parts: list[Part]) -> pikepdf.Pdf:
    """A new PDF with the pages of ``parts`` in order; sets each part's ``pages``/``start``."""
    out = pikepdf.Pdf.new()
    sources: dict[int, pikepdf.Pdf] = {}  # by id of the bytes: print sets repeat parts, copy once
    for part in parts:
        source = sources.get(id(part.pdf))
        if source is None:
            source = sources[id(part.pdf)] = open_pdf(part.pdf, part.title)
            for page in source.pages:
                _strip_page(page.obj)
        part.start = len(out.pages)
        part.pages = len(source.pages)
        for page in source.pages:
            out.pages.append(page)
    return out


def _strip_page(page: pikepdf.Dictionary) -> None:
    for key in list(page.keys()):
        if key not in PAGE_KEYS:
            del page[key]


def visible_size(page: pikepdf.Page) -> tuple[float, float, pikepdf.Rectangle]:
    """(width, height) as seen by the reader — rotation applied — and the box shown."""
    box = pikepdf.Rectangle(cast(pikepdf.Array, page.obj.get("/CropBox", page.mediabox)))  # a non-array raises
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    width, height = box.width, box.height
    if rotate in (90, 270):
        width, height = height, width
    return width, height, box


def stamp(pdf: pikepdf.Pdf, overlay: bytes) -> None:
    """Draw page i of ``overlay`` (made at each page's visible size) over page i of ``pdf``.
    qpdf undoes the page's rotation, so a footer is upright on a scan stored sideways."""
    stamps = open_pdf(overlay, "footer")
    if len(stamps.pages) != len(pdf.pages):
        raise ValueError("one overlay page per page is needed")
    for page, over in zip(pdf.pages, stamps.pages):
        _, _, box = visible_size(page)
        form = pdf.copy_foreign(over.as_form_xobject())
        # like Page.add_overlay, but with a fixed resource name (add_overlay picks a random
        # one, which would make two builds differ) and without rewriting the page's content
        name = page.add_resource(form, Name.XObject, name=_free_name(page))
        placement = page.calc_form_xobject_placement(form, name, box, allow_shrink=True, allow_expand=True)
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n" + placement)


def _free_name(page: pikepdf.Page, base: str = "CxyFooter") -> Name:
    xobjects = page.resources.get("/XObject")
    taken = set(xobjects.keys()) if isinstance(xobjects, pikepdf.Dictionary) else set()
    name, number = f"/{base}", 0
    while name in taken:
        number += 1
        name = f"/{base}{number}"
    return Name(name)


def outline(pdf: pikepdf.Pdf, entries: list[tuple[str, int]]) -> None:
    with pdf.open_outline() as tree:
        tree.root.extend(OutlineItem(title, page) for title, page in entries)
    pdf.Root.PageMode = Name.UseOutlines


def set_info(pdf: pikepdf.Pdf, *, title: str, author: str, subject: str, creator: str) -> None:
    # plain /Info only: no dates and no XMP, so nothing changes between two builds
    for key, value in (
        ("/Title", title),
        ("/Author", author),
        ("/Subject", subject),
        ("/Creator", creator),
        ("/Producer", creator),
    ):
        if value:
            pdf.docinfo[key] = value
    pdf.Root.Lang = pikepdf.String("zh-CN")


def save(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        deterministic_id=True,  # /ID from the content, not from the clock
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        fix_metadata_version=False,
    )
    return buffer.getvalue()
