"""Scanned images re-encoded smaller: every image drawn at more than a dpi is decoded, scaled to
that dpi and written back as JPEG, one image at a time (bounded in decoded size); an image that
cannot be read or is bilevel is left exactly as it was."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pikepdf
from pikepdf import Name

from .drawn import drawn_images

MB = 1024 * 1024
SKIP_FILTERS = {"/JBIG2Decode", "/CCITTFaxDecode", "/JPXDecode"}  # bilevel or exotic: keep
MIN_PIXELS = 64
# Pixels are decoded whole (and copied once on the way); the intake's largest image, 100 Mpx of
# 8-bit RGB, is 300 MB. Anything bigger (16-bit or CMYK inside a PDF) is left as it is, so the
# build stays under 1 GB.
MAX_DECODED_BYTES = 320 * MB


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
    # bomb warning (at 89 Mpx) must not reach the user's console. Pillow is imported here: a
    # package under its size budget (nearly all) never re-encodes an image.
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return _encode_quietly(job)


def _encode_quietly(job: Job) -> tuple[bytes, bool, tuple[int, int]] | None:
    from PIL import Image

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
