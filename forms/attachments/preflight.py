"""Preflight: what an office would send back about an attachment, found once, at intake.

Per page: size against A4, effective resolution of its images, orientation (the direction its
text runs where it has text, else a landscape page in a portrait document), near-blank, a grey
page stored in colour; per attachment: bytes against the upload limit. Each finding names the
fix that cures it (the ids the page tools implement: rotate, delete, a4, dpi150, dpi200, grey,
split), or None where only a new scan helps.

``examine(pdf)`` runs the examination in the attachment worker (time and memory capped) and
returns an ``Examination``: the findings, the content key (content_key.py) and the first page's
text (for kinds.py). ``findings(examination, ...)`` adds the attachment-level size finding.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from forms.attachments.model import IntakeLimits
from forms.text import Text

if TYPE_CHECKING:
    import pikepdf
    import pypdf
    from PIL import Image

Matrix = tuple[float, float, float, float, float, float]  # a PDF transformation matrix
# an image a page draws: (effective dpi, share of the page it covers, the image)
PlacedImage = tuple[int, float, "pikepdf.Stream"]

EXAMINE = "examine"  # the worker's job name (worker.run_job)
FIXES = ("rotate", "delete", "a4", "dpi150", "dpi200", "grey", "split")
MM = 72 / 25.4
A4_MM = (210.0, 297.0)
A4_TOLERANCE_MM = 6.0  # scanners and drivers round A4 by a millimetre or two
HIGH_DPI = 400  # above it a page image only costs bytes (a 300 dpi scan fitted into A4's margins is ~330)
LOW_DPI = 100  # below it small print is unreadable on paper
BLANK_INK = 0.002  # share of page pixels clearly darker than the paper
GREY_COLOURED = 0.001  # share of coloured pixels a page may have and still be grey (noise)
CHROMA = 32  # a pixel whose channels differ by this much is coloured (a red seal: ~150)
TEXT_CHARS = 2000
_THUMB = 600  # long side, in pixels, a page image is analysed at
_MAX_CONTENT_PARSE = 2 << 20  # decoded bytes of content we parse for image placement

# code -> its sentence, with {placeholders} from the finding's params
MESSAGES: dict[str, Text] = {
    "rotated_text": Text(
        "第 {page} 页的文字方向转了 {angle}°，页面放倒了",
        "Page {page}: its text runs at {angle}°, the page lies sideways",
    ),
    "landscape": Text(
        "第 {page} 页是横向的，而文件是纵向的：可能放倒了",
        "Page {page} is landscape in a portrait document: it may lie sideways",
    ),
    "not_a4": Text(
        "第 {page} 页尺寸为 {width}×{height} mm，不是 A4（210×297 mm）",
        "Page {page} is {width}×{height} mm, not A4 (210×297 mm)",
    ),
    "dpi_high": Text(
        "第 {page} 页图像分辨率 {dpi} dpi，远超打印所需，文件过大",
        "Page {page}: its image is {dpi} dpi, far more than printing needs; the file is large",
    ),
    "dpi_low": Text(
        "第 {page} 页图像分辨率只有 {dpi} dpi，打印后小字可能看不清，请重新扫描",
        "Page {page}: its image is only {dpi} dpi; small print may be unreadable, scan it again",
    ),
    "blank": Text("第 {page} 页几乎是空白页", "Page {page} is (nearly) blank"),
    "grey_as_colour": Text(
        "第 {page} 页是黑白内容，却按彩色保存", "Page {page} is black and white but stored in colour"
    ),
    "too_large": Text(
        "附件大小 {size_mb} MB，超过上传限制 {limit_mb} MB",
        "The attachment is {size_mb} MB, over the {limit_mb} MB upload limit",
    ),
}


@dataclass(frozen=True)
class Finding:
    page: int | None  # 1-based; None: the attachment as a whole
    code: str
    fix: str | None  # one of FIXES, or None where only a new scan helps
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        return MESSAGES[self.code].get(lang).format(page=self.page, **self.params)


@dataclass(frozen=True)
class Examination:
    pages: int
    key: str  # content_key.content_key: equal for the same pages however saved
    images: bool  # whether any page draws an image (then downsampling can shrink it)
    findings: tuple[Finding, ...]
    text: str = ""  # the first page's text (kinds.py), never stored in the draft

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "key": self.key,
            "images": self.images,
            "text": self.text,
            "findings": [asdict(f) for f in self.findings],
        }


def from_json(value: Any) -> Examination:
    """An Examination from JSON of ours (the worker's answer, a draft's meta entry), every part
    checked: ValueError for anything else."""
    if not isinstance(value, dict):
        raise ValueError("not an object")
    pages, key, images = value.get("pages"), value.get("key"), value.get("images")
    if not (type(pages) is int and 1 <= pages <= 100_000) or not isinstance(images, bool):
        raise ValueError("pages/images")
    if not (isinstance(key, str) and re.fullmatch(r"[0-9a-f]{64}", key)):
        raise ValueError("key")
    text = value.get("text", "")
    if not isinstance(text, str):
        raise ValueError("text")
    raw = value.get("findings")
    if not isinstance(raw, list) or len(raw) > 8 * pages + 8:
        raise ValueError("findings")
    return Examination(pages, key, images, tuple(_finding(item, pages) for item in raw), text[:TEXT_CHARS])


def _finding(item: Any, pages: int) -> Finding:
    if not isinstance(item, dict) or set(item) != {"page", "code", "fix", "params"}:
        raise ValueError("finding")
    page, code, fix, params = item["page"], item["code"], item["fix"], item["params"]
    if code not in MESSAGES or (fix is not None and fix not in FIXES):
        raise ValueError("code/fix")
    if not (page is None or (type(page) is int and 1 <= page <= pages)):
        raise ValueError("page")
    if (
        not isinstance(params, dict)
        or len(params) > 4
        or not all(
            isinstance(k, str)
            and k.isidentifier()
            and k != "page"
            and type(v) in (int, float, str)
            and len(str(v)) <= 16
            for k, v in params.items()
        )
    ):
        raise ValueError("params")
    Finding(page, code, fix, params).message("zh")  # every placeholder present
    return Finding(page, code, fix, dict(params))


def findings(examination: Examination, size: int, limit_bytes: int | None) -> list[Finding]:
    """The page findings plus, when the attachment is over ``limit_bytes``, the size finding
    (fixed by downsampling when it has images, else by splitting it)."""
    out = list(examination.findings)
    if limit_bytes and size > limit_bytes:
        mb = 1024 * 1024
        out.insert(
            0,
            Finding(
                None,
                "too_large",
                "dpi150" if examination.images else "split",
                {"size_mb": f"{size / mb:.1f}", "limit_mb": f"{limit_bytes / mb:g}"},
            ),
        )
    return out


def examine(
    pdf: bytes,
    *,
    limits: IntakeLimits = IntakeLimits(),
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Examination:
    """Examine a PDF of ours (an intake result, or a stored attachment after ``sanitised``) in
    the worker. Refusals are the intake's ``attach.*`` UserErrors."""
    from forms.attachments.messages import attach_error
    from forms.attachments.runner import run_in_worker

    result = run_in_worker(EXAMINE, pdf, limits, progress, cancel)
    try:
        return from_json(json.loads(result.pdf))
    except (ValueError, UnicodeDecodeError):
        raise attach_error("attach.damaged") from None


