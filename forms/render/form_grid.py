"""A form's ruled grid as reportlab tables: spans, minimum heights, continuations, team, seals.

The declared rows of the form's layout, drawn as stacked tables with the same columns so that a
part (the team's head) can be kept on one page, and a row too tall for a page continued below.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from forms.derive import DERIVED
from forms.layout import Cell, Documents, FormLayout, Row
from forms.pack import Pack

from .primitives import CANNOT_END as _CANNOT_END
from .primitives import CANNOT_START as _CANNOT_START
from .primitives import CheckboxGroup, Line, Styles
from .printed_values import Values

MIN_SHRINK = 0.75  # smallest font scale for a value squeezed onto one line
SEAL_PAD = 2.5 * mm  # above the seal labels and below the date lines
GRID = colors.black


class FormGrid:
    """Builds one reportlab Table from the declared rows: spans, minimum heights, rules."""

    def __init__(self, layout: FormLayout, docs: Documents, values: Values, pack: Pack, styles: Styles) -> None:
        self.style = docs.style
        self.values = values
        self.pack = pack
        self.styles = styles
        width = docs.content_width_mm() * mm
        self.ncols = len(layout.columns)
        self.widths = [width * c / sum(layout.columns) for c in layout.columns]
        self.rows: list[list[Any]] = []
        self.heights: list[float] = []
        self.segments: list[tuple[int, bool]] = [(0, False)]  # (first row, kept on one page)
        self.keep = False
        margins = docs.style.margins_mm
        # a row never gets taller than about half a page, so it always fits on a fresh one
        self.max_row = (A4[1] / mm - margins.top - margins.bottom) * mm * 0.45
        self.commands: list[tuple[Any, ...]] = []

    def _place(
        self,
        cells: list[tuple[Any, int]],
        min_height: float,
        *,
        top: tuple[int, ...] = (),
        labels: tuple[int, ...] = (),
    ) -> None:
        """Append one grid row; ``top`` lists the cells (by position in ``cells``) that start
        at the top instead of the middle, as a text area does; ``labels`` the label cells.

        A row taller than :attr:`max_row` (a draft may hold far more text than the form allows)
        becomes several rows, each cell's text continuing in the row below: the table then
        breaks between rows and nothing ever runs outside its cell. (reportlab's own
        ``splitInRow`` loses the column spans of the continued part.)"""
        pieces = [self._pieces(content, self._width(cells, n)) for n, (content, _span) in enumerate(cells)]
        count = max(len(p) for p in pieces)
        for part in range(count):
            index = len(self.rows)
            line: list[Any] = []
            for number, (_content, span) in enumerate(cells):
                start = len(line)
                own = pieces[number]
                if part < len(own):
                    line.append(own[part])
                elif number in labels:
                    line.append(self.styles.paragraph("（续）", align="center", size=self.style.small_size))
                else:
                    line.append("")
                line.extend([""] * (span - 1))
                if span > 1:
                    self.commands.append(("SPAN", (start, index), (start + span - 1, index)))
                if number in top or count > 1:
                    self.commands.append(("VALIGN", (start, index), (start, index), "TOP"))
            self.rows.append(line)
            self.heights.append(min_height)

    def _width(self, cells: list[tuple[Any, int]], number: int) -> float:
        start = sum(span for _content, span in cells[:number])
        pad = self.style.cell_padding_mm * mm
        return float(sum(self.widths[start : start + cells[number][1]]) - 2 * pad)

    def _pieces(self, content: Any, width: float) -> list[Any]:
        if not isinstance(content, Paragraph):
            return [content]
        pieces: list[Any] = []
        rest: Paragraph | None = content
        while rest is not None:
            _, height = rest.wrap(width, self.max_row)
            if height <= self.max_row:
                pieces.append(rest)
                break
            parts = rest.split(width, self.max_row)
            if len(parts) < 2:  # cannot split (one enormous line): keep it, reportlab will shrink nothing
                pieces.append(rest)
                break
            pieces.append(parts[0])
            rest = parts[1]
        return pieces

    def add(self, row: Row) -> None:
        row_min = (row.min_height_mm or self.style.row_min_mm) * mm
        if row.cells is not None:
            # in a row taller than usual (a text area) the values start at the top
            top = tuple(i for i, c in enumerate(row.cells) if row.min_height_mm and not c.is_label)
            labels = tuple(i for i, c in enumerate(row.cells) if c.is_label)
            spans = [(None, c.span) for c in row.cells]
            contents = [
                (self._cell(cell, self._width(spans, n), shrink=n not in top), cell.span)
                for n, cell in enumerate(row.cells)
            ]
            self._place(contents, row_min, top=top, labels=labels)
        elif row.heading is not None:
            self._place([(self.styles.paragraph(row.heading, align="center"), self.ncols)], row_min)
        elif row.table is not None:
            self._table(row)
        elif row.seals is not None:
            self._seals(row)

    def _cell(self, cell: Cell, width: float, *, shrink: bool) -> Any:
        s, v = self.styles, self.values
        if cell.label is not None:
            parts = [self._label(cell.label, width, cell.align or "center", self.style.font_size)]
            if cell.note:
                parts.append(self._label(cell.note, width, cell.align or "center", self.style.small_size))
            return parts
        if cell.choice is not None:
            spec = self.pack.fields[cell.choice]
            keys = self.pack.choice_labels(spec.choices or "", category=v.category)
            options = [
                (cell.labels.get(key, label), ticked) for key, (label, ticked) in zip(keys, v.choice(cell.choice))
            ]
            return CheckboxGroup(options, s.fonts.regular, self.style.font_size)
        if cell.value is not None:
            text = v.text(cell.value)
        elif cell.derived is not None:
            text = DERIVED[cell.derived](v.data)
        elif cell.template is not None:
            text = v.template(cell.template)
        elif cell.pack is not None:
            text = str(getattr(self.pack, cell.pack))
        else:
            text = cell.text or ""
        if text and cell.suffix:
            text += cell.suffix
        return self._fit(text, width, cell.align or "left", shrink=shrink)

    def _label(self, text: str, width: float, align: str, size: float) -> Paragraph:
        """A label broken into lines of even length: "申报单位联系人" as 申报单位 / 联系人, never
        with one character left alone on its last line."""
        font = self.styles.fonts.regular
        lines = [line for part in text.split("\n") for line in balanced_lines(part, font, size, width)]
        return self.styles.paragraph("\n".join(lines), align=align, size=size)

    def _fit(self, text: str, width: float, align: str, *, shrink: bool = True) -> Paragraph:
        """A value that nearly fits on one line is set a little smaller rather than broken
        (a registration number or an e-mail address reads badly across two lines)."""
        size = self.style.font_size
        if shrink and text and "\n" not in text:
            needed = stringWidth(text, self.styles.fonts.regular, size)
            if width < needed <= width / MIN_SHRINK:
                size = max(size * MIN_SHRINK, int(size * width / needed * 4) / 4)
        return self.styles.paragraph(text, align=align, size=size)

    def _table(self, row: Row) -> None:
        columns = row.columns or []
        spans = [(None, c.span) for c in columns]
        headers = [
            (self._label(c.header, self._width(spans, n), "center", self.style.font_size), c.span)
            for n, c in enumerate(columns)
        ]
        self._place(headers, self.style.row_min_mm * mm)
        items = self.values.items(row.table or "")
        for index in range(max(len(items), row.min_rows)):
            cells: list[tuple[Any, int]] = []
            for column in columns:
                text = ""
                if column.value is not None and index < len(items):
                    text = self.values.text(column.value.replace("*", str(index)))
                cells.append(
                    (self._fit(text, self._width([(None, c.span) for c in columns], len(cells)), "center"), column.span)
                )
            self._place(cells, self.style.table_row_mm * mm)
            if index == 0:
                # heading, column titles and the first line stay together; the other lines may
                # continue on the next page. Nothing repeats there: the template prints its
                # heading once (a second copy is text the seed does not have).
                self.segment(keep=False)

    def _seals(self, row: Row) -> None:
        s = self.styles
        seals = row.seals or []
        default = self.ncols // len(seals)
        spans = [seal.span or default for seal in seals]
        pad = self.style.cell_padding_mm * mm
        widths, start = [], 0
        for span in spans:
            widths.append(sum(self.widths[start : start + span]))
            start += span
        block = _SealRow(
            [s.paragraph(seal.label, align="left") for seal in seals],
            Line(self.pack.date_line.zh, s.fonts.regular, self.style.font_size, "right"),
            widths,
            pad,
            row.seal_mm * mm,
        )
        self._place([(block, self.ncols)], row.seal_mm * mm)
        last = len(self.rows) - 1
        self.commands.append(("VALIGN", (0, last), (-1, last), "TOP"))
        for name in ("LEFTPADDING", "RIGHTPADDING"):
            self.commands.append((name, (0, last), (-1, last), 0))
        self.commands.append(("TOPPADDING", (0, last), (-1, last), SEAL_PAD))
        self.commands.append(("BOTTOMPADDING", (0, last), (-1, last), SEAL_PAD))

    def segment(self, keep: bool) -> None:
        """Start a new table here. The grid is drawn as stacked tables with the same columns, so
        that a part (the team's head) can be kept on one page: ``keep``."""
        self.keep = keep
        if self.segments[-1][0] == len(self.rows):
            self.segments[-1] = (len(self.rows), keep)
        else:
            self.segments.append((len(self.rows), keep))

    def tables(self) -> list[Flowable]:
        pad = self.style.cell_padding_mm * mm
        bounds = [start for start, _ in self.segments[1:]] + [len(self.rows)]
        out = []
        for number, ((start, keep), end) in enumerate(zip(self.segments, bounds)):
            if start == end:
                continue
            commands = [
                ("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),  # blank cells name a font too
                ("GRID", (0, 0), (-1, -1), 0.6, GRID),
                ("LINEBEFORE", (0, 0), (0, -1), 1.2, GRID),
                ("LINEAFTER", (-1, 0), (-1, -1), 1.2, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                *(_shift(command, start) for command in self.commands if start <= _row_of(command) < end),
            ]
            if number == 0:
                commands.append(("LINEABOVE", (0, 0), (-1, 0), 1.2, GRID))
            if end == len(self.rows):
                commands.append(("LINEBELOW", (0, -1), (-1, -1), 1.2, GRID))
            table = Table(
                self.rows[start:end],
                colWidths=self.widths,
                minRowHeights=self.heights[start:end],
                style=TableStyle(commands),
                splitByRow=1,
            )
            out.append(KeepTogether([table]) if keep else table)
        return out


class _SealRow(Flowable):
    """The seal blocks side by side in one grid row: each label at the top of its block, room
    for a round seal, and the blank date line at the bottom; the blocks are parted by rules.

    All labels are written before the date lines, as the template's two rows of text are
    (seed L286–287: "（盖章）" three times, then "2023" three times)."""

    def __init__(
        self, labels: list[Paragraph], date_line: Flowable, widths: list[float], pad: float, seal: float
    ) -> None:
        super().__init__()
        self.labels, self.date_line, self.widths, self.pad, self.seal = labels, date_line, widths, pad, seal

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        inner = [w - 2 * self.pad for w in self.widths]
        self._label_h = max(label.wrap(w, availHeight)[1] for label, w in zip(self.labels, inner))
        self._date_h = self.date_line.wrap(min(inner), availHeight)[1]
        self.width, self.height = sum(self.widths), self._label_h + self.seal + self._date_h
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        x = 0.0
        for label, width in zip(self.labels, self.widths):
            _, height = label.wrap(width - 2 * self.pad, self.height)
            label.drawOn(canv, x + self.pad, self.height - height)
            x += width
        x = 0.0
        for width in self.widths:
            self.date_line.wrap(width - 2 * self.pad, self.height)
            self.date_line.drawOn(canv, x + self.pad, 0)
            x += width
        # the rules between the blocks run through the cell padding to the row's own rules
        canv.saveState()
        canv.setLineWidth(0.6)
        canv.setStrokeColor(GRID)
        x = 0.0
        for width in self.widths[:-1]:
            x += width
            canv.line(x, -SEAL_PAD, x, self.height + SEAL_PAD)
        canv.restoreState()


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` as the fewest lines that fit ``width``, of lengths as even as the line breaks
    allow: the narrowest width that still needs no more lines decides where they break."""

    def wrap(limit: float) -> list[str]:
        lines, line = [], ""
        for ch in text:
            if line and stringWidth(line + ch, font, size) > limit + 1e-6:
                rest = ch
                # a closing mark never starts a line, an opening one never ends it
                while len(line) > 1 and (rest[0] in _CANNOT_START or line[-1] in _CANNOT_END):
                    line, rest = line[:-1], line[-1] + rest
                lines.append(line)
                line = rest
            else:
                line += ch
        return [*lines, line] if line else lines

    if not text or stringWidth(text, font, size) <= width:
        return [text]
    lines = wrap(width)
    low, high = max(stringWidth(ch, font, size) for ch in text), width
    for _ in range(20):
        middle = (low + high) / 2
        if len(wrap(middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrap(high)


def _row_of(command: tuple[Any, ...]) -> int:
    return int(command[1][1])  # a reportlab TableStyle command: (name, (col, row), ...)


def _shift(command: tuple[Any, ...], start: int) -> tuple[Any, ...]:
    name, (c0, r0), (c1, r1), *rest = command
    return (name, (c0, r0 - start), (c1, r1 - start), *rest)
