"""Issue 10 items 2 and 3: hand-off → edits as the enterprise → compare → merge, with history."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from wf_helpers import attach, cxy, real_pdf, sample_draft

from forms.draft import Draft, DraftError
from forms.errors import UserError
from forms.pack import load_pack
from forms.workflow import diff, handoff, merge


@pytest.fixture
def returned(tmp_path):
    """The original (the applicant's) and the enterprise's copy after both sides edited:
    both changed ``enterprise.name`` (the conflict); the enterprise alone changed the contract
    amount and added a payment proof; the applicant alone changed the project title."""
    original = sample_draft(tmp_path / "申报书.cxy")
    copy = tmp_path / "企业填写.cxy"
    handoff(original, "enterprise", copy)
    with Draft.open(copy) as theirs:
        assert theirs.role == "enterprise"
        theirs.set_many({"enterprise.name": "企业写的名称有限公司", "contract.amount_wan": 88})
        attach(theirs, real_pdf("payment"), kind="payment_proof", title="到账凭证")
    with Draft.open(original) as ours:
        assert ours.role is None
        ours.set_many({"enterprise.name": "申报人写的名称有限公司", "project.name": "申报人改过的项目名称"})
    return original, copy


def test_handoff_writes_a_copy_for_the_role_and_records_it(tmp_path):
    original = sample_draft(tmp_path / "a.cxy")
    copy = tmp_path / "b.cxy"
    handoff(original, "enterprise", copy)
    with Draft.open(copy, readonly=True) as theirs, Draft.open(original, readonly=True) as ours:
        handoff_id = theirs.meta()["handoff_id"]
        assert theirs.role == "enterprise" and ours.role is None
        assert ours.handoff_base(handoff_id) == theirs.handoff_base(handoff_id)  # kept on both sides
        assert ours.data() == theirs.data()
        [entry] = ours.history()
        assert (entry.action, entry.role, entry.new, entry.note) == ("handoff", "enterprise", "enterprise", "b.cxy")
        assert diff(ours, theirs, load_pack()).same


def test_handoff_refuses_an_unknown_role_and_an_input_as_output(tmp_path):
    original = sample_draft(tmp_path / "a.cxy")
    with pytest.raises(UserError) as err:
        handoff(original, "auditor", tmp_path / "b.cxy")
    assert err.value.code == "workflow.unknown_role" and "enterprise" in err.value.en
    before = original.read_bytes()
    with pytest.raises(UserError) as err:
        handoff(original, "enterprise", original)
    assert err.value.code.startswith("output.")
    assert original.read_bytes() == before


def test_diff_shows_each_side_and_the_one_conflict(returned):
    original, copy = returned
    with Draft.open(original, readonly=True) as ours, Draft.open(copy, readonly=True) as theirs:
        d = diff(ours, theirs, load_pack())
    by_path = {f.path: f for f in d.fields}
    assert set(by_path) == {"enterprise.name", "contract.amount_wan", "project.name"}
    name = by_path["enterprise.name"]
    assert (name.ours, name.theirs, name.conflict) == ("申报人写的名称有限公司", "企业写的名称有限公司", True)
    assert name.label.zh == load_pack().fields["enterprise.name"].zh
    assert name.base not in (name.ours, name.theirs)
    assert not by_path["contract.amount_wan"].conflict and by_path["contract.amount_wan"].theirs == 88
    assert not by_path["project.name"].conflict and not by_path["project.name"].theirs_changed
    [att] = d.attachments
    assert (att.change, att.conflict, att.theirs.kind) == ("added", False, "payment_proof")
    assert [e["path"] for e in d.as_json() if e["conflict"]] == ["enterprise.name"]


def test_merge_takes_theirs_leaves_the_conflict_and_records_history(returned):
    original, copy = returned
    with Draft.open(original) as ours:
        proofs_before = [a.kind for a in ours.attachments()].count("payment_proof")
        result = merge(ours, copy)
        assert result.role == "enterprise"
        assert result.conflicts_left == ["enterprise.name"] and not result.merged
        assert set(result.taken) == {
            "contract.amount_wan",
            next(k for k in result.taken if k.startswith("attachment:")),
        }
        assert "project.name" in result.kept
        assert ours.get("contract.amount_wan") == 88
        assert ours.get("enterprise.name") == "申报人写的名称有限公司"  # the conflict is left alone
        assert ours.get("project.name") == "申报人改过的项目名称"  # ours only: kept
        assert [a.kind for a in ours.attachments()].count("payment_proof") == proofs_before + 1
        merged = [e for e in ours.history() if e.action == "merge"]
        assert {(e.path, e.role) for e in merged} >= {("contract.amount_wan", "enterprise")}
        amount = next(e for e in merged if e.path == "contract.amount_wan")
        assert amount.new == 88 and amount.old != 88 and amount.note == "企业填写.cxy" and amount.at

        # take each: the user picks theirs for the conflict
        result = merge(ours, copy, choices={"enterprise.name": "theirs"})
        assert result.merged and result.taken == ["enterprise.name"]
        assert ours.get("enterprise.name") == "企业写的名称有限公司"
        last = ours.history()[-1]
        assert (last.path, last.old, last.new) == ("enterprise.name", "申报人写的名称有限公司", "企业写的名称有限公司")


def test_merge_take_ours_keeps_ours_and_take_theirs_takes_the_conflict(returned, tmp_path):
    original, copy = returned
    second = tmp_path / "second.cxy"
    shutil.copyfile(original, second)
    with Draft.open(original) as ours:
        result = merge(ours, copy, take="ours")
        assert result.merged and result.taken == []
        assert ours.get("enterprise.name") == "申报人写的名称有限公司" and ours.get("contract.amount_wan") != 88
        assert not [e for e in ours.history() if e.action == "merge"]
    with Draft.open(second) as ours:
        result = merge(ours, copy, take="theirs")
        assert result.merged
        assert ours.get("enterprise.name") == "企业写的名称有限公司" and ours.get("contract.amount_wan") == 88
        assert ours.get("project.name") == "申报人改过的项目名称"  # not the enterprise's change


def test_only_the_returned_roles_fields_are_taken_unless_picked(tmp_path):
    original = sample_draft(tmp_path / "a.cxy")
    copy = tmp_path / "b.cxy"
    handoff(original, "enterprise", copy)
    with Draft.open(copy) as theirs:
        theirs.set("leader.name", "企业改了负责人")  # not the enterprise's field
    with Draft.open(original) as ours:
        result = merge(ours, copy, take="theirs")
        assert result.skipped == ["leader.name"] and ours.get("leader.name") != "企业改了负责人"
        result = merge(ours, copy, choices={"leader.name": "theirs"})
        assert result.taken == ["leader.name"] and ours.get("leader.name") == "企业改了负责人"


def test_without_a_common_handoff_every_difference_is_a_conflict(tmp_path):
    a = sample_draft(tmp_path / "a.cxy")
    b = sample_draft(tmp_path / "b.cxy")
    with Draft.open(b) as other:
        other.set("enterprise.name", "另一家公司")
    with Draft.open(a, readonly=True) as ours, Draft.open(b, readonly=True) as theirs:
        d = diff(ours, theirs, load_pack())
    assert [(f.path, f.conflict) for f in d.fields] == [("enterprise.name", True)]


def test_a_returned_file_with_a_bad_schema_is_refused_and_nothing_changes(returned):
    original, copy = returned
    con = sqlite3.connect(copy)
    con.execute("CREATE TRIGGER t AFTER INSERT ON fields BEGIN DELETE FROM meta; END")
    con.commit()
    con.close()
    before = original.read_bytes()
    with Draft.open(original) as ours:
        with pytest.raises(DraftError) as err:
            merge(ours, copy)
        assert err.value.code == "draft.schema"
    assert original.read_bytes() == before


def test_a_hostile_attachment_in_the_returned_file_is_rechecked_and_refused(returned):
    original, copy = returned
    bad = b"%PDF-1.4\n" + b"not really a pdf " * 20
    with Draft.open(copy) as theirs:
        attach(theirs, bad, kind="contract", title="伪造的合同")
    before = original.read_bytes()
    with Draft.open(original) as ours:
        with pytest.raises(UserError) as err:
            merge(ours, copy, take="theirs")
        assert err.value.code == "attach.damaged" and "伪造的合同" in err.value.zh
        assert ours.get("contract.amount_wan") != 88  # one transaction: nothing was taken
    assert original.read_bytes() == before


def test_cli_handoff_diff_merge_history(returned, tmp_path):
    original, copy = returned
    done = cxy("diff", str(original), str(copy), "--json")
    assert done.returncode == 1, done.stderr
    rows = json.loads(done.stdout)
    assert {
        "path": "enterprise.name",
        "ours": "申报人写的名称有限公司",
        "theirs": "企业写的名称有限公司",
        "conflict": True,
    } in rows
    done = cxy("merge", str(original), str(copy))
    assert done.returncode == 1 and "enterprise.name" in done.stdout
    done = cxy("merge", str(original), str(copy), "--take", "theirs")
    assert done.returncode == 0, done.stderr
    done = cxy("diff", str(original), str(copy), "--json")  # only our own change is left
    assert done.returncode == 1
    assert [(r["path"], r["conflict"]) for r in json.loads(done.stdout)] == [("project.name", False)]
    done = cxy("history", str(original), "--json")
    entries = json.loads(done.stdout)
    assert next(e["action"] for e in entries) == "handoff"
    assert any(e["path"] == "enterprise.name" and e["new"] == "企业写的名称有限公司" for e in entries)
    done = cxy("diff", str(original), str(tmp_path / "missing.cxy"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_cli_handoff_prints_the_instructions(tmp_path):
    original = sample_draft(tmp_path / "a.cxy")
    done = cxy("handoff", str(original), "--role", "enterprise", "-o", str(tmp_path / "b.cxy"))
    assert done.returncode == 0, done.stderr
    assert load_pack().role("enterprise").instructions.zh in done.stdout
    done = cxy("handoff", str(original), "--role", "enterprise", "-o", str(original))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_handoff_from_a_draft_the_caller_holds_open(tmp_path):
    """The app's window is the draft's one writer: it hands off through its own Draft."""
    original = sample_draft(tmp_path / "a.cxy")
    with Draft.open(original) as ours:
        handoff(ours, "office", tmp_path / "office.cxy")
        assert ours.history()[-1].action == "handoff"
    with Draft.open(tmp_path / "office.cxy", readonly=True) as copy:
        assert copy.role == "office"


def test_cli_handoff_never_replaces_an_existing_file(tmp_path):
    original = sample_draft(tmp_path / "a.cxy")
    other = sample_draft(tmp_path / "other.cxy")
    before = other.read_bytes()
    done = cxy("handoff", str(original), "--role", "enterprise", "-o", str(other))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert other.read_bytes() == before


def test_a_hand_off_that_could_not_be_written_is_not_in_the_history(tmp_path):
    """The copy is published whole before the original records the hand-off: a copy that could
    not be written leaves no "handoff" entry behind, nor a half copy."""
    original = sample_draft(tmp_path / "a.cxy")
    with pytest.raises(UserError):
        handoff(original, "enterprise", tmp_path / "no-such-folder" / "b.cxy")
    with Draft.open(original, readonly=True) as draft:
        assert [e for e in draft.history() if e.action == "handoff"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.cxy"]
    handoff(original, "enterprise", tmp_path / "b.cxy")  # and once it can be written, it is
    with Draft.open(original, readonly=True) as draft, Draft.open(tmp_path / "b.cxy", readonly=True) as copy:
        assert [e.action for e in draft.history()].count("handoff") == 1
        assert copy.role == "enterprise"
        assert [e.action for e in copy.history()].count("handoff") == 1
