"""The size budget: when a file is over the portal's limit, scanned images drawn at more than
the pack's dpi are re-encoded as JPEG at that dpi, then lower, until the file fits. Images are
measured as they are drawn (the page's transformation matrix), so a small logo is never
degraded because its pixel count happens to be large relative to the page.

A page larger than A4 is measured as it will be printed and read: fitted onto A4. A 656 mm-wide
scan at 150 dpi is 331 dpi on A4 paper; measured on its own page it looked like nothing could be
reduced, which is why such a file used to stay at its full size. Images on oversize pages are
reduced first (before any image on an A4 page is touched)."""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pikepdf
from pikepdf import Name
from PIL import Image

from forms.text import Text

from .assemble import save, save_to

MB = 1024 * 1024
Matrix = tuple[float, ...]  # a PDF transformation matrix: six numbers
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
SKIP_FILTERS = {"/JBIG2Decode", "/CCITTFaxDecode", "/JPXDecode"}  # bilevel or exotic: keep
MIN_PIXELS = 64
FORM_DEPTH = 8
# (share of the pack's dpi, JPEG quality) tried in turn; never below FLOOR_DPI
STEPS = ((1.0, 80), (0.8, 70), (0.6, 60))
FLOOR_DPI = 72.0
# Pixels are decoded whole (and copied once on the way); the intake's largest image, 100 Mpx of
# 8-bit RGB, is 300 MB. Anything bigger (16-bit or CMYK inside a PDF) is left as it is, so the
# build stays under 1 GB.
MAX_DECODED_BYTES = 320 * MB


@dataclass
class Fitted:
    pdf: bytes  # empty when fit() saved to a file (``path``)
    notes: list[Text]
    over: bool  # still over the budget after the last step
    path: Path | None = None
    size: int = -1  # bytes of the file

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.pdf)


def _mul(m1: Matrix, m2: Matrix) -> Matrix:
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _matrix(values: Any) -> Matrix:
    try:
        numbers = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        return IDENTITY
    return numbers if len(numbers) == 6 else IDENTITY


A4_PT = (595.2756, 841.8898)
OVERSIZE_TOLERANCE = 1.01  # scanner rounding: up to 1 % over A4 is A4


def a4_factor(page: pikepdf.Page) -> float:
    """How much the page shrinks when fitted onto A4 (aspect kept, orientation by its shape);
    1 for a page within A4."""
    try:
        # a non-array box raises TypeError, caught below
        box = pikepdf.Rectangle(cast(pikepdf.Array, page.obj.get("/CropBox", page.mediabox)))
        width, height = abs(float(box.width)), abs(float(box.height))
    except (TypeError, ValueError, pikepdf.PdfError):
        return 1.0
    if width < 1 or height < 1:
        return 1.0
    target = (A4_PT[1], A4_PT[0]) if width > height else A4_PT
    factor = min(target[0] / width, target[1] / height)
    return 1.0 if factor * OVERSIZE_TOLERANCE >= 1 else factor


def drawn_images(
    pdf: pikepdf.Pdf, *, oversize_only: bool = False, on_a4: bool = True
) -> dict[tuple[int, int], tuple[pikepdf.Stream, float, float]]:
    """Every image XObject drawn on a page → (stream, widest drawn width, tallest drawn height)
    in points on the page fitted onto A4 (``a4_factor``). ``oversize_only``: only images on
    pages larger than A4; ``on_a4=False``: on the page as it is. The walk stops after MAX_DRAWS ``Do`` operators: a form drawn a
    thousand times by a form drawn a thousand times is a few bytes and a billion steps; images
    not reached then are simply not downsampled."""
    found: dict[tuple[int, int], tuple[pikepdf.Stream, float, float]] = {}
    walk = _Walk(found)
    for page in pdf.pages:
        factor = a4_factor(page) if on_a4 or oversize_only else 1.0
        if oversize_only and factor >= 1:
            continue
        walk.walk(page.obj, page.obj.get("/Resources"), (factor, 0.0, 0.0, factor, 0.0, 0.0), 0)
        if walk.left <= 0:
            break
    return found


MAX_DRAWS = 50_000


