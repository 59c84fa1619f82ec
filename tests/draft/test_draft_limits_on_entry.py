"""Limits are checked where values enter, not where a draft is read: a draft holding a value
longer than today's limit (an earlier version wrote it) still opens, shows the value and the
field error, and can be corrected; one attachment more than the pack allows is refused on add."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from forms.checks import check
from forms.draft import Draft, DraftError
from forms.pack import load_pack

PACK = load_pack()


def tiny_pdf(number: int) -> bytes:
    return b"%PDF-1.4\n% " + str(number).encode() + b"\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def add(draft: Draft, number: int) -> None:
    pdf = tiny_pdf(number)
    draft.add_attachment(
        kind="other",
        title=f"附件{number}",
        original_name=f"{number}.pdf",
        source_format="pdf",
        pages=1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
    )


def test_a_value_over_todays_limit_opens_and_is_a_field_error(tmp_path):
    path = tmp_path / "old.cxy"
    Draft.create(path, pack=PACK.id, category="tech_vp").close()
    long_name = "项" * 2000
    con = sqlite3.connect(path)  # what an earlier version without the limit could store
    con.execute("INSERT INTO fields(path, value) VALUES ('project.name', ?)", (f'"{long_name}"',))
    con.commit()
    con.close()
    with Draft.open(path) as draft:
        assert draft.get("project.name") == long_name
        issues = [i for i in check(draft.data(), PACK, "zh") if i.field == "project.name"]
        assert [i.code for i in issues] == ["length.max"]
        with pytest.raises(DraftError) as refused:
            draft.set("project.name", long_name + "目")
        assert "200" in refused.value.zh
        draft.set("project.name", "改短的名称")
    with Draft.open(path, readonly=True) as draft:
        assert draft.get("project.name") == "改短的名称"


def test_one_attachment_over_the_limit_is_refused_with_the_limit(tmp_path):
    limit = PACK.limits.max_attachments
    with Draft.create(tmp_path / "many.cxy", pack=PACK.id, category="tech_vp") as draft:
        for number in range(limit):
            add(draft, number)
        with pytest.raises(DraftError) as refused:
            add(draft, limit)
        assert refused.value.code == "draft.too_large"
        assert str(limit) in refused.value.zh and str(limit) in refused.value.en
        assert len(draft.attachments()) == limit
