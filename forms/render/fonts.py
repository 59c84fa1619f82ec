"""The fonts every PDF is drawn with, and which characters they cannot print.

The shipped faces are TrueType subsets of Noto Serif CJK SC: a GBK regular face, a bold face
for titles and labels (GB2312 plus every character of the app's own texts), and a regular-only
face for the rarer characters people have in their names: the 通用规范汉字表's members beyond
GBK (𬭎 𬬭 …, many beyond the BMP), CJK Extension A (䶮) and 𠮷 (see ``resources/fonts/README.md``).
reportlab has no font fallback, so text is split into runs (:func:`text_runs`): bold text falls
back to the regular face, and both to the rare face; reportlab embeds only the glyphs a document
uses, so a PDF without rare characters carries no trace of that face. A character no face has is
drawn as the .notdef box, silently, so the UI asks :func:`unprintable_chars` while the user types
and warns.

The installer ships each face xz-compressed (``FormSerifSC-Regular.ttf.xz``: 9.4 -> 4.7 MB; about
0.3 s to unpack in memory on first use, four times gzip's, for 17 % less); a plain
``.ttf`` beside it, as in a source checkout, wins.
"""

from __future__ import annotations

import io
import lzma
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forms.errors import UserError
from forms.paths import resource

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont


@dataclass(frozen=True)
class FontNames:
    """reportlab font names. ``regular`` is also the family name: in a Paragraph styled with
    ``fontName=names.regular``, ``<b>…</b>`` switches to ``bold``."""

    regular: str = "FormSerifSC"
    # GB2312 and the app's own texts (titles, labels); other characters fall back to ``regular``
    bold: str = "FormSerifSC-Bold"
    # characters beyond GBK; regular only, bold text uses it too (a heavier stroke for a handful
    # of rare characters is not worth another 3 MB)
    rare: str = "FormSerifSCExt"


NAMES = FontNames()
_FILES = {
    NAMES.regular: "FormSerifSC-Regular.ttf",
    NAMES.bold: "FormSerifSC-Bold.ttf",
    NAMES.rare: "FormSerifSCExt-Regular.ttf",
}

# Each face's character set as hex code-point ranges, written by tools/font_charset.py when the
# fonts are built: typing checks read them instead of parsing 9 MB fonts (≈0.5 s at start).
CHARSET_FILE = "FormSerifSC-Regular.charset"
BOLD_CHARSET_FILE = "FormSerifSC-Bold.charset"
RARE_CHARSET_FILE = "FormSerifSCExt-Regular.charset"
CHARSET_FILES = {NAMES.regular: CHARSET_FILE, NAMES.bold: BOLD_CHARSET_FILE, NAMES.rare: RARE_CHARSET_FILE}
PACKED_SUFFIX = ".xz"  # how installer/cxy-apply.spec ships the fonts

_lock = threading.Lock()
_charsets: dict[str, frozenset[str]] = {}


def register_fonts() -> FontNames:
    """Register the bundled faces with reportlab (once per process) and return their names."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics

    # ASCII85 makes every stream 25 % larger and runs in pure Python; PDF files are binary-safe.
    rl_config.useA85 = 0
    with _lock:
        _fix_to_unicode_beyond_bmp()
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(_load(name, filename))
        pdfmetrics.registerFontFamily(
            NAMES.regular, normal=NAMES.regular, bold=NAMES.bold, italic=NAMES.regular, boldItalic=NAMES.bold
        )
        # <b> around a rare run keeps the rare face (it has no bold)
        pdfmetrics.registerFontFamily(
            NAMES.rare, normal=NAMES.rare, bold=NAMES.rare, italic=NAMES.rare, boldItalic=NAMES.rare
        )
    return NAMES


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with each code point written as UTF-16BE. reportlab 5.1 writes
    ``<%04X>``: five hex digits for 𠮷 U+20BB7, which viewers reject, so copying or searching a
    name beyond the BMP would fail although its glyph prints."""
    pairs = [f"<{code:02X}> <{chr(cp).encode('utf-16-be').hex().upper()}>" for code, cp in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *pairs,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _fix_to_unicode_beyond_bmp() -> None:
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def _load(name: str, filename: str) -> TTFont:
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = resource("fonts", filename)
    packed = path.with_name(f"{path.name}{PACKED_SUFFIX}")
    source = path if path.is_file() else packed if packed.is_file() else None
    if source is None:
        raise UserError(
            "render.font_missing",
            f"找不到打印用字体文件 {path}，请重新安装本程序。",
            f"The PDF font file {path} is missing; please reinstall the app.",
        )
    try:
        if source is packed:
            return TTFont(name, io.BytesIO(lzma.decompress(packed.read_bytes(), format=lzma.FORMAT_XZ)))
        return TTFont(name, str(path))
    except (TTFError, OSError, EOFError, lzma.LZMAError, ValueError, IndexError, KeyError) as exc:
        raise UserError(
            "render.font_broken",
            f"打印用字体文件 {source} 已损坏，请重新安装本程序。",
            f"The PDF font file {source} is damaged; please reinstall the app.",
        ) from exc


def font_charset(name: str = NAMES.regular) -> frozenset[str]:
    """The characters a registered face has a glyph for, read from the font itself."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    face = pdfmetrics.getFont(name).face
    # format-4 cmaps end with a 0xFFFF segment mapped to glyph 0; that is not a glyph
    return frozenset(chr(cp) for cp, glyph in face.charToGlyph.items() if glyph)


def charset_ranges(chars: frozenset[str]) -> list[tuple[int, int]]:
    points = sorted(map(ord, chars))
    ranges: list[tuple[int, int]] = []
    for cp in points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


def _read_charset(text: str) -> frozenset[str]:
    chars: set[str] = set()
    for line in text.split():
        low, _, high = line.partition("-")
        chars.update(map(chr, range(int(low, 16), int(high or low, 16) + 1)))
    return frozenset(chars)


def charset(name: str) -> frozenset[str]:
    """The characters face ``name`` (one of :data:`NAMES`) prints, from its charset file."""
    chars = _charsets.get(name)
    if chars is None:
        try:
            chars = _read_charset(resource("fonts", CHARSET_FILES[name]).read_text(encoding="ascii"))
        except (OSError, ValueError):
            chars = font_charset(name)
        _charsets[name] = chars
    return chars


def text_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` as (font name, text) runs, each character in the first face that has it:
    bold → regular → rare (``font`` bold), regular → rare (``font`` regular); a character no
    face has stays in ``font`` (its .notdef box). Text in any other font is one run."""
    if text.isascii() or font not in (NAMES.regular, NAMES.bold):
        return [(font, text)] if text else []
    chain = [font] + [name for name in (NAMES.regular, NAMES.rare) if name != font]
    sets = [(name, charset(name)) for name in chain]
    runs: list[tuple[str, str]] = []
    for ch in text:
        face = next((name for name, chars in sets if ch in chars), font)
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


def unprintable_chars(text: str) -> list[str]:
    """Characters of ``text`` no bundled face can draw, first appearance first, each once.

    Whitespace and control characters are left to the layout code and never reported.
    Invisible format characters (zero-width joiner, emoji variation selector…) are reported:
    the PDF would show a box for them too.
    """
    base, rare = charset(NAMES.regular), charset(NAMES.rare)
    return [
        ch
        for ch in dict.fromkeys(text)
        if ch not in base and ch not in rare and not ch.isspace() and unicodedata.category(ch) != "Cc"
    ]
