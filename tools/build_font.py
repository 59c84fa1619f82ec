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
        --level gb2312-app --family "Form Serif SC Bold" --psname FormSerifSCBold-Regular

The bold face prints titles and labels, so it is GB2312 plus every GBK character of the app's
own texts (``forms/**/*.py`` and ``*.toml``: packs, page labels, samples): 3.4 instead of 9.1
MiB. Bold text with any other character falls back to the regular face (forms.render.fonts).

The second face, FormSerifSCExt-Regular.ttf, holds what a GBK face cannot print: the
通用规范汉字表 (8105 characters, 196 of them beyond the BMP), all of CJK Extension A and 𠮷,
minus GBK. Noto Serif CJK SC 2.001 lacks U+4DB6–4DBF (added to Extension A in Unicode 13);
those ten are taken from GNU Unifont (OFL-1.1 as one of its dual licences), scaled to the em:

    apt-get install -y fonts-noto-cjk fonts-unifont unicode-data
    .venv/bin/python tools/build_font.py \
        --source /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
        --remainder /usr/share/fonts/opentype/unifont/unifont.otf \
        --out resources/fonts/FormSerifSCExt-Regular.ttf \
        --level beyond-gbk --family "Form Serif SC Ext" --psname FormSerifSCExt-Regular

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


ROOT = Path(__file__).resolve().parents[1]
# The 8105 characters of the 通用规范汉字表, from Unicode's Unihan kTGH field (see the file's header).
TGH_LIST = ROOT / "tests" / "data" / "tongyong_guifan_hanzi_2013.txt"
EXT_A = (0x3400, 0x4DBF)
RARE_EXTRA = [0x20BB7]  # 𠮷: a common surname variant of 吉, not itself in the 8105 list


def tgh_codepoints(path: Path = TGH_LIST) -> set[int]:
    """Code points of the vendored 通用规范汉字表 list (lines "serial<TAB>U+XXXX<TAB>char")."""
    points = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            points.add(int(line.split("\t")[1].removeprefix("U+"), 16))
    return points


TGH_HEADER = """\
# 通用规范汉字表 (Table of General Standard Chinese Characters, 2013): all 8105 characters, one per
# line: serial number, code point, character. Serials 1-3500 一级, 3501-6500 二级, 6501-8105 三级.
# Source: the Unihan database's kTGH field (Unihan_OtherMappings.txt, Unicode 15.0.0, 2022-08-01) as
# shipped by Debian bookworm's package unicode-data 15.0.0-1 (/usr/share/unicode/).
# Licence: Unicode License v3 (https://www.unicode.org/license.txt), © 2022 Unicode, Inc.:
# free to copy and redistribute with this notice.
# Written by: tools/build_font.py --write-tgh /usr/share/unicode/Unihan_OtherMappings.txt.bz2
"""


