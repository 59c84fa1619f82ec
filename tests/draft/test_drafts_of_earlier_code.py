"""A draft written before the categories became data opens unchanged (issue 15 item 3).

``tests/data/drafts/*-main-era.cxy`` were made by the code of main at 5ae08ae (the per-category
pydantic blocks ``TechVp``/``TechTrade``): ``Draft.create`` + ``replace_data(sample(category))``;
the ``.json`` beside each is what that code's ``Draft.data()`` returned."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from forms.checks import check
from forms.draft import Draft
from forms.limits import parse_application

DRAFTS = Path(__file__).resolve().parents[1] / "data" / "drafts"


def errors(data: dict, pack) -> list:
    """The errors of ``data`` but the required uploads (these drafts hold no attachments)."""
    return [i for i in check(data, pack) if i.severity == "error" and i.code != "attachments.required"]


@pytest.fixture(params=["tech_vp", "tech_trade"])
def old_draft(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict]:
    name = f"{request.param}-2023-main-era"
    copy = tmp_path / f"{name}.cxy"
    shutil.copyfile(DRAFTS / f"{name}.cxy", copy)
    return copy, json.loads((DRAFTS / f"{name}.json").read_text(encoding="utf-8"))


def test_an_earlier_draft_opens_with_the_same_data_and_checks_clean(old_draft, pack):
    path, expected = old_draft
    draft = Draft.open(path)
    try:
        data = draft.data()
    finally:
        draft.close()
    assert data == expected
    parse_application(data, pack)
    assert errors(data, pack) == []


def test_its_category_fields_are_edited_and_kept_as_typed(old_draft, pack):
    path, expected = old_draft
    category = expected["category"]
    path_value = {"tech_vp": ("tech_vp.cohort_year", 2022), "tech_trade": ("tech_trade.trade_no", "JTOP-2023-0001")}
    field, value = path_value[category]
    draft = Draft.open(path)
    try:
        draft.set(field, value)
    finally:
        draft.close()
    draft = Draft.open(path, readonly=True)
    try:
        data = draft.data()
    finally:
        draft.close()
    block, name = field.split(".")
    assert data[block][name] == value
    assert {k: v for k, v in data.items() if k != block} == {k: v for k, v in expected.items() if k != block}
    assert errors(data, pack) == []


def test_a_block_its_pack_does_not_declare_is_refused(old_draft):
    from forms.draft.errors import DraftError

    path, _ = old_draft
    draft = Draft.open(path)
    try:
        with pytest.raises(DraftError):
            draft.set("dual_high.college", "无锡职业技术学院")  # a 2025-shaped category, not in 2023
        with pytest.raises(DraftError):
            draft.set("tech_vp.cohort", 2023)
        assert draft.get("dual_high.college") is None
    finally:
        draft.close()
