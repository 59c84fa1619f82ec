"""The summary table offices send upward: .xlsx (openpyxl) and CSV (UTF-8 with BOM, so Excel
reads the Chinese), in the columns of :data:`HEADERS`. Written through the output checks (never
over an input, never through a symlink) and all at once."""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from forms.atomic import write_bytes
from forms.office.batch import Batch, Row
from forms.outputs import check_output
from forms.text import Text

HEADERS = (
    Text("序号", "No."),
    Text("项目名称", "Project"),
    Text("类别", "Category"),
    Text("项目负责人", "Leader"),
    Text("申报单位", "Applicant"),
    Text("合作企业", "Enterprise"),
    Text("所在市", "City"),
    Text("合同金额（万元）", "Contract (10k CNY)"),
    Text("到账金额（万元）", "Received (10k CNY)"),
    Text("状态", "Status"),
)
AMOUNT_FORMAT = "0.0000"
SUMMARY = Text("汇总表", "the summary table")  # names the file in a failure's message
MAX_WIDTH = 60  # characters of Excel's default font: a long project name wraps instead


def status(row: Row, lang: str = "zh", *, named: bool = True) -> str:
    """One line: what the office needs to know of the row. ``named``: an unusable row names its
    file (in the summary table its other cells are empty: nothing else tells which it is)."""
    if not row.usable:
        where = Text(f"（{row.file}）", f" ({row.file})").get(lang) if named else ""
        return Text(f"无法使用{where}：{row.reason}", f"Unusable{where}: {row.reason}").get(lang)
    parts: list[str] = []
    if row.errors:
        parts.append(Text(f"{row.errors} 个错误", f"{row.errors} error(s)").get(lang))
    if row.cross:
        codes = "/".join(sorted({issue.code for issue in row.cross}))
        parts.append(Text(f"与其他申报重复（{codes}）", f"duplicate of another application ({codes})").get(lang))
    if row.warnings:
        parts.append(Text(f"{row.warnings} 个警告", f"{row.warnings} warning(s)").get(lang))
    if not parts:
        parts.append(Text("符合条件", "eligible").get(lang))
    if row.source == "draft":
        parts.append(Text("已定稿", "final").get(lang) if row.final else Text("未定稿", "not final").get(lang))
    if row.seal == "verified":
        parts.append(Text("封签核验一致", "seal verified").get(lang))
    elif row.seal == "mismatch":
        parts.append(Text("封签不一致", "seal mismatch").get(lang))
    return Text("；", "; ").get(lang).join(parts)


def values(row: Row, number: int, lang: str = "zh") -> list[Any]:
    """A row's cells in HEADERS order: 序号 an int, amounts Decimal (None when empty)."""
    return [
        number,
        row.project,
        row.category_label,
        row.leader,
        row.university,
        row.enterprise,
        row.city,
        row.contract_wan,
        row.paid_wan,
        status(row, lang),
    ]


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet cell: East-Asian wide and full-width characters 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _inputs(batch: Batch) -> list[Path]:
    return [row.path for row in batch.rows] + [row.package for row in batch.rows if row.package is not None]


def write_xlsx(batch: Batch, path: Path, lang: str = "zh") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    check_output(path, _inputs(batch))
    book = Workbook()
    sheet = book.active
    sheet.title = Text("申报汇总", "Summary").get(lang)
    headers = [header.get(lang) for header in HEADERS]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [display_width(h) for h in headers]
    for number, row in enumerate(batch.rows, start=1):
        cells = values(row, number, lang)
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in cells])
        for col, value in enumerate(cells):
            if value is not None:
                shown = format(value, "f") if isinstance(value, Decimal) else str(value)
                widths[col] = max(widths[col], display_width(shown))
    for excel_row in sheet.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in excel_row:
            cell.number_format = AMOUNT_FORMAT
    for col, width in enumerate(widths, start=1):
        # +2: the cell's padding; beyond MAX_WIDTH the text wraps
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, MAX_WIDTH)
    for excel_row in sheet.iter_rows(min_row=2):
        for cell in excel_row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    write_bytes(path, out.getvalue(), SUMMARY)


def write_csv(batch: Batch, path: Path, lang: str = "zh") -> None:
    path = Path(path)
    check_output(path, _inputs(batch))
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([header.get(lang) for header in HEADERS])
    for number, row in enumerate(batch.rows, start=1):
        writer.writerow(
            ["" if v is None else format(v, "f") if isinstance(v, Decimal) else v for v in values(row, number, lang)]
        )
    write_bytes(path, text.getvalue().encode("utf-8-sig"), SUMMARY)
