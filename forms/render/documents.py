"""One renderer for every document declared in ``documents.toml``: the category's 申报书 as a
ruled grid and the three integrity letters. Output is a pure function of (data, pack): reportlab
runs with ``invariant=1``, so the same data gives the same bytes."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, KeepTogether, LayoutError, Paragraph, Spacer, Table, TableStyle

from forms.derive import DERIVED, format_money, money, with_defaults
from forms.errors import UserError
from forms.model import flatten, pattern_of
from forms.pack import Pack

from .fonts import FontNames, register_fonts
from .layout import (
    TEMPLATE_FIELD,
    Cell,
    Documents,
    FormLayout,
    LetterLayout,
    Row,
    Style,
    parse_documents,
)
from .page import a4_document
from .primitives import CheckboxGroup, Line, SealBlock, Styles

MIN_SHRINK = 0.75  # smallest font scale for a value squeezed onto one line
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GRID = colors.black


# --------------------------------------------------------------------------------------------
# Which documents, and what they are called


def documents_for(data: dict[str, Any], pack: Pack) -> list[tuple[str, str]]:
    """(doc_key, "中文标题 / English title") of what the applicant prints: the form of the
    category, then the three letters in annex order."""
    docs = parse_documents(pack)
    category = data.get("category")
    if pack.category(category) is None:
        raise UserError(
            "render.no_category",
            "尚未选择申报类别，无法确定要打印的申报书",
            "No application category is chosen yet, so the form to print is unknown",
        )
    forms = [key for key, doc in docs.documents.items() if isinstance(doc, FormLayout) and doc.category == category]
    if not forms:
        raise UserError(
            "render.no_layout",
            f"规则包“{pack.id}”没有“{pack.category(category).subtitle.zh}”申报书的打印版式",
            f"The rule pack '{pack.id}' has no print layout for the '{category}' form",
        )
    letters = sorted(
        (key for key, doc in docs.documents.items() if isinstance(doc, LetterLayout)),
        key=lambda key: pack.letters[docs.documents[key].letter].annex,  # type: ignore[union-attr]
    )
    return [(key, " / ".join(document_title(key, pack, docs))) for key in forms + letters]


def document_title(doc_key: str, pack: Pack, docs: Documents | None = None) -> tuple[str, str]:
    """(zh, en) title of a document including its annex number."""
    layout = _layout(doc_key, pack, docs)
    if isinstance(layout, FormLayout):
        cat = pack.category(layout.category)
        assert cat is not None  # check_documents guarantees it
        return (
            f"附件{cat.annex} {cat.title.zh}（{cat.subtitle.zh}）",
            f"Annex {cat.annex} {cat.title.en} ({cat.subtitle.en})",
        )
    letter = pack.letters[layout.letter]
    return f"附件{letter.annex} {letter.title.zh}", f"Annex {letter.annex} {letter.title.en}"


def _layout(doc_key: str, pack: Pack, docs: Documents | None = None) -> FormLayout | LetterLayout:
    docs = docs or parse_documents(pack)
    layout = docs.documents.get(doc_key)
    if layout is None:
        raise UserError(
            "render.unknown_document",
            f"规则包中没有名为“{doc_key}”的打印文档",
            f"The rule pack declares no document '{doc_key}'",
        )
    return layout


# --------------------------------------------------------------------------------------------
# Values as printed


class Values:
    """The application's values formatted for paper, defaults (routing, letter names) applied."""

    def __init__(self, data: dict[str, Any], pack: Pack) -> None:
        self.data = with_defaults(data)
        self.flat = flatten(self.data)
        self.pack = pack
        self.category = data.get("category")

    def text(self, path: str) -> str:
        value = self.flat.get(path)
        if value is None:
            return ""
        spec = self.pack.fields.get(pattern_of(path))
        kind = spec.kind if spec else "text"
        if kind == "money":
            amount = money(value)
            return format_money(amount) if amount is not None else str(value)
        if kind == "date" and isinstance(value, str):
            found = _ISO_DATE.match(value.strip())
            if found:
                year, month, day = found.groups()
                return f"{year}年{int(month)}月{int(day)}日"
        if kind == "bool" or isinstance(value, bool):
            return "是" if value else "否"
        if kind == "choice" and spec is not None:
            return self.pack.choice_labels(spec.choices or "", category=self.category).get(str(value), str(value))
        return str(value)

    def template(self, template: str) -> str:
        parts = {path: self.text(path) for path in TEMPLATE_FIELD.findall(template)}
        if not any(parts.values()):
            return ""
        return TEMPLATE_FIELD.sub(lambda m: parts[m.group(1)], template)

    def items(self, table: str) -> list[dict[str, Any]]:
        rows = self.data.get(table)
        return [row if isinstance(row, dict) else {} for row in rows] if isinstance(rows, list) else []

    def choice(self, path: str) -> list[tuple[str, bool]]:
        spec = self.pack.fields[path]
        chosen = self.flat.get(path)
        labels = self.pack.choice_labels(spec.choices or "", category=self.category)
        return [(label, key == chosen) for key, label in labels.items()]


