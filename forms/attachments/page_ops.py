"""Page fixes on an attachment's PDF: rotate, delete, move, split, fit onto A4, downsample,
grey, crop and straighten.

An edit is a list of plain-dict operations (made by the functions below, so they cross the
worker pipe as JSON). The parent checks them against the page count (``check_ops``, bilingual
refusals); the worker applies them (``transform``) and then rebuilds and scans the result like any
picked PDF, so an edited attachment is exactly as safe as an imported one. Everything that can
be done without touching image data is done that way: rotation is ``/Rotate``, a crop is the
page box, fitting onto A4 and straightening are a transformation matrix around the unchanged
page (a form XObject), so the image streams stay byte-identical. Only ``dpi`` and ``grey``
re-encode images, one image at a time (forms.package.downsample's bounds).
"""

from __future__ import annotations

import hashlib
import io
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from forms.attachments.model import IntakeLimits
from forms.errors import UserError
from forms.text import Text

if TYPE_CHECKING:
    import pikepdf

A4_PT = (595.2756, 841.8898)
MM = 72 / 25.4
FIT_TOLERANCE = 1.01  # a page up to 1 % over A4 (scanner rounding) is A4
MAX_STRAIGHTEN = 20.0  # degrees; more is a rotation, not a crooked photo
MIN_CROP_PT = 10.0
DPI_RANGE = (72, 600)
GREY_QUALITY = 80  # JPEG quality when a JPEG image is re-encoded in grey (the budget's first step)
DPI_QUALITY = 85
# Fix ids shared with the preflight findings (forms.attachments.preflight).
FIX_IDS = ("rotate", "delete", "a4", "dpi150", "dpi200", "grey", "split")

Op = dict[str, Any]  # plain JSON: it crosses the worker pipe


# ------------------------------------------------------------------ operations (plain data)


def rotate(page: int, degrees: int) -> Op:
    """Turn page ``page`` (1-based) clockwise by a multiple of 90 degrees, as viewers do."""
    return {"op": "rotate", "page": page, "degrees": degrees}


def arrange(order: Sequence[int]) -> Op:
    """Keep exactly the pages ``order`` (0-based indices of the current pages), in that order:
    delete, move and each half of a split are this."""
    return {"op": "arrange", "order": list(order)}


def delete(pages: int, *numbers: int) -> Op:
    """Delete pages ``numbers`` (1-based) of a ``pages``-page attachment."""
    gone = {n - 1 for n in numbers}
    return arrange([i for i in range(pages) if i not in gone])


def move(pages: int, page: int, to: int) -> Op:
    """Move page ``page`` so that it becomes page ``to`` (both 1-based)."""
    order = list(range(pages))
    if 1 <= page <= pages:
        order.insert(max(0, min(pages - 1, to - 1)), order.pop(page - 1))
    return arrange(order)


def fit_a4(pages: Sequence[int] | None = None) -> Op:
    """Scale pages larger than A4 down onto A4 (aspect kept, centred); ``None``: every page."""
    return {"op": "a4", "pages": None if pages is None else list(pages)}


def downsample(dpi: int) -> Op:
    """Re-encode images drawn at more than ``dpi`` to ``dpi`` (JPEG)."""
    return {"op": "dpi", "dpi": dpi}


def grey() -> Op:
    """Images and plain colour operators to grey."""
    return {"op": "grey"}


def crop(page: int, left_mm: float, top_mm: float, right_mm: float, bottom_mm: float) -> Op:
    """Keep the rectangle given in mm from the top-left corner of the page as it is shown
    (its rotation applied): the page's box becomes that rectangle; nothing is resampled."""
    return {"op": "crop", "page": page, "view_mm": [left_mm, top_mm, right_mm, bottom_mm]}


def straighten(page: int, degrees: float) -> Op:
    """Turn the page's content by a small angle (counter-clockwise positive) about its centre,
    enlarged just enough that no corner of the page is left empty."""
    return {"op": "straighten", "page": page, "degrees": degrees}


def ops_for_fix(fix: str, pages: int, page: int | None = None, *, degrees: int = 90) -> list[Op]:
    """The operations of a preflight finding's ``fix`` id on page ``page`` (1-based; None for
    the whole attachment). ``split`` is not an edit of one attachment: see ``split_orders``."""
    if fix == "rotate" and page is not None:
        return [rotate(page, degrees)]
    if fix == "delete" and page is not None:
        return [delete(pages, page)]
    if fix == "a4":
        return [fit_a4(None if page is None else [page])]
    if fix in ("dpi150", "dpi200"):
        return [downsample(int(fix[3:]))]
    if fix == "grey":
        return [grey()]
    raise UserError("pages.fix", f"无法自动应用修正“{fix}”", f"The fix “{fix}” cannot be applied automatically")


