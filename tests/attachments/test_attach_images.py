"""Images become upright, correctly coloured A4 pages; bombs are refused from the header."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFile

from forms.attachments import IntakeLimits, normalise
from forms.attachments.images import A4_LONG, A4_SHORT
from forms.attachments.scan import active_content
from forms.errors import UserError

from .attach_helpers import (
    encode,
    exif_bytes,
    image_streams,
    ink_box,
    pdf_page_count,
    png_header_only,
    quadrant_image,
    quadrants_seen,
    render,
    stored_for_orientation,
)

UPRIGHT = {"TL": "TL", "TR": "TR", "BL": "BL", "BR": "BR"}


def page_size(pdf: bytes, index: int = 0) -> tuple[float, float]:
    """Displayed size (MediaBox with /Rotate applied)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[index]
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        w, h = x1 - x0, y1 - y0
        return (h, w) if int(page.obj.get("/Rotate", 0)) % 180 else (w, h)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_gives_an_upright_page(orientation, tmp_path):
    stored = stored_for_orientation(quadrant_image(), orientation)
    jpeg = encode(stored, "JPEG", quality=95, exif=exif_bytes(orientation))

    result = normalise(jpeg, f"photo-{orientation}.jpg")

    assert result.pages == 1 and result.source_format == "jpeg"
    page = render(result.pdf, tmp_path)
    assert page.width > page.height, "a landscape picture belongs on a landscape page"
    assert quadrants_seen(page) == UPRIGHT
    assert ("exif-rotated" in result.notes) == (orientation != 1)
    # Orientations a page /Rotate can express keep the camera's JPEG untouched.
    assert ("jpeg-passthrough" in result.notes) == (orientation in (1, 3, 6, 8))


def test_png_exif_orientation_is_applied_too(tmp_path):
    png = encode(stored_for_orientation(quadrant_image(), 6), "PNG", exif=exif_bytes(6))
    result = normalise(png, "scan.png")
    assert quadrants_seen(render(result.pdf, tmp_path)) == UPRIGHT


@pytest.mark.parametrize("orientation", [1, 6])
def test_jpeg_data_passes_through_byte_identical(orientation):
    jpeg = encode(
        stored_for_orientation(quadrant_image(400, 300), orientation),
        "JPEG",
        quality=80,
        exif=exif_bytes(orientation),
        dpi=(300, 300),
    )
    result = normalise(jpeg, "photo.jpg")
    # Only the EXIF segment goes (issue 9): tables, frame, scan and image data stay byte for byte.
    exif_start = jpeg.index(b"\xff\xe1")
    exif_end = exif_start + 2 + int.from_bytes(jpeg[exif_start + 2 : exif_start + 4], "big")
    assert image_streams(result.pdf) == [("/DCTDecode", jpeg[:exif_start] + jpeg[exif_end:])]


def test_cmyk_jpeg_passes_through_and_stays_red(tmp_path):
    jpeg = encode(Image.new("CMYK", (200, 100), (0, 255, 255, 0)), "JPEG", quality=95)
    result = normalise(jpeg, "stamp.jpg")
    assert "jpeg-passthrough" in result.notes
    assert image_streams(result.pdf) == [("/DCTDecode", jpeg)]
    r, g, b = _centre(render(result.pdf, tmp_path))
    assert r > 180 and g < 80 and b < 80


def test_cmyk_tiff_is_converted_and_stays_red(tmp_path):
    tiff = encode(Image.new("CMYK", (200, 100), (0, 255, 255, 0)), "TIFF")
    result = normalise(tiff, "stamp.tif")
    assert "cmyk-converted" in result.notes
    r, g, b = _centre(render(result.pdf, tmp_path))
    assert r > 180 and g < 80 and b < 80


def test_16bit_grey_png_stays_mid_grey(tmp_path):
    png = encode(Image.new("I;16", (300, 200), 32768), "PNG")
    result = normalise(png, "grey16.png")
    assert "16bit-scaled" in result.notes
    r, g, b = _centre(render(result.pdf, tmp_path))
    assert 115 <= r <= 140 and r == g == b


