"""documents.toml is checked when the pack loads: a layout pointing at data the contract does
not have, or drawn wrong, is one clear "pack.invalid" error instead of a bad printout later."""

from __future__ import annotations

import copy
import shutil

import pytest

from forms.errors import UserError
from forms.layout import check_documents, parse_documents
from forms.pack import load_pack_dir
from forms.paths import packs_dir


def broken(pack, change) -> UserError:
    documents = copy.deepcopy(pack.documents)
    change(documents)
    with pytest.raises(UserError) as caught:
        check_documents(pack.model_copy(update={"documents": documents}))
    assert caught.value.code == "pack.invalid"
    return caught.value


def first_row(documents: dict) -> dict:
    return documents["documents"]["form_tech_vp"]["rows"][0]


def test_the_shipped_layouts_are_sound(pack):
    check_documents(pack)
    docs = parse_documents(pack)
    assert set(docs.documents) == {
        "form_tech_vp",
        "form_conference",
        "form_tech_trade",
        "letter_leader",
        "letter_unit",
        "letter_authority",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: first_row(d)["cells"][1].update(value="project.title"),
            "'project.title' is not in the data contract",
        ),
        (lambda d: first_row(d)["cells"][1].update(span=4), "cells span 5 columns, the grid has 6"),
        (
            lambda d: (
                first_row(d)["cells"][1].update(template="{leader.nmae}", value=None)
                or first_row(d)["cells"][1].pop("value")
            ),
            "'leader.nmae' is not in the data contract",
        ),
        (
            lambda d: first_row(d)["cells"][1].update(derived="paid_sum") or first_row(d)["cells"][1].pop("value"),
            "unknown derived value 'paid_sum'",
        ),
        (lambda d: d["blocks"]["lower"]["rows"][-1].update(seal_mm=30), "at least 45 mm"),
        (lambda d: d["documents"]["form_tech_vp"]["rows"].append({"use": "nowhere"}), "unknown block 'nowhere'"),
        (lambda d: d["documents"]["letter_unit"].update(letter="treasurer"), "unknown letter 'treasurer'"),
        (lambda d: d["documents"]["form_tech_vp"].update(category="space"), "unknown category 'space'"),
        (
            lambda d: d["blocks"]["lower"]["rows"][1]["columns"][0].update(value="payments.*.payer"),
            "not a column of 'members'",
        ),
        (
            lambda d: first_row(d)["cells"][1].update(choice="project.name") or first_row(d)["cells"][1].pop("value"),
            "'project.name' is not a choice field",
        ),
    ],
)
def test_a_broken_reference_is_refused(pack, change, message):
    error = broken(pack, change)
    assert message in error.en and "打印版式有误" in error.zh


def test_a_cell_with_two_contents_is_refused_by_the_schema(pack):
    error = broken(pack, lambda d: first_row(d)["cells"][0].update(value="project.name"))
    assert "exactly one of" in error.en


def test_a_broken_documents_toml_stops_the_pack_from_loading(tmp_path):
    folder = tmp_path / "jiangsu-cxy-2023"
    shutil.copytree(packs_dir() / "jiangsu-cxy-2023", folder)
    path = folder / "documents.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"contract.name"', '"contract.title"'), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_pack_dir(folder)
    assert caught.value.code == "pack.invalid" and "contract.title" in caught.value.en