# --------------------------------------------------------------------------------------------
# Rendering


_CACHE: OrderedDict[tuple[str, int, str], tuple[Pack, bytes]] = OrderedDict()
_CACHE_SIZE = 24
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget rendered documents (benchmarks measure rendering itself)."""
    with _cache_lock:
        _CACHE.clear()


def render_document(doc_key: str, data: dict[str, Any], pack: Pack) -> bytes:
    """The PDF of one declared document (A4), filled with ``data``.

    Output depends on nothing else, so recent results are reused: the preview, the package
    and the print set of an unchanged draft render each document once."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    key = (doc_key, id(pack), digest)
    with _cache_lock:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is pack:  # the entry holds the pack, so its id is not reused
            _CACHE.move_to_end(key)
            return hit[1]
    pdf = _render(doc_key, data, pack)
    with _cache_lock:
        _CACHE[key] = (pack, pdf)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return pdf


def _render(doc_key: str, data: dict[str, Any], pack: Pack) -> bytes:
    docs = parse_documents(pack)
    layout = _layout(doc_key, pack, docs)
    fonts = register_fonts()
    style = docs.style
    values = Values(data, pack)
    unverified = isinstance(layout, LetterLayout) and not pack.letters[layout.letter].verified
    zh_title, _ = document_title(doc_key, pack, docs)
    margins = style.margins_mm

    def on_page(canvas, _doc) -> None:
        if unverified:
            canvas.saveState()
            canvas.setFont(fonts.regular, style.small_size)
            canvas.setFillColor(colors.HexColor("#666666"))
            # bottom right, clear of the package's centred page footer
            canvas.drawRightString(A4[0] - margins.right * mm, margins.bottom * mm / 2, style.unverified_note)
            canvas.restoreState()

    if isinstance(layout, FormLayout):
        story = _form_story(layout, docs, values, pack, fonts)
    else:
        story = _letter_story(layout, style, values, pack, fonts)
    buffer = BytesIO()
    try:
        _template(buffer, style, zh_title, values, on_page).build(story)
    except LayoutError as exc:  # not expected: tall values are cut into continuation rows
        raise UserError(
            "render.layout",
            f"“{zh_title}”中的内容过长，无法排版，请缩短后重试",
            f"A value in '{zh_title}' is too long to lay out; please shorten it",
        ) from exc
    return buffer.getvalue()


def _template(buffer: BytesIO, style: Style, title: str, values: Values, on_page) -> BaseDocTemplate:
    m = style.margins_mm
    return a4_document(
        buffer,
        margins_mm=(m.top, m.right, m.bottom, m.left),
        title=title,
        author=values.text("university.name"),
        subject=values.text("project.name"),
        on_page=on_page,
    )


def _heading(text: str, styles: Styles, style: Style, *, annex: str) -> list[Flowable]:
    return [
        styles.paragraph(annex, size=style.annex_size, bold=True),
        Spacer(1, 4 * mm),
        styles.paragraph(text, size=style.title_size, bold=True, align="center"),
    ]


def _form_story(layout: FormLayout, docs: Documents, values: Values, pack: Pack, fonts: FontNames) -> list[Flowable]:
    style = docs.style
    styles = Styles(fonts, style.font_size, style.leading, style.small_size)
    category = pack.category(layout.category)
    assert category is not None
    story = _heading(category.title.zh, styles, style, annex=f"附件{category.annex}")
    story += [
        Spacer(1, 1.5 * mm),
        styles.paragraph(f"（{category.subtitle.zh}）", size=style.subtitle_size, align="center"),
        Spacer(1, 5 * mm),
    ]
    grid = _Grid(layout, docs, values, pack, styles)
    rows = docs.expanded_rows(layout)
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        if row.heading is not None and following is not None and following.table is not None:
            grid.segment(repeat=2)  # the team: its heading and column titles repeat on a new page
        elif row.table is not None and grid.repeat != 2:
            grid.segment(repeat=1)
        grid.add(row)
        if row.table is not None:
            grid.segment(repeat=0)
    story.extend(grid.tables())
    return story


