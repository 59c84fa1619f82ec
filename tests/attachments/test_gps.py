"""A phone photo's GPS position never reaches the package, nor any other metadata segment; the
image data itself passes through byte for byte."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image

from forms.attachments import normalise
from forms.attachments.jpeg_meta import essential


def _photo(orientation: int, gps: bool) -> bytes:
    im = Image.new("RGB", (600, 400), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation
    if gps:
        place = exif.get_ifd(0x8825)
        place[1] = "N"
        place[2] = (32.0, 3.0, 5.0)
        place[3] = "E"
        place[4] = (118.0, 47.0, 4.0)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


def _only_image(pdf_bytes: bytes) -> tuple[bytes, int]:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        (page,) = pdf.pages
        (image,) = [obj for obj in page.resources.XObject.values() if obj.Subtype == "/Image"]
        return bytes(image.read_raw_bytes()), int(page.obj.get("/Rotate", 0))


def test_gps_is_removed_and_the_image_data_kept_and_the_photo_upright():
    original = _photo(6, gps=True)
    result = normalise(original, "photo.jpg")
    stream, rotate = _only_image(result.pdf)
    assert "gps-removed" in result.notes
    assert b"Exif" not in stream
    assert stream == essential(original)
    assert stream[-len(original) // 2 :] == original[-len(original) // 2 :]  # entropy-coded data untouched
    assert rotate == 90


def test_a_jpeg_without_a_position_keeps_its_image_data_byte_for_byte_but_no_exif():
    original = _photo(1, gps=False)
    result = normalise(original, "scan.jpg")
    stream, _ = _only_image(result.pdf)
    assert stream == essential(original) and b"Exif" not in stream and "gps-removed" not in result.notes
    start = original.index(b"\xff\xdb")  # tables, frame, scan and image data follow unchanged
    assert stream.endswith(original[start:])


def test_unwalkable_segments_are_left_alone():
    assert essential(b"\xff\xd8\xff\xe1\x00") is None
    assert essential(b"not a jpeg") is None
