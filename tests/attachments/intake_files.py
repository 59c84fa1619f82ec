"""Files an enterprise contact brings (issue 12), made here: phone photos and scans with Pillow,
PDFs with text with reportlab (the app's own CJK font), each with one known defect."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def page_image(mode: str = "L", size: tuple[int, int] = (1654, 2339), ink=(0, 0, 0)) -> Image.Image:
    """A white page ruled like lines of text (a document a scanner or phone saw)."""
    im = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(im)
    width, height = size
    fill = ink if mode == "RGB" else 0
    for y in range(height // 10, height * 9 // 10, max(6, height // 60)):
        draw.line((width // 10, y, width * 8 // 10, y), fill=fill, width=max(1, height // 400))
    return im


def jpeg(im: Image.Image, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, dpi=(dpi, dpi))
    return buf.getvalue()


def image_pdf(im: Image.Image, dpi: float) -> bytes:
    """A PDF page exactly the image's size at ``dpi`` (what a scanner app writes)."""
    buf = io.BytesIO()
    im.save(buf, "PDF", resolution=dpi)
    return buf.getvalue()


def text_pdf(lines: list[str], *, rotate_text: int = 0, landscape: bool = False) -> bytes:
    """A vector PDF with text (the app's CJK font), optionally drawn at ``rotate_text`` degrees."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.pdfgen import canvas

    from forms.render.fonts import register_fonts

    font = register_fonts().regular
    size = turned(A4) if landscape else A4
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=size)
    pdf.setFont(font, 14)
    if rotate_text:
        pdf.translate(size[0] / 2, size[1] / 2)
        pdf.rotate(rotate_text)
        pdf.translate(-size[1] / 2 + 60, size[0] / 2 - 60)
    else:
        pdf.translate(60, size[1] - 80)
    for index, line in enumerate(lines):
        pdf.drawString(0, -22 * index, line)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


CONTRACT_LINES = [
    "技术开发合同",
    "项目名称：高效电机控制器研发",
    "委托方（甲方）：南京某某科技有限公司",
    "受托方（乙方）：东南大学",
    "本合同经双方协商一致订立，双方共同遵守。",
]
RECEIPT_LINES = [
    "中国工商银行 电子回单",
    "付款人：南京某某科技有限公司",
    "收款人：东南大学",
    "金额：贰拾万元整",
    "用途：技术开发费 转账",
]
PLAIN_LINES = [
    "项目说明",
    "本文件说明项目的背景与目标，供评审专家参考。",
    "第一部分 研究基础",
    "第二部分 实施计划",
    "第三部分 预期成果",
]
