"""The portal kit: the fields in the order the 申报书 prints them, values as the portal takes
them, the upload slots against their limits, and ``cxy portal``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forms.layout import FormLayout, parse_documents
from forms.model import pattern_of
from forms.portal import plan_slots, portal_items, upload_slots
from forms.render.documents import render_document
from forms.samples import sample

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = ("tech_vp", "conference", "tech_trade")


def _form_key(pack, category: str) -> str:
    docs = parse_documents(pack)
    return next(k for k, d in docs.documents.items() if isinstance(d, FormLayout) and d.category == category)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")
@pytest.mark.parametrize("category", CATEGORIES)
def test_items_follow_the_printed_form(pack, category):
    """Read the printed 申报书 back as text: each item's label (a team cell: its value) is found
    after the one before it, so the list reads the form top to bottom, left to right."""
    data = sample(category, pack)
    items = portal_items(data, pack)
    pdf = render_document(_form_key(pack, category), data, pack)
    text = _squeeze(
        subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    )
    docs = parse_documents(pack)
    later_in_a_template = {  # "{contract.start} 至 {contract.end}": one printed label, two items
        path
        for row in docs.expanded_rows(docs.documents[_form_key(pack, category)])
        for cell in row.cells or []
        for path in re.findall(r"\{([^{}]+)\}", cell.template or "")[1:]
    }
    cursor = 0
    for item in items:
        if item.path in later_in_a_template:
            continue
        table_cell = item.path.split(".")[1].isdigit()
        needle = _squeeze(item.value if table_cell else item.form_label)
        found = text.find(needle, cursor)
        assert found >= 0, f"{category}: {item.label!r} ({needle!r}) is not printed after the item before it"
        cursor = found + len(needle) if table_cell else found + 1
    # the list is complete: every value the form prints is in it, each entered member's cells too
    printed = parse_documents(pack).printed_paths(_form_key(pack, category))
    assert printed <= {pattern_of(i.path) for i in items}
    team = [i for i in items if i.path.startswith("members.")]
    assert len(team) == 5 * len(data["members"])  # name, unit, major, field, title; no 本人签字


@pytest.mark.parametrize("category", CATEGORIES)
def test_order_comes_from_the_layout(pack, category):
    """The order is the layout's, not a list in code: the same walk over the declaration."""
    docs = parse_documents(pack)
    layout = docs.documents[_form_key(pack, category)]
    declared = []
    for row in docs.expanded_rows(layout):
        for cell in row.cells or []:
            for path in [cell.value, cell.choice, *re.findall(r"\{([^{}]+)\}", cell.template or "")]:
                if path:
                    declared.append(path)
    listed = [
        i.path
        for i in portal_items(sample(category, pack), pack)
        if not i.path.startswith(("derived.", "pack.", "members."))
    ]
    assert listed == declared


def test_values_as_the_portal_takes_them(pack):
    data = sample("tech_trade", pack)
    data["contract"]["start"] = "2022-1-5"  # stored loosely: pasted ISO
    data["contract"]["amount_wan"] = "80.50"  # as typed, not re-formatted
    data["payments"] = [{"amount_wan": "13", "date": "2022-02-10"}, {"amount_wan": 12.5, "date": "2022-03-12"}]
    values = {i.path: i.value for i in portal_items(data, pack)}
    assert values["contract.start"] == "2022-01-05"
    assert values["contract.amount_wan"] == "80.50"
    assert values["derived.paid_total_wan"] == "25.5"
    assert values["contract.type"] == "技术开发"  # the label, not the key "development"
    assert values["contract.registered"] == "是"
    assert values["pack.period"] == pack.period
    # English labels, the same Chinese values: the portal is Chinese
    english = {i.path: i for i in portal_items(data, pack, "en")}
    assert english["contract.type"].value == "技术开发"
    assert english["contract.type"].label == pack.fields["contract.type"].en
    assert english["contract.type"].form_label == "五技合同类型"


def test_empty_fields_are_listed_with_no_value(pack):
    data = {"pack": pack.id, "category": "conference", "project": {"name": "甲"}}
    items = portal_items(data, pack)
    assert items[0].value == "甲"
    assert {i.path for i in items if not i.value} >= {"conference.filing_no", "contract.amount_wan"}
    assert not [i for i in items if i.path.startswith("members.")]  # no rows entered: no team cells


