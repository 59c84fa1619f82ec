"""Drawing primitives the layouts are made of: text styles, checkbox groups, seal blocks and
sign blocks. Boxes and ticks are vector paths because no CJK font has ☑ (research §1.1)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus import paragraph as _rl_paragraph

from .fonts import NAMES, FontNames, text_runs

# reportlab's CJK wrapping knows the Japanese line-start rules but not Chinese full-width
# punctuation, so a line could begin with "，". Both wrapping paths read the list at wrap
# time, so extending it once here fixes every Paragraph.
_CHINESE_CANNOT_START = "，。、；：！？）》〉」』】〕”’…％"
_CHINESE_CANNOT_END = "（《〈「『【〔“‘"
for _module in (_rl_textsplit, _rl_paragraph):
    _module.ALL_CANNOT_START += "".join(ch for ch in _CHINESE_CANNOT_START if ch not in _module.ALL_CANNOT_START)
_CANNOT_END = _rl_textsplit.ALL_CANNOT_END + _CHINESE_CANNOT_END
CANNOT_START = _rl_paragraph.ALL_CANNOT_START  # marks that never begin a line
CANNOT_END = _CANNOT_END  # marks that never end one


def _glyph_width(u: Any, max_width: float) -> float:  # u: a reportlab _SplitFrag unit
    w = u.width
    if hasattr(w, "normalizedValue"):
        w._normalizer = max_width
        w = w.normalizedValue(max_width)
    return float(w)


def _break_before(units: list[Any], start: int, end: int) -> int:
    """Where a line that overflows at ``units[end - 1]`` ends (the next line's first glyph).

    reportlab lets a mark that cannot start a line hang past the right edge; in a table cell a
    wide mark such as "℃" then runs over the rule. Instead the glyph before it moves down with
    it, and an opening bracket never ends a line."""
    cut = end - 1 if end - 1 > start else end  # a glyph wider than the line stays on it
    glyph = units[cut] if cut < len(units) else ""
    if len(glyph) == 1 and ord(glyph) < 0x3000:
        # inside a Latin word or number: break after the last space or hanzi, if it is not too
        # far back (half the line), rather than in the middle of "2023" or an e-mail address
        for j in range(cut - 1, (start + cut) // 2, -1):
            unit = units[j]
            if len(unit) == 1 and (unicodedata.category(unit) == "Zs" or ord(unit) >= 0x3000):
                cut = j + 1
                break
    cannot_start = _rl_paragraph.ALL_CANNOT_START
    for _ in range(3):  # a run of three closing marks is as far as a real text goes
        if cut > start + 1 and cut < len(units) and (units[cut] in cannot_start or units[cut - 1] in _CANNOT_END):
            cut -= 1
        else:
            break
    return cut


def _cjk_frag_split(frags: Any, maxWidths: Any, calcBounds: Any, encoding: str = "utf8") -> Any:
    """reportlab's ``cjkFragSplit`` (CJK line breaking) without hanging marks: see
    :func:`_break_before`."""
    units: list[Any] = []
    for frag in frags:
        text = frag.text.decode(encoding) if isinstance(frag.text, bytes) else frag.text
        if text:
            units.extend(_rl_paragraph.cjkU(t, frag, encoding) for t in text)
        else:
            units.append(_rl_paragraph.cjkU(text, frag, encoding))
    lines = []
    i = start = 0
    used = 0.0
    max_width = maxWidths[0]
    while i < len(units):
        unit = units[i]
        i += 1
        used += _glyph_width(unit, max_width)
        line_break = hasattr(unit.frag, "lineBreak")
        if (used > max_width + _rl_paragraph._FUZZ and used > 0) or line_break:
            if not line_break:
                i = _break_before(units, start, i)
            used = sum(_glyph_width(u, max_width) for u in units[start:i])
            lines.append(
                _rl_paragraph.makeCJKParaLine(units[start:i], max_width, used, max_width - used, line_break, calcBounds)
            )
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            start = i
            used = 0.0
    if used > 0:
        lines.append(_rl_paragraph.makeCJKParaLine(units[start:], max_width, used, max_width - used, False, calcBounds))
    return _rl_paragraph.ParaLines(kind=1, lines=lines)


def _word_split(word: Any, maxWidths: Any, fontName: str, fontSize: float, encoding: str = "utf8") -> Any:
    """reportlab's ``wordSplit`` (a paragraph of one font and size) without hanging marks."""
    if isinstance(word, bytes):
        word = word.decode(encoding)
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]
    widths = [stringWidth(ch, fontName, fontSize) for ch in word]
    lines = []
    i = start = 0
    used = 0.0
    max_width = maxWidths[0]
    while i < len(word):
        used += widths[i]
        i += 1
        if used > max_width + _rl_paragraph._FUZZ:
            i = _break_before(word, start, i)
            used = sum(widths[start:i])
            lines.append([max_width - used, word[start:i].strip()])
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            start = i
            used = 0.0
    if used > 0:
        lines.append([max_width - used, word[start:]])
    return lines


_rl_paragraph.cjkFragSplit = _cjk_frag_split
_rl_paragraph.wordSplit = _word_split

ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