# ---------------------------------------------------------------------------- in the worker


def run_examination(
    data: bytes, limits: IntakeLimits, progress: Callable[[int, int], None]
) -> tuple[bytes, int, list[str]]:
    """The worker's job: (JSON of the Examination, pages, no notes)."""
    import pikepdf
    import pypdf

    from forms.attachments.content_key import content_key

    with pikepdf.open(io.BytesIO(data)) as pdf:
        total = len(pdf.pages)
        if total > limits.max_pages:
            from forms.attachments.messages import Refusal

            raise Refusal("attach.too_many_pages", pages=total, limit=limits.max_pages)
        reader = pypdf.PdfReader(io.BytesIO(data))
        facts = []
        for index, page in enumerate(pdf.pages):
            try:
                facts.append(_page_facts(pdf, page.obj, reader.pages[index]))
            except Exception:  # a page we cannot read into facts gets no finding, not a failure
                facts.append(_PageFacts(*A4_MM, "", None, [], True))
            progress(index + 1, total)
        key = content_key(pdf)
        judged = tuple(_judge(facts))  # decodes page images: before the file is closed
    result = Examination(total, key, any(f.images for f in facts), judged, facts[0].text[:TEXT_CHARS] if facts else "")
    return json.dumps(result.to_json(), ensure_ascii=True).encode(), total, []


