"""Build the PDF fonts in resources/fonts/ from Debian's fonts-noto-cjk.

reportlab only embeds TrueType (glyf) outlines, and Noto Serif CJK ships CFF outlines in a
25 MiB collection, so this script picks the SC face, subsets it to a Chinese code page
(GB2312 or GBK, decided by Python's codecs) plus the symbols the forms print, redraws every
glyph as quadratic curves (cu2qu) and renames the result: OFL-1.1 forbids the reserved name
"Source" on modified versions, and reportlab aliases fonts that share a PostScript name.

    apt-get install -y fonts-noto-cjk && .venv/bin/pip install fonttools
    .venv/bin/python tools/build_font.py \
        --source /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
        --out resources/fonts/FormSerifSC-Regular.ttf \
        --level gbk --family "Form Serif SC" --psname FormSerifSC-Regular
    .venv/bin/python tools/build_font.py \
        --source /usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc \
        --out resources/fonts/FormSerifSC-Bold.ttf \
        --level gbk --family "Form Serif SC Bold" --psname FormSerifSCBold-Regular

The output is byte-for-byte reproducible for the same source file and fontTools version
(the head timestamps are copied from the source, not set to "now").
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

MAX_ERR = 1.0  # font units (1000/em): invisible at print sizes, keeps the file small

# Printed by the forms but not (all) in GB2312/GBK, or worth being explicit about.
EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x3000, 0x303F),  # CJK symbols and punctuation (includes the ideographic space)
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms (includes ￥)
    (0x2460, 0x2469),  # ① … ⑩
]
EXTRA_CHARS = "□×√№￥\u3000" + "\u00a0\u2002\u2003"  # + the spaces the source has a glyph for


def codepoints(level: str) -> set[int]:
    codec = {"gb2312": "gb2312", "gbk": "gbk"}[level]
    wanted: set[int] = set()
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode(codec)
        except UnicodeEncodeError:
            continue
        wanted.add(cp)
    for first, last in EXTRA_RANGES:
        wanted.update(cp for cp in range(first, last + 1) if unicodedata.category(chr(cp)) != "Cn")
    wanted.update(map(ord, EXTRA_CHARS))
    return wanted


def face_index(source: Path, face_family: str) -> int:
    """Index of the face whose family name is ``face_family`` (-1 for a single font file)."""
    if source.suffix.lower() not in (".ttc", ".otc"):
        return -1
    names = []
    for index, font in enumerate(TTCollection(str(source), lazy=True).fonts):
        family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
        names.append(family)
        if family == face_family:
            return index
    raise SystemExit(f"no face named {face_family!r} in {source}; faces: {names}")


def subset_font(font: TTFont, unicodes: set[int]) -> None:
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx"]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True  # unprintable characters show as a visible box, not a gap
    options.glyph_names = False
    options.name_IDs = ["*"]  # keep copyright, licence and URLs (OFL condition 2)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    cmap = font["cmap"]
    # reportlab reads one Unicode BMP table; the rest (UVS, Mac, format 12) is dead weight.
    cmap.tables = [t for t in cmap.tables if t.format == 4 and (t.platformID, t.platEncID) in ((0, 3), (3, 1))]


def cff_to_glyf(font: TTFont) -> None:
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType clockwise
        glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)  # sets each glyph's bounding box

    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        advance, _ = hmtx[name]
        hmtx[name] = (advance, getattr(glyph, "xMin", 0))

    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.maxComponentDepth = 0
    maxp.compile(font)  # the remaining maxp fields are recalculated from glyf

    post = font["post"]
    post.formatType = 3.0  # no glyph names: 22k CID names would cost ~200 KiB for nothing
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont, family: str, style: str, psname: str, level: str, source_family: str) -> None:
    name = font["name"]
    version = (name.getDebugName(5) or "Version ?").split(";")[0].removeprefix("Version ").strip()
    full = family if style == "Regular" else f"{family} {style}"
    name.names = [r for r in name.names if r.nameID not in (1, 2, 3, 4, 6, 10, 16, 17, 18, 21, 22, 25)]
    values = {
        1: family,
        2: style,
        3: f"{version};{psname};cxy-apply",
        4: full,
        6: psname,
        10: f"Derived from {source_family} {version}: TrueType outlines (cu2qu), {level.upper()} subset.",
    }
    for name_id, value in values.items():
        name.setName(value, name_id, 3, 1, 0x409)


def build(source: Path, out: Path, level: str, family: str, psname: str, style: str, face_family: str) -> dict:
    started = time.monotonic()
    index = face_index(source, face_family)
    font = TTFont(str(source), fontNumber=index, recalcTimestamp=False, lazy=False)
    if "CFF " not in font:
        raise SystemExit(f"{source}: expected CFF outlines, got {sorted(font.keys())}")
    available = set(font.getBestCmap())
    wanted = codepoints(level)
    subset_font(font, wanted)
    cff_to_glyf(font)
    rename(font, family, style, psname, level, face_family)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out), reorderTables=True)
    covered = set(TTFont(str(out), lazy=True).getBestCmap())
    return {
        "face_index": index,
        "wanted": len(wanted),
        "covered": len(covered & wanted),
        "cmap": len(covered),
        "missing": sorted(wanted - available),
        "glyphs": len(font.getGlyphOrder()),
        "bytes": out.stat().st_size,
        "seconds": time.monotonic() - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="NotoSerifCJK-*.ttc (or an .otf)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--level", choices=["gb2312", "gbk"], default="gbk")
    parser.add_argument("--family", required=True, help='new family name, e.g. "Form Serif SC"')
    parser.add_argument("--psname", required=True, help="PostScript name; must differ between shipped files")
    parser.add_argument("--style", default="Regular")
    parser.add_argument("--face", default="Noto Serif CJK SC", help="family name of the face to take from a .ttc")
    args = parser.parse_args(argv)

    stats = build(args.source, args.out, args.level, args.family, args.psname, args.style, args.face)
    missing = stats["missing"]
    print(
        f"{args.out}: face #{stats['face_index']}, {stats['covered']} of {stats['wanted']} wanted code points "
        f"({stats['cmap']} in cmap), {stats['glyphs']} glyphs, {stats['bytes'] / 2**20:.2f} MiB, {stats['seconds']:.1f} s"
    )
    if missing:
        sample = " ".join(f"U+{cp:04X}" for cp in missing[:40])
        print(f"  {len(missing)} wanted code points are not in the source font: {sample}{' …' if len(missing) > 40 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