def markup(text: str, font: str = NAMES.regular) -> str:
    """Plain user text → Paragraph markup for a paragraph in ``font``: escaped, line breaks kept,
    characters ``font`` lacks set in the face that has them (reportlab has no font fallback)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(_line_markup(line, font) for line in lines)


def _line_markup(line: str, font: str) -> str:
    return "".join(
        escape(run) if face == font else f'<font name="{face}">{escape(run)}</font>'
        for face, run in text_runs(line, font)
    )


def text_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` as :func:`draw_text` draws it."""
    return float(sum(stringWidth(run, face, size) for face, run in text_runs(text, font)))


def draw_text(canv: Any, x: float, y: float, text: str, font: str, size: float, anchor: str = "left") -> None:
    """canvas.drawString/drawCentredString/drawRightString (``anchor`` left/center/right) with
    characters beyond the GBK faces set in the rare-character face, run by run."""
    runs = text_runs(text, font)
    if anchor != "left":
        width = sum(stringWidth(run, face, size) for face, run in runs)
        x -= width / 2 if anchor == "center" else width
    canv.saveState()
    for face, run in runs:
        canv.setFont(face, size)
        canv.drawString(x, y, run)
        x += stringWidth(run, face, size)
    canv.restoreState()


@dataclass(frozen=True)
class Styles:
    fonts: FontNames
    size: float
    leading: float
    small: float

    def para(
        self,
        *,
        align: str = "left",
        size: float | None = None,
        leading: float | None = None,
        bold: bool = False,
        indent: float = 0.0,
        color: str = "#000000",
    ) -> ParagraphStyle:
        size = size or self.size
        return ParagraphStyle(
            name=f"s{size}{align}{bold}{indent}",
            fontName=self.fonts.bold if bold else self.fonts.regular,
            fontSize=size,
            leading=leading or max(size * 1.35, self.leading * size / self.size),
            alignment=ALIGN[align],
            firstLineIndent=indent,
            wordWrap="CJK",  # breaks between any two hanzi, keeps kinsoku, and splits long Latin runs
            textColor=color,
        )

    def paragraph(self, text: str, **style: Any) -> Paragraph:
        paragraph_style = self.para(**style)
        return Paragraph(markup(text, paragraph_style.fontName), paragraph_style)


class CheckboxGroup(Flowable):
    """□A □B □C … with the chosen option ticked; options flow onto new lines when narrow."""

    def __init__(self, options: list[tuple[str, bool]], font: str, size: float) -> None:
        super().__init__()
        self.options = options
        self.font = font
        self.size = size
        self.box = size * 0.95
        self.gap = size * 0.35
        self.spacing = size * 1.4
        self.line = size * 1.6
        self._placed: list[tuple[float, int, str, bool]] = []

    def _item_width(self, label: str) -> float:
        return self.box + self.gap + text_width(label, self.font, self.size)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        widths = [self._item_width(label) for label, _ in self.options]
        total = sum(widths) + self.spacing * max(0, len(widths) - 1)
        placed: list[tuple[float, int, str, bool]] = []
        if total <= availWidth and widths:
            # one line: spread the options evenly, like the printed form's columns
            slack = (availWidth - total) / len(widths)
            x = 0.0
            for (label, ticked), width in zip(self.options, widths):
                placed.append((x, 0, label, ticked))
                x += width + self.spacing + slack
        else:
            x, line = 0.0, 0
            for (label, ticked), width in zip(self.options, widths):
                if x > 0 and x + width > availWidth:
                    x, line = 0.0, line + 1
                placed.append((x, line, label, ticked))
                x += width + self.spacing
        self._placed = placed
        lines = (placed[-1][1] + 1) if placed else 1
        self.width, self.height = availWidth, lines * self.line
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(0.7)
        canv.setFont(self.font, self.size)
        for x, line, label, ticked in self._placed:
            baseline = self.height - (line + 1) * self.line + (self.line - self.size) / 2 + self.size * 0.12
            bottom = baseline - self.size * 0.08
            canv.rect(x, bottom, self.box, self.box, stroke=1, fill=0)
            if ticked:
                b = self.box
                path = canv.beginPath()
                path.moveTo(x + 0.18 * b, bottom + 0.52 * b)
                path.lineTo(x + 0.42 * b, bottom + 0.2 * b)
                path.lineTo(x + 0.88 * b, bottom + 0.9 * b)
                canv.setLineWidth(1.3)
                canv.drawPath(path, stroke=1, fill=0)
                canv.setLineWidth(0.7)
            draw_text(canv, x + self.box + self.gap, baseline, label, self.font, self.size)
        canv.restoreState()


class Line(Flowable):
    """One line drawn verbatim: Paragraph would collapse the ideographic spaces that make the
    blanks of a date line such as "2023年　　月　　日"."""

    def __init__(self, text: str, font: str, size: float, align: str = "left") -> None:
        super().__init__()
        self.text, self.font, self.size, self.align = text, font, size, align

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.size * 1.4
        return self.width, self.height

    def draw(self) -> None:
        x = {"right": self.width, "center": self.width / 2}.get(self.align, 0.0)
        draw_text(self.canv, x, self.size * 0.35, self.text, self.font, self.size, self.align)