def split_orders(pages: int, at: int) -> tuple[Op, Op]:
    """Pages 1…at-1 and at…pages: the two attachments a split at page ``at`` makes."""
    if not 2 <= at <= pages:
        raise _bad(Text(f"拆分位置须在第 2 页到第 {pages} 页之间", f"the split must be at a page from 2 to {pages}"))
    return arrange(range(at - 1)), arrange(range(at - 1, pages))


# ------------------------------------------------------------------ checks (parent process)


def _bad(why: Text) -> UserError:
    return UserError("pages.invalid", f"页面操作无效：{why.zh}", f"Invalid page operation: {why.en}")


def _page_no(value: object, pages: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= pages:
        raise _bad(
            Text(f"没有第 {value} 页（共 {pages} 页）", f"there is no page {value} (the attachment has {pages})")
        )
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(Text("数值无效", "not a number"))
    return float(value)


def check_ops(ops: Sequence[Op], pages: int) -> list[Op]:
    """The operations, checked in turn against the page count they will meet; ``pages.invalid``
    for anything that would not do what it says."""
    checked: list[Op] = []
    for op in ops:
        kind = op.get("op") if isinstance(op, dict) else None
        if kind == "rotate":
            degrees = op.get("degrees")
            if isinstance(degrees, bool) or not isinstance(degrees, int) or degrees % 90:
                raise _bad(Text("旋转角度须为 90 的倍数", "rotation must be a multiple of 90 degrees"))
            checked.append(rotate(_page_no(op.get("page"), pages), degrees % 360))
        elif kind == "arrange":
            order = op.get("order")
            if (
                not isinstance(order, list)
                or not order
                or len(set(order)) != len(order)
                or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < pages for i in order)
            ):
                raise _bad(
                    Text(
                        "不能删除全部页面，页码也不能重复或越界",
                        "an attachment keeps at least one page, each page once, within its pages",
                    ),
                )
            checked.append(arrange(order))
            pages = len(order)
        elif kind == "a4":
            chosen = op.get("pages")
            checked.append(fit_a4(None if chosen is None else [_page_no(p, pages) for p in chosen]))
        elif kind == "dpi":
            dpi = op.get("dpi")
            if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
                raise _bad(
                    Text(
                        f"分辨率须在 {DPI_RANGE[0]}–{DPI_RANGE[1]} dpi 之间",
                        f"the resolution must be {DPI_RANGE[0]}–{DPI_RANGE[1]} dpi",
                    ),
                )
            checked.append(downsample(dpi))
        elif kind == "grey":
            checked.append(grey())
        elif kind == "crop":
            box = op.get("view_mm")
            if not isinstance(box, list) or len(box) != 4:
                raise _bad(Text("裁剪区域须为 左,上,右,下（毫米）", "a crop is left,top,right,bottom in mm"))
            left, top, right, bottom = (_number(v) for v in box)
            if min(left, top) < 0 or right - left < MIN_CROP_PT / MM or bottom - top < MIN_CROP_PT / MM:
                raise _bad(Text("裁剪区域太小或坐标为负", "the crop rectangle is too small or negative"))
            checked.append(crop(_page_no(op.get("page"), pages), left, top, right, bottom))
        elif kind == "straighten":
            degrees = _number(op.get("degrees"))
            if not 0 < abs(degrees) <= MAX_STRAIGHTEN:
                raise _bad(
                    Text(
                        f"校正角度须在 ±{MAX_STRAIGHTEN:g}° 以内且不为 0",
                        f"straightening is a non-zero angle within ±{MAX_STRAIGHTEN:g}°",
                    ),
                )
            checked.append(straighten(_page_no(op.get("page"), pages), degrees))
        else:
            raise _bad(Text("未知操作", f"unknown operation {kind!r:.40}"))
    if not checked:
        raise _bad(Text("没有指定任何操作", "no operation given"))
    return checked


# ------------------------------------------------------------------ running (parent process)


@dataclass(frozen=True)
class Edited:
    pdf: bytes  # sanitised, like an intake result
    pages: int
    sha256: str  # of ``pdf``
    notes: tuple[str, ...]


SECONDS_PER_PAGE = 2.0  # re-encoding a 100 Mpx scan takes about a second; the intake's 30 s is for one pass
MAX_EDIT_SECONDS = 600.0


def edit(
    pdf: bytes,
    pages: int,
    ops: Sequence[Op],
    *,
    limits: IntakeLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    name: str = "附件",
) -> Edited:
    """Apply ``ops`` to an attachment's PDF of ``pages`` pages in the worker (time and memory
    limits, progress, cancel); the result is rebuilt and scanned as any picked PDF. Bytes this
    installation did not make (a received draft's) are sanitised first, so the operations only
    ever meet our own rebuilt PDF. Raises UserError: ``pages.invalid`` or the intake's
    ``attach.*``. ``limits``: by default the intake's, with time for every page."""
    import dataclasses

    from forms.attachments import ledger
    from forms.attachments.intake import sanitised
    from forms.attachments.runner import run_in_worker

    checked = check_ops(ops, pages)
    if limits is None:
        base = IntakeLimits()
        limits = dataclasses.replace(base, timeout_s=min(MAX_EDIT_SECONDS, base.timeout_s + SECONDS_PER_PAGE * pages))
    pdf = sanitised(pdf, name, limits=limits)
    result = run_in_worker("pdf", pdf, limits, progress, cancel, ops=checked)
    ledger.record(result.pdf)
    return Edited(result.pdf, result.pages, hashlib.sha256(result.pdf).hexdigest(), tuple(result.notes))


