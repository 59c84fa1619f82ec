"""The bundled PDF fonts: embedded as subsets, text extractable, unprintable characters found."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from forms.errors import UserError
from forms.paths import resource
from forms.render import fonts
from forms.render.fonts import register_fonts, unprintable_chars

TITLE = "江苏省产学研合作项目申报书"
# names outside GB2312 (a GB2312-only font drops them silently) and the form's tick box
NAMES_LINE = "朱镕基 张喆 王堃 李玥 □"
SYMBOLS_LINE = "￥300,000.00 （盖章） √ × № ①②⑩ 　全角：ＡＢＣ１２３"
EXT_B = "\U00020000"  # 𠀀, CJK Extension B: outside GBK and the 8105 list, in no shipped face
EMOJI = "\U0001f600"


def _pdf_fonts(reader: PdfReader) -> dict[str, dict]:
    """BaseFont -> font dictionary for every font used on the first page."""
    resources = reader.pages[0]["/Resources"]["/Font"]
    return {str(ref.get_object()["/BaseFont"]): ref.get_object() for ref in resources.values()}


def _draw_sample() -> bytes:
    names = register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont(names.bold, 22)
    pdf.drawCentredString(A4[0] / 2, 760, TITLE)
    pdf.setFont(names.regular, 16)
    pdf.drawString(72, 700, f"{TITLE} {NAMES_LINE}")
    pdf.drawString(72, 670, SYMBOLS_LINE)
    style = ParagraphStyle("body", fontName=names.regular, fontSize=12, leading=18, wordWrap="CJK")
    paragraph = Paragraph("申报单位<b>（盖章）</b>：南京某某科技有限公司", style)
    paragraph.wrapOn(pdf, A4[0] - 144, 100)
    paragraph.drawOn(pdf, 72, 620)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_register_fonts_is_idempotent_and_maps_bold_in_paragraphs():
    first = register_fonts()
    again = register_fonts()
    assert first == again
    assert first.regular != first.bold
    assert pdfmetrics.getFont(first.regular) is pdfmetrics.getFont(again.regular)
    from reportlab.lib.fonts import tt2ps

    assert tt2ps(first.regular, 1, 0) == first.bold


def test_fonts_are_distinct_faces_small_enough_to_ship():
    names = register_fonts()
    regular = pdfmetrics.getFont(names.regular).face
    bold = pdfmetrics.getFont(names.bold).face
    rare = pdfmetrics.getFont(names.rare).face
    # reportlab keys faces by PostScript name: a shared one would silently alias the files
    assert len({regular.name, bold.name, rare.name}) == 3
    assert resource("fonts", "FormSerifSC-Regular.ttf").stat().st_size < 12 * 2**20
    # the bold face prints titles and labels: GB2312 and the app's own texts, not all of GBK
    assert resource("fonts", "FormSerifSC-Bold.ttf").stat().st_size < 4 * 2**20
    assert resource("fonts", "FormSerifSCExt-Regular.ttf").stat().st_size < 4 * 2**20
    assert resource("fonts", "OFL.txt").is_file()


def test_pdf_embeds_font_subsets_and_text_extracts():
    reader = PdfReader(io.BytesIO(_draw_sample()))
    used = _pdf_fonts(reader)
    regular = [name for name in used if re.fullmatch(r"/[A-Z]{6}\+FormSerifSC-Regular", name)]
    bold = [name for name in used if re.fullmatch(r"/[A-Z]{6}\+FormSerifSCBold-Regular", name)]
    assert regular and bold, sorted(used)
    for name in regular + bold:
        descriptor = used[name]["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, name  # embedded TrueType, not a viewer-supplied font

    text = reader.pages[0].extract_text()
    flat = re.sub(r"\s+", "", text)
    for line in (TITLE, NAMES_LINE, "￥300,000.00", "（盖章）", "南京某某科技有限公司"):
        assert re.sub(r"\s+", "", line) in flat, text


def test_every_gbk_character_is_printable():
    gbk = []
    for cp in range(0x20, 0x10000):
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        gbk.append(chr(cp))
    # U+2252 ≒ is in GBK but not in Noto Serif CJK SC; nobody types it in a company name
    assert unprintable_chars("".join(gbk)) == ["\u2252"]


def test_unprintable_chars_flags_what_the_pdf_would_show_as_boxes():
    text = f"张喆{EXT_B}王堃{EMOJI}李玥{EXT_B}朱镕基 ABC xyz 123 □√×№①⑩￥ 李䶮 王𠮷 张𬭎 刘𬬭"
    assert unprintable_chars(text) == [EXT_B, EMOJI]
    assert unprintable_chars(TITLE + NAMES_LINE + SYMBOLS_LINE) == []
    assert unprintable_chars("") == []


def test_unprintable_chars_ignores_whitespace_and_control_characters():
    assert unprintable_chars("甲\t乙\r\n丙\u3000丁\u00a0戊\u2028己\x00\x1b") == []
    # an emoji's variation selector is invisible but still printed as a box
    assert unprintable_chars("\u2764\ufe0f") == ["\u2764", "\ufe0f"]


@pytest.fixture
def unregistered(monkeypatch, tmp_path):
    """Pretend no font is registered yet and resources live in an empty folder."""
    monkeypatch.setattr(pdfmetrics, "getRegisteredFontNames", list)
    monkeypatch.setenv("CXY_RESOURCES", str(tmp_path))
    (tmp_path / "fonts").mkdir()
    return tmp_path / "fonts"


def test_missing_font_file_is_a_user_error(unregistered):
    with pytest.raises(UserError) as caught:
        register_fonts()
    assert caught.value.code == "render.font_missing"
    assert "重新安装" in caught.value.zh


def test_damaged_font_file_is_a_user_error(unregistered):
    (unregistered / "FormSerifSC-Regular.ttf").write_bytes(b"\x00\x01\x00\x00" + b"garbage" * 100)
    with pytest.raises(UserError) as caught:
        register_fonts()
    assert caught.value.code == "render.font_broken"


REPO_FONTS = Path(__file__).resolve().parents[1] / "resources" / "fonts"


def _xz_font(folder, filename="FormSerifSC-Regular.ttf") -> bytes:
    import lzma

    packed = lzma.compress((REPO_FONTS / filename).read_bytes(), format=lzma.FORMAT_XZ, preset=0)
    (folder / f"{filename}.xz").write_bytes(packed)
    return packed


def test_compressed_font_as_the_installer_ships_it_gives_the_same_face(monkeypatch, tmp_path):
    plain = fonts._load("FormSerifSC-plain-test", "FormSerifSC-Regular.ttf").face
    monkeypatch.setenv("CXY_RESOURCES", str(tmp_path))
    (tmp_path / "fonts").mkdir()
    _xz_font(tmp_path / "fonts")
    packed = fonts._load("FormSerifSC-xz-test", "FormSerifSC-Regular.ttf").face
    assert packed.name == plain.name
    assert packed.charToGlyph == plain.charToGlyph
    subset = [ord(ch) for ch in TITLE + NAMES_LINE]
    assert packed.makeSubset(subset) == plain.makeSubset(subset)  # what goes into the PDF


def test_plain_font_file_wins_over_a_compressed_one(monkeypatch, tmp_path):
    monkeypatch.setenv("CXY_RESOURCES", str(tmp_path))
    (tmp_path / "fonts").mkdir()
    shutil.copyfile(REPO_FONTS / "FormSerifSC-Regular.ttf", tmp_path / "fonts" / "FormSerifSC-Regular.ttf")
    (tmp_path / "fonts" / "FormSerifSC-Regular.ttf.xz").write_bytes(b"not xz")
    assert fonts._load("FormSerifSC-plain-wins-test", "FormSerifSC-Regular.ttf").face.name


@pytest.mark.parametrize("damage", ["not xz", "truncated", "not a font", "gzip"])
def test_damaged_compressed_font_is_a_user_error(unregistered, damage):
    import gzip
    import lzma

    target = unregistered / "FormSerifSC-Regular.ttf.xz"
    if damage == "not xz":
        target.write_bytes(b"\x00\x01\x00\x00" + b"garbage" * 100)
    elif damage == "truncated":
        target.write_bytes(_xz_font(unregistered)[:100_000])
    elif damage == "not a font":
        target.write_bytes(lzma.compress(b"\x00\x01\x00\x00" + b"garbage" * 100, format=lzma.FORMAT_XZ))
    else:  # what an older installer shipped, renamed
        target.write_bytes(gzip.compress((REPO_FONTS / "FormSerifSC-Regular.ttf").read_bytes(), compresslevel=1))
    with pytest.raises(UserError) as caught:
        register_fonts()
    assert caught.value.code == "render.font_broken"
    assert "FormSerifSC-Regular.ttf.xz" in caught.value.en


def test_charset_files_match_the_fonts():
    """The typing check and the choice of face per run read precomputed character sets; they
    must be the fonts' own (one file per face)."""
    from forms.paths import resource
    from forms.render.fonts import CHARSET_FILES, NAMES, _read_charset, font_charset

    assert set(CHARSET_FILES) == {NAMES.regular, NAMES.bold, NAMES.rare}
    for name, filename in CHARSET_FILES.items():
        shipped = _read_charset(resource("fonts", filename).read_text(encoding="ascii"))
        assert shipped == font_charset(name), filename


def test_bold_face_has_gb2312_and_only_what_the_regular_face_has():
    """Bold falls back to regular character by character, so it must add nothing of its own;
    GB2312 (6,763 hanzi) keeps nearly every title and institution name in one weight."""
    from forms.render.fonts import NAMES, charset

    bold, regular = charset(NAMES.bold), charset(NAMES.regular)
    assert bold < regular
    gb2312 = set()
    for cp in range(0x80, 0x10000):
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        gb2312.add(chr(cp))
    # ≒ is not in the source font (test_every_gbk_character_is_printable); Python's gb2312 has
    # ・ U+30FB where GBK has · U+00B7, which both faces print
    assert gb2312 - {"\u2252", "\u30fb"} <= bold and "\u00b7" in bold
    assert set(TITLE + SYMBOLS_LINE) - {" "} <= bold
    assert "喆" in bold and "犇" not in bold  # a sample's name is in; a GBK-only character is not


def test_typing_check_does_not_load_reportlab():
    import subprocess
    import sys

    code = (
        "import sys; from forms.render.fonts import unprintable_chars; "
        "assert unprintable_chars('镕喆𠀀䶮𬭎') == ['𠀀']; print('reportlab' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