@dataclass
class _PageFacts:
    width_mm: float  # as displayed (/Rotate applied)
    height_mm: float
    text: str
    text_angle: int | None  # displayed direction of most of its text, counter-clockwise
    images: list[PlacedImage]
    paints: bool  # draws anything but images (text, vector drawing, forms)


def _page_facts(pdf: pikepdf.Pdf, page: pikepdf.Object, text_page: pypdf.PageObject) -> _PageFacts:
    from forms.attachments.pdf_values import number as _number
    from forms.attachments.pdf_values import rect as _rect

    box = _rect(page.get("/CropBox")) or _rect(page.get("/MediaBox")) or [0, 0, 595.2756, 841.8898]
    unit = _number(page.get("/UserUnit")) or 1.0
    width, height = (box[2] - box[0]) * unit / MM, (box[3] - box[1]) * unit / MM
    rotate = int(_number(page.get("/Rotate")) or 0) % 360
    if rotate in (90, 270):
        width, height = height, width
    text, angle = _text(text_page, rotate)
    images, paints = _placed_images(pdf, page, (box[2] - box[0]) * (box[3] - box[1]))
    return _PageFacts(width, height, text, angle, images, paints)


def _text(text_page: pypdf.PageObject, rotate: int) -> tuple[str, int | None]:
    weights: dict[int, int] = {}

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], _font: object, _size: object) -> None:
        if not text or not text.strip():
            return
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        if a == 0 and b == 0:
            return
        angle = round(math.degrees(math.atan2(b, a)) / 90) * 90 % 360
        weights[angle] = weights.get(angle, 0) + len(text.strip())

    try:
        text = text_page.extract_text(visitor_text=visit)
    except Exception:  # text is a hint: a font pypdf cannot read leaves us without it
        return "", None
    if sum(weights.values()) < 20:  # a page number or a stamp says nothing about the page
        return text, None
    upright = max(weights, key=lambda angle: weights[angle])
    return text, (upright - rotate) % 360


def _placed_images(pdf: pikepdf.Pdf, page: Any, page_area: float) -> tuple[list[PlacedImage], bool]:
    """Each image the page draws with its effective dpi and the share of the page it covers;
    whether anything else is painted. Placement comes from the content stream's matrices."""
    import pikepdf

    from forms.attachments.content_key import _contents

    streams = _contents(page)
    parts = [part for part in (_safe_bytes(s) for s in streams) if part is not None]
    if len(parts) != len(streams):  # undecodable content may still show something
        return [], True
    content = b"".join(parts)
    xobjects = (
        page.get("/Resources", {}).get("/XObject", {}) if isinstance(page.get("/Resources"), pikepdf.Dictionary) else {}
    )
    images: list[PlacedImage] = []
    paints = False
    if len(content) > _MAX_CONTENT_PARSE:  # too big to walk: assume each image fills the page
        for name in xobjects.keys():  # noqa: SIM118 - a pikepdf object, whose keys() covers streams too
            image = xobjects[name]
            if isinstance(image, pikepdf.Stream) and image.get("/Subtype") == pikepdf.Name.Image:
                side = math.sqrt(page_area)
                images.append((_dpi(image, (side, 0, 0, side, 0, 0)), 1.0, image))
        return images, True
    try:
        instructions = pikepdf.parse_content_stream(pikepdf.Stream(pdf, content)) if content else []
    except (pikepdf.PdfError, TypeError, ValueError):  # content a renderer would also stumble on
        return images, True
    ctm: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[Matrix] = []
    for instruction in instructions:
        operands, operator = instruction.operands, instruction.operator
        op = operator.unparse().decode("latin-1") if isinstance(operator, pikepdf.Operator) else "INLINE IMAGE"
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(operands) == 6:
            with contextlib.suppress(TypeError, ValueError):
                a, b, c, d, e, f = (float(v) for v in operands)
                ctm = _multiply((a, b, c, d, e, f), ctm)
        elif op == "Do" and operands:
            image = (
                xobjects.get(operands[0])
                if isinstance(operands[0], pikepdf.Name) and hasattr(xobjects, "get")
                else None
            )
            if isinstance(image, pikepdf.Stream) and image.get("/Subtype") == pikepdf.Name.Image:
                area = abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])
                images.append((_dpi(image, ctm), min(1.0, area / page_area) if page_area else 1.0, image))
            else:
                paints = True  # a form: drawn content of some kind
        elif op in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "BI", "INLINE IMAGE", "Tj", "TJ", "'", '"'):
            paints = True
    return images, paints