def write_tgh_list(unihan_other_mappings: Path, out: Path = TGH_LIST) -> int:
    """Vendor the list from Unihan_OtherMappings.txt(.bz2) (Debian: unicode-data)."""
    import bz2

    opener = bz2.open if unihan_other_mappings.suffix == ".bz2" else open
    rows = []
    with opener(unihan_other_mappings, "rt", encoding="utf-8") as source:
        for line in source:
            if "\tkTGH\t" in line:
                cp, _, values = line.rstrip("\n").split("\t")
                rows += [(int(v.split(":")[1]), int(cp[2:], 16)) for v in values.split()]
    rows.sort()
    if [serial for serial, _ in rows] != list(range(1, 8106)):
        raise SystemExit(f"{unihan_other_mappings}: expected kTGH serials 1..8105, got {len(rows)} rows")
    lines = [f"{serial}\tU+{cp:04X}\t{chr(cp)}" for serial, cp in rows]
    out.write_text(TGH_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


def app_text_codepoints(root: Path = ROOT) -> set[int]:
    """Every GBK character of the app's own texts: what it prints in titles and labels."""
    chars: set[str] = set()
    for path in sorted([*root.glob("forms/**/*.py"), *root.glob("forms/**/*.toml")]):
        chars.update(path.read_text(encoding="utf-8"))
    return {ord(ch) for ch in chars if ord(ch) > 0x7F and _in_codec(ord(ch), "gbk")}


def codepoints(level: str) -> set[int]:
    if level == "beyond-gbk":
        rare = tgh_codepoints() | set(range(EXT_A[0], EXT_A[1] + 1)) | set(RARE_EXTRA)
        return {cp for cp in rare if not _in_codec(cp, "gbk")}
    if level == "gb2312-app":
        # GB2312 as Python maps it has U+30FB ・ where GBK has U+00B7 ·: the bold face falls back
        # to the GBK one, so it keeps to the GBK one's characters
        gbk = codepoints("gbk")
        return (codepoints("gb2312") | app_text_codepoints()) & gbk
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


def _in_codec(cp: int, codec: str) -> bool:
    try:
        chr(cp).encode(codec)
    except UnicodeEncodeError:
        return False
    return True


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
    # reportlab reads one Windows Unicode table, the last one listed: format 4 (BMP) or, when a
    # face has characters beyond the BMP (𠮷, 𬭎 …), format 12 (3, 10). UVS and Mac tables are dead weight.
    keep = [(3, 1, 4), (3, 10, 12)] if max(unicodes) > 0xFFFF else [(3, 1, 4)]
    cmap.tables = [t for t in cmap.tables if (t.platformID, t.platEncID, t.format) in keep]
    if len(cmap.tables) != len(keep):
        raise SystemExit(f"the source font lacks one of the cmap subtables {keep}")


def remainder_glyphs(font: TTFont, remainder: Path, unicodes: set[int]) -> dict[int, tuple[str, object]]:
    """Glyphs for ``unicodes`` taken from another (CFF) font, redrawn as quadratic outlines
    scaled to ``font``'s em and advance: {code point: (glyph name, glyph)}."""
    from fontTools.pens.transformPen import TransformPen

    other = TTFont(str(remainder), lazy=True)
    other_cmap = other.getBestCmap()
    other_glyphs = other.getGlyphSet()
    scale = font["head"].unitsPerEm / other["head"].unitsPerEm
    taken = {}
    for cp in sorted(unicodes):
        if cp not in other_cmap:
            continue
        tt_pen = TTGlyphPen(None)
        pen = Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=True)
        other_glyphs[other_cmap[cp]].draw(TransformPen(pen, (scale, 0, 0, scale, 0, 0)))
        taken[cp] = (f"u{cp:04X}", tt_pen.glyph())
    return taken


def cff_to_glyf(font: TTFont, added: dict[int, tuple[str, object]] | None = None) -> None:
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType clockwise
        glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()
    added = added or {}
    if added:
        em = font["head"].unitsPerEm
        glyph_order = glyph_order + [name for name, _ in added.values()]
        font.setGlyphOrder(glyph_order)
        for cp, (name, glyph) in added.items():
            glyphs[name] = glyph
            font["hmtx"][name] = (em, 0)  # an ideograph is one em wide; the lsb is set below
            for table in font["cmap"].tables:
                if cp <= 0xFFFF or table.format == 12:
                    table.cmap[cp] = name

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


