"""The pages the package adds around the documents: the cover with its contents, the routing
slip in front of each paper copy, and the footer overlay stamped on every page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .seal import Marks, mm

if TYPE_CHECKING:
    from reportlab.platypus import Flowable, Table

    from forms.pack import Pack
    from forms.render.primitives import Styles

# reportlab, the fonts and the render modules are imported where a page is drawn: a build whose
# cover and footers come from the render cache (forms.render.cache) never starts reportlab

MARGINS = (25.0, 22.0, 25.0, 22.0)  # top, right, bottom, left (mm)
CONTENT_W = (210 - MARGINS[1] - MARGINS[3]) * mm
FOOTER_Y = 8 * mm
FOOTER_SIZE = 8.0


@dataclass(frozen=True)
class Entry:
    """A line of the contents: title, first page (1-based), page count."""

    title: str
    page: int
    pages: int


def _styles() -> Styles:
    from forms.render.fonts import register_fonts
    from forms.render.primitives import Styles

    return Styles(register_fonts(), 11.0, 17.0, 8.5)


def _facts(data: dict[str, Any], pack: Pack) -> list[tuple[str, str]]:
    from forms.derive import format_money, money, paid_total

    category = pack.category(data.get("category"))

    def get(*path: str) -> str:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return str(node) if node not in (None, "") else ""

    amount = money(get("contract", "amount_wan"))
    return [
        ("项目名称", get("project", "name")),
        ("申报类别", f"附件{category.annex} {category.subtitle.zh}" if category else ""),
        ("申报单位", get("university", "name")),
        ("合作企业", get("enterprise", "name")),
        ("项目负责人", get("leader", "name")),
        ("合同金额（万元）", format_money(amount) if amount is not None else get("contract", "amount_wan")),
        ("到账金额（万元）", format_money(paid_total(data))),
    ]


def _ruled(rows: list[list[Any]], widths: list[float], styles: Styles, *, grid: bool = True, pad: float = 4) -> Table:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), styles.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]
    if grid:
        commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
    else:
        commands.append(("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")))
    return Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT")


def cover(data: dict[str, Any], pack: Pack, entries: list[Entry], digest: str) -> bytes:
    """The first page(s): what this package is and where each part starts."""
    from reportlab.platypus import Spacer

    from forms.render import CREATOR

    s = _styles()
    story: list[Flowable] = [
        Spacer(1, 10 * mm),
        s.paragraph(pack.title.zh, size=20, bold=True, align="center"),
        Spacer(1, 3 * mm),
        s.paragraph("申报材料", size=16, align="center"),
        Spacer(1, 12 * mm),
        _ruled(
            [[s.paragraph(k, align="center"), s.paragraph(v)] for k, v in _facts(data, pack)],
            [38 * mm, CONTENT_W - 38 * mm],
            s,
        ),
        Spacer(1, 10 * mm),
        s.paragraph("目　录", size=14, bold=True, align="center"),
        Spacer(1, 4 * mm),
    ]
    rows = [
        [
            s.paragraph(f"{n}. {e.title}"),
            s.paragraph(f"{e.pages} 页", align="right"),
            s.paragraph(f"第 {e.page} 页", align="right"),
        ]
        for n, e in enumerate(entries, start=1)
    ]
    story.append(_ruled(rows, [CONTENT_W - 50 * mm, 20 * mm, 30 * mm], s, grid=False))
    story += [
        Spacer(1, 8 * mm),
        s.paragraph(
            f"校验码 {digest}：由申报数据和全部附件计算，每页页脚相同，用于核对各页属于同一份材料。",
            size=s.small,
            color="#555555",
        ),
        s.paragraph(f"本材料由“{CREATOR}”生成。", size=s.small, color="#555555"),
    ]
    return _build(story, title=f"{pack.title.zh} 申报材料 封面", data=data)


def slip(
    data: dict[str, Any],
    pack: Pack,
    *,
    number: int,
    total: int,
    recipient: str,
    bureau: str | None,
    entries: list[Entry],
) -> bytes:
    """The routing slip in front of one paper copy: who receives it, what is in it, and who
    signs and seals where. Not a page of the application: it is removed before handing in."""
    from reportlab.platypus import Spacer

    from forms.render.primitives import CheckboxGroup

    s = _styles()
    story: list[Flowable] = [
        s.paragraph(f"纸质材料 第 {number} 份 / 共 {total} 份", size=12, align="right", color="#555555"),
        Spacer(1, 5 * mm),
        s.paragraph("报送单位", size=14, align="center"),
        Spacer(1, 3 * mm),
        s.paragraph(bureau or recipient, size=20, bold=True, align="center"),
    ]
    if bureau:
        story.append(s.paragraph(f"（{recipient}）", size=12, align="center"))
    story += [
        Spacer(1, 6 * mm),
        _ruled(
            [[s.paragraph(k, align="center"), s.paragraph(v)] for k, v in _facts(data, pack)[:5]],
            [38 * mm, CONTENT_W - 38 * mm],
            s,
            pad=2.5,
        ),
        Spacer(1, 5 * mm),
        s.paragraph("本份材料（按此顺序装订）", size=12, bold=True),
        Spacer(1, 2 * mm),
        _ruled(
            [
                [s.paragraph(f"{n}. {e.title}"), s.paragraph(f"{e.pages} 页", align="right")]
                for n, e in enumerate(entries, start=1)
            ],
            [CONTENT_W - 25 * mm, 25 * mm],
            s,
            grid=False,
            pad=2,
        ),
        Spacer(1, 5 * mm),
        s.paragraph("签字盖章核对（逐项完成后打勾）", size=12, bold=True),
        Spacer(1, 2 * mm),
        _ruled(
            [[CheckboxGroup([("", False)], s.fonts.regular, 11.0), s.paragraph(item.zh)] for item in pack.checklist],
            [10 * mm, CONTENT_W - 10 * mm],
            s,
            grid=False,
            pad=2.5,
        ),
        Spacer(1, 4 * mm),
        s.paragraph(
            f"注意：{pack.seal_rule.zh}。纸质材料报送截止日期："
            f"{pack.filing.paper_deadline.year}年{pack.filing.paper_deadline.month}月{pack.filing.paper_deadline.day}日。",
            size=10,
        ),
        s.paragraph("本页为报送清单，不属于申报材料，递交前请取下。", size=s.small, color="#555555"),
    ]
    return _build(story, title=f"报送清单 第{number}份：{bureau or recipient}", data=data)


def _build(story: list[Flowable], *, title: str, data: dict[str, Any]) -> bytes:
    from forms.render.page import a4_document

    buffer = io.BytesIO()
    project = (data.get("project") or {}).get("name") or ""
    applicant = (data.get("university") or {}).get("name") or ""
    a4_document(buffer, margins_mm=MARGINS, title=title, author=str(applicant), subject=str(project)).build(story)
    return buffer.getvalue()


def footers(sizes: list[tuple[float, float]], texts: list[str], marks: Marks | None = None) -> bytes:
    """One overlay page per page, each the visible size of its page, with its footer text at
    the bottom centre on a white ground (legible over a full-bleed scan), and ``marks`` (the
    draft watermark or the seal) when given. An empty text draws no footer."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    from forms.render.fonts import register_fonts

    from .seal import draw_marks

    fonts = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=1, initialFontName=fonts.regular)
    total = len(sizes)
    for number, ((width, height), text) in enumerate(zip(sizes, texts), start=1):
        canvas.setPageSize((width, height))
        if marks is not None:
            draw_marks(canvas, width, height, marks, number, total, fonts.regular)
        if not text:
            canvas.showPage()
            continue
        canvas.setFont(fonts.regular, FOOTER_SIZE)
        text_w = canvas.stringWidth(text, fonts.regular, FOOTER_SIZE)
        canvas.setFillColor(colors.white)
        canvas.rect((width - text_w) / 2 - 3, FOOTER_Y - 2.5, text_w + 6, FOOTER_SIZE + 3.5, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(width / 2, FOOTER_Y, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