def _safe_bytes(stream: pikepdf.Stream) -> bytes | None:
    import pikepdf

    try:
        return bytes(stream.read_bytes()) + b"\n"
    except pikepdf.PdfError:
        return None


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _dpi(image: pikepdf.Stream, ctm: Matrix) -> int:
    from forms.attachments.pdf_values import number as _number

    width_px, height_px = _number(image.get("/Width")) or 0, _number(image.get("/Height")) or 0
    width_in, height_in = math.hypot(ctm[0], ctm[1]) / 72, math.hypot(ctm[2], ctm[3]) / 72
    if not width_in or not height_in:
        return 0
    return round(min(width_px / width_in, height_px / height_in))


def _judge(facts: list[_PageFacts]) -> list[Finding]:
    out: list[Finding] = []
    landscape_doc = len(facts) >= 3 and sum(f.width_mm > f.height_mm for f in facts) * 2 > len(facts)
    for number, page in enumerate(facts, start=1):
        if page.text_angle not in (None, 0):
            out.append(Finding(number, "rotated_text", "rotate", {"angle": page.text_angle}))
        elif page.text_angle is None and 1.2 < page.width_mm / page.height_mm < 1.65 and not landscape_doc:
            # a sheet turned on its side; a much wider page (two pages scanned as one, a
            # panorama) is a size problem, and turning it would not help
            out.append(Finding(number, "landscape", "rotate"))
        short, long_ = sorted((page.width_mm, page.height_mm))
        if abs(short - A4_MM[0]) > A4_TOLERANCE_MM or abs(long_ - A4_MM[1]) > A4_TOLERANCE_MM:
            out.append(
                Finding(number, "not_a4", "a4", {"width": round(page.width_mm), "height": round(page.height_mm)})
            )
        main = max(page.images, key=lambda item: item[1], default=None)
        if main is not None and main[1] >= 0.2 and main[0]:
            if main[0] > HIGH_DPI:
                out.append(Finding(number, "dpi_high", "dpi200", {"dpi": main[0]}))
            elif main[0] < LOW_DPI:
                out.append(Finding(number, "dpi_low", None, {"dpi": main[0]}))
        pixels = _thumbnail(main[2]) if main is not None else None
        has_text = len("".join(page.text.split())) >= 3
        if pixels is not None:
            if not has_text and not page.paints and _near_blank(pixels):
                out.append(Finding(number, "blank", "delete"))
            elif pixels.mode == "RGB" and _grey(pixels):
                out.append(Finding(number, "grey_as_colour", "grey"))
        elif main is None and not has_text and not page.paints:
            out.append(Finding(number, "blank", "delete"))
    return out


def _thumbnail(image: pikepdf.Stream) -> Image.Image | None:
    """The image at most _THUMB pixels on its long side, in L or RGB; None when it cannot be
    decoded here (JBIG2, an exotic colour space): no finding is better than a wrong one."""
    import pikepdf
    from PIL import Image

    try:
        filters = image.get("/Filter")
        names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
        if names and names[-1] == "/DCTDecode":
            from forms.attachments.content_key import image_data

            im: Image.Image = Image.open(io.BytesIO(image_data(image)))
            im.draft(im.mode if im.mode in ("L", "RGB") else "RGB", (_THUMB, _THUMB))
        else:
            im = pikepdf.PdfImage(image).as_pil_image()
        if im.mode not in ("L", "RGB"):
            im = im.convert("RGB" if im.mode in ("CMYK", "P", "RGBA", "YCbCr") else "L")
        im.thumbnail((_THUMB, _THUMB))
        return im
    except Exception:
        return None


def _near_blank(im: Image.Image) -> bool:
    grey = im.convert("L")
    histogram = grey.histogram()
    total = sum(histogram)
    running, median = 0, 255
    for value, count in enumerate(histogram):
        running += count
        if running * 2 >= total:
            median = value
            break
    if median < 128:  # a dark picture is not an empty page
        return False
    ink = sum(histogram[: max(0, median - 60)])
    return ink < BLANK_INK * total


def _grey(im: Image.Image) -> bool:
    from PIL import ImageChops

    # Chroma (max - min channel), not HSV saturation: near-black JPEG noise is "saturated".
    red, green, blue = im.split()
    top = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    bottom = ImageChops.darker(ImageChops.darker(red, green), blue)
    chroma = ImageChops.subtract(top, bottom).histogram()
    return bool(sum(chroma[CHROMA:]) < GREY_COLOURED * sum(chroma))
