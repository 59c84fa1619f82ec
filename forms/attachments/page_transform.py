"""The worker's half of the page fixes: checked operations applied to a PDF with pikepdf.

Everything that can be done without touching image data is done that way: rotation is
``/Rotate``, a crop is the page box, fitting onto A4 and straightening are a transformation
matrix around the unchanged page (a form XObject), so the image streams stay byte-identical.
Only ``dpi`` and ``grey`` (:mod:`forms.attachments.greyscale`) re-encode images, one image at a
time (forms.package.downsample's bounds). The caller rebuilds and scans the result.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from forms.attachments.model import IntakeLimits
from forms.attachments.page_ops import MIN_CROP_PT, MM, Op, check_ops

if TYPE_CHECKING:
    import pikepdf

A4_PT = (595.2756, 841.8898)
FIT_TOLERANCE = 1.01  # a page up to 1 % over A4 (scanner rounding) is A4
DPI_QUALITY = 85


def transform(data: bytes, ops: Sequence[Op], limits: IntakeLimits) -> bytes:
    """The worker's half: ``ops`` applied with pikepdf; the caller rebuilds the result."""
    import pikepdf

    from forms.attachments.greyscale import grey_document
    from forms.attachments.rebuild import save

    pdf = pikepdf.open(io.BytesIO(data))
    check_ops(ops, len(pdf.pages))  # the worker trusts nothing it is sent either
    for op in ops:
        kind = op["op"]
        if kind == "arrange":
            out = pikepdf.new()
            for index in op["order"]:
                out.pages.append(pdf.pages[index])
            pdf = out
        elif kind == "rotate":
            page = pdf.pages[op["page"] - 1].obj
            page.Rotate = (_int(page.get("/Rotate", 0)) + op["degrees"]) % 360
        elif kind == "a4":
            chosen = range(1, len(pdf.pages) + 1) if op["pages"] is None else op["pages"]
            for number in chosen:
                _fit_a4(pdf, pdf.pages[number - 1])
        elif kind == "crop":
            _crop(pdf.pages[op["page"] - 1], op["view_mm"])
        elif kind == "straighten":
            _straighten(pdf, pdf.pages[op["page"] - 1], op["degrees"])
        elif kind == "dpi":
            from forms.package.downsample import downsample as budget_downsample

            # at the page's own size: a page to be fitted onto A4 says so (``a4`` first)
            budget_downsample(pdf, float(op["dpi"]), DPI_QUALITY, on_a4=False)
        elif kind == "grey":
            grey_document(pdf)
    return save(pdf)


def _int(value: Any) -> int:  # a pikepdf number, or whatever a hostile file put there
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def visible_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The box shown (CropBox within MediaBox), in the page's own coordinates."""
    import pikepdf

    media = pikepdf.Rectangle(page.mediabox)
    # a hostile non-array CropBox raises here as the rest of a damaged page does
    shown = pikepdf.Rectangle(cast("pikepdf.Array", page.obj.get("/CropBox", page.mediabox)))
    x0, y0 = max(media.llx, shown.llx), max(media.lly, shown.lly)
    x1, y1 = min(media.urx, shown.urx), min(media.ury, shown.ury)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return media.llx, media.lly, media.urx, media.ury
    return x0, y0, x1, y1


def _set_box(page: pikepdf.Page, box: tuple[float, float, float, float]) -> None:
    import pikepdf

    page.obj.MediaBox = pikepdf.Array([round(v, 4) for v in box])
    for key in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
        if key in page.obj:
            del page.obj[key]


def _redraw(
    pdf: pikepdf.Pdf, page: pikepdf.Page, matrix: tuple[float, ...], box: tuple[float, float, float, float]
) -> None:
    """Draw the page as it is, unchanged, through ``matrix`` on a page of ``box``: its content
    becomes one form XObject, so whatever it does with the graphics state stays inside."""
    import pikepdf

    # Made by hand, not with qpdf's as_form_xobject: that one reads the page's content lazily,
    # so it would draw the new content below instead of the old.
    page.contents_coalesce()
    contents = page.obj.get("/Contents")
    form = pdf.make_stream(contents.read_bytes() if isinstance(contents, pikepdf.Stream) else b"")
    form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    form.BBox = pikepdf.Array(list(visible_box(page)))  # what was shown, not what the crop hid
    form.Resources = page.obj.get("/Resources", pikepdf.Dictionary())
    if "/Group" in page.obj:
        form.Group = page.obj.Group
    matrix_text = " ".join(f"{v:.6f}" for v in matrix)
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx0=form))
    page.obj.Contents = pdf.make_stream(f"q {matrix_text} cm /Fx0 Do Q".encode())
    _set_box(page, box)


def _fit_a4(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    x0, y0, x1, y1 = visible_box(page)
    width, height = x1 - x0, y1 - y0
    target = (A4_PT[1], A4_PT[0]) if width > height else A4_PT  # in the page's own coordinates
    scale = min(target[0] / width, target[1] / height)
    if scale * FIT_TOLERANCE >= 1:
        return  # within A4: nothing to do (never enlarged)
    tx = (target[0] - width * scale) / 2 - x0 * scale
    ty = (target[1] - height * scale) / 2 - y0 * scale
    _redraw(pdf, page, (scale, 0, 0, scale, tx, ty), (0, 0, target[0], target[1]))


def view_to_page(box: tuple[float, float, float, float], rotate: int, u: float, v: float) -> tuple[float, float]:
    """A point ``u`` right and ``v`` down (pt) from the top-left corner of the page as shown
    (clockwise ``rotate``) → the page's own coordinates."""
    x0, y0, x1, y1 = box
    rotate %= 360
    if rotate == 90:
        return x0 + v, y0 + u
    if rotate == 180:
        return x1 - u, y0 + v
    if rotate == 270:
        return x1 - v, y1 - u
    return x0 + u, y1 - v


def _crop(page: pikepdf.Page, view_mm: Sequence[float]) -> None:
    box = visible_box(page)
    rotate = _int(page.obj.get("/Rotate", 0))
    left, top, right, bottom = (v * MM for v in view_mm)
    xa, ya = view_to_page(box, rotate, left, top)
    xb, yb = view_to_page(box, rotate, right, bottom)
    new = (max(box[0], min(xa, xb)), max(box[1], min(ya, yb)), min(box[2], max(xa, xb)), min(box[3], max(ya, yb)))
    if new[2] - new[0] < MIN_CROP_PT or new[3] - new[1] < MIN_CROP_PT:
        from forms.attachments.messages import Refusal

        raise Refusal("attach.damaged")  # check_ops keeps the rectangle positive: only a hostile box
    _set_box(page, new)


def _straighten(pdf: pikepdf.Pdf, page: pikepdf.Page, degrees: float) -> None:
    x0, y0, x1, y1 = visible_box(page)
    width, height = x1 - x0, y1 - y0
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), abs(math.sin(angle))
    # Enlarged so that the turned content still covers the whole (unturned) page.
    scale = max((width * cos + height * sin) / width, (width * sin + height * cos) / height)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    a, b = scale * math.cos(angle), scale * math.sin(angle)
    # translate(-c) · rotate·scale · translate(c), as a PDF matrix [a b -b a e f]
    e = cx - (a * cx - b * cy)
    f = cy - (b * cx + a * cy)
    _redraw(pdf, page, (a, b, -b, a, e, f), (x0, y0, x1, y1))
