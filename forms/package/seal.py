"""What tells a draft's output from a final one, and ties final paper to its data.

Not final: every page carries the diagonal watermark WATERMARK as real text (so it is found by
text extraction, not only seen). Final: every page carries the seal code and a QR code holding
pack id, category, seal and page N/M; the file keeps a digest of every page and of every field
in its /Info dictionary (key SEAL_KEY), which :mod:`forms.package.verify` recomputes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pikepdf

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

# reportlab is imported where marks are drawn: reading or writing a seal record needs none of it
mm = 72.0 / 2.54 * 0.1  # reportlab.lib.units.mm (the same float): one millimetre in points

WATERMARK = "草稿 — 未定稿"  # a dash, not "·": the seed check (issue 11) counts "·" as template text
WATERMARK_SIZE = 54.0
WATERMARK_GREY = (0.55, 0.55, 0.55)  # RGB
WATERMARK_ALPHA = 0.28  # light: the page under it stays readable
SEAL_KEY = "/CxySeal"
SEAL_VERSION = 2  # 2: numbers fed by value (a digest taken before the save equals one taken after)
SEAL_VERSIONS = frozenset({1, 2})  # what verify still reads: files sealed by earlier versions
QR_SIDE = 16 * mm
QR_MARGIN = 5 * mm
SEAL_TEXT_SIZE = 5.5


@dataclass(frozen=True)
class Marks:
    """What the overlay adds to every page besides the footer. ``final`` False: the
    watermark; True: the seal (``seal``, ``pack_id``, ``category``)."""

    final: bool = False
    seal: str = ""
    pack_id: str = ""
    category: str = ""


def seal_of(digest: str) -> str:
    """The printed seal code: the content hash, grouped for reading aloud."""
    return f"{digest[:4]}-{digest[4:8]}".upper()


def payload(marks: Marks, page: int, total: int) -> str:
    """What the QR code of page ``page`` (1-based) of ``total`` holds."""
    return f"CXY|{marks.pack_id}|{marks.category}|{marks.seal}|{page}/{total}"


def draw_marks(canvas: Canvas, width: float, height: float, marks: Marks, page: int, total: int, font: str) -> None:
    if marks.final:
        _draw_seal(canvas, width, marks, page, total, font)
    else:
        _draw_watermark(canvas, width, height, font)


def _draw_watermark(canvas: Canvas, width: float, height: float, font: str) -> None:
    from reportlab.lib import colors

    canvas.saveState()
    canvas.setFillColor(colors.Color(*WATERMARK_GREY))
    canvas.setFillAlpha(WATERMARK_ALPHA)
    # the size follows the page, so a small scan page still shows the whole mark
    diagonal = (width * width + height * height) ** 0.5
    size = min(WATERMARK_SIZE, 0.6 * diagonal / max(canvas.stringWidth(WATERMARK, font, 1.0), 1.0))
    canvas.setFont(font, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(_angle(width, height))
    canvas.drawCentredString(0, -size / 3, WATERMARK)
    canvas.restoreState()


def _angle(width: float, height: float) -> float:
    import math

    return math.degrees(math.atan2(height, width))


def _draw_seal(canvas: Canvas, width: float, marks: Marks, page: int, total: int, font: str) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    text = payload(marks, page, total)
    widget = QrCodeWidget(text, barLevel="M", barBorder=1)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIDE, QR_SIDE, transform=[QR_SIDE / (x1 - x0), 0, 0, QR_SIDE / (y1 - y0), 0, 0])
    drawing.add(widget)
    x, y = width - QR_MARGIN - QR_SIDE, QR_MARGIN + SEAL_TEXT_SIZE * 2 + 2
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x - 1, QR_MARGIN - 1, QR_SIDE + 2, QR_SIDE + SEAL_TEXT_SIZE * 2 + 4, stroke=0, fill=1)
    renderPDF.draw(drawing, canvas, x, y)
    canvas.setFillColor(colors.black)
    canvas.setFont(font, SEAL_TEXT_SIZE)
    canvas.drawCentredString(x + QR_SIDE / 2, QR_MARGIN + SEAL_TEXT_SIZE + 1, f"封签 {marks.seal}")
    # the QR's payload as text too: readable where no scanner is at hand
    canvas.setFont(font, SEAL_TEXT_SIZE * 0.7)
    canvas.drawRightString(width - QR_MARGIN, QR_MARGIN, text)
    canvas.restoreState()


# --------------------------------------------------------------------------------------------
# Digests


_SKIP_STREAM_KEYS = frozenset({"/Length", "/Filter", "/DecodeParms"})
_SKIP_DICT_KEYS = frozenset({"/Parent"})


def page_digest(page: pikepdf.Page, version: int = SEAL_VERSION) -> str:
    """sha256 of what draws the page: its content streams, resources and boxes, walked in a
    fixed order. Streams count by their decoded bytes where a lossless filter allows (a re-save
    that recompresses changes nothing), else by their stored bytes and filter. From version 2 a
    number counts by its value (1, 1.0 and 1.00 alike): a real the build made in memory is
    written as its shortest form and reads back as an integer, and the record is taken on the
    graph just before the one save."""
    hasher = hashlib.sha256()
    obj = page.obj
    for key in ("/MediaBox", "/CropBox", "/Rotate", "/Contents", "/Resources"):
        hasher.update(key.encode())
        if key in obj:
            _feed(hasher, obj[key], set(), version)
    return hasher.hexdigest()[:32]


def page_digests(pdf: pikepdf.Pdf, version: int = SEAL_VERSION) -> list[str]:
    return [page_digest(page, version) for page in pdf.pages]


def _feed(hasher: Any, obj: Any, seen: set[tuple[int, int]], version: int = SEAL_VERSION) -> None:
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        key = obj.objgen
        if key in seen:  # a loop: named, not followed
            hasher.update(b"<loop>")
            return
        seen = seen | {key}
    if isinstance(obj, pikepdf.Stream):
        hasher.update(b"<stream")
        _feed_dict(hasher, obj.stream_dict, seen, _SKIP_STREAM_KEYS, version)
        try:
            body = obj.read_bytes(pikepdf.StreamDecodeLevel.generalized)
        except pikepdf.PdfError:
            body = obj.read_raw_bytes()
            hasher.update(repr(obj.get("/Filter")).encode())
        hasher.update(len(body).to_bytes(8, "big"))
        hasher.update(body)
        hasher.update(b">")
    elif isinstance(obj, pikepdf.Dictionary):
        _feed_dict(hasher, obj, seen, _SKIP_DICT_KEYS, version)
    elif isinstance(obj, pikepdf.Array):
        hasher.update(b"[")
        for item in obj:
            _feed(hasher, item, seen, version)
            hasher.update(b",")
        hasher.update(b"]")
    elif version >= 2 and isinstance(obj, (int, Decimal)) and not isinstance(obj, bool):
        hasher.update(b"<number " + format(Decimal(obj).normalize(), "f").encode() + b">")
    else:
        hasher.update(repr(obj).encode())


def _feed_dict(
    hasher: Any, obj: Any, seen: set[tuple[int, int]], skip: frozenset[str], version: int = SEAL_VERSION
) -> None:
    hasher.update(b"{")
    for key in sorted(obj.keys()):
        if key in skip:
            continue
        hasher.update(key.encode())
        _feed(hasher, obj[key], seen, version)
        hasher.update(b";")
    hasher.update(b"}")


def field_digests(data: dict[str, Any]) -> dict[str, str]:
    """A short digest of every filled leaf of the data, by dotted path (table rows by index),
    so that a draft changed after the build can be told field by field."""
    out: dict[str, str] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key in sorted(node):
                walk(node[key], f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}.{index}")
        else:
            encoded = json.dumps(node, ensure_ascii=False, default=str).encode()
            out[path] = hashlib.sha256(path.encode() + b"\0" + encoded).hexdigest()[:12]

    walk(data, "")
    return out


def attachment_digests(attachments: Any) -> list[str]:
    from .order import kind_of, ordered
    from .sources import feed

    out = []
    for info, pdf in ordered(attachments):
        hasher = hashlib.sha256(f"{kind_of(info)}\t{getattr(info, 'title', '')}\t".encode())
        feed(hasher, pdf)
        out.append(hasher.hexdigest()[:12])
    return out


def record(
    pdf_bytes: bytes,
    marks: Marks,
    data: dict[str, Any],
    attachments: Any,
    digest: str,
    *,
    without_attachments: bool = False,
) -> bytes:
    """The final file with the seal record in its /Info: the digest of every page as it is
    in this file (so computed after every change to the pages), the content hash and the
    per-field digests."""
    from .assemble import open_pdf, save

    with open_pdf(pdf_bytes, "seal") as pdf:
        add_record(pdf, marks, data, attachments, digest, without_attachments=without_attachments)
        return save(pdf)


def add_record(
    pdf: pikepdf.Pdf,
    marks: Marks,
    data: dict[str, Any],
    attachments: Any,
    digest: str,
    *,
    without_attachments: bool = False,
) -> None:
    """:func:`record` on an open PDF, whose pages must be as they will be saved.
    ``without_attachments``: the file holds the draft's forms only (a print set without its
    attachments), so a verifier compares the data and not the draft's attachments."""
    entry = {
        "v": SEAL_VERSION,
        "pack": marks.pack_id,
        "category": marks.category,
        "seal": marks.seal,
        "hash": digest,
        "pages": page_digests(pdf),
        "fields": field_digests(data),
        "attachments": attachment_digests(attachments),
    }
    if without_attachments:
        entry["without_attachments"] = True
    pdf.docinfo[SEAL_KEY] = pikepdf.String(json.dumps(entry, ensure_ascii=True, separators=(",", ":"), sort_keys=True))