# ------------------------------------------------------------------ applying (worker process)


def transform(data: bytes, ops: Sequence[Op], limits: IntakeLimits) -> bytes:
    """The worker's half: ``ops`` applied with pikepdf; the caller rebuilds the result."""
    import pikepdf

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
            _grey(pdf)
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


def grey_document(pdf: pikepdf.Pdf) -> None:
    """Every drawn image and plain colour operator of an open pikepdf document to grey."""
    _grey(pdf)


def _grey(pdf: pikepdf.Pdf) -> None:
    import pikepdf

    from forms.package.drawn import drawn_images

    for image, _, _ in drawn_images(pdf).values():
        _grey_image(image)
    for page in pdf.pages:
        _grey_content(pdf, page.obj)
        resources = page.obj.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if isinstance(xobjects, pikepdf.Dictionary):
            for xobject in xobjects.values():
                if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == pikepdf.Name.Form:
                    _grey_content(pdf, xobject)


_GREY_OPS = {"rg": "g", "RG": "G", "k": "g", "K": "G"}


def _grey_content(pdf: pikepdf.Pdf, owner: pikepdf.Object) -> None:
    """rg/RG and k/K become g/G of the same lightness; other colour (sc, scn) is left alone."""
    import pikepdf

    try:
        instructions = pikepdf.parse_content_stream(owner)
    except pikepdf.PdfError:
        return
    changed, out = False, list[tuple[Any, pikepdf.Operator]]()
    for instruction in instructions:
        operands, operator = instruction.operands, instruction.operator
        name = str(operator)
        if name in _GREY_OPS:
            try:
                values = [float(v) for v in operands]
            except (TypeError, ValueError):
                values = []
            if name in ("rg", "RG") and len(values) == 3:
                level = 0.299 * values[0] + 0.587 * values[1] + 0.114 * values[2]
            elif name in ("k", "K") and len(values) == 4:
                level = 1 - min(1.0, 0.3 * values[0] + 0.59 * values[1] + 0.11 * values[2] + values[3])
            else:
                out.append((operands, operator))
                continue
            out.append(([round(max(0.0, min(1.0, level)), 4)], pikepdf.Operator(_GREY_OPS[name])))
            changed = True
        else:
            out.append((operands, operator))
    if not changed:
        return
    data = pikepdf.unparse_content_stream(out)
    if isinstance(owner, pikepdf.Stream):
        owner.write(zlib.compress(data), filter=pikepdf.Name.FlateDecode)
    else:
        owner.Contents = pdf.make_stream(data)


def _grey_image(image: pikepdf.Stream) -> None:
    import pikepdf
    from PIL import Image

    from forms.package.downsample import MAX_DECODED_BYTES, SKIP_FILTERS, _decoded_bytes

    if image.get("/ImageMask", False) or image.get("/ColorSpace") == pikepdf.Name.DeviceGray:
        return
    filters = image.get("/Filter")
    names = {str(f) for f in filters} if isinstance(filters, pikepdf.Array) else {str(filters)}
    try:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        if names & SKIP_FILTERS or int(image.get("/BitsPerComponent", 8)) == 1:
            return
        plain_jpeg = (
            names == {"/DCTDecode"} and image.get("/ColorSpace") == pikepdf.Name.DeviceRGB and "/Decode" not in image
        )
        picture: Image.Image
        if plain_jpeg:
            picture = Image.open(io.BytesIO(image.read_raw_bytes()))
            picture.draft("L", picture.size)  # libjpeg decodes straight to grey
        elif _decoded_bytes(image, width, height) > MAX_DECODED_BYTES:
            return
        else:
            picture = pikepdf.PdfImage(image).as_pil_image()
        picture = picture.convert("L")
    except Exception:  # an image we cannot decode is left exactly as it was
        return
    if names == {"/DCTDecode"}:  # a photo stays a JPEG (also one with an ICC profile)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=GREY_QUALITY)
        image.write(buffer.getvalue(), filter=pikepdf.Name.DCTDecode)
    else:
        image.write(zlib.compress(picture.tobytes()), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace = pikepdf.Name.DeviceGray
    image.BitsPerComponent = 8
    image.Width, image.Height = picture.size
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    if isinstance(image.get("/Mask"), pikepdf.Array):
        del image["/Mask"]
