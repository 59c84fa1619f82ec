"""The reportlab story of each kind of document: a form (heading and grid) or a letter.

A form is its heading and ruled grid (:mod:`forms.render.form_grid`); a letter its heading,
numbered points and sign lines.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from forms.layout import Documents, FormLayout, LetterLayout, Style
from forms.pack import Pack

from .fonts import FontNames
from .form_grid import GRID, FormGrid
from .primitives import Line, Styles
from .printed_values import Values


class _Heading(Flowable):
    """The annex number at the top left and the title (and subtitle) centred under it.

    The title is written into the page before the annex number: the seed's extraction lost the
    template's heading font entirely, so it is silent on where the title sits in the text, while
    the annex number is attested (the seed's "1" opens 附件1 and runs straight into its grid).
    Printed, the page reads exactly the same: annex number above, title below."""

    def __init__(self, annex: Paragraph, title: list[Flowable], gap: float) -> None:
        super().__init__()
        self.annex, self.title, self.gap = annex, title, gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._annex_h = self.annex.wrap(availWidth, availHeight)[1]
        self._title_h = [part.wrap(availWidth, availHeight)[1] for part in self.title]
        self.width, self.height = availWidth, self._annex_h + self.gap + sum(self._title_h)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height - self._annex_h - self.gap
        for part, height in zip(self.title, self._title_h):
            y -= height
            part.drawOn(self.canv, 0, y)
        self.annex.drawOn(self.canv, 0, self.height - self._annex_h)


def _heading(text: str, styles: Styles, style: Style, *, annex: str, subtitle: str | None = None) -> list[Flowable]:
    title: list[Flowable] = [styles.paragraph(text, size=style.title_size, bold=True, align="center")]
    if subtitle:
        title += [Spacer(1, 1.5 * mm), styles.paragraph(subtitle, size=style.subtitle_size, align="center")]
    return [_Heading(styles.paragraph(annex, size=style.annex_size, bold=True), title, 4 * mm)]


def form_story(layout: FormLayout, docs: Documents, values: Values, pack: Pack, fonts: FontNames) -> list[Flowable]:
    style = docs.style
    styles = Styles(fonts, style.font_size, style.leading, style.small_size)
    category = pack.category(layout.category)
    assert category is not None
    story = _heading(
        category.title.zh, styles, style, annex=f"附件{category.annex}", subtitle=f"（{category.subtitle.zh}）"
    )
    story.append(Spacer(1, 5 * mm))
    grid = FormGrid(layout, docs, values, pack, styles)
    rows = docs.expanded_rows(layout)
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        if row.heading is not None and following is not None and following.table is not None:
            grid.segment(keep=True)  # the team's heading stays with its column titles and first line
        elif row.table is not None and not grid.keep:
            grid.segment(keep=True)
        grid.add(row)
        if row.table is not None:
            grid.segment(keep=False)
    story.extend(grid.tables())
    return story


# --------------------------------------------------------------------------------------------
# Letters


def letter_story(layout: LetterLayout, style: Style, values: Values, pack: Pack, fonts: FontNames) -> list[Flowable]:
    letter = pack.letters[layout.letter]
    size, leading = style.letter_size, style.letter_leading
    styles = Styles(fonts, size, leading, style.small_size)
    story = _heading(letter.title.zh, styles, style, annex=f"附件{letter.annex}")
    story.append(Spacer(1, 6 * mm))
    for line in layout.header:
        story.append(styles.paragraph(line.label + values.text(line.value), leading=leading))
    if layout.header:
        story.append(Spacer(1, 3 * mm))
    indent = 2 * size
    story.append(styles.paragraph(letter.intro.zh, indent=indent, align="justify", leading=leading))
    points = [
        styles.paragraph(f"{number}. {point.zh}", indent=indent, align="justify", leading=leading)
        for number, point in enumerate(letter.points, start=1)
    ]
    story.extend(points[:-1])
    # the last point stays on the page of the signatures, so a sign page never stands alone
    story.append(KeepTogether([*points[-1:], Spacer(1, 10 * mm), _sign_block(layout, style, values, pack, styles)]))
    return story


def _sign_block(layout: LetterLayout, style: Style, values: Values, pack: Pack, styles: Styles) -> Table:
    """Sign lines at the right: a seal line prints its name on the line; a signature line stays
    blank and prints the typed name small underneath (spec §6.4)."""
    letter = pack.letters[layout.letter]
    label_w, blank_w = 48 * mm, 58 * mm
    rows: list[list[Any]] = []
    heights: list[float] = []
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), styles.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]
    line_h = max(12 * mm, layout.seal_mm * mm / max(1, len(letter.sign)))
    for sign in letter.sign:
        value = values.text(sign.value) if sign.value else ""
        signature = "签" in sign.zh
        rows.append([styles.paragraph(sign.zh, align="right"), styles.paragraph("" if signature else value)])
        heights.append(line_h)
        commands.append(("LINEBELOW", (1, len(rows) - 1), (1, len(rows) - 1), 0.6, GRID))
        if signature and value:
            rows.append(["", styles.paragraph(f"（{value}）", align="center", size=style.small_size)])
            heights.append(5 * mm)
            commands.append(("VALIGN", (0, len(rows) - 1), (-1, len(rows) - 1), "TOP"))
    rows.append(["", Line(pack.date_line.zh, styles.fonts.regular, styles.size, "right")])
    heights.append(12 * mm)
    return Table(rows, colWidths=[label_w, blank_w], minRowHeights=heights, style=TableStyle(commands), hAlign="RIGHT")
