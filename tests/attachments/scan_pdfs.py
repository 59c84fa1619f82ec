"""Generated scans for the page-fix and upload tests: PDFs whose pages are one image each, at a
chosen paper size and resolution, with a marker (a red top-left block) that shows orientation."""

from __future__ import annotations

import hashlib
import io
import random

import pikepdf
from PIL import Image, ImageDraw

MM = 72 / 25.4


def scan_image(width_px: int, height_px: int, *, noise: int = 0, seed: int = 1, label: str = "") -> Image.Image:
    """A paper-white page with a red top-left quarter and, with ``noise``, scanner grain (which
    is what makes real scans big)."""
    im = Image.new("RGB", (width_px, height_px), (246, 244, 238))
    draw = ImageDraw.Draw(im)
    draw.rectangle([0, 0, width_px // 2, height_px // 2], fill=(200, 30, 30))
    draw.text((width_px // 2 + 10, height_px // 2 + 10), label, fill=(0, 0, 0))
    if noise:
        rng = random.Random(seed)
        grain = Image.frombytes("L", (width_px, height_px), rng.randbytes(width_px * height_px))
        im = Image.blend(im, Image.merge("RGB", (grain, grain, grain)), noise / 100)
    return im


def scan_pdf(
    width_mm: float,
    height_mm: float,
    dpi: float,
    *,
    pages: int = 1,
    noise: int = 0,
    quality: int = 90,
    colour_ops: bool = False,
) -> bytes:
    """A PDF of ``pages`` pages of ``width_mm`` × ``height_mm``, each drawing one JPEG drawn at
    ``dpi``."""
    pdf = pikepdf.new()
    w_px, h_px = round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)
    w_pt, h_pt = width_mm * MM, height_mm * MM
    for number in range(1, pages + 1):
        buf = io.BytesIO()
        scan_image(w_px, h_px, noise=noise, seed=number, label=f"page {number}").save(buf, "JPEG", quality=quality)
        image = pikepdf.Stream(pdf, buf.getvalue())
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height = w_px, h_px
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        image.Filter = pikepdf.Name.DCTDecode
        content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
        if colour_ops:
            content += b" 0 0.5 1 rg 10 10 40 40 re f"
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, w_pt, h_pt],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pdf.make_stream(content),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def images_of(pdf: bytes) -> list[tuple[str, int, int]]:
    """(sha256 of the image stream's raw bytes, width px, height px) of every image, page by page,
    also inside form XObjects."""
    found = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for image in _images(page.obj.get("/Resources"), depth=0):
                found.append((hashlib.sha256(image.read_raw_bytes()).hexdigest(), int(image.Width), int(image.Height)))
    return found


def _images(resources, depth: int):
    if depth > 4 or not isinstance(resources, pikepdf.Dictionary):
        return
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for _, xobject in sorted(xobjects.items()):
        if xobject.get("/Subtype") == pikepdf.Name.Image:
            yield xobject
        elif xobject.get("/Subtype") == pikepdf.Name.Form:
            yield from _images(xobject.get("/Resources"), depth + 1)


def geometry(pdf: bytes) -> list[tuple[float, float, int]]:
    """(visible width mm, visible height mm, /Rotate) per page, rotation applied."""
    out = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            box = pikepdf.Rectangle(page.obj.get("/CropBox", page.mediabox))
            rotate = int(page.obj.get("/Rotate", 0)) % 360
            w, h = box.width / MM, box.height / MM
            if rotate in (90, 270):
                w, h = h, w
            out.append((round(w, 1), round(h, 1), rotate))
    return out
