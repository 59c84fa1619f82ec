"""What callers of Draft rely on: fields, lists, attachments, meta, file properties."""

from __future__ import annotations

import copy
import hashlib
import sqlite3
import struct

import pytest
from draft_helpers import PACK, SAMPLE, attach, listing, tiny_pdf

from forms.draft import APPLICATION_ID, SCHEMA_VERSION, Draft, DraftError
from forms.draft import draft as draft_module


@pytest.fixture
def draft(tmp_path):
    d = Draft.create(tmp_path / "申报草稿.cxy", pack=PACK, category="tech_vp")
    yield d
    d.close()


def test_new_file_is_ours_single_file_and_rollback_journal(tmp_path, draft):
    draft.set("project.name", "项目")
    head = draft.path.read_bytes()[:100]
    assert struct.unpack(">I", head[68:72])[0] == APPLICATION_ID == 0x43585941
    assert struct.unpack(">i", head[60:64])[0] == SCHEMA_VERSION == 3
    assert head[18:20] == b"\x01\x01"  # file format 1 = rollback journal, never WAL (2)
    # no -journal, -wal or temp file beside it; only the writer lock while it is open
    assert listing(tmp_path) == {"申报草稿.cxy", ".~lock.申报草稿.cxy#"}
    assert draft.meta()["pack"] == PACK and draft.meta()["category"] == "tech_vp"


def test_create_refuses_to_overwrite(tmp_path):
    existing = tmp_path / "a.cxy"
    existing.write_bytes(b"precious")
    with pytest.raises(DraftError) as err:
        Draft.create(existing, pack=PACK, category=None)
    assert err.value.code == "draft.io"
    assert existing.read_bytes() == b"precious"
    assert listing(tmp_path) == {"a.cxy"}


def test_create_in_missing_folder_is_a_clear_io_error(tmp_path):
    with pytest.raises(DraftError) as err:
        Draft.create(tmp_path / "nope" / "a.cxy", pack=PACK, category=None)
    assert err.value.code == "draft.io"


def test_numbers_and_numeric_strings_stay_distinct(draft):
    draft.set("contract.amount_wan", "30.50")
    draft.set("payments.0.amount_wan", 30.5)
    draft.set("payments.1.amount_wan", 30)
    draft.set("tech_vp.cohort_year", "2023")
    assert draft.get("contract.amount_wan") == "30.50"
    assert draft.get("payments.0.amount_wan") == 30.5 and isinstance(draft.get("payments.0.amount_wan"), float)
    assert draft.get("payments.1.amount_wan") == 30 and isinstance(draft.get("payments.1.amount_wan"), int)
    assert draft.data()["tech_vp"] == {"cohort_year": "2023"}


def test_empty_or_none_clears_a_field(draft):
    draft.set("project.name", "名称")
    draft.set("project.name", "")
    assert draft.get("project.name") is None
    draft.set("leader.name", "张")
    draft.set("leader.name", None)
    assert "leader" not in draft.data()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("project.nmae", "typo"),
        ("project", "leaf where an object belongs"),
        ("members.x.name", "a"),
        ("members.01.name", "leading zero"),
        ("members.0.name.extra", "a"),
        ("attachments.0.title", "attachments are not fields"),
        ("project.name", 5),
        ("members.0.is_enterprise", "yes"),
        ("contract.amount_wan", True),
        ("contract.amount_wan", float("nan")),
        ("project.name", {"nested": 1}),
        ("project.name", b"bytes"),
        ("project.name", "\ud800 lone surrogate"),
    ],
)
def test_bad_paths_and_values_are_refused(draft, path, value):
    draft.set("project.name", "保留")
    with pytest.raises(DraftError) as err:
        draft.set(path, value)
    assert err.value.code == "draft.invalid_value"
    assert err.value.zh and err.value.en
    assert draft.get("project.name") == "保留"


def test_overlong_text_is_too_large(draft):
    with pytest.raises(DraftError) as err:
        draft.set("project.summary", "字" * 100_001)
    assert err.value.code == "draft.too_large"


def test_set_many_is_all_or_nothing(draft):
    with pytest.raises(DraftError):
        draft.set_many({"project.name": "甲", "project.bogus": "乙"})
    assert draft.get("project.name") is None
    draft.set_many({"project.name": "甲", "leader.name": "乙", "category": "conference"})
    assert draft.data() == {"pack": PACK, "category": "conference", "project": {"name": "甲"}, "leader": {"name": "乙"}}


def test_pack_and_category_live_in_meta(draft):
    draft.set("category", "tech_trade")
    assert draft.get("category") == "tech_trade" and draft.meta()["category"] == "tech_trade"
    draft.set("category", None)
    assert "category" not in draft.data()
    with pytest.raises(DraftError):
        draft.set("pack", "")


def test_remove_list_item_renumbers_following_items(draft):
    names = ["赵", "钱", "孙", "李"]
    draft.set_many({f"members.{i}.name": n for i, n in enumerate(names)})
    draft.set("members.3.is_enterprise", True)
    draft.remove_list_item("members", 1)
    assert draft.data()["members"] == [{"name": "赵"}, {"name": "孙"}, {"name": "李", "is_enterprise": True}]
    assert draft.get("members.3.name") is None