def rename(
    font: TTFont, family: str, style: str, psname: str, level: str, source_family: str, remainder: Path | None = None
) -> None:
    name = font["name"]
    version = (name.getDebugName(5) or "Version ?").split(";")[0].removeprefix("Version ").strip()
    full = family if style == "Regular" else f"{family} {style}"
    dropped = (1, 2, 3, 4, 6, 10, 16, 17, 18, 21, 22, 25) + ((0,) if remainder is not None else ())
    copyright_notice = name.getDebugName(0)
    name.names = [r for r in name.names if r.nameID not in dropped]
    values = {
        1: family,
        2: style,
        3: f"{version};{psname};cxy-apply",
        4: full,
        6: psname,
        10: f"Derived from {source_family} {version}: TrueType outlines (cu2qu), {level.upper()} subset.",
    }
    if remainder is not None:
        values[10] += (
            f" Glyphs the source lacks are from {remainder.name} (GNU Unifont, dual-licensed"
            " OFL-1.1 / GPL-2+ with font embedding exception), used under OFL-1.1."
        )
        # OFL condition 2: the copyright notice travels with every copy, so both notices are kept
        other = TTFont(str(remainder), lazy=True)["name"].getDebugName(0)
        values[0] = f"{copyright_notice} Glyphs from GNU Unifont: {other}"
    for name_id, value in values.items():
        name.setName(value, name_id, 3, 1, 0x409)


def build(
    source: Path,
    out: Path,
    level: str,
    family: str,
    psname: str,
    style: str,
    face_family: str,
    remainder: Path | None = None,
) -> dict:
    started = time.monotonic()
    index = face_index(source, face_family)
    font = TTFont(str(source), fontNumber=index, recalcTimestamp=False, lazy=False)
    if "CFF " not in font:
        raise SystemExit(f"{source}: expected CFF outlines, got {sorted(font.keys())}")
    available = set(font.getBestCmap())
    wanted = codepoints(level)
    subset_font(font, wanted)
    added = remainder_glyphs(font, remainder, wanted - available) if remainder else {}
    cff_to_glyf(font, added)
    rename(font, family, style, psname, level, face_family, remainder if added else None)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out), reorderTables=True)
    covered = set(TTFont(str(out), lazy=True).getBestCmap())
    return {
        "face_index": index,
        "wanted": len(wanted),
        "covered": len(covered & wanted),
        "cmap": len(covered),
        "missing": sorted(wanted - available - set(added)),
        "added": sorted(added),
        "glyphs": len(font.getGlyphOrder()),
        "bytes": out.stat().st_size,
        "seconds": time.monotonic() - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--write-tgh",
        type=Path,
        metavar="UNIHAN_OTHER_MAPPINGS",
        help=f"only (re)write {TGH_LIST.relative_to(ROOT)} from Unihan_OtherMappings.txt(.bz2)",
    )
    parser.add_argument("--source", type=Path, help="NotoSerifCJK-*.ttc (or an .otf)")
    parser.add_argument("--remainder", type=Path, help="a font for wanted characters the source lacks (unifont.otf)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--level", choices=["gb2312", "gb2312-app", "gbk", "beyond-gbk"], default="gbk")
    parser.add_argument("--family", help='new family name, e.g. "Form Serif SC"')
    parser.add_argument("--psname", help="PostScript name; must differ between shipped files")
    parser.add_argument("--style", default="Regular")
    parser.add_argument("--face", default="Noto Serif CJK SC", help="family name of the face to take from a .ttc")
    args = parser.parse_args(argv)
    if args.write_tgh:
        print(f"{TGH_LIST}: {write_tgh_list(args.write_tgh)} characters")
        return 0
    if not (args.source and args.out and args.family and args.psname):
        parser.error("--source, --out, --family and --psname are required to build a font")

    stats = build(args.source, args.out, args.level, args.family, args.psname, args.style, args.face, args.remainder)
    missing = stats["missing"]
    print(
        f"{args.out}: face #{stats['face_index']}, {stats['covered']} of {stats['wanted']} wanted code points "
        f"({stats['cmap']} in cmap), {stats['glyphs']} glyphs, {stats['bytes'] / 2**20:.2f} MiB, {stats['seconds']:.1f} s"
    )
    if stats["added"]:
        print(
            f"  {len(stats['added'])} taken from {args.remainder}: " + " ".join(f"U+{cp:04X}" for cp in stats["added"])
        )
    if missing:
        sample = " ".join(f"U+{cp:04X}" for cp in missing[:40])
        print(
            f"  {len(missing)} wanted code points are not in the source font: {sample}{' …' if len(missing) > 40 else ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
