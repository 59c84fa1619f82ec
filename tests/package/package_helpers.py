"""Inputs for the package tests: small scans made with Pillow + img2pdf (undated, so the same
call gives the same bytes), and a hostile PDF full of active content."""

from __future__ import annotations

import hashlib
import io
import random
from io import BytesIO

import img2pdf
import pikepdf
from PIL import Image, ImageDraw
from pypdf import PdfReader

from forms.draft import AttachmentInfo

A4_PT = (595.28, 841.89)


def scan_pdf(label: str, *, dpi: int = 100, noise: bool = False, rotate: int = 0) -> bytes:
    """An A4 'scan' at ``dpi`` as img2pdf makes it (JPEG passed through)."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    if noise:  # incompressible, like a grainy photo: makes a big file from few pixels
        rnd = random.Random(label)
        small = Image.frombytes("RGB", (width // 3, height // 3), rnd.randbytes(width // 3 * (height // 3) * 3))
        image = small.resize((width, height))
    else:
        image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 5, height // 5, width * 4 // 5, height // 3), outline="red", width=max(2, dpi // 30))
    draw.text((width // 10, height // 10), label, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    pdf = img2pdf.convert(buffer.getvalue(), layout_fun=img2pdf.get_layout_fun(A4_PT), nodate=True)
    with pikepdf.open(io.BytesIO(pdf)) as doc:  # img2pdf's /ID is random: make it content-derived
        if rotate:
            doc.pages[0].Rotate = rotate
        del doc.trailer.ID  # qpdf keeps an existing first /ID element even with deterministic_id
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
        return out.getvalue()


def hostile_pdf() -> bytes:
    """A PDF with an OpenAction script, a page /AA, a Launch link, an embedded file and a form."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=A4_PT)
    script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.OpenAction = script
    page = pdf.pages[0].obj
    page.AA = pikepdf.Dictionary(O=script)
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    page.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Link,
                        Rect=[0, 0, 100, 100],
                        A=launch,
                    )
                )
            ]
        )
    )
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (hostile) Tj ET")
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        )
    )
    pdf.attachments["evil.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ")
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=pikepdf.String("<xdp/>"))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def info(kind: str, title: str, pdf: bytes, position: int) -> AttachmentInfo:
    digest = hashlib.sha256(pdf).hexdigest()
    pages = len(PdfReader(BytesIO(pdf)).pages)
    return AttachmentInfo(
        position, position, kind, title, f"{title}.pdf", "pdf", pages, digest, len(pdf), "2023-10-01T00:00:00+00:00"
    )