class _Walk:
    def __init__(self, found: dict[tuple[int, int], tuple[pikepdf.Stream, float, float]]) -> None:
        self.found = found
        self.left = MAX_DRAWS
        # Per form: its instructions as plain tuples and its XObjects by name, made once, since
        # a form is typically drawn many times.
        self._steps: dict[tuple[int, int], list[tuple[str, Any]]] = {}
        self._targets: dict[tuple[tuple[int, int], str], tuple[str, Any]] = {}

    def _instructions(self, owner: pikepdf.Object) -> list[tuple[str, Any]]:
        key = owner.objgen if owner.is_indirect and isinstance(owner, pikepdf.Stream) else None
        if key is not None and key in self._steps:
            return self._steps[key]
        steps: list[tuple[str, Any]] = []
        try:
            for instruction in pikepdf.parse_content_stream(owner, "q Q cm Do"):
                operands, op = instruction.operands, str(instruction.operator)
                if op == "cm":
                    steps.append((op, _matrix(operands)))
                elif op == "Do":
                    if operands:
                        steps.append((op, operands[0]))
                else:
                    steps.append((op, None))
        except pikepdf.PdfError:
            pass
        if key is not None:
            self._steps[key] = steps
        return steps

    def _target(self, owner: pikepdf.Object, xobjects: pikepdf.Dictionary, name: Any) -> tuple[str, Any]:
        key = (owner.objgen, str(name)) if owner.is_indirect and isinstance(owner, pikepdf.Stream) else None
        if key is not None and key in self._targets:
            return self._targets[key]
        xobject = xobjects.get(name)
        kind = ""
        if isinstance(xobject, pikepdf.Stream):
            subtype = xobject.get("/Subtype")
            if subtype == Name.Image and xobject.is_indirect:
                kind = "image"
            elif subtype == Name.Form:
                kind = "form"
        target = (kind, xobject)
        if key is not None:
            self._targets[key] = target
        return target

    def walk(self, owner: pikepdf.Object, resources: Any, ctm: Matrix, depth: int) -> None:
        if depth > FORM_DEPTH or not isinstance(resources, pikepdf.Dictionary):
            return
        xobjects = resources.get("/XObject")
        if not isinstance(xobjects, pikepdf.Dictionary):
            return
        stack: list[Matrix] = []
        matrix = ctm
        for op, payload in self._instructions(owner):
            if op == "q":
                stack.append(matrix)
            elif op == "Q":
                matrix = stack.pop() if stack else ctm
            elif op == "cm":
                matrix = _mul(payload, matrix)
            elif op == "Do":
                self.left -= 1
                if self.left <= 0:
                    return
                kind, xobject = self._target(owner, xobjects, payload)
                if kind == "image":
                    width = math.hypot(matrix[0], matrix[1])
                    height = math.hypot(matrix[2], matrix[3])
                    _, old_w, old_h = self.found.get(xobject.objgen, (xobject, 0.0, 0.0))
                    self.found[xobject.objgen] = (xobject, max(old_w, width), max(old_h, height))
                elif kind == "form":
                    inner = _mul(_matrix(xobject.get("/Matrix", IDENTITY)), matrix)
                    self.walk(xobject, xobject.get("/Resources", resources), inner, depth + 1)


def downsample(pdf: pikepdf.Pdf, dpi: float, quality: int, *, oversize_only: bool = False, on_a4: bool = True) -> int:
    """Re-encode every image drawn at more than ``dpi`` (×1.05) as JPEG at ``dpi``; returns the
    number of images changed. One image at a time (decode, scale, encode, replace, free): a
    package may hold hundreds of 100 Mpx scans, and decoding them together took gigabytes."""
    changed = 0
    for image, width_pt, height_pt in drawn_images(pdf, oversize_only=oversize_only, on_a4=on_a4).values():
        job = _job(image, width_pt, height_pt, dpi, quality)
        if job is None:
            continue
        result = _encode(job)
        del job  # the decoded pixels go before the next image is read
        if result is None:  # undecodable: left exactly as it was
            continue
        jpeg, gray, size = result
        image.write(jpeg, filter=Name.DCTDecode)
        image.Width, image.Height = size
        image.ColorSpace = Name.DeviceGray if gray else Name.DeviceRGB
        image.BitsPerComponent = 8
        for key in ("/DecodeParms", "/Decode"):
            if key in image:
                del image[key]
        if isinstance(image.get("/Mask"), pikepdf.Array):  # a colour-key mask means nothing after JPEG
            del image["/Mask"]
        changed += 1
    return changed


@dataclass
class Job:
    size: tuple[int, int]
    quality: int
    jpeg: bytes | None = None  # a plain RGB/grey JPEG, decoded by Pillow (at reduced scale)
    image: pikepdf.Stream | None = None  # anything else, decoded by pikepdf when encoded


