"""The rule pack: the 2023 call loads, every declaration is sound, a broken pack is one clear
error, and a new year (a pack shaped like 2025) is data only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forms.checks import check
from forms.errors import UserError
from forms.model import known_paths
from forms.pack import load_pack_dir
from forms.paths import packs_dir
from forms.samples import sample
from tests.pack_writer import PACK_2025


def test_every_field_is_in_the_contract_on_one_step_and_labelled(pack):
    contract = known_paths(pack)
    on_steps = [path for step in pack.steps for path in step.fields]
    assert sorted(on_steps) == sorted(set(on_steps))
    for path, spec in pack.fields.items():
        assert path in contract
        assert path in on_steps
        assert spec.zh.strip() and spec.en.strip()
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in spec.en), path


def test_every_user_field_of_the_contract_is_declared(pack):
    # pack/category are chosen on the start page, attachments on their own page.
    internal = {"pack", "category"} | {p for p in known_paths(pack) if p.startswith("attachments.")}
    assert known_paths(pack) - internal == set(pack.fields)


def test_2023_facts(pack):
    vp = pack.category("tech_vp")
    assert [c.id for c in pack.categories] == ["tech_vp", "conference", "tech_trade"]
    assert [c.annex for c in pack.categories] == [1, 2, 3]
    assert str(vp.min_paid_for("宿迁市")) == "20" and str(vp.min_paid_for("南京市")) == "30"
    assert str(pack.category("tech_trade").min_paid_for("宿迁市")) == "20"
    assert pack.rules.unclosed_since_year == 2019 and vp.cohort_years == [2022, 2023]
    assert (pack.rules.team.max_members, pack.rules.summary.max_chars) == (5, 300)
    assert str(pack.filing.opens) == "2023-09-26" and str(pack.filing.paper_deadline) == "2023-11-30"
    assert [c.zh for c in pack.copies] == ["合作企业所在地科技局", "设区市科技局", "省科技厅"]
    assert all(not letter.verified for letter in pack.letters.values())


@pytest.fixture
def pack_2025():
    return load_pack_dir(PACK_2025)


def test_a_2025_shaped_pack_loads_with_four_categories(pack_2025):
    assert [c.id for c in pack_2025.categories] == ["tech_vp", "conference", "tech_trade", "dual_high"]
    assert pack_2025.rules.unclosed_since_year == 2022
    assert pack_2025.fields  # inherited from 2023 through `extends`


@pytest.mark.parametrize("category", ["tech_vp", "conference", "tech_trade", "dual_high"])
def test_2025_samples_pass_the_same_checks(category, pack_2025):
    data = sample(category, pack_2025)
    assert [i for i in check(data, pack_2025) if i.severity == "error"] == []


def test_2025_windows_drive_the_checks(pack, pack_2025):
    data = sample("tech_vp", pack_2025)
    data["tech_vp"]["cohort_year"] = 2023  # fine in 2023, not in 2025
    assert {i.code for i in check(data, pack_2025) if i.severity == "error"} == {"K1"}
    data = sample("tech_vp", pack_2025)
    data["contract"]["start"] = "2024-06-01"  # ">=" in this pack: the boundary day is inside, no warning
    for payment in data["payments"]:
        payment["date"] = "2024-07-01"
    assert check(data, pack_2025) == []
    data["contract"]["start"] = "2024-05-31"
    assert {i.code for i in check(data, pack_2025)} == {"K6"}


def test_2025_declaration_text_comes_from_the_pack(pack_2025):
    data = sample("dual_high", pack_2025)
    del data["declarations"]["no_unclosed_project"]
    (issue,) = [i for i in check(data, pack_2025) if i.severity == "error"]
    assert issue.code == "G3" and "2022" in issue.message


def test_new_category_uses_its_own_threshold(pack_2025):
    data = sample("dual_high", pack_2025)
    data["payments"] = [dict(data["payments"][0], amount_wan="9.9999")]
    assert {i.code for i in check(data, pack_2025) if i.severity == "error"} == {"S5"}


# --- broken packs -------------------------------------------------------------------------------
@pytest.fixture
def pack_copy(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(packs_dir() / "jiangsu-cxy-2023", folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "words"),
    [
        ("pack.toml", "year = 2023", "year = = 2023", "pack.syntax", "pack.toml"),
        ("pack.toml", 'wan = "30"', 'wan = "thirty"', "pack.invalid", "min_paid"),
        ("pack.toml", 'city = "宿迁市"', 'city = "宿州市"', "pack.invalid", "宿州市"),
        (
            "pack.toml",
            'start = { rule = "K6", after = 2022-06-01, after_op = ">" }',
            'start = { rule = "K6" }',
            "pack.invalid",
            "date rule",
        ),
        ("fields.toml", '[fields."project.name"]', '[fields."project.title"]', "pack.invalid", "project.title"),
        ("fields.toml", 'kind = "uscc"', 'kind = "barcode"', "pack.invalid", "kind"),
    ],
)
def test_broken_pack_is_one_clear_error(pack_copy, file, old, new, code, words):
    _edit(pack_copy / file, old, new)
    with pytest.raises(UserError) as caught:
        load_pack_dir(pack_copy)
    assert caught.value.code == code
    assert words in caught.value.zh and words in caught.value.en


def test_missing_file_is_named(pack_copy):
    (pack_copy / "letters.toml").unlink()
    with pytest.raises(UserError) as caught:
        load_pack_dir(pack_copy)
    assert caught.value.code == "pack.missing" and "letters.toml" in caught.value.zh


@pytest.mark.parametrize("pack_id", ["../jiangsu-cxy-2023", "/etc", "jiangsu-cxy-2031", ""])
def test_pack_ids_are_names_not_paths(pack_id):
    from forms.pack import load_pack

    with pytest.raises(UserError) as caught:
        load_pack(pack_id)
    assert caught.value.code == "pack.unknown"
