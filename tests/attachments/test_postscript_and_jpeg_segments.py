"""Issue 9 item 9: PostScript (a /Subtype /PS XObject, a /PS entry on a form or image XObject, the
PS content operator) and JPEG segments not needed to show an image (COM, APPn other than JFIF,
ICC and Adobe) do not survive intake, and the scanner reports each of them."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from PIL import Image

from forms.attachments import normalise
from forms.attachments.jpeg_meta import essential, extra_segments
from forms.attachments.scan import active_content

PS_CODE = b"/Helvetica findfont 12 scalefont setfont 72 72 moveto (ps) show"


def _save(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buffer.getvalue()


def _jpeg(comment: bytes = b"", photoshop: bool = False, exif: bool = False, icc: bool = False) -> bytes:
    im = Image.new("RGB", (64, 48), (200, 40, 40))
    options: dict = {"quality": 85}
    if exif:
        data = Image.Exif()
        data[0x010F] = "CameraMaker"
        options["exif"] = data
    if icc:
        from PIL import ImageCms

        options["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    if comment:
        options["comment"] = comment
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", **options)
    data = buffer.getvalue()
    if photoshop:  # an APP13 block after SOI, as image editors write it
        body = b"Photoshop 3.0\x00" + b"8BIM" + b"\x04\x04" + b"\x00\x00" + b"\x00\x00\x00\x04" + b"IPTC"
        data = data[:2] + b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body + data[2:]
    return data


def _pdf_with(
    *,
    ps_xobject=False,
    form_ps_entry=False,
    image_ps_entry=False,
    page_ps_operator=False,
    form_ps_operator=False,
    jpeg: bytes | None = None,
) -> bytes:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    xobjects = Dictionary()
    content = [b"0 0 1 rg 10 10 100 100 re f"]
    if ps_xobject:
        xobjects.PS1 = pdf.make_stream(PS_CODE, Type=Name.XObject, Subtype=Name("/PS"))
        content.append(b"/PS1 Do")
    form = pdf.make_stream(
        b"1 0 0 rg 0 0 50 50 re f" + (b" (" + PS_CODE + b") PS" if form_ps_operator else b""),
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=Array([0, 0, 50, 50]),
    )
    if form_ps_entry:
        form.PS = pdf.make_stream(PS_CODE)
    xobjects.Fm1 = form
    content.append(b"q 1 0 0 1 200 200 cm /Fm1 Do Q")
    if jpeg is not None or image_ps_entry:
        data = jpeg or _jpeg()
        image = pdf.make_stream(
            data,
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=64,
            Height=48,
            ColorSpace=Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=Name.DCTDecode,
        )
        if image_ps_entry:
            image.PS = pdf.make_stream(PS_CODE)
        xobjects.Im1 = image
        content.append(b"q 64 0 0 48 300 300 cm /Im1 Do Q")
    if page_ps_operator:
        content.insert(0, b"(" + PS_CODE + b") PS")
    page.Resources = Dictionary(XObject=xobjects)
    page.Contents = pdf.make_stream(b"\n".join(content))
    return _save(pdf)


def _streams(pdf_bytes: bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [
            (dict(obj.items()), obj.read_bytes() if obj.get("/Subtype") != Name.Image else obj.read_raw_bytes())
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream)
        ]


def _operators(pdf_bytes: bytes) -> list[str]:
    found = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            found += [str(op) for _, op in pikepdf.parse_content_stream(page)]
            for xobject in page.resources.get("/XObject", {}).values():
                if xobject.get("/Subtype") == Name.Form:
                    found += [str(op) for _, op in pikepdf.parse_content_stream(xobject)]
    return found


@pytest.mark.parametrize(
    "case, finding",
    [
        ({"ps_xobject": True}, "/Subtype /PS"),
        ({"form_ps_entry": True}, "/PS entry"),
        ({"image_ps_entry": True}, "/PS entry"),
        ({"page_ps_operator": True}, "PS operator (page 1)"),
        ({"form_ps_operator": True}, "PS operator"),
    ],
)
def test_postscript_is_found_by_the_scanner_and_removed_by_intake(case, finding):
    source = _pdf_with(**case)
    assert any(finding in item for item in active_content(source))
    result = normalise(source, "ps.pdf")
    assert "postscript-removed" in result.notes
    assert active_content(result.pdf) == []
    for stream, _ in _streams(result.pdf):
        assert "/PS" not in stream and stream.get("/Subtype") != Name("/PS")
    operators = _operators(result.pdf)
    assert "PS" not in operators and "re" in operators and "f" in operators  # the drawing stays


def test_jpeg_segments_not_needed_to_show_the_image_are_found_and_dropped_from_a_pdf():
    jpeg = _jpeg(comment=b"secret note", photoshop=True, exif=True)
    assert set(extra_segments(jpeg)) >= {"COM", "APP13", "APP1"}
    source = _pdf_with(jpeg=jpeg)
    assert any("JPEG COM" in item for item in active_content(source))
    result = normalise(source, "scan.pdf")
    assert "jpeg-metadata-removed" in result.notes and active_content(result.pdf) == []
    (image,) = [data for stream, data in _streams(result.pdf) if stream.get("/Subtype") == Name.Image]
    assert image == essential(jpeg) and extra_segments(image) == []
    assert b"secret note" not in image and b"Photoshop" not in image and b"CameraMaker" not in image
    scan_start = jpeg.index(b"\xff\xdb")  # tables, frame header, scan and image data: byte for byte
    assert image.endswith(jpeg[scan_start:])


def test_a_jpeg_photo_keeps_only_jfif_icc_and_its_image_data():
    jpeg = _jpeg(comment=b"secret note", photoshop=True, exif=True, icc=True) + b"trailing payload"
    result = normalise(jpeg, "photo.jpg")
    assert "jpeg-passthrough" in result.notes
    (image,) = [data for stream, data in _streams(result.pdf) if stream.get("/Subtype") == Name.Image]
    assert extra_segments(image) == [] and active_content(result.pdf) == []
    assert b"secret note" not in image and b"trailing payload" not in image and b"ICC_PROFILE" in image
    scan_start = jpeg.index(b"\xff\xdb")
    assert image.endswith(jpeg[scan_start : -len(b"trailing payload")])


def test_the_jpeg_walk_keeps_restart_markers_and_stuffed_bytes():
    im = Image.effect_noise((256, 256), 80).convert("RGB")
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=95, restart_marker_blocks=1)
    jpeg = buffer.getvalue()
    assert b"\xff\xd0" in jpeg and b"\xff\x00" in jpeg
    assert essential(jpeg) == jpeg and extra_segments(jpeg) == []