def _job(image: pikepdf.Stream, width_pt: float, height_pt: float, dpi: float, quality: int) -> Job | None:
    if width_pt <= 0 or height_pt <= 0 or image.get("/ImageMask", False):
        return None
    filters = image.get("/Filter")
    names = {str(f) for f in filters} if isinstance(filters, pikepdf.Array) else {str(filters)}
    try:
        if names & SKIP_FILTERS or int(image.get("/BitsPerComponent", 8)) == 1:
            return None
        px_w, px_h = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    except (TypeError, ValueError):
        return None
    if min(px_w, px_h) < MIN_PIXELS:
        return None
    drawn_dpi = min(px_w / (width_pt / 72), px_h / (height_pt / 72))
    if drawn_dpi <= dpi * 1.05:
        return None
    scale = dpi / drawn_dpi
    job = Job((max(1, round(px_w * scale)), max(1, round(px_h * scale))), quality)
    plain = image.get("/ColorSpace") in (Name.DeviceRGB, Name.DeviceGray) and "/Decode" not in image
    try:
        if names == {"/DCTDecode"} and plain:
            job.jpeg = image.read_raw_bytes()
        elif _decoded_bytes(image, px_w, px_h) > MAX_DECODED_BYTES:
            return None  # kept as it is: decoding it here could take gigabytes
        else:
            job.image = image
    except Exception:  # an image pikepdf cannot read is left exactly as it was
        return None
    return job


def _decoded_bytes(image: pikepdf.Stream, width: int, height: int) -> int:
    colour = image.get("/ColorSpace")
    components = 4  # CMYK, DeviceN and anything unknown: assume the widest common case
    if colour == Name.DeviceGray:
        components = 1
    elif colour == Name.DeviceRGB:
        components = 3
    elif isinstance(colour, pikepdf.Array) and len(colour):
        if colour[0] == Name.Indexed:
            components = 1
        elif colour[0] == Name.ICCBased and isinstance(colour[1], pikepdf.Stream):
            components = int(colour[1].get("/N", 4))
    try:
        bits = int(image.get("/BitsPerComponent", 8))
    except (TypeError, ValueError):
        bits = 16
    return width * height * components * bits // 8


def _encode(job: Job) -> tuple[bytes, bool, tuple[int, int]] | None:
    # Every image here came through the intake, which allows up to 100 Mpx; Pillow's own
    # bomb warning (at 89 Mpx) must not reach the user's console.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return _encode_quietly(job)