class _Grid:
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
        self.segments: list[tuple[int, int]] = [(0, 0)]  # (first row, rows repeated after a page break)
        self.repeat = 0
        margins = docs.style.margins_mm
        # a row never gets taller than about half a page, so it always fits on a fresh one
        self.max_row = (A4[1] / mm - margins.top - margins.bottom) * mm * 0.45
        self.commands: list[tuple] = []

    def _place(
        self, cells: list[tuple[Any, int]], min_height: float, *, top: tuple[int, ...] = (), labels: tuple[int, ...] = ()
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
        return sum(self.widths[start : start + cells[number][1]]) - 2 * pad

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
                (self._cell(cell, self._width(spans, n), shrink=n not in top), cell.span) for n, cell in enumerate(row.cells)
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
            parts = [s.paragraph(cell.label, align=cell.align or "center")]
            if cell.note:
                parts.append(s.paragraph(cell.note, align=cell.align or "center", size=self.style.small_size))
            return parts
        if cell.choice is not None:
            return CheckboxGroup(v.choice(cell.choice), s.fonts.regular, self.style.font_size)
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
        s = self.styles
        columns = row.columns or []
        self._place([(s.paragraph(c.header, align="center"), c.span) for c in columns], self.style.row_min_mm * mm)
        items = self.values.items(row.table or "")
        for index in range(max(len(items), row.min_rows)):
            cells = []
            for column in columns:
                text = ""
                if column.value is not None and index < len(items):
                    text = self.values.text(column.value.replace("*", str(index)))
                cells.append((self._fit(text, self._width([(None, c.span) for c in columns], len(cells)), "center"), column.span))
            self._place(cells, self.style.table_row_mm * mm)

    def _seals(self, row: Row) -> None:
        s = self.styles
        seals = row.seals or []
        default = self.ncols // len(seals)
        date_line = self.pack.date_line.zh
        cells = [
            (
                SealBlock(
                    s.paragraph(seal.label, align="left"),
                    Line(date_line, s.fonts.regular, self.style.font_size, "right"),
                    row.seal_mm * mm,
                ),
                seal.span or default,
            )
            for seal in seals
        ]
        self._place(cells, row.seal_mm * mm)
        self.commands.append(("VALIGN", (0, len(self.rows) - 1), (-1, len(self.rows) - 1), "TOP"))
        self.commands.append(("TOPPADDING", (0, len(self.rows) - 1), (-1, len(self.rows) - 1), 2.5 * mm))
        self.commands.append(("BOTTOMPADDING", (0, len(self.rows) - 1), (-1, len(self.rows) - 1), 2.5 * mm))

    def segment(self, repeat: int) -> None:
        """Start a new table here. The grid is drawn as stacked tables with the same columns, so
        that a repeated part (the team) can repeat its heading rows when it breaks across pages."""
        self.repeat = repeat
        if self.segments[-1][0] == len(self.rows):
            self.segments[-1] = (len(self.rows), repeat)
        else:
            self.segments.append((len(self.rows), repeat))

    def tables(self) -> list[Table]:
        pad = self.style.cell_padding_mm * mm
        bounds = [start for start, _ in self.segments[1:]] + [len(self.rows)]
        out = []
        for number, ((start, repeat), end) in enumerate(zip(self.segments, bounds)):
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
            out.append(Table(
                self.rows[start:end],
                colWidths=self.widths,
                minRowHeights=self.heights[start:end],
                style=TableStyle(commands),
                splitByRow=1,
                repeatRows=repeat,
            ))
        return out


def _row_of(command: tuple) -> int:
    return command[1][1]


def _shift(command: tuple, start: int) -> tuple:
    name, (c0, r0), (c1, r1), *rest = command
    return (name, (c0, r0 - start), (c1, r1 - start), *rest)


# --------------------------------------------------------------------------------------------
# Letters


def _letter_story(layout: LetterLayout, style: Style, values: Values, pack: Pack, fonts: FontNames) -> list[Flowable]:
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
    commands: list[tuple] = [
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