@pytest.mark.parametrize("kind", ["RGBA", "LA", "P"])
def test_transparency_is_composited_on_white(kind, tmp_path):
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle([0, 0, 199, 19], fill=(255, 0, 0, 255))
    if kind == "LA":
        im = im.convert("LA")
    elif kind == "P":  # palette index 0 is black and marked transparent (tRNS)
        im = Image.new("P", (200, 200), 0)
        im.putpalette([0, 0, 0, 255, 0, 0])
        ImageDraw.Draw(im).rectangle([0, 0, 199, 19], fill=1)
    options = {"transparency": 0} if kind == "P" else {}
    result = normalise(encode(im, "PNG", **options), f"logo-{kind}.png")
    assert "alpha-flattened" in result.notes
    page = render(result.pdf, tmp_path)
    assert _centre(page) == (255, 255, 255), "transparent pixels must print white, not black"
    left, top, right, _ = ink_box(page)
    assert page.getpixel(((left + right) // 2, top + 1)) != (255, 255, 255)  # the opaque bar


def test_every_tiff_page_is_imported(tmp_path):
    frames = [Image.new("L", (200, 280), shade) for shade in (0, 100, 200)]
    tiff = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    calls = []
    result = normalise(tiff, "fax.tif", progress=lambda done, total: calls.append((done, total)))
    assert result.pages == 3 and pdf_page_count(result.pdf) == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]
    shades = [_centre(render(result.pdf, tmp_path, page=n))[0] for n in (1, 2, 3)]
    assert shades[0] < shades[1] < shades[2]


def test_bilevel_multipage_g4_tiff(tmp_path):
    frames = [Image.new("1", (1700, 2200), 1) for _ in range(2)]
    ImageDraw.Draw(frames[1]).rectangle([100, 100, 1600, 2100], fill=0)
    tiff = encode(frames[0], "TIFF", compression="group4", save_all=True, append_images=frames[1:], dpi=(200, 200))
    result = normalise(tiff, "scan.tiff")
    assert result.pages == 2
    assert page_size(result.pdf, 1) == pytest.approx((A4_SHORT, A4_LONG), abs=0.5)


@pytest.mark.parametrize(
    "fmt, options, name",
    [
        ("BMP", {}, "a.bmp"),
        ("WEBP", {"quality": 80}, "a.webp"),
        ("WEBP", {"lossless": True}, "b.webp"),
    ],
)
def test_bmp_and_webp(fmt, options, name, tmp_path):
    result = normalise(encode(quadrant_image(), fmt, **options), name)
    assert result.source_format == fmt.lower()
    assert quadrants_seen(render(result.pdf, tmp_path)) == UPRIGHT


def test_pages_are_a4_by_aspect_and_keep_a_plausible_dpi():
    landscape = normalise(encode(quadrant_image(600, 400), "PNG"), "wide.png")
    assert page_size(landscape.pdf) == pytest.approx((A4_LONG, A4_SHORT), abs=0.5)
    portrait = normalise(encode(quadrant_image(400, 600), "PNG"), "tall.png")
    assert page_size(portrait.pdf) == pytest.approx((A4_SHORT, A4_LONG), abs=0.5)
    # A 300 dpi ID-card scan (85.6 x 54 mm) keeps its real size on the page.
    card = normalise(encode(quadrant_image(1011, 638), "PNG", dpi=(300, 300)), "id.png")
    with pikepdf.open(io.BytesIO(card.pdf)) as doc:
        content = doc.pages[0].Contents.read_bytes().decode()
    width_pt = float(content.split()[content.split().index("cm") - 6])
    assert width_pt == pytest.approx(1011 / 300 * 72, rel=0.01)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF0 header is patched to claim width x height."""
    data = bytearray(encode(quadrant_image(16, 16), "JPEG", quality=50))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


@pytest.mark.parametrize("make, name", [(png_header_only, "huge.png"), (jpeg_claiming, "huge.jpg")])
def test_a_20000_pixel_square_is_refused_before_decoding(make, name, monkeypatch):
    bomb = make(20000, 20000)
    decoded: list[str] = []  # refused from the header alone: no pixel is decoded

    def load(self):
        decoded.append(self.format)
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    monkeypatch.setattr(Image.Image, "load", load)
    with pytest.raises(UserError) as refused:
        normalise(bomb, name)
    assert refused.value.code == "attach.image_bomb"
    assert decoded == []
    assert "百万像素" in refused.value.zh and "megapixels" in refused.value.en


@pytest.fixture(scope="module")
def real_png_bomb() -> bytes:
    """144 megapixels of white, 20 KB on disk: a genuine decompression bomb."""
    return encode(Image.new("1", (12000, 12000), 1), "PNG")


def test_a_real_png_bomb_is_refused_before_decoding(real_png_bomb, monkeypatch):
    decoded: list[str] = []

    def load(self):
        decoded.append(self.format)
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    monkeypatch.setattr(Image.Image, "load", load)
    with pytest.raises(UserError) as refused:
        normalise(real_png_bomb, "bomb.png")
    assert refused.value.code == "attach.image_bomb"
    assert decoded == []


def test_the_pixel_limit_is_configurable():
    with pytest.raises(UserError) as refused:
        normalise(encode(quadrant_image(), "PNG"), "small.png", limits=IntakeLimits(max_pixels=5000))
    assert refused.value.code == "attach.image_bomb"


def test_a_jpeg_named_pdf_is_imported_as_jpeg():
    result = normalise(encode(quadrant_image(), "JPEG"), "scan.pdf")
    assert result.source_format == "jpeg" and "name-mismatch" in result.notes


def test_a_truncated_jpeg_is_refused_as_damaged():
    jpeg = encode(quadrant_image(800, 600), "JPEG", quality=90)
    with pytest.raises(UserError) as refused:
        normalise(jpeg[: len(jpeg) // 2], "cut.jpg")
    assert refused.value.code == "attach.damaged"


def test_an_eps_named_jpg_is_not_handed_to_ghostscript():
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    with pytest.raises(UserError) as refused:
        normalise(eps, "photo.jpg")
    assert refused.value.code == "attach.unknown_format"


def test_image_output_has_no_active_content_and_no_camera_metadata_outside_the_jpeg():
    png = encode(quadrant_image(), "PNG", exif=exif_bytes(1), pnginfo=None)
    result = normalise(png, "a.png")
    assert active_content(result.pdf) == []
    assert b"/Info" not in result.pdf and b"CreationDate" not in result.pdf


def test_same_image_gives_the_same_bytes():
    data = encode(quadrant_image(), "PNG")
    assert normalise(data, "a.png").pdf == normalise(data, "b.png").pdf


def _centre(im: Image.Image) -> tuple[int, int, int]:
    return im.getpixel((im.width // 2, im.height // 2))
