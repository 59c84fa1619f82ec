"""Issue 10 item 4: the pack says which attachment kinds each category must have; a missing one
is an error on attachments.<kind>. The samples carry them (as data, and as generated scans)."""

from __future__ import annotations

import io

import pikepdf
import pytest

from forms.attachments import ledger
from forms.checks import check, errors
from forms.samples import fill_sample, sample, sample_attachments

CATEGORIES = ["tech_vp", "conference", "tech_trade"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_requires_the_contract_and_the_payment_proof(category, pack):
    assert pack.category(category).required_attachments == ["contract", "payment_proof"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_no_uploads_gives_exactly_the_two_errors(category, pack):
    data = sample(category, pack)
    del data["attachments"]
    found = [(i.field, i.code) for i in errors(check(data, pack))]
    assert found == [
        ("attachments.contract", "attachments.required"),
        ("attachments.payment_proof", "attachments.required"),
    ]
    en = {i.field: i.message for i in check(data, pack, "en")}
    assert "contract scan" in en["attachments.contract"] and "payment proof" in en["attachments.payment_proof"]
    assert "合同扫描件" in check(data, pack)[0].message


def test_one_missing_kind_is_one_error_and_other_kinds_do_not_count(pack):
    data = sample("conference", pack)
    data["attachments"] = [{"kind": "contract", "title": "合同"}, {"kind": "other", "title": "到账证明.jpg"}]
    assert [i.field for i in errors(check(data, pack))] == ["attachments.payment_proof"]


def test_a_category_without_required_uploads_has_none(pack):
    lenient = pack.model_copy(
        update={"categories": [c.model_copy(update={"required_attachments": []}) for c in pack.categories]}
    )
    data = sample("tech_vp", pack)
    del data["attachments"]
    assert errors(check(data, lenient)) == []


def test_sample_attachments_are_small_one_page_pdfs_our_intake_made(pack):
    made = sample_attachments("tech_trade", pack)
    assert [(kind, title) for kind, title, _ in made] == [
        (a["kind"], a["title"]) for a in sample("tech_trade", pack)["attachments"]
    ]
    for _, _, pdf in made:
        assert len(pdf) < 200_000 and ledger.known(pdf)
        with pikepdf.open(io.BytesIO(pdf)) as opened:
            assert len(opened.pages) == 1
    assert sample_attachments("tech_trade", pack) == made  # the same bytes every time


def test_fill_sample_makes_a_draft_that_checks_clean(pack, tmp_path):
    from forms.draft import Draft

    with Draft.create(tmp_path / "s.cxy", pack=pack.id, category="tech_vp") as draft:
        fill_sample(draft, "tech_vp", pack)
        data = draft.data()
        data["attachments"] = [{"kind": a.kind, "title": a.title} for a in draft.attachments()]
    assert check(data, pack) == []