def test_no_category_is_one_bilingual_error(pack):
    from forms.errors import UserError

    with pytest.raises(UserError) as caught:
        portal_items({"pack": pack.id}, pack)
    assert "类别" in caught.value.message("zh") and "category" in caught.value.message("en")


class Info:
    def __init__(self, kind: str, title: str) -> None:
        self.kind, self.title = kind, title


def _scan(pages: int = 1) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    from io import BytesIO

    out = BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_slots_sizes_against_the_limit(pack, tmp_path):
    data = sample("tech_trade", pack)
    attachments = [
        (Info("contract", "合同"), _scan(2)),
        (Info("contract", "补充协议"), _scan(1)),
        (Info("payment_proof", "回单"), _scan(1)),
    ]
    slots = plan_slots(data, attachments, pack)
    by_file = {s.file: s for s in slots}
    assert [s.file for s in slots] == [u.file for u in parse_documents(pack).uploads]
    assert by_file["contract.pdf"].attachments == 2 and by_file["payment_proofs.pdf"].attachments == 1
    assert by_file["other.pdf"].size is None and not by_file["other.pdf"].over
    assert all(s.limit == int(pack.upload.max_file_mb * 1024 * 1024) for s in slots)
    assert all(0 < s.size < s.limit and not s.over and s.path is None for s in slots if s.size)
    # into a folder: the files are there, the sizes are theirs
    written = plan_slots(data, attachments, pack, tmp_path / "up")
    for slot in written:
        if slot.size:
            assert slot.path.parent == tmp_path / "up" and slot.path.stat().st_size == slot.size


def test_a_slot_over_its_limit_is_named(pack):
    """A limit below what any file can be: the slot is over, with a one-line note."""
    tiny = pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": 0.001})})
    slots = plan_slots(sample("tech_trade", pack), [(Info("contract", "合同"), _scan(1))], tiny)
    contract = next(s for s in slots if s.file == "contract.pdf")
    assert contract.over and contract.size > contract.limit
    assert "contract.pdf" in contract.note and "超过" in contract.note


def _cxy(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_cxy_portal_json_and_text(tmp_path, pack):
    made = _cxy("sample", "--category", "conference", "-o", "c.cxy", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    result = _cxy("portal", "c.cxy", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    from forms.draft import Draft

    with Draft.open(tmp_path / "c.cxy", readonly=True) as draft:
        expected = portal_items(draft.data(), pack)
        slots = upload_slots(draft, pack)
    assert payload["items"] == [i.as_dict() for i in expected]
    assert [s["file"] for s in payload["slots"]] == [s.file for s in slots]
    assert [s["attachments"] for s in payload["slots"]] == [s.attachments for s in slots]
    assert payload["items"][0] == {
        "label": "项目名称",
        "path": "project.name",
        "value": expected[0].value,
        "form_label": "项目名称",
    }

    text = _cxy("portal", "c.cxy", "--lang", "en", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f" 1. {pack.fields['project.name'].en}: {expected[0].value}"
    assert any("contract.pdf" in line and "of 10 MB" in line for line in lines)


def test_cxy_portal_leaves_the_draft_alone(tmp_path):
    _cxy("sample", "--category", "tech_vp", "-o", "v.cxy", cwd=tmp_path)
    before = (tmp_path / "v.cxy").read_bytes()
    assert _cxy("portal", "v.cxy", cwd=tmp_path).returncode == 0
    assert (tmp_path / "v.cxy").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.cxy"]  # nothing written beside it


def test_cxy_portal_on_a_json_file_lists_the_fields_and_no_slots(tmp_path, pack):
    data = sample("tech_vp", pack)
    data.pop("attachments", None)
    (tmp_path / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = _cxy("portal", "a.json", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["items"] == [i.as_dict() for i in portal_items(data, pack)] and payload["slots"] == []
    text = _cxy("portal", "a.json", cwd=tmp_path)
    assert "JSON 文件不含附件" in text.stdout
