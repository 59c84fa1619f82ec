"""Issue 15 §4, every pack, every category, end to end: for each pack the program ships
(forms/packs/*) or tests (tests/data/packs/*), and each of its categories, the commands a user
runs from an empty draft to the files they hand in all succeed, with the pack given as a folder
(``--pack FOLDER``): ``new``, ``sample``, ``validate`` (the sample has no error), ``attach``,
``build``, ``print-set`` and ``upload-files``."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pikepdf
import pytest

from forms.cli import main
from forms.paths import packs_dir
from tests.pack_writer import TESTED_PACKS, form_toml, pilot_category, write_dual_high_pack, write_pack

pytestmark = pytest.mark.slow

FOLDERS = sorted(p for p in packs_dir().iterdir() if (p / "pack.toml").is_file()) + sorted(
    p for p in TESTED_PACKS.iterdir() if (p / "pack.toml").is_file()
)


def _categories(folder: Path) -> list[str]:
    """The category ids the pack's own pack.toml declares (an extending pack adds to its parent's:
    those are tested with the parent)."""
    with (folder / "pack.toml").open("rb") as handle:
        return [c["id"] for c in tomllib.load(handle).get("categories", [])]


CASES = [
    pytest.param(folder, category, id=f"{folder.name}-{category}")
    for folder in FOLDERS
    for category in _categories(folder)
]


def test_every_shipped_and_tested_pack_is_covered():
    names = {folder.name for folder in FOLDERS}
    assert "jiangsu-cxy-2023" in names and "jiangsu-cxy-2025" in names
    assert {"tech_vp", "conference", "tech_trade", "dual_high"} <= {c for f in FOLDERS for c in _categories(f)}


def _cxy(capsys, folder: Path, *args: str) -> str:
    code = main(["--lang", "en", "--pack", str(folder), *args])
    out, err = capsys.readouterr()
    assert code == 0, f"cxy {' '.join(args)} exited {code}: {err.strip()}"
    assert "internal error" not in err
    return out


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@pytest.fixture(scope="module")
def contract_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("attachment") / "contract.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path)
    return path


@pytest.mark.parametrize(("folder", "category"), CASES)
def test_new_sample_validate_build_print_upload(folder, category, tmp_path, capsys, contract_pdf):
    run_everything(folder, category, tmp_path, capsys, contract_pdf)


def run_everything(folder: Path, category: str, tmp_path: Path, capsys, contract_pdf: Path) -> None:
    empty = tmp_path / "empty.cxy"
    _cxy(capsys, folder, "new", "--category", category, "-o", str(empty))
    assert empty.is_file()

    draft = tmp_path / "sample.cxy"
    _cxy(capsys, folder, "sample", "--category", category, "-o", str(draft))
    report = json.loads(_cxy(capsys, folder, "validate", "--json", str(draft)))
    assert [i for i in report["issues"] if i["severity"] == "error"] == []

    _cxy(capsys, folder, "attach", str(draft), str(contract_pdf), "--kind", "contract")

    package = tmp_path / "package.pdf"
    _cxy(capsys, folder, "build", str(draft), "-o", str(package))
    assert _pages(package) >= 2  # the form and the attachment at least

    print_set = tmp_path / "print.pdf"
    _cxy(capsys, folder, "print-set", str(draft), "-o", str(print_set))
    assert _pages(print_set) >= 1

    uploads = tmp_path / "uploads"
    _cxy(capsys, folder, "upload-files", str(draft), "-o", str(uploads))
    assert _pages(uploads / "contract.pdf") >= 1


def test_a_pack_written_here_adds_a_category_by_entry_and_runs_end_to_end(tmp_path, capsys, contract_pdf):
    folder = write_pack(tmp_path / "pilot-2024", pilot_category(), pack_id="pilot-2024", documents=form_toml("pilot"))
    run_everything(folder, "pilot", tmp_path, capsys, contract_pdf)
    for category in ("tech_vp", "pilot"):  # the inherited categories stay
        _cxy(capsys, folder, "new", "--category", category, "-o", str(tmp_path / f"{category}.cxy"))


def test_a_pack_written_here_with_a_category_of_two_own_fields_is_filled_checked_and_printed(
    tmp_path, capsys, contract_pdf
):
    """Issue 15's must-show: a category with two fields of its own, added by TOML only (a pack
    written by this test), loaded with ``--pack FOLDER``, filled, checked and printed."""
    from pypdf import PdfReader

    folder = write_dual_high_pack(tmp_path / "dual-high-pack")
    run_everything(folder, "dual_high", tmp_path, capsys, contract_pdf)

    draft = tmp_path / "sample.cxy"  # filled by `cxy sample` from the fields' declared samples
    package = tmp_path / "package.pdf"
    text = "".join(page.extract_text() for page in PdfReader(package).pages[:3])
    for printed in ("双高计划", "专业群名称", "无锡职业技术学院", "智能制造专业群"):
        assert printed in text.replace("\n", ""), printed

    exported = tmp_path / "data.json"
    _cxy(capsys, folder, "export", str(draft), "-o", str(exported))
    data = json.loads(exported.read_text("utf-8"))
    assert data["dual_high"] == {"college": "无锡职业技术学院", "major_group": "智能制造专业群"}
    data["dual_high"]["major_group"] = ""
    emptied = tmp_path / "emptied.json"
    emptied.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    checked = tmp_path / "emptied.cxy"
    _cxy(capsys, folder, "import", str(emptied), "-o", str(checked))
    assert main(["--lang", "en", "--pack", str(folder), "validate", "--json", str(checked)]) == 1
    issues = json.loads(capsys.readouterr()[0])["issues"]
    assert [(i["field"], i["code"]) for i in issues if i["severity"] == "error"] == [("dual_high.major_group", "S1")]
