"""The fonts every PDF is drawn with, and which characters they cannot print.

The shipped faces are GBK-level TrueType subsets of Noto Serif CJK SC (see
``resources/fonts/README.md``). reportlab draws a character the font lacks as the .notdef box,
silently, so the UI asks :func:`unprintable_chars` while the user types and warns early.

The installer ships each face gzip-compressed (``FormSerifSC-Regular.ttf.gz``: 9.4 -> 5.6 MB, about
0.06 s to unpack in memory on first use); a plain ``.ttf`` beside it, as in a source checkout,
wins.
"""

from __future__ import annotations

import gzip
import io
import threading
import unicodedata
import zlib
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
    bold: str = "FormSerifSC-Bold"


NAMES = FontNames()
_FILES = {
    NAMES.regular: "FormSerifSC-Regular.ttf",
    NAMES.bold: "FormSerifSC-Bold.ttf",
}

# The regular face's character set as hex code-point ranges, written by tools/font_charset.py
# when the font is built: typing checks read it instead of parsing a 9 MB font (≈0.5 s at start).
CHARSET_FILE = "FormSerifSC-Regular.charset"

_lock = threading.Lock()
_printable: frozenset[str] | None = None


def register_fonts() -> FontNames:
    """Register the bundled faces with reportlab (once per process) and return their names."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics

    # ASCII85 makes every stream 25 % larger and runs in pure Python; PDF files are binary-safe.
    rl_config.useA85 = 0
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(_load(name, filename))
        pdfmetrics.registerFontFamily(
            NAMES.regular, normal=NAMES.regular, bold=NAMES.bold, italic=NAMES.regular, boldItalic=NAMES.bold
        )
    return NAMES


def _load(name: str, filename: str) -> "TTFont":
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = resource("fonts", filename)
    packed = path.with_name(f"{path.name}.gz")
    source = path if path.is_file() else packed if packed.is_file() else None
    if source is None:
        raise UserError(
            "render.font_missing",
            f"找不到打印用字体文件 {path}，请重新安装本程序。",
            f"The PDF font file {path} is missing; please reinstall the app.",
        )
    try:
        if source is packed:
            return TTFont(name, io.BytesIO(gzip.decompress(packed.read_bytes())))
        return TTFont(name, str(path))
    except (TTFError, OSError, EOFError, zlib.error, ValueError, IndexError, KeyError) as exc:
        raise UserError(
            "render.font_broken",
            f"打印用字体文件 {source} 已损坏，请重新安装本程序。",
            f"The PDF font file {source} is damaged; please reinstall the app.",
        ) from exc


def font_charset() -> frozenset[str]:
    """The characters the regular face has a glyph for, read from the font itself."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(register_fonts().regular).face
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


def _printable_chars() -> frozenset[str]:
    global _printable
    if _printable is None:
        path = resource("fonts", CHARSET_FILE)
        try:
            _printable = _read_charset(path.read_text(encoding="ascii"))
        except (OSError, ValueError):
            _printable = font_charset()
    return _printable


def unprintable_chars(text: str) -> list[str]:
    """Characters of ``text`` the regular font cannot draw, first appearance first, each once.

    Whitespace and control characters are left to the layout code and never reported.
    Invisible format characters (zero-width joiner, emoji variation selector…) are reported:
    the PDF would show a box for them too.
    """
    printable = _printable_chars()
    return [
        ch
        for ch in dict.fromkeys(text)
        if ch not in printable and not ch.isspace() and unicodedata.category(ch) != "Cc"
    ]
