"""The summary table read back as an office's spreadsheet program would: openpyxl for the
.xlsx, the csv module (UTF-8 with BOM, as Excel detects it) for the CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from forms.errors import UserError
from forms.office import scan_folder
from forms.office.sheet import HEADERS, display_width, write_csv, write_xlsx

ZH = [
    "序号",
    "项目名称",
    "类别",
    "项目负责人",
    "申报单位",
    "合作企业",
    "所在市",
    "合同金额（万元）",
    "到账金额（万元）",
    "状态",
]


@pytest.fixture(scope="module")
def batch(office_folder, pack):
    return scan_folder(office_folder, pack)


def test_headers_are_the_offices_columns():
    assert [header.get("zh") for header in HEADERS] == ZH


def test_xlsx_headers_values_and_types(batch, tmp_path):
    path = tmp_path / "汇总.xlsx"
    write_xlsx(batch, path)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == ZH
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == len(batch.rows) + 1
    by_leader = {}
    for number, excel_row in enumerate(sheet.iter_rows(min_row=2), start=1):
        cells = [c.value for c in excel_row]
        assert cells[0] == number and isinstance(cells[0], int)
        by_leader.setdefault(cells[3], []).append((excel_row, cells))
    ((row, cells),) = by_leader["王一鸣"]
    assert cells[1] == "高性能复合材料智能成型关键技术研发及产业化"
    assert cells[2] == "科技副总实施的合作项目" and cells[4] == "南京理工大学" and cells[6] == "宿迁市"
    assert isinstance(cells[7], (int, float)) and Decimal(str(cells[7])) == Decimal("80")
    assert isinstance(cells[8], (int, float)) and Decimal(str(cells[8])) == Decimal("35")
    assert row[7].number_format == row[8].number_format == "0.0000"
    assert "符合条件" in cells[9] and "已定稿" in cells[9] and "封签核验一致" in cells[9]
    assert all("重复" in cells[9] for _, cells in by_leader["孙三"])
    damaged = [cells for cells in (c for group in by_leader.values() for _, c in group) if cells[3] is None]
    assert any(str(cells[9]).startswith("无法使用（07_truncated.cxy）：") for cells in damaged)
    assert all(cells[7] is None for cells in damaged if "不完整" in str(cells[9]))


def test_xlsx_columns_fit_chinese_text(batch, tmp_path):
    path = tmp_path / "w.xlsx"
    write_xlsx(batch, path)
    sheet = load_workbook(path).active
    width = {c.column_letter: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    # a Chinese header of 8 characters takes 16 columns, its cell must be at least that wide
    assert width["H"] >= display_width("合同金额（万元）") == 16
    enterprise = "宿迁市镕喆新材料科技有限公司"
    assert width["F"] >= 2 * len(enterprise)
    assert width["A"] < width["B"]  # 序号 is narrow, the project name wide


def test_csv_is_utf8_with_bom_and_the_same_columns(batch, tmp_path):
    path = tmp_path / "汇总.csv"
    write_csv(batch, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == ZH
    assert len(table) == len(batch.rows) + 1
    first = next(r for r in table[1:] if r[3] == "王一鸣")
    assert first[7] == "80" and first[8] == "35" and first[0].isdigit()


def test_english_headers(batch, tmp_path):
    path = tmp_path / "en.csv"
    write_csv(batch, path, lang="en")
    assert path.read_bytes().decode("utf-8-sig").splitlines()[0].startswith("No.,Project,Category")


@pytest.mark.parametrize("name", ["02_invalid.cxy", "01_valid_final_package.pdf"])
def test_never_written_over_an_input(batch, office_folder, name):
    target = office_folder / name  # a draft, or a package folded into its draft's row
    before = target.read_bytes()
    for write in (write_xlsx, write_csv):
        with pytest.raises(UserError) as caught:
            write(batch, target)
        assert caught.value.code.startswith("output.")
    assert target.read_bytes() == before
