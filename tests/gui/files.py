"""Small attachment files made on the fly: a text PDF and a photo-like JPEG."""

from __future__ import annotations

import io
from pathlib import Path


def make_pdf(path: Path, pages: int = 2, title: str = "Contract") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(pages):
        pdf.setFont("Helvetica", 18)
        pdf.drawString(72, 760, f"{title} page {page + 1}")
        pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def make_jpeg(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 200), outline="black", width=4)
    draw.text((60, 100), "payment receipt 300000", fill="black")
    image.save(path, "JPEG", quality=85)
    return path
