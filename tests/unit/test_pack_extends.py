"""Issue 15 §2, extends by entry: a child pack inherits fields, letters, documents and categories
entry by entry, overrides or adds single entries, removes one with ``drop``; a category without a
printed form is refused when the pack loads unless it says ``printed = false``; and a broken pack
is one message naming its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.errors import UserError
from forms.pack import load_pack, load_pack_dir
from forms.pack_registry import remember
from forms.render.documents import render_document
from forms.samples import sample
from tests.pack_writer import PACK_2025, category_toml, form_toml, pilot_category, write_pack


def child(tmp_path: Path, pack: str = "", *, pack_id: str = "test-child", **files: str) -> Path:
    return write_pack(tmp_path / pack_id, pack, pack_id=pack_id, **files)


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


# --- inheriting -----------------------------------------------------------------------------


def test_the_2025_pack_adds_the_dual_high_form_and_inherits_every_other_document(pack):
    later = load_pack_dir(PACK_2025)
    documents = later.documents["documents"]
    assert documents["form_dual_high"]["category"] == "dual_high"
    assert set(pack.documents["documents"]) | {"form_dual_high"} == set(documents)
    assert later.documents["style"] == pack.documents["style"]
    assert later.documents["uploads"] == pack.documents["uploads"]
    # every field inherited as it is, and the new category's own two added (fields.toml, by entry)
    assert {path: later.fields[path] for path in pack.fields} == pack.fields
    assert set(later.fields) - set(pack.fields) == {"dual_high.college", "dual_high.major_group"}
    assert {n: letter.model_copy(update={"annex": 0}) for n, letter in later.letters.items()} == {
        n: letter.model_copy(update={"annex": 0}) for n, letter in pack.letters.items()
    }  # the same letters, renumbered (letters.toml)


def test_dual_high_prints_its_own_form():
    later = load_pack_dir(PACK_2025)
    pdf = render_document("form_dual_high", sample("dual_high", later), later)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_a_child_with_only_pack_toml_inherits_everything_else(tmp_path, pack):
    loaded = load_pack_dir(child(tmp_path))
    assert loaded.id == "test-child" and loaded.year == 2024
    assert loaded.categories == pack.categories and loaded.rules == pack.rules
    assert loaded.fields == pack.fields and loaded.documents == pack.documents


def test_one_field_is_overridden_and_the_others_are_inherited(tmp_path, pack):
    fields = '[fields."project.name"]\nzh = "课题名称"\nen = "Topic"\nkind = "text"\nrequired = true\n'
    loaded = load_pack_dir(child(tmp_path, fields=fields))
    assert loaded.fields["project.name"].zh == "课题名称"
    assert {p: s for p, s in loaded.fields.items() if p != "project.name"} == {
        p: s for p, s in pack.fields.items() if p != "project.name"
    }
    assert list(loaded.fields) == list(pack.fields)  # the inherited order, the entry in its place
    assert loaded.steps == pack.steps and loaded.choices == pack.choices


def test_a_category_is_overridden_by_id_and_one_is_added_with_its_form(tmp_path, pack):
    override = category_toml(
        "tech_trade",
        3,
        rules="T",
        start=("2024-01-01", "2024-09-30"),
        end_after="2025-12-30",
        min_paid="25",
        title=("申报书", "Form"),
        subtitle=("交易", "Trade"),
        blurb=("交易", "Trade"),
        leader=("负责人。", "Lead."),
        extra='events = [{ id = "auction", zh = "拍卖季", en = "Auction" }]',
    )
    folder = child(tmp_path, override + pilot_category(), documents=form_toml("pilot"))
    loaded = load_pack_dir(folder)
    assert [c.id for c in loaded.categories] == ["tech_vp", "conference", "tech_trade", "pilot"]
    assert str(loaded.category("tech_trade").min_paid.wan) == "25"
    assert loaded.category("tech_vp") == pack.category("tech_vp")
    assert "form_pilot" in loaded.documents["documents"] and "form_tech_vp" in loaded.documents["documents"]


def grandchild(tmp_path: Path, pack: str = "", **files: str) -> Path:
    """A pack extending the 2025-shaped one (found by id once loaded from its folder)."""
    remember("jiangsu-cxy-2025", PACK_2025)
    return write_pack(
        tmp_path / "grandchild", pack, pack_id="grandchild", extends="jiangsu-cxy-2025", year=2026, **files
    )


def test_drop_removes_inherited_entries(tmp_path):
    folder = grandchild(
        tmp_path,
        'drop = { categories = ["dual_high"] }\n',
        documents='drop = { documents = ["form_dual_high"] }\n',
    )
    loaded = load_pack_dir(folder)
    assert [c.id for c in loaded.categories] == ["tech_vp", "conference", "tech_trade"]
    assert "form_dual_high" not in loaded.documents["documents"] and "form_tech_vp" in loaded.documents["documents"]


def test_dropping_an_entry_that_is_not_inherited_is_named(tmp_path):
    folder = child(tmp_path, 'drop = { categories = ["tech_tarde"] }\n')
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert "test-child/pack.toml" in caught.value.zh and "tech_tarde" in caught.value.en


def test_a_form_left_for_a_dropped_category_names_the_documents_file(tmp_path):
    with pytest.raises(UserError) as caught:
        load_pack_dir(grandchild(tmp_path, 'drop = { categories = ["dual_high"] }\n'))
    assert "jiangsu-cxy-2025/documents.toml" in caught.value.en and "form_dual_high" in caught.value.en


def test_a_grandchild_inherits_through_its_parent(tmp_path):
    loaded = load_pack_dir(grandchild(tmp_path))
    assert loaded.year == 2026 and loaded.rules.unclosed_since_year == 2022
    assert [c.id for c in loaded.categories][-1] == "dual_high"
    assert "form_dual_high" in loaded.documents["documents"]


def test_an_extends_loop_is_refused(tmp_path):
    for me, other in (("loop-a", "loop-b"), ("loop-b", "loop-a")):
        folder = tmp_path / me
        folder.mkdir()
        (folder / "pack.toml").write_text(f'id = "{me}"\nextends = "{other}"\nyear = 2024\n', "utf-8")
        remember(me, folder)
    with pytest.raises(UserError) as caught:
        load_pack_dir(tmp_path / "loop-a")
    assert caught.value.code == "pack.extends" and "loop" in caught.value.en


def test_an_unknown_parent_is_named_with_its_line(tmp_path):
    folder = child(tmp_path)
    text = (folder / "pack.toml").read_text("utf-8").replace("jiangsu-cxy-2023", "jiangsu-cxy-1999")
    (folder / "pack.toml").write_text(text, "utf-8")
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert caught.value.code == "pack.extends"
    assert "test-child/pack.toml line 2" in caught.value.en and "jiangsu-cxy-1999" in caught.value.en


# --- a category must print ---------------------------------------------------------------------


def test_a_category_without_a_form_is_refused_at_load_naming_its_entry(tmp_path):
    folder = child(tmp_path, pilot_category())
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    line = line_of(folder / "pack.toml", 'id = "pilot"')
    assert caught.value.code == "pack.unprinted"
    assert f"test-child/pack.toml:{line}" in caught.value.en and "pilot" in caught.value.zh
    assert "printed = false" in caught.value.en


def test_printed_false_lets_a_category_go_without_a_form(tmp_path):
    loaded = load_pack_dir(child(tmp_path, pilot_category("printed = false")))
    assert loaded.category("pilot").printed is False


# --- the file and the line of a problem ---------------------------------------------------------


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    folder = child(tmp_path, fields='[fields."project.name"]\nzh = "名称\n')
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert caught.value.code == "pack.syntax"
    assert "test-child/fields.toml" in caught.value.en and "line 2" in caught.value.en


def test_a_bad_value_in_an_overriding_field_names_the_childs_file_and_line(tmp_path):
    fields = '# a comment\n[fields."project.name"]\nzh = "名称"\nen = "Name"\nkind = "barcode"\n'
    folder = child(tmp_path, fields=fields)
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert caught.value.code == "pack.invalid"
    assert f"test-child/fields.toml:{line_of(folder / 'fields.toml', 'barcode')}" in caught.value.en
    assert "fields.project.name.kind" in caught.value.en


def test_a_bad_value_in_an_inherited_category_names_the_parents_file(tmp_path):
    category = pilot_category("printed = false").replace('wan = "10"', 'wan = "ten"')
    folder = child(tmp_path, category)
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    line = line_of(folder / "pack.toml", 'wan = "ten"')
    assert f"test-child/pack.toml:{line}" in caught.value.en and "categories.pilot.min_paid" in caught.value.en


def test_load_pack_finds_a_folder_loaded_in_this_run_by_its_id(tmp_path):
    from forms.pack import resolve_pack

    folder = child(tmp_path, pack_id="test-by-id")
    with pytest.raises(UserError):
        load_pack("test-by-id")
    assert resolve_pack(str(folder)).id == "test-by-id"
    assert load_pack("test-by-id").year == 2024


@pytest.mark.parametrize("pack_id", ["My Pack", "../escape", "CXY"])
def test_a_pack_id_that_is_not_a_plain_name_is_refused(tmp_path, pack_id):
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "pack.toml").write_text(f'id = "{pack_id}"\nextends = "jiangsu-cxy-2023"\n', "utf-8")
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert caught.value.code == "pack.invalid" and "odd/pack.toml" in caught.value.en and pack_id in caught.value.en


def test_a_category_and_a_letter_with_one_annex_number_are_refused_naming_both_files(tmp_path, pack):
    folder = child(tmp_path, pilot_category("printed = false").replace("annex = 7", "annex = 4"))
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert caught.value.code == "pack.annex" and "附件4" in caught.value.zh
    assert "categories.pilot" in caught.value.en and "letters.leader" in caught.value.en
    assert f"test-child/pack.toml:{line_of(folder / 'pack.toml', 'annex = 4')}" in caught.value.en
    assert "jiangsu-cxy-2023/letters.toml:" in caught.value.en


def test_the_2025_pack_renumbers_its_letters_by_entry(pack):
    later = load_pack_dir(PACK_2025)
    assert [later.letters[n].annex for n in ("leader", "unit", "authority")] == [5, 6, 7]
    assert [c.annex for c in later.categories] == [1, 2, 3, 4]
    assert later.letters["leader"].points == pack.letters["leader"].points
