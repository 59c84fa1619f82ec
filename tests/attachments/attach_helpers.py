"""Builders for test inputs (images made with Pillow, PDFs made with pikepdf) and a renderer
(poppler's pdftoppm) to look at what the intake produced."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib

import pikepdf
import pytest
from PIL import Image

# Upright test picture: four coloured quadrants, so any rotation or mirror is visible.
QUADRANTS = {"TL": (255, 0, 0), "TR": (0, 255, 0), "BL": (0, 0, 255), "BR": (0, 0, 0)}


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def quadrant_image(width: int = 120, height: int = 80) -> Image.Image:
    im = Image.new("RGB", (width, height))
    px = im.load()
    for y in range(height):
        for x in range(width):
            px[x, y] = QUADRANTS[("T" if y < height // 2 else "B") + ("L" if x < width // 2 else "R")]
    return im


def stored_for_orientation(upright: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera stores for EXIF orientation 1-8, written from the EXIF definition of
    where row 0 and column 0 of the stored image belong (not from Pillow's transpose table)."""
    w, h = upright.size
    src = upright.load()
    mapping = {
        1: ((w, h), lambda r, c: (c, r)),
        2: ((w, h), lambda r, c: (w - 1 - c, r)),
        3: ((w, h), lambda r, c: (w - 1 - c, h - 1 - r)),
        4: ((w, h), lambda r, c: (c, h - 1 - r)),
        5: ((h, w), lambda r, c: (r, c)),
        6: ((h, w), lambda r, c: (w - 1 - r, c)),
        7: ((h, w), lambda r, c: (w - 1 - r, h - 1 - c)),
        8: ((h, w), lambda r, c: (r, h - 1 - c)),
    }
    size, upright_xy = mapping[orientation]
    out = Image.new("RGB", size)
    dst = out.load()
    for r in range(size[1]):
        for c in range(size[0]):
            dst[c, r] = src[upright_xy(r, c)]
    return out


def exif_bytes(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height but carries one tiny IDAT: decoding it would allocate
    the full size, reading its header must not."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


# --- PDFs ---------------------------------------------------------------------------------


def text_pdf(pages: int = 3, **save_options) -> bytes:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for number in range(1, pages + 1):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(
            f"0 0 1 rg 50 50 495 742 re f BT /F1 36 Tf 1 1 1 rg 100 400 Td (Page {number}) Tj ET".encode()
        )
    return save(pdf, **save_options)


def save(pdf: pikepdf.Pdf, **options) -> bytes:
    buf = io.BytesIO()
    pdf.save(buf, **options)
    return buf.getvalue()


def pdf_page_count(data: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def image_streams(data: bytes) -> list[tuple[str, bytes]]:
    """(filter, raw stream bytes) of every page's image XObjects."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for xobject in page.obj.Resources.get("/XObject", {}).values():
                if xobject.get("/Subtype") == pikepdf.Name.Image:
                    found.append((str(xobject.get("/Filter")), xobject.read_raw_bytes()))
    return found


# --- rendering ----------------------------------------------------------------------------


def need_pdftoppm() -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed; tools/setup.sh --test installs it")


def render(data: bytes, tmp_path, page: int = 1, dpi: int = 20) -> Image.Image:
    need_pdftoppm()
    source = tmp_path / f"render-{page}.pdf"
    source.write_bytes(data)
    ppm = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(source)],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    return Image.open(io.BytesIO(ppm)).convert("RGB")


def ink_box(im: Image.Image, threshold: int = 60) -> tuple[int, int, int, int]:
    """Bounding box of everything that is not (near) white."""
    grey = im.convert("L").point(lambda v: 255 if v < 255 - threshold else 0)
    box = grey.getbbox()
    assert box is not None, "the page is blank"
    return box


def nearest_quadrant(rgb: tuple[int, int, int]) -> str:
    return min(QUADRANTS, key=lambda q: sum((a - b) ** 2 for a, b in zip(QUADRANTS[q], rgb)))


def quadrants_seen(im: Image.Image) -> dict[str, str]:
    left, top, right, bottom = ink_box(im)
    seen = {}
    for name, (fx, fy) in {"TL": (0.25, 0.25), "TR": (0.75, 0.25), "BL": (0.25, 0.75), "BR": (0.75, 0.75)}.items():
        x = int(left + fx * (right - left))
        y = int(top + fy * (bottom - top))
        seen[name] = nearest_quadrant(im.getpixel((x, y)))
    return seen


def hostile_pdf(**save_options) -> bytes:
    """One visible page (a green square drawn by a form XObject) wrapped in every kind of active
    content a PDF can carry, at document, page, annotation and resource level."""
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842)).obj
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('hi')")))
    launch = pdf.make_indirect(Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe"))))
    pdf.Root.OpenAction = js
    pdf.Root.AA = Dictionary(WC=js)
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), js])))
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ" + b"\0" * 62, mime_type="application/x-msdownload"
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))
    pdf.Root.Outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=0))
    page.AA = Dictionary(O=js, C=launch)

    def link(action: Dictionary, x: int) -> Dictionary:
        return pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([x, 10, x + 40, 50]), A=action)
        )

    page.Annots = Array(
        [
            link(launch, 10),
            link(Dictionary(S=Name.SubmitForm, F=String("http://example.invalid/")), 60),
            link(Dictionary(S=Name.GoToR, F=String("\\\\host\\share\\x.pdf"), D=Array([0])), 110),
            link(Dictionary(S=Name.ImportData, F=String("data.fdf")), 160),
            link(Dictionary(S=Name.URI, URI=String("http://example.invalid/"), Next=js), 210),
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.RichMedia,
                    Rect=Array([260, 10, 300, 50]),
                    RichMediaContent=Dictionary(),
                    A=Dictionary(S=Name.Rendition, JS=String("play()")),
                )
            ),
        ]
    )
    # Resource-level traps: a form XObject carrying actions and a reference to the catalog,
    # and a graphics state pointing at an action.
    form = pdf.make_stream(
        b"0 1 0 rg 0 0 100 100 re f",
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=Array([0, 0, 100, 100]),
        AA=Dictionary(O=js),
        Extra=pdf.Root,
    )
    page.Resources = Dictionary(
        XObject=Dictionary(Fm1=form),
        ExtGState=Dictionary(GS1=Dictionary(Type=Name.ExtGState, CA=1, Evil=launch)),
    )
    page.Contents = pdf.make_stream(b"q /GS1 gs 200 0 0 200 200 300 cm /Fm1 Do Q")
    return save(pdf, **save_options)


def stamped_pdf() -> bytes:
    """A page with a printable stamp annotation (red square appearance) that also has a
    JavaScript action: the stamp must stay visible, the action must go."""
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842)).obj
    appearance = pdf.make_stream(
        b"1 0 0 rg 0 0 100 100 re f", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 100, 100])
    )
    page.Annots = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Stamp,
                    Rect=Array([250, 350, 350, 450]),
                    F=4,
                    AP=Dictionary(N=appearance),
                    A=Dictionary(S=Name.JavaScript, JS=String("x()")),
                )
            )
        ]
    )
    return save(pdf)
