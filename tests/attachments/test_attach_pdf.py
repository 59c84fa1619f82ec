"""PDFs are repaired, decrypted when possible, refused when not, and rebuilt without any active
content while the visible page survives."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from forms.attachments import IntakeLimits, normalise
from forms.attachments.scan import active_content
from forms.errors import UserError

from .attach_helpers import hostile_pdf, pdf_page_count, render, save, stamped_pdf, text_pdf


def refused(data: bytes, name: str = "a.pdf", **kwargs) -> UserError:
    with pytest.raises(UserError) as info:
        normalise(data, name, **kwargs)
    return info.value


def test_a_plain_pdf_keeps_its_pages_and_looks_the_same(tmp_path):
    source = text_pdf(3)
    result = normalise(source, "letter.pdf")
    assert result.pages == 3 and pdf_page_count(result.pdf) == 3
    assert result.source_format == "pdf" and result.notes == ()
    for page in (1, 3):
        assert render(result.pdf, tmp_path, page) == render(source, tmp_path, page)


def test_active_content_is_gone_and_the_page_still_draws(tmp_path):
    source = hostile_pdf()
    found_in_source = " ".join(active_content(source))
    for name in (
        "/JS",
        "/JavaScript",
        "/Launch",
        "/OpenAction",
        "/AA",
        "/EmbeddedFiles",
        "/EF",
        "/XFA",
        "/SubmitForm",
        "/GoToR",
        "/ImportData",
        "/RichMedia",
        "/Rendition",
    ):
        assert name + " " in found_in_source, f"the test file should contain {name}"

    result = normalise(source, "hostile.pdf")

    assert active_content(result.pdf) == []
    assert "active-content-removed" in result.notes
    for word in (b"/Annots", b"/Names", b"/Outlines", b"/AcroForm", b"/URI", b"invoice.exe"):
        assert word not in result.pdf
    assert result.pdf.count(b"/Catalog") == 1, "a resource must not drag the old catalog along"
    page = render(result.pdf, tmp_path, dpi=72)  # 1 px = 1 pt; the square spans 200..400
    r, g, _b = page.getpixel((300, 842 - 400))
    assert g > 200 and r < 60, "the form XObject's green square must still be drawn"


def test_active_content_inside_object_streams_is_removed_too():
    source = hostile_pdf(object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert active_content(source)
    assert active_content(normalise(source, "x.pdf").pdf) == []


def test_a_printable_stamp_stays_visible_without_its_action(tmp_path):
    result = normalise(stamped_pdf(), "stamped.pdf")
    assert active_content(result.pdf) == []
    assert "annotations-flattened" in result.notes
    page = render(result.pdf, tmp_path, dpi=72)
    assert page.getpixel((300, 842 - 400)) == (255, 0, 0)


def test_a_truncated_pdf_is_repaired():
    whole = text_pdf(3, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    cut = whole[: whole.rindex(b"xref")]
    result = normalise(cut, "download.pdf")
    assert result.pages == 3 and "repaired" in result.notes


def test_a_pdf_with_a_user_password_is_refused_with_advice():
    locked = save(
        pikepdf.open(io.BytesIO(text_pdf(1))), encryption=pikepdf.Encryption(owner="owner", user="secret", R=6)
    )
    error = refused(locked)
    assert error.code == "attach.encrypted"
    assert error.zh == "该 PDF 已加密，请先用原软件取消密码后再导入。"
    assert "password" in error.en


def test_an_empty_user_password_opens(tmp_path):
    source = text_pdf(2)
    locked = save(
        pikepdf.open(io.BytesIO(source)),
        encryption=pikepdf.Encryption(owner="owner", user="", R=4, allow=pikepdf.Permissions(print_highres=False)),
    )
    result = normalise(locked, "restricted.pdf")
    assert result.pages == 2 and "decrypted" in result.notes
    assert b"/Encrypt" not in result.pdf
    assert render(result.pdf, tmp_path) == render(source, tmp_path)


def test_zero_pages_are_refused():
    assert refused(save(pikepdf.new())).code == "attach.zero_pages"


def test_too_many_pages_are_refused_with_the_count():
    error = refused(text_pdf(5), limits=IntakeLimits(max_pages=3))
    assert error.code == "attach.too_many_pages"
    assert "5" in error.zh and "3" in error.zh


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(text_pdf(1))
    error = refused(path, limits=IntakeLimits(max_bytes=100))
    assert error.code == "attach.too_large" and "MB" in error.en


def test_a_path_is_read_and_hashed(tmp_path):
    import hashlib

    data = text_pdf(1)
    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    result = normalise(path, "a.pdf")
    assert result.sha256 == hashlib.sha256(data).hexdigest() and result.original_name == "a.pdf"


def test_page_geometry_survives_including_inherited_attributes():
    pdf = pikepdf.open(io.BytesIO(text_pdf(2)))
    pdf.Root.Pages.MediaBox = Array([0, 0, 420, 595])  # A5, inherited by both pages
    for page in pdf.pages:
        del page.obj["/MediaBox"]
    pdf.pages[1].obj.Rotate = 90
    pdf.pages[1].obj.CropBox = Array([10, 10, 410, 585])
    result = normalise(save(pdf), "a5.pdf")
    with pikepdf.open(io.BytesIO(result.pdf)) as out:
        first, second = out.pages
        assert [float(v) for v in first.obj.MediaBox] == [0, 0, 420, 595]
        assert int(second.obj.Rotate) == 90
        assert [float(v) for v in second.obj.CropBox] == [10, 10, 410, 585]
        assert "/Font" in first.obj.Resources


def test_a_content_stream_bomb_is_refused():
    pdf = pikepdf.new()
    page = pdf.add_blank_page().obj
    page.Contents = pdf.make_stream(b" " * (4 << 20))  # 4 MiB of spaces, a few KB compressed
    data = save(pdf, compress_streams=True)
    assert len(data) < 100_000
    error = refused(data, limits=IntakeLimits(max_content_bytes=1 << 20))
    assert error.code == "attach.too_complex" and "1" in error.zh


def test_an_image_xobject_claiming_huge_dimensions_is_refused():
    pdf = pikepdf.new()
    page = pdf.add_blank_page().obj
    image = pdf.make_stream(
        b"\0" * 16,
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=100000,
        Height=100000,
        ColorSpace=Name.DeviceRGB,
        BitsPerComponent=8,
    )
    page.Resources = Dictionary(XObject=Dictionary(Im1=image))
    page.Contents = pdf.make_stream(b"q 100 0 0 100 0 0 cm /Im1 Do Q")
    assert refused(save(pdf)).code == "attach.image_bomb"


def test_same_pdf_gives_the_same_bytes():
    source = hostile_pdf()
    assert normalise(source, "a.pdf").pdf == normalise(source, "a.pdf").pdf


def test_content_qpdf_cannot_recover_is_flagged_for_the_user():
    # A content stream whose /Length is wrong and whose endstream is misspelt: qpdf repairs the
    # file but must treat the stream as empty, so the page comes out blank.
    body = (
        b"%PDF-1.3\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"
        b" endobj\n4 0 obj << /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Potato) Tj ET\n"
        b"enxstream\nenxobj\n5 0 obj << /Type /Font >>\nendstream\nendobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    result = normalise(body, "broken.pdf")
    assert result.pages == 1
    assert "repaired" in result.notes and "content-lost" in result.notes