def _encode_quietly(job: Job) -> tuple[bytes, bool, tuple[int, int]] | None:
    try:
        picture: Image.Image
        if job.jpeg is not None:
            picture = Image.open(io.BytesIO(job.jpeg))
            picture.draft(picture.mode, job.size)  # DCT scaling: decode at 1/2, 1/4… directly
        else:
            assert job.image is not None  # a job has its JPEG or its image
            picture = pikepdf.PdfImage(job.image).as_pil_image()
        gray = picture.mode in ("1", "L", "LA", "I", "I;16")
        # Shrink by whole factors first (cheap, and it frees the full-size pixels early), then
        # resample to the exact size.
        factor = min(picture.width // job.size[0], picture.height // job.size[1])
        if factor >= 2 and picture.mode in ("L", "RGB", "CMYK", "LA", "RGBA"):
            picture = picture.reduce(factor)
        wanted = "L" if gray else "RGB"
        if picture.mode != wanted:
            picture = picture.convert(wanted)
        picture = picture.resize(job.size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=job.quality)
    except Exception:  # any decoder failure leaves the image exactly as it was
        return None
    return buffer.getvalue(), gray, job.size


def fit(
    build: Callable[[], pikepdf.Pdf],
    budget_mb: float,
    dpi: float,
    what: tuple[str, str],
    *,
    prepare: Callable[[pikepdf.Pdf], object] | None = None,
    finish: Callable[[pikepdf.Pdf], object] | None = None,
    folder: Path | None = None,
    dest: Path | None = None,
) -> Fitted:
    """Save what ``build`` makes; when over ``budget_mb``, rebuild from the originals and
    downsample — images on oversize pages first, then every image, stepping the dpi down —
    until it fits. ``prepare``: a fix applied to every rebuild first (e.g. grey), so the result
    always has it. ``what`` names the file (zh, en). ``folder``: save each attempt to a file
    there (``Fitted.path``; the pages stream from the sources to disk) instead of to bytes;
    ``dest``: the file the result must end up in (with ``folder``): the first attempt, the one
    that almost always fits, is saved there directly. ``finish``: what is done to each attempt
    last, just before it is saved (the seal record, the guard)."""
    budget = budget_mb * MB
    attempt = _Attempts(folder, dest)
    first_pdf = build()
    if prepare is not None:
        prepare(first_pdf)
    first = attempt.save(first_pdf, finish)
    first_pdf.close()  # its file handles go now (Windows cannot remove an open file)
    if first.size <= budget:
        return attempt.kept(first).fitted([], False)
    best = first
    attempts = [(dpi, STEPS[0][1], True)] + [(max(FLOOR_DPI, dpi * share), quality, False) for share, quality in STEPS]
    for target, quality, oversize_only in attempts:
        pdf = build()
        if prepare is not None:
            prepare(pdf)
        count = downsample(pdf, target, quality, oversize_only=oversize_only)
        if count == 0:
            continue  # nothing drawn above this dpi: a lower step may still find some
        saved = attempt.save(pdf, finish)
        pdf.close()
        if saved.size < best.size:
            best, worse = saved, best
        else:
            worse = saved
        if saved.size <= budget:
            attempt.drop(worse)
            note = _note_done(what, count, target, quality, first.size, saved.size, budget_mb)
            return attempt.kept(saved).fitted([note], False)
        attempt.drop(worse)
    return attempt.kept(best).fitted([_note_over(what, first.size, best.size, budget_mb)], True)


@dataclass
class _Saved:
    data: bytes
    path: Path | None
    size: int

    def fitted(self, notes: list[Text], over: bool) -> Fitted:
        return Fitted(self.data, notes, over, self.path, self.size)


class _Attempts:
    """Where fit() saves: bytes, or numbered files in a folder (a worse attempt's file is removed);
    with ``dest``, the first attempt goes straight there and the kept one ends up there."""

    def __init__(self, folder: Path | None, dest: Path | None = None) -> None:
        if dest is not None and folder is None:
            raise ValueError("dest needs a folder for the other attempts")
        self.folder = folder
        self.dest = dest
        self.count = 0

    def save(self, pdf: pikepdf.Pdf, finish: Callable[[pikepdf.Pdf], object] | None = None) -> _Saved:
        if finish is not None:
            finish(pdf)
        if self.folder is None:
            data = save(pdf)
            return _Saved(data, None, len(data))
        self.count += 1
        path = self.dest if self.count == 1 and self.dest is not None else self.folder / f"attempt-{self.count}.pdf"
        save_to(pdf, path)
        return _Saved(b"", path, path.stat().st_size)

    def drop(self, saved: _Saved) -> None:
        if saved.path is not None:
            saved.path.unlink(missing_ok=True)

    def kept(self, saved: _Saved) -> _Saved:
        """``saved`` moved to ``dest`` (a copy only when a later attempt won, on another disk)."""
        if self.dest is None or saved.path is None or saved.path == self.dest:
            return saved
        import shutil

        self.dest.unlink(missing_ok=True)
        shutil.move(saved.path, self.dest)
        return _Saved(b"", self.dest, saved.size)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _note_done(
    what: tuple[str, str], count: int, dpi: float, quality: int, before: int, after: int, budget_mb: float
) -> Text:
    zh, en = what
    return Text(
        f"{zh}超过 {budget_mb:g} MB 的大小限制：已将 {count} 张扫描图片降至 {dpi:.0f} dpi（JPEG 质量 {quality}），"
        f"文件由 {_mb(before)} 减至 {_mb(after)}",
        f"{en} was over the {budget_mb:g} MB limit: {count} scanned images were downsampled to {dpi:.0f} dpi"
        f" (JPEG quality {quality}), {_mb(before)} → {_mb(after)}",
    )


def _note_over(what: tuple[str, str], before: int, after: int, budget_mb: float) -> Text:
    zh, en = what
    return Text(
        f"{zh}降低图片分辨率后仍有 {_mb(after)}（原 {_mb(before)}），超过 {budget_mb:g} MB 的限制，请减少或压缩附件",
        f"{en} is still {_mb(after)} (was {_mb(before)}) after downsampling, over the {budget_mb:g} MB limit;"
        " please remove or shrink attachments",
    )
