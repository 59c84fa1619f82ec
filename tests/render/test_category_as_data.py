"""Categories are data (issue 15 item 3): a pack written in a temp folder (tests/pack_writer.py) adds 双高协同
with two fields of its own — pack.toml, fields.toml and documents.toml entries, no code — and
the new category is filled (the sample), checked (clean; the right rule when a new field is
empty) and printed (its form shows both fields' labels and values)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from forms.checks import check
from forms.errors import UserError
from forms.limits import parse_application
from forms.model import known_paths
from forms.pack import Pack, load_pack_dir
from forms.render.documents import documents_for, render_document
from forms.samples import sample
from tests.pack_writer import write_dual_high_pack


@pytest.fixture(scope="module")
def dual_pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    return load_pack_dir(write_dual_high_pack(tmp_path_factory.mktemp("packs") / "test-dual-high"))


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_new_category_and_its_fields_load_from_the_pack(dual_pack):
    assert [c.id for c in dual_pack.categories][-1] == "dual_high"
    assert set(dual_pack.own_fields("dual_high")) == {"dual_high.college", "dual_high.major_group"}
    first = dual_pack.steps[0]
    assert first.key == "project" and first.fields[-2:] == ["dual_high.college", "dual_high.major_group"]
    assert "dual_high.college" in dual_pack.fields_for("dual_high")
    assert "dual_high.college" not in dual_pack.fields_for("tech_vp")
    assert {"dual_high.college", "dual_high.major_group"} <= known_paths(dual_pack)


def test_the_sample_fills_the_new_fields_and_checks_clean(dual_pack):
    data = sample("dual_high", dual_pack)
    assert data["dual_high"] == {"college": "无锡职业技术学院", "major_group": "智能制造专业群"}
    assert [i for i in check(data, dual_pack) if i.severity == "error"] == []
    parse_application(data, dual_pack)  # the contract's shape with the pack's blocks


@pytest.mark.parametrize(("field", "label"), [("college", "双高计划建设单位"), ("major_group", "专业群名称")])
def test_an_empty_new_field_is_reported_with_its_rule(dual_pack, field, label):
    data = sample("dual_high", dual_pack)
    data["dual_high"][field] = "  "
    (issue,) = [i for i in check(data, dual_pack) if i.severity == "error"]
    assert (issue.field, issue.code) == (f"dual_high.{field}", "S1")
    assert label in issue.message
    (issue,) = [i for i in check(data, dual_pack, lang="en") if i.severity == "error"]
    assert "Specialty group" in issue.message or "Dual-high plan college" in issue.message


def test_the_other_categories_do_not_ask_for_the_new_fields(dual_pack):
    data = sample("tech_trade", dual_pack)
    assert "dual_high" not in data
    assert [i for i in check(data, dual_pack) if i.severity == "error"] == []


@pytest.mark.parametrize("extra", [{"dual_high": {"nickname": "x"}}, {"quad_high": {"college": "x"}}])
def test_a_field_or_block_the_pack_does_not_declare_is_refused(dual_pack, extra):
    data = {**sample("dual_high", dual_pack), **extra}
    with pytest.raises(ValidationError):
        parse_application(data, dual_pack)


def test_the_new_form_prints_both_fields(dual_pack):
    data = sample("dual_high", dual_pack)
    keys = [key for key, _ in documents_for(data, dual_pack)]
    assert keys[0] == "form_dual_high"
    text = pdf_text(render_document("form_dual_high", data, dual_pack))
    for words in ("附件4", "“双高”协同创新合作项目", "双高计划", "建设单位", "专业群名称"):
        assert words in text, words
    assert "无锡职业技术学院" in text and "智能制造专业群" in text


PACK_2025 = Path(__file__).resolve().parents[1] / "data" / "packs" / "jiangsu-cxy-2025"


def test_the_2025_shaped_pack_declares_dual_high_fields_as_data():
    pack = load_pack_dir(PACK_2025)
    data = sample("dual_high", pack)
    assert data["dual_high"] == {"college": "无锡职业技术学院", "major_group": "智能制造专业群"}
    assert [i for i in check(data, pack) if i.severity == "error"] == []
    del data["dual_high"]["college"]
    assert [(i.field, i.code) for i in check(data, pack) if i.severity == "error"] == [("dual_high.college", "S1")]
    # an inherited category field with options keeps this pack's own options
    assert sample("tech_vp", pack)["tech_vp"]["cohort_year"] == 2025


def test_a_range_of_a_category_field_is_pack_data(tmp_path):
    folder = write_dual_high_pack(tmp_path / "ranged")
    with (folder / "fields.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[fields."dual_high.since"]\nzh = "入选双高计划年份"\nen = "Dual-high plan since"\nkind = "year"\n'
            'categories = ["dual_high"]\nrequired = true\nrule = "S1"\nstep = "project"\nsample = 2019\n'
            "range = [2019, 2024]\n"
        )
    pack = load_pack_dir(folder)
    data = sample("dual_high", pack)
    assert data["dual_high"]["since"] == 2019
    assert [i for i in check(data, pack) if i.severity == "error"] == []
    for value in (2018, "2025", "二〇二〇"):
        data["dual_high"]["since"] = value
        (issue,) = [i for i in check(data, pack) if i.severity == "error"]
        assert (issue.field, issue.code) == ("dual_high.since", "S1")
        assert "2019" in issue.message and "2024" in issue.message


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('sample = "智能制造专业群"\n', "", "has no sample value"),
        (
            'categories = ["dual_high"]\nrequired = true\nrule = "S1"\nstep = "project"\nsample = "无锡',
            'required = true\nrule = "S1"\nstep = "project"\nsample = "无锡',
            "must name the categories",
        ),
        ('[fields."dual_high.college"]', '[fields."triple_high.college"]', "not in the data contract"),
        (
            'step = "project"\nsample = "无锡',
            'step = "project"\nchoices = "levels"\nsample = "无锡',
            "has no list 'levels'",
        ),
    ],
)
def test_a_broken_category_field_is_one_clear_pack_error(tmp_path, old, new, words):
    folder = write_dual_high_pack(tmp_path / "broken")
    text = (folder / "fields.toml").read_text(encoding="utf-8")
    assert old in text
    (folder / "fields.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert caught.value.code == "pack.invalid" and words in caught.value.zh


def test_a_category_choice_list_is_pack_data(tmp_path):
    folder = write_dual_high_pack(tmp_path / "levels")
    text = (folder / "pack.toml").read_text(encoding="utf-8")
    levels = (
        'choices = { level = [{ id = "a", zh = "A档", en = "Tier A" }, { id = "b", zh = "B档", en = "Tier B" }] }\n'
    )
    (folder / "pack.toml").write_text(text.replace('member_rule = "S3"\n', 'member_rule = "S3"\n' + levels), "utf-8")
    with (folder / "fields.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[fields."dual_high.level"]\nzh = "建设档次"\nen = "Tier"\nkind = "choice"\nchoices = "level"\n'
            'categories = ["dual_high"]\nrequired = true\nrule = "S1"\nstep = "project"\n'
        )
    pack = load_pack_dir(folder)
    assert pack.choice_labels("level", "zh", "dual_high") == {"a": "A档", "b": "B档"}
    data = sample("dual_high", pack)
    assert data["dual_high"]["level"] == "b"  # no sample value: the last option
    assert [i for i in check(data, pack) if i.severity == "error"] == []
    data["dual_high"]["level"] = "c"
    (issue,) = [i for i in check(data, pack) if i.severity == "error"]
    assert (issue.field, issue.code) == ("dual_high.level", "S1") and "A档、B档" in issue.message


@pytest.mark.parametrize("extra", [{"tech_vp": {"cohort": 2023}}, {"dual_high": {"college": "x"}}, {"note": "x"}])
def test_received_json_with_a_block_its_pack_lacks_is_refused(extra):
    from forms.transfer import check_shape

    data = {**sample("tech_vp"), **extra}  # names the bundled 2023 pack, which has no dual_high
    with pytest.raises(UserError) as caught:
        check_shape(data)
    assert caught.value.code == "json.contract"
