"""Putting PDFs together with pikepdf (qpdf): pages are copied as they are (scans keep their
exact image bytes), stripped of everything but what draws them, footed, outlined and saved
with a content-derived /ID, so the same parts always give the same file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
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
    pdf: Any  # bytes, or a PDF file of ours (forms.package.sources): opened lazily from disk
    kind: str = "document"
    pages: int = 0
    start: int = 0  # 0-based index of its first page in the assembled file
    extra: dict[str, Any] = field(default_factory=dict)  # "ours": True — drawn by this program (not rescanned)


def open_pdf(data: Any, what: str) -> pikepdf.Pdf:
    """``data``: bytes, a path, or a file of ours with a ``path`` (qpdf then reads objects and
    stream data from the file as they are needed instead of from a copy in memory)."""
    source = data if isinstance(data, Path) else getattr(data, "path", None)
    try:
        if isinstance(source, Path):
            # read as needed, not mapped: mapped pages qpdf touched would count as resident
            return pikepdf.Pdf.open(source, access_mode=pikepdf.AccessMode.stream)
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


def merge(parts: list[Part], folder: Path) -> pikepdf.Pdf:
    """The pages of ``parts`` in order, merged by qpdf's own page copier (``qpdf --empty --pages``)
    into a PDF held as an object graph whose stream data stays in the source files until it is
    saved: the scans pass from disk to disk in that one save. Unlike :func:`assemble` (pikepdf
    copies every foreign stream into memory as a page is appended), nothing is written here; the
    caller stamps, outlines and saves the result once. Each page is stripped to what draws it
    and the catalog holds nothing but its pages. ``part.pages`` must be set (the cover's
    contents needed them); this sets each part's ``start``."""
    files: list[str] = []
    start = 0
    for number, part in enumerate(parts):
        source = part.pdf if isinstance(part.pdf, Path) else getattr(part.pdf, "path", None)
        if not isinstance(source, Path):
            source = folder / f"part-{number}.pdf"
            source.write_bytes(part.pdf)
        part.start = start
        start += part.pages
        files.append(str(source.resolve()))
    try:
        # resources are kept as the pages name them: deciding what is unreferenced parses every
        # content stream, a third of the merge's time, and the pages are rebuilt by intake or ours
        args = ["qpdf", "--empty", "--warning-exit-0", "--remove-unreferenced-resources=no", "--pages", *files]
        # the output named here is never written: the caller saves the graph create_pdf returns
        pdf = pikepdf.Job([*args, "--", str((folder / "unused.pdf").resolve())]).create_pdf()
    except (pikepdf.PdfError, pikepdf.JobUsageError, OSError, RuntimeError) as exc:
        raise UserError(
            "package.unreadable",
            "无法合并附件，请删除后重新添加",
            "Cannot merge the attachments; remove and add them again",
        ) from exc
    if len(pdf.pages) != start:  # a part changed since its pages were counted: never mis-number
        pdf.close()
        raise UserError(
            "package.unreadable",
            "无法合并附件，请删除后重新添加",
            "Cannot merge the attachments; remove and add them again",
        )
    if "/ID" in pdf.trailer:  # a save would keep an inherited one
        del pdf.trailer.ID
    for key in list(pdf.Root.keys()):
        if key not in ("/Type", "/Pages"):
            del pdf.Root[key]
    for page in pdf.pages:
        _strip_page(page.obj)
    return pdf


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
    # every footer as a form XObject, copied over in one call (a copy per page cost a tenth of
    # the build); their shared font is copied once either way
    forms = pikepdf.Array([stamps.make_indirect(over.as_form_xobject()) for over in stamps.pages])
    copied = pdf.copy_foreign(stamps.make_indirect(forms))
    for page, form in zip(pdf.pages, copied):
        _, _, box = visible_size(page)
        # like Page.add_overlay, but with a fixed resource name (add_overlay picks a random
        # one, which would make two builds differ) and without rewriting the page's content
        name = _free_name(page)
        _xobjects(page)[name] = form
        placement = page.calc_form_xobject_placement(form, name, box, allow_shrink=True, allow_expand=True)
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n" + placement)


def _xobjects(page: pikepdf.Page) -> pikepdf.Dictionary:
    """The page's /XObject resources, made when it has none (Page.add_resource does this too,
    but scans all the page's resources for the name first)."""
    resources = page.resources  # made when missing; anything but a dictionary raises
    xobjects = resources.get(Name.XObject)
    if not isinstance(xobjects, pikepdf.Dictionary):
        resources[Name.XObject] = pikepdf.Dictionary()
        xobjects = resources[Name.XObject]  # the dictionary as stored, not the one assigned
    return cast(pikepdf.Dictionary, xobjects)


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


def set_id(pdf: pikepdf.Pdf, made_of: bytes) -> None:
    """The file's permanent /ID: a digest of everything the file is made from (``made_of``), so
    two builds of the same inputs are the same bytes, and different inputs differ in it."""
    import hashlib

    first = pikepdf.String(hashlib.md5(made_of, usedforsecurity=False).digest())
    pdf.trailer.ID = pikepdf.Array([first, first])


def save(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    save_to(pdf, buffer)
    return buffer.getvalue()


def save_to(pdf: pikepdf.Pdf, target: Path | io.BytesIO) -> None:
    """Write ``pdf`` to a file (streamed by qpdf, page data read from the sources as it goes) or
    a buffer, the same bytes either way."""
    # /ID from the content, not from the clock. A file whose first /ID the build set itself
    # (:func:`set_id`, from what it was made of) keeps it, beside qpdf's fixed second one, and
    # saves qpdf hashing the whole output as it writes (a tenth of a package's save).
    own_id = "/ID" in pdf.trailer
    pdf.save(
        target,
        deterministic_id=not own_id,
        static_id=own_id,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        fix_metadata_version=False,
    )