def test_remove_list_item_with_ten_or_more_items(draft):
    draft.set_many({f"payments.{i}.amount_wan": i for i in range(12)})
    draft.remove_list_item("payments", 2)
    assert [p["amount_wan"] for p in draft.data()["payments"]] == [0, 1, *range(3, 12)]
    draft.remove_list_item("payments", 10)
    assert [p["amount_wan"] for p in draft.data()["payments"]] == [0, 1, *range(3, 11)]


def test_remove_list_item_refuses_non_lists(draft):
    for args in (("project", 0), ("members", -1), ("members", "1")):
        with pytest.raises(DraftError):
            draft.remove_list_item(*args)


def test_replace_data_round_trip_and_attachments_key_is_not_stored(draft):
    incoming = copy.deepcopy(SAMPLE)
    incoming["attachments"] = [{"kind": "contract", "title": "合同", "file": "C:/scans/合同.pdf"}]
    draft.set("routing.local_bureau", "will be replaced")
    draft.replace_data(incoming)
    assert draft.data() == SAMPLE
    assert draft.attachments() == []


def test_replace_data_refuses_unknown_keys_and_keeps_old_data(draft):
    draft.replace_data(SAMPLE)
    with pytest.raises(DraftError) as err:
        draft.replace_data({**SAMPLE, "projetc": {"name": "x"}})
    assert err.value.code == "draft.invalid_value"
    with pytest.raises(DraftError):
        draft.replace_data({**SAMPLE, "members": [{"name": 1}]})
    with pytest.raises(DraftError):
        draft.replace_data(["not", "a", "dict"])  # type: ignore[arg-type]
    assert draft.data() == SAMPLE


def test_attachments_add_order_update_remove(draft):
    a = attach(draft, tiny_pdf(b"a"), title="合同")
    b = attach(draft, tiny_pdf(b"b"), kind="payment_proof", title="到账证明")
    c = attach(draft, tiny_pdf(b"c"), kind="other", title="其他")
    assert [x.id for x in draft.attachments()] == [a, b, c]
    draft.reorder_attachments([c, a, b])
    assert [(x.id, x.position) for x in draft.attachments()] == [(c, 0), (a, 1), (b, 2)]
    draft.update_attachment(a, title="技术开发合同", kind="other")
    info = {x.id: x for x in draft.attachments()}[a]
    assert (info.title, info.kind, info.size) == ("技术开发合同", "other", len(tiny_pdf(b"a")))
    assert draft.attachment_pdf(b) == tiny_pdf(b"b")
    draft.remove_attachment(c)
    assert [(x.id, x.position) for x in draft.attachments()] == [(a, 0), (b, 1)]
    for bad in ([a], [a, b, b], [a, b, 999]):
        with pytest.raises(DraftError):
            draft.reorder_attachments(bad)
    with pytest.raises(DraftError):
        draft.attachment_pdf(c)
    with pytest.raises(DraftError):
        draft.remove_attachment(c)


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "evil"},
        {"pdf": b"MZ\x90\x00 not a pdf"},
        {"sha256": "0" * 64},
        {"sha256": "not hex"},
        {"pages": -1},
        {"title": "x" * 501},
    ],
)
def test_bad_attachments_are_refused(draft, change):
    pdf = tiny_pdf()
    args = {
        "kind": "contract",
        "title": "t",
        "original_name": "a.pdf",
        "source_format": "pdf",
        "pages": 1,
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "pdf": pdf,
    }
    args.update(change)
    with pytest.raises(DraftError) as err:
        draft.add_attachment(**args)
    assert err.value.code == "draft.invalid_value"
    assert draft.attachments() == []


def test_edits_survive_close_and_reopen(tmp_path):
    path = tmp_path / "d.cxy"
    with Draft.create(path, pack=PACK, category=None) as d:
        d.replace_data(SAMPLE)
        d.set("project.name", "改过的名称")
        d.remove_list_item("members", 0)
        att = attach(d, tiny_pdf(b"x"))
    with Draft.open(path) as d:
        assert d.get("project.name") == "改过的名称"
        assert d.data()["members"] == SAMPLE["members"][1:]
        assert d.attachment_pdf(att) == tiny_pdf(b"x")


def test_another_program_holding_the_lock_gives_locked(tmp_path, monkeypatch):
    monkeypatch.setattr(draft_module, "BUSY_TIMEOUT_S", 0.05)
    path = tmp_path / "d.cxy"
    with Draft.create(path, pack=PACK, category=None) as d:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(DraftError) as err:
                d.set("project.name", "x")
            assert err.value.code == "draft.locked"
        finally:
            other.execute("ROLLBACK")
            other.close()
        d.set("project.name", "x")
        assert d.get("project.name") == "x"


def test_closed_draft_cannot_be_used(tmp_path):
    d = Draft.create(tmp_path / "d.cxy", pack=PACK, category=None)
    d.close()
    d.close()
    with pytest.raises(RuntimeError):
        d.get("project.name")


def test_set_meta_keeps_pack_rules_and_stores_other_keys(draft):
    draft.set_meta("ui.last_step", "members")
    assert draft.meta()["ui.last_step"] == "members"
    with pytest.raises(DraftError):
        draft.set_meta("pack", "")
    with pytest.raises(DraftError):
        draft.set_meta("bad key\n", "x")
    draft.set_meta("category", "conference")
    assert draft.data()["category"] == "conference"
