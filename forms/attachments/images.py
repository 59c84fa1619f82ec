"""Images to A4 PDF pages.

check_header() runs in the calling process and only reads headers, so a decompression bomb is
refused in milliseconds without starting the worker. images_to_pdf() runs in the worker: it
decodes, applies EXIF orientation, normalises the pixel mode and lets img2pdf build the pages;
JPEGs are embedded byte for byte whenever their orientation is one a page /Rotate can express.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from forms.attachments.jpeg_meta import essential, has_gps
from forms.attachments.messages import Refusal
from forms.attachments.model import IntakeLimits
from forms.attachments.sniff import PILLOW_FORMAT

if TYPE_CHECKING:
    from PIL import Image

MM = 72 / 25.4
A4_SHORT, A4_LONG = 210 * MM, 297 * MM
MARGIN = 10 * MM  # only when an image must be scaled: printers cannot print to the edge
_PLAUSIBLE_DPI = (50, 4800)
_PASSTHROUGH_ORIENTATIONS = {1: 0, 3: 180, 6: 90, 8: 270}
_ORIENTATION_TAG = 0x0112
# Once the EXIF block is gone img2pdf cannot read the orientation, so it is given explicitly.
_IMG2PDF_ROTATION = {1: "0", 3: "180", 6: "90", 8: "270"}


def _mp(pixels: float) -> str:
    return f"{pixels / 1e6:.0f}" if pixels >= 1e6 else f"{pixels / 1e6:.2f}"


def _bomb(pixels: float, limits: IntakeLimits) -> Refusal:
    return Refusal("attach.image_bomb", megapixels=_mp(pixels), limit_mp=_mp(limits.max_pixels))


def _open(data: bytes, fmt: str) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[fmt]])
    except Image.DecompressionBombError as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise Refusal(
            "attach.image_bomb", megapixels=_mp(int(found.group(1))) if found else "?", limit_mp="?"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Refusal("attach.damaged") from None


def _frame_count(im: Image.Image, fmt: str, limits: IntakeLimits) -> int:
    if fmt != "tiff":
        return 1
    # Seek frame by frame instead of trusting n_frames: a looping IFD chain must end at the limit.
    count = 0
    while True:
        try:
            im.seek(count)
        except EOFError:
            return count
        count += 1
        if count > limits.max_pages:
            raise Refusal("attach.too_many_pages", pages=f"{limits.max_pages}+", limit=limits.max_pages)


def check_header(data: bytes, fmt: str, limits: IntakeLimits) -> None:
    """Refuse oversized or unreadable images from their headers alone (no pixel is decoded)."""

    # Our own limit is applied below; Pillow's global one must not turn into a stray warning
    # (or, under pytest, an error) in the caller's process, nor may its complaints about a
    # malformed file ("Tag data larger than file", with Pillow's source path) reach the user.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = _open(data, fmt)
        with im:
            try:
                frames = _frame_count(im, fmt, limits)
                for index in range(frames):
                    im.seek(index)
                    width, height = im.size
                    if width * height > limits.max_pixels:
                        raise _bomb(width * height, limits)
            except Refusal:
                raise
            except Exception:
                raise Refusal("attach.damaged") from None
        if frames == 0:
            raise Refusal("attach.zero_pages")


def images_to_pdf(
    data: bytes, fmt: str, limits: IntakeLimits, progress: Callable[[int, int], None]
) -> tuple[list[bytes], list[str]]:
    """One single-page PDF per frame (TIFF: every frame; others: the first), plus notes."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    notes: list[str] = []
    pages: list[bytes] = []
    im = _open(data, fmt)
    with im:
        total = _frame_count(im, fmt, limits)
        if total == 0:
            raise Refusal("attach.zero_pages")
        if fmt != "tiff" and getattr(im, "n_frames", 1) > 1:
            notes.append("first-frame-only")
        for index in range(total):
            im.seek(index)
            width, height = im.size
            if width * height > limits.max_pixels:
                raise _bomb(width * height, limits)
            try:
                pages.append(_page(im, data, fmt, notes))
            except (Refusal, MemoryError):
                raise
            except Image.DecompressionBombWarning:
                raise _bomb(width * height, limits) from None
            except Exception:  # decoder errors: truncated, corrupt, unsupported sub-format
                raise Refusal("attach.damaged") from None
            progress(index + 1, total)
    return pages, _unique(notes)


def _unique(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))


def _dpi(im: Image.Image) -> tuple[float, float] | None:
    dpi: Any = im.info.get("dpi")  # whatever the file says: checked below
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return None
    low, high = _PLAUSIBLE_DPI
    return (x, y) if low <= x <= high and low <= y <= high else None


