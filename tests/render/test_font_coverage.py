"""Every name prints: the 通用规范汉字表 (8105), CJK Extension A and 𠮷 have a glyph in a shipped
face, a package with such names embeds the rare-character face and maps each of them, and a
package without them carries no trace of that face."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from forms.checks import check
from forms.package import build_package
from forms.render.fonts import NAMES, charset, register_fonts, text_runs, unprintable_chars
from forms.render.primitives import Line, Styles, draw_text, markup, text_width
from forms.samples import sample

REPO = Path(__file__).resolve().parents[2]
TGH_LIST = REPO / "tests" / "data" / "tongyong_guifan_hanzi_2013.txt"
NAMED = "䶮𠮷𬭎𬬭"  # Ext-A; Ext-B (a variant of 吉, not in the 8105); two 8105 members beyond the BMP
PEOPLE = {"leader": "李䶮", "members": ["王𠮷", "张𬭎", "刘𬬭"]}


def tgh() -> list[str]:
    rows = [line.split("\t") for line in TGH_LIST.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert [int(serial) for serial, _, _ in rows] == list(range(1, 8106))
    for _, code, char in rows:
        assert code == f"U+{ord(char):04X}"
    return [char for _, _, char in rows]


def test_the_vendored_8105_list_is_whole_and_holds_the_named_rare_characters():
    chars = tgh()
    assert len(set(chars)) == 8105
    assert {"䶮", "𬭎", "𬬭", "一", "镕", "喆"} <= set(chars)
    assert sum(ord(ch) > 0xFFFF for ch in chars) == 196  # the Ext-B…F members people have in names
    assert all(unicodedata.category(ch) == "Lo" for ch in chars)


def test_every_8105_ext_a_and_named_character_is_in_a_shipped_face():
    wanted = set(tgh()) | {chr(cp) for cp in range(0x3400, 0x4DC0)} | set(NAMED)
    shipped = charset(NAMES.regular) | charset(NAMES.rare)
    missing = sorted(wanted - shipped)
    assert not missing, " ".join(f"U+{ord(ch):04X}" for ch in missing[:40])
    assert unprintable_chars("".join(sorted(wanted))) == []
    # the second face holds only what the GBK face lacks: it costs nothing twice
    assert not charset(NAMES.regular) & charset(NAMES.rare)


def test_text_runs_give_rare_characters_the_second_face_and_keep_the_rest():
    assert text_runs("李䶮 ABC", NAMES.bold) == [(NAMES.bold, "李"), (NAMES.rare, "䶮"), (NAMES.bold, " ABC")]
    assert text_runs("𠮷𬭎x𠀀😀", NAMES.regular) == [(NAMES.rare, "𠮷𬭎"), (NAMES.regular, "x𠀀😀")]
    assert text_runs("", NAMES.regular) == []
    assert text_runs("李䶮", "Helvetica") == [("Helvetica", "李䶮")]


def test_bold_text_falls_back_to_regular_then_rare_character_by_character():
    # 犇: GBK, not GB2312, so not in the bold face; 䶮 only in the rare one; 𠀀 in none
    assert "犇" not in charset(NAMES.bold) and "犇" in charset(NAMES.regular)
    assert text_runs("张犇䶮A𠀀", NAMES.bold) == [
        (NAMES.bold, "张"),
        (NAMES.regular, "犇"),
        (NAMES.rare, "䶮"),
        (NAMES.bold, "A𠀀"),
    ]
    assert text_runs("张犇", NAMES.regular) == [(NAMES.regular, "张犇")]
    assert markup("张犇<", NAMES.bold) == f'张<font name="{NAMES.regular}">犇</font>&lt;'


def test_markup_escapes_and_wraps_only_the_rare_runs():
    assert markup("<b>&") == "&lt;b&gt;&amp;"
    assert (
        markup("A<䶮&>B\n𠮷")
        == f'A&lt;<font name="{NAMES.rare}">䶮</font>&amp;&gt;B<br/><font name="{NAMES.rare}">𠮷</font>'
    )


def _fonts_used(pdf_file: pikepdf.Pdf) -> dict[str, list[pikepdf.Dictionary]]:
    """BaseFont without the subset tag -> the font dictionaries, across pages and form XObjects."""
    found: dict[str, list] = {}
    seen: set = set()

    def walk(resources) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in (resources.get("/Font") or {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                found.setdefault(str(font.BaseFont).split("+", 1)[-1], []).append(font)
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject.get("/Resources"))

    for page in pdf_file.pages:
        walk(page.obj.get("/Resources"))
    return found


def _to_unicode(font: pikepdf.Dictionary) -> dict[int, str]:
    text = font.ToUnicode.read_bytes().decode("ascii")
    block = text.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
    return {
        int(code, 16): bytes.fromhex(target).decode("utf-16-be")
        for code, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)
    }


def _glyphs_drawn(font: pikepdf.Dictionary) -> dict[str, int]:
    """Each character of an embedded simple TrueType subset -> the number of contours of the
    glyph its code selects in the embedded font file (0 would be a blank, a .notdef box has 2)."""
    embedded = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
    cmap = {}  # reportlab writes a (1, 0) format-6 table from codes to glyphs, which getBestCmap skips
    for table in embedded["cmap"].tables:
        cmap.update(table.cmap)
    order = embedded.getGlyphOrder()
    glyf = embedded["glyf"]
    result = {}
    for code, char in _to_unicode(font).items():
        name = cmap.get(code)
        if name and order.index(name) != 0:
            result[char] = glyf[name].numberOfContours
        else:
            result[char] = 0
    return result


@pytest.fixture(scope="module")
def rare_package(pack):
    data = sample("tech_vp")
    data["leader"]["name"] = PEOPLE["leader"]
    for member, name in zip(data["members"], PEOPLE["members"]):
        member["name"] = name
    return data, build_package(data, [], pack).pdf


@pytest.fixture(scope="module")
def plain_package(pack):
    data = sample("tech_vp")
    assert unprintable_chars(str(data)) == [] and not any(
        face == NAMES.rare for face, _ in text_runs(str(data), NAMES.regular)
    )
    return build_package(data, [], pack).pdf


def test_package_with_rare_names_embeds_the_second_face_and_it_maps_every_one(rare_package):
    _data, pdf = rare_package
    with pikepdf.open(io.BytesIO(pdf)) as document:
        used = _fonts_used(document)
        assert "FormSerifSCExt-Regular" in used, sorted(used)
        drawn: dict[str, int] = {}
        for font in used["FormSerifSCExt-Regular"]:
            assert "/FontFile2" in font.FontDescriptor  # embedded, not left to the viewer
            drawn.update(_glyphs_drawn(font))
        for char in NAMED:
            assert drawn.get(char, 0) > 0, (char, drawn)
        # the rare characters are not (also) drawn as .notdef boxes with the GBK faces
        for name in ("FormSerifSC-Regular", "FormSerifSCBold-Regular"):
            for font in used.get(name, []):
                assert not set(_to_unicode(font).values()) & set(NAMED)
    # and they copy and search as themselves, 𠮷 included (ToUnicode as UTF-16)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for name in [PEOPLE["leader"], *PEOPLE["members"]]:
        assert name in text, name


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_pdffonts_lists_the_second_face_only_when_a_document_needs_it(rare_package, plain_package, tmp_path):
    def faces(pdf: bytes) -> set[str]:
        path = tmp_path / "package.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
        assert all(row[-5:-3] == ["yes", "yes"] for row in rows), out  # embedded, subset
        return {row[0].split("+", 1)[-1] for row in rows}

    assert "FormSerifSCExt-Regular" in faces(rare_package[1])
    plain = faces(plain_package)
    assert "FormSerifSC-Regular" in plain and "FormSerifSCExt-Regular" not in plain


def test_bold_text_with_a_rare_character_uses_the_rare_face():
    names = register_fonts()
    styles = Styles(names, 12, 18, 9)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1, initialFontName=names.regular)
    paragraph = styles.paragraph("负责人：李䶮 &lt;", bold=True)
    paragraph.wrapOn(pdf, 400, 100)
    paragraph.drawOn(pdf, 72, 700)
    inline = Paragraph(f"<b>王{markup('𠮷')}</b>", styles.para())
    inline.wrapOn(pdf, 400, 100)
    inline.drawOn(pdf, 72, 650)
    pdf.showPage()
    pdf.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as document:
        used = _fonts_used(document)
        rare = {ch for font in used["FormSerifSCExt-Regular"] for ch, n in _glyphs_drawn(font).items() if n}
        bold = {ch for font in used["FormSerifSCBold-Regular"] for ch in _to_unicode(font).values()}
    assert {"䶮", "𠮷"} <= rare
    assert set("负责人：李王&lt;") <= bold and not {"䶮", "𠮷"} & bold


def test_bold_title_prints_a_character_the_bold_face_lacks_from_the_regular_face():
    names = register_fonts()
    styles = Styles(names, 12, 18, 9)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1, initialFontName=names.regular)
    paragraph = styles.paragraph("报送单位：张犇研究所", size=20, bold=True, align="center")
    paragraph.wrapOn(pdf, 400, 100)
    paragraph.drawOn(pdf, 72, 700)
    draw_text(pdf, 72, 600, "负责人鑫犇", names.bold, 16)
    pdf.showPage()
    pdf.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as document:
        used = _fonts_used(document)
        regular = {ch: n for font in used["FormSerifSC-Regular"] for ch, n in _glyphs_drawn(font).items()}
        bold = {ch: n for font in used["FormSerifSCBold-Regular"] for ch, n in _glyphs_drawn(font).items()}
    assert regular.get("犇", 0) > 0, regular  # drawn with its outline, not a .notdef box
    assert "犇" not in bold
    assert all(bold[ch] > 0 for ch in "报送单位：张研究所负责人鑫"), bold  # the rest stays bold


def test_every_title_the_pack_prints_in_bold_is_in_the_bold_face(pack):
    """Titles are set bold (forms/render/stories.py, forms/package/pages.py): none mixes weights."""
    titles = [pack.title.zh, "目　录", "本份材料（按此顺序装订）", "签字盖章核对（逐项完成后打勾）"]
    for category in pack.categories:
        titles += [category.title.zh, f"附件{category.annex}"]
    titles += [copy.zh for copy in pack.copies]  # a routing slip's recipient, when no bureau is known
    missing = {ch for title in titles for ch in title if ch not in charset(NAMES.bold)}
    assert not missing, (missing, titles)


def _char_boxes(pdf: bytes) -> list[tuple[str, float, float]]:
    """(character, x at its start, its advance) as laid out on the first page, by pypdf."""
    boxes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            boxes.append((text.strip(), tm[4] * cm[0] + cm[4], font_size))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return boxes


@pytest.mark.parametrize("anchor", ["left", "center", "right"])
def test_canvas_text_in_runs_advances_by_each_face_and_keeps_its_anchor(anchor):
    names = register_fonts()
    size = 20.0
    text = "李䶮A𠮷王"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1, initialFontName=names.regular)
    draw_text(pdf, 300, 700, text, names.regular, size, anchor)
    pdf.showPage()
    pdf.save()
    width = text_width(text, names.regular, size)
    expected_width = stringWidth("李A王", names.regular, size) + stringWidth("䶮𠮷", names.rare, size)
    assert width == pytest.approx(expected_width)
    start = {"left": 300, "center": 300 - width / 2, "right": 300 - width}[anchor]
    # each run starts where the previous one ended
    runs = [(face, run) for face, run in text_runs(text, names.regular)]
    x = start
    expected = []
    for face, run in runs:
        expected.append((run, x))
        x += stringWidth(run, face, size)
    seen = [(run, x) for run, x, _ in _char_boxes(buffer.getvalue())]
    assert [run for run, _ in seen] == [run for run, _ in expected]
    for (_, got), (_, want) in zip(seen, expected):
        assert got == pytest.approx(want, abs=0.01)


def test_a_date_line_with_a_rare_character_ends_at_the_right_edge():
    names = register_fonts()
    line = Line("李䶮　2023年　月　日", names.regular, 12, "right")
    line.wrap(200, 50)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1, initialFontName=names.regular)
    line.drawOn(pdf, 100, 600)
    pdf.showPage()
    pdf.save()
    boxes = _char_boxes(buffer.getvalue())
    assert boxes[0][0].startswith("李") and boxes[1][0] == "䶮"
    assert boxes[0][1] == pytest.approx(100 + 200 - text_width(line.text, names.regular, 12), abs=0.01)


def test_the_check_warns_only_for_characters_no_face_has_and_never_asks_for_another_name(pack):
    data = sample("tech_vp")
    data["leader"]["name"] = PEOPLE["leader"]
    data["members"][0]["name"] = PEOPLE["members"][0]
    data["members"][1]["name"] = "张𠀀"  # 𠀀 U+20000: in no shipped face
    found = {i.field: i for i in check(data, pack) if i.code == "font.unprintable"}
    assert set(found) == {"members.1.name"}
    message = found["members.1.name"].message
    assert "𠀀" in message and "方框" in message and "手写" in message
    assert "改用" not in message and "常用字" not in message
    english = {i.field: i for i in check(data, pack, lang="en") if i.code == "font.unprintable"}
    assert "box" in english["members.1.name"].message and "common characters" not in english["members.1.name"].message
