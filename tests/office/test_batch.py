"""scan_folder: one row per application file with what the office needs, G5/G6 across the
folder, packages tied to their drafts, and nothing in the folder touched."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from forms.draft import Draft
from forms.errors import UserError
from forms.office import scan_folder
from forms.office.batch import Batch

from .conftest import make_draft, snapshot

DRAFT_FIXTURES = Path(__file__).resolve().parents[1] / "draft" / "fixtures"


@pytest.fixture(scope="module")
def batch(office_folder, pack) -> Batch:
    return scan_folder(office_folder, pack)


def rows(batch: Batch) -> dict:
    return {row.file: row for row in batch.rows}


def test_one_row_per_application_file_in_name_order(batch):
    assert [row.file for row in batch.rows] == [
        "01_valid_final.cxy",
        "02_invalid.cxy",
        "03_dup_a.cxy",
        "04_dup_b.cxy",
        "05_not_final.cxy",
        "06_changed_after_build.cxy",
        "07_truncated.cxy",
        "08_photo.cxy",
        "09_broken.pdf",
        "10_lone_package.pdf",
        "11_application.json",
        "12_other_call.cxy",
    ]  # 01's own package and 06's package are folded into their drafts' rows


def test_a_final_eligible_draft_with_its_sealed_package(batch, office_folder):
    row = rows(batch)["01_valid_final.cxy"]
    assert (row.source, row.usable, row.final, row.errors, row.cross) == ("draft", True, True, 0, ())
    assert row.seal == "verified" and row.package == office_folder / "01_valid_final_package.pdf"
    assert row.eligible and row.attachments_complete
    assert (row.category, row.category_label) == ("tech_vp", "科技副总实施的合作项目")
    assert row.leader == "王一鸣" and row.university == "南京理工大学" and row.city == "宿迁市"
    assert (row.contract_wan, row.paid_wan) == (Decimal("80"), Decimal("35"))
    assert row.modified.tzinfo is not None


def test_an_invalid_draft_keeps_its_own_issues(batch):
    row = rows(batch)["02_invalid.cxy"]
    assert row.usable and not row.eligible and row.errors == 1
    assert [(i.field, i.code) for i in row.issues] == [("leader.email", "format.email")]


def test_both_applications_of_one_leader_are_flagged_naming_each_other(batch):
    a, b = rows(batch)["03_dup_a.cxy"], rows(batch)["04_dup_b.cxy"]
    assert [i.code for i in a.cross] == ["G5"] and [i.code for i in b.cross] == ["G5"]
    assert "04_dup_b.cxy" in a.cross[0].message and "03_dup_a.cxy" in b.cross[0].message
    assert a.errors == b.errors == 1 and not a.eligible and not b.eligible
    assert all(not row.cross for row in batch.rows if row.file not in ("03_dup_a.cxy", "04_dup_b.cxy"))


def test_a_non_final_draft_is_eligible_but_not_final(batch):
    row = rows(batch)["05_not_final.cxy"]
    assert row.eligible and not row.final and row.seal == "none" and row.package is None


def test_a_package_built_before_the_draft_changed_is_a_mismatch(batch, office_folder):
    row = rows(batch)["06_changed_after_build.cxy"]
    assert row.seal == "mismatch" and row.package == office_folder / "06_package.pdf"
    assert [i.code for i in row.issues] == ["batch.seal_mismatch"] and not row.eligible


@pytest.mark.parametrize(
    "name, words",
    [
        ("07_truncated.cxy", "不完整"),
        ("08_photo.cxy", "不是申报助手的草稿"),
        ("09_broken.pdf", "PDF"),
        ("12_other_call.cxy", "jiangsu-cxy-2025"),
    ],
)
def test_damaged_and_foreign_files_are_rows_with_their_reason(batch, name, words):
    row = rows(batch)[name]
    assert not row.usable and words in row.reason and "\n" not in row.reason
    assert not row.eligible


def test_a_package_without_its_draft_is_its_own_row(batch):
    row = rows(batch)["10_lone_package.pdf"]
    assert (row.source, row.usable, row.seal, row.category) == ("package", False, "unchecked", "tech_vp")
    assert "草稿" in row.reason


def test_a_json_application_is_checked_like_a_draft(batch):
    row = rows(batch)["11_application.json"]
    assert (row.source, row.usable, row.leader, row.errors, row.final) == ("json", True, "郑七", 0, False)


def test_exit_code_and_eligibility(batch, tmp_path, pack):
    assert not batch.eligible() and batch.exit_code() == 1
    clean = tmp_path / "clean"
    clean.mkdir()
    make_draft(clean / "a.cxy", pack, leader="甲", uscc17="91320100MA1BBBB01")
    make_draft(clean / "b.cxy", pack, leader="乙", uscc17="91320100MA1BBBB02")
    ok = scan_folder(clean, pack)
    assert ok.eligible() and ok.exit_code() == 0
    (tmp_path / "empty").mkdir()
    assert scan_folder(tmp_path / "empty", pack).exit_code() == 0


def test_english_reasons_and_labels(office_folder, pack):
    found = {row.file: row for row in scan_folder(office_folder, pack, "en").rows}
    assert found["07_truncated.cxy"].reason.isascii()
    assert found["01_valid_final.cxy"].category_label.startswith("Projects run by")
    assert found["03_dup_a.cxy"].cross[0].message.startswith("One application per project leader")
    # an unreadable package and a pipe say why in the language asked for, not always in Chinese
    assert "not a readable PDF" in found["09_broken.pdf"].reason
    assert "无法作为PDF读取" in rows(scan_folder(office_folder, pack, "zh"))["09_broken.pdf"].reason


def test_reading_the_folder_changes_nothing(office_folder, pack):
    before = snapshot(office_folder)
    scan_folder(office_folder, pack)
    assert snapshot(office_folder) == before  # same names (no lock, no journal), bytes and mtimes


def test_a_draft_being_edited_is_read_anyway_without_disturbing_its_editor(tmp_path, pack):
    folder = tmp_path / "f"
    folder.mkdir()
    path = make_draft(folder / "editing.cxy", pack, leader="冯八", uscc17="91320100MA1CCCC01")
    with Draft.open(path) as editor:  # the researcher has it open: the lock file exists
        before = snapshot(folder)
        row = scan_folder(folder, pack).rows[0]
        assert row.usable and row.leader == "冯八"
        assert snapshot(folder) == before
        editor.set("project.name", "仍可编辑")  # the editor's writes still go through
    assert scan_folder(folder, pack).rows[0].project == "仍可编辑"


def test_progress_and_cancel(office_folder, pack):
    seen: list[tuple[int, int]] = []
    scan_folder(office_folder, pack, progress=lambda done, total: seen.append((done, total)))
    total = len([p for p in office_folder.iterdir() if p.suffix in (".cxy", ".pdf", ".json")])
    assert seen == [(n, total) for n in range(1, total + 1)]
    with pytest.raises(UserError) as caught:
        scan_folder(
            office_folder,
            pack,
            cancel=lambda: len(seen) > total + 2,
            progress=lambda done, total: seen.append((done, total)),
        )
    assert caught.value.code == "batch.cancelled"


def test_recursive_reads_sub_folders_only_when_asked(tmp_path, office_folder, pack):
    top = tmp_path / "top"
    (top / "学院甲").mkdir(parents=True)
    shutil.copy(office_folder / "05_not_final.cxy", top / "学院甲" / "x.cxy")
    assert scan_folder(top, pack).rows == ()
    assert [row.file for row in scan_folder(top, pack, recursive=True).rows] == [str(Path("学院甲") / "x.cxy")]


def test_a_missing_folder_is_a_user_error(tmp_path, pack):
    with pytest.raises(UserError) as caught:
        scan_folder(tmp_path / "nope", pack)
    assert caught.value.code == "batch.folder"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_named_like_an_application_is_a_row_and_never_blocks(tmp_path, pack):
    for name in ("pipe.cxy", "pipe.pdf", "pipe.json"):
        os.mkfifo(tmp_path / name)
    (tmp_path / "folder.cxy").mkdir()  # a sub-folder is no application, whatever its name
    (tmp_path / "._pipe.cxy").write_bytes(b"\0\5\26\7")  # macOS's shadow of a copied file
    found = scan_folder(tmp_path, pack).rows
    assert [row.file for row in found] == ["pipe.cxy", "pipe.json", "pipe.pdf"]
    assert all(not row.usable and "普通文件" in row.reason for row in found)
    assert all("not a regular file" in row.reason for row in scan_folder(tmp_path, pack, "en").rows)


def test_a_draft_of_an_older_format_is_read_on_a_private_copy(tmp_path, pack):
    old = tmp_path / "v2.cxy"
    shutil.copyfile(DRAFT_FIXTURES / "v2.cxy", old)
    before = snapshot(tmp_path)
    row = scan_folder(tmp_path, pack).rows[0]
    assert row.usable and row.reason is None
    assert snapshot(tmp_path) == before  # not upgraded in place


@pytest.mark.corpus
def test_hostile_pdfs_are_rows_with_reasons(pack):
    corpus = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "pdf"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus/pdf (the hostile PDF corpus) is not beside this checkout")
    found = scan_folder(corpus, pack, recursive=True).rows
    assert len(found) == sum(1 for p in corpus.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
    assert all(not row.usable and row.reason and "\n" not in row.reason for row in found)


def test_a_package_whose_pages_were_changed_is_a_mismatch(tmp_path, office_folder, pack):
    import pikepdf

    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copyfile(office_folder / "01_valid_final.cxy", folder / "a.cxy")
    with pikepdf.open(office_folder / "01_valid_final_package.pdf") as pdf:  # seal record kept
        pdf.pages[1].rotate(90, relative=True)
        pdf.save(folder / "a_package.pdf")
    shutil.copyfile(office_folder / "01_valid_final_package.pdf", folder / "a_package_copy.pdf")
    (row,) = scan_folder(folder, pack).rows  # both PDFs belong to the one draft
    assert row.seal == "mismatch" and row.package == folder / "a_package.pdf"
    assert any("a_package.pdf" in i.message for i in row.issues if i.code == "batch.seal_mismatch")