def _layout(
    dpi: tuple[float, float] | None,
) -> Callable[[int, int, object], tuple[float, float, float, float]]:
    """img2pdf layout: A4 portrait or landscape by the image's aspect; natural size when the dpi
    is plausible and the image fits, otherwise scaled into the page inside a margin."""

    def layout(width_px: int, height_px: int, _img2pdf_dpi: object) -> tuple[float, float, float, float]:
        if dpi:
            width, height = width_px * 72 / dpi[0], height_px * 72 / dpi[1]
        else:
            width, height = float(width_px), float(height_px)
        page_w, page_h = (A4_LONG, A4_SHORT) if width > height else (A4_SHORT, A4_LONG)
        if dpi and width <= page_w and height <= page_h:
            return page_w, page_h, width, height
        scale = min((page_w - 2 * MARGIN) / width, (page_h - 2 * MARGIN) / height)
        return page_w, page_h, width * scale, height * scale

    return layout


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
        return int(value) if int(value) in range(1, 9) else 1
    except Exception:
        return 1


def _page(im: Image.Image, data: bytes, fmt: str, notes: list[str]) -> bytes:
    import img2pdf

    orientation = _orientation(im)
    dpi = _dpi(im)
    if orientation != 1:
        notes.append("exif-rotated")
    stripped = essential(data) if fmt == "jpeg" else None
    if stripped is not None and orientation in _PASSTHROUGH_ORIENTATIONS and im.mode in ("L", "RGB", "CMYK"):
        # Decode once at 1/8 scale: proves the JPEG is complete without the full-size memory.
        im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
        im.load()
        # Only the segments that show the image travel on (jpeg_meta.py); the orientation read
        # above becomes the page's /Rotate, since its EXIF block is gone.
        notes.append("jpeg-passthrough")
        if has_gps(im):
            notes.append("gps-removed")
        return cast(
            bytes,
            img2pdf.convert(
                stripped,
                layout_fun=_layout(dpi),
                nodate=True,
                first_frame_only=True,
                rotation=img2pdf.Rotation[_IMG2PDF_ROTATION[orientation]],
            ),
        )  # img2pdf has no types
    if has_gps(im):  # re-encoded below, which keeps no metadata at all
        notes.append("gps-removed")
    frame, lossy = _normalised_frame(im, data, fmt, notes)
    if orientation in (5, 6, 7, 8) and dpi:
        dpi = (dpi[1], dpi[0])
    buf = io.BytesIO()
    if lossy:
        frame.save(buf, "JPEG", quality=92, optimize=False)
        notes.append("reencoded")
    else:
        frame.save(buf, "PNG", compress_level=6)
    pdf = img2pdf.convert(buf.getvalue(), layout_fun=_layout(dpi), rotation=img2pdf.Rotation.none, nodate=True)
    return cast(bytes, pdf)  # img2pdf has no types


def _normalised_frame(im: Image.Image, data: bytes, fmt: str, notes: list[str]) -> tuple[Image.Image, bool]:
    """Return (frame in mode 1/L/P/RGB, whether to store it lossy)."""
    from PIL import ImageOps

    frame = ImageOps.exif_transpose(im)  # always a new, loaded image; reads this frame's tags
    mode = frame.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        frame = _to_8bit(frame)
        notes.append("16bit-scaled")
    elif mode == "P" and ("transparency" in frame.info or (frame.palette is not None and frame.palette.mode == "RGBA")):
        frame = _on_white(frame.convert("RGBA"))
        notes.append("alpha-flattened")
    elif mode in ("RGBA", "LA", "La", "RGBa", "PA"):
        frame = _on_white(frame.convert("LA" if mode in ("LA", "La") else "RGBA"))
        notes.append("alpha-flattened")
    elif mode == "CMYK":
        frame = frame.convert("RGB")
        notes.append("cmyk-converted")
    elif mode not in ("1", "L", "P", "RGB"):
        frame = frame.convert("RGB")
    # Photos stay photos: a lossy source (JPEG we had to turn, lossy WebP) is stored as JPEG.
    lossy = frame.mode in ("L", "RGB") and (fmt == "jpeg" or (fmt == "webp" and _lossy_webp(data)))
    return frame, lossy


def _to_8bit(frame: Image.Image) -> Image.Image:
    mode = frame.mode
    if mode == "F":
        low, high = cast(tuple[float, float], frame.getextrema())  # one band (F): (min, max)
        scale = 255.0 if low >= 0 and high <= 1.0 else (255.0 / high if high > 0 else 1.0)
    else:
        frame = frame.convert("I")
        high = cast(tuple[float, float], frame.getextrema())[1]  # one band (I): (min, max)
        scale = 1.0 if high <= 255 and not mode.startswith("I;16") else (1 / 257 if high <= 65535 else 255.0 / high)
    return frame.point(lambda v: v * scale).convert("L")


def _on_white(frame: Image.Image) -> Image.Image:
    from PIL import Image

    base_mode = "L" if frame.mode == "LA" else "RGB"
    white = Image.new(base_mode, frame.size, 255 if base_mode == "L" else (255, 255, 255))
    white.paste(frame.convert(base_mode), mask=frame.getchannel("A"))
    return white


def _lossy_webp(data: bytes) -> bool:
    # RIFF chunks: "VP8 " is lossy, "VP8L" lossless; the extended "VP8X" header holds either.
    return data[12:16] == b"VP8 " or (data[12:16] == b"VP8X" and b"VP8L" not in data[:65536])
