"""Year migration (issue 15 item 5): a 2023 draft carried into a draft of the 2025-shaped pack,
with the report's three lists (dropped, new and required, judged differently) derived from the
packs' own data, the attachments carried over, and the old draft left byte-identical."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from forms.attachments.intake_record import records
from forms.checks import check
from forms.cli import main
from forms.draft import Draft
from forms.errors import UserError
from forms.migrate import as_text, migrate_draft, newer_pack, plan, resolve_pack
from forms.pack import load_pack, load_pack_dir
from forms.paths import packs_dir
from forms.samples import fill_sample
from forms.transfer import create_draft
from tests.pack_writer import PACK_2025


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample(tmp_path: Path, category: str, **changes: object) -> Path:
    pack = load_pack("jiangsu-cxy-2023")
    path = tmp_path / f"{category}-2023.cxy"

    def fill(draft: Draft) -> None:
        fill_sample(draft, category, pack)
        if changes:
            draft.set_many(changes)

    create_draft(path, pack=pack.id, category=category, fill=fill)
    return path


def read(path: Path) -> tuple[dict, list, list[bytes]]:
    with Draft.open(path, readonly=True) as draft:
        infos = draft.attachments()
        return draft.data(), infos, [draft.attachment_pdf(i.id) for i in infos]


def reworded(old, new) -> set[str]:
    """Declarations whose words differ between the packs (the data decides, not this test)."""
    words = {d.key: "".join(d.zh.split()) for d in new.declarations}
    return {f"declarations.{d.key}" for d in old.declarations if words.get(d.key) != "".join(d.zh.split())}


def test_tech_vp_2023_to_2025_reports_the_three_lists_and_copies_the_rest(tmp_path):
    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    source = sample(tmp_path, "tech_vp")
    before = digest(source)
    output = tmp_path / "tech_vp-2025.cxy"

    report = migrate_draft(source, new, output)

    assert digest(source) == before  # the old draft is untouched, byte for byte
    old_data, old_infos, old_pdfs = read(source)
    new_data, new_infos, new_pdfs = read(output)
    assert new_data["pack"] == new.id and new_data["category"] == "tech_vp"

    # judged differently: the 2025 K6 window refuses the 2023 contract start, in the new words
    window = new.category("tech_vp").start
    start = old_data["contract"]["start"]
    k6 = [j for j in report.judged if j.field == "contract.start"]
    assert [(j.code, j.change) for j in k6] == [(window.rule, "new")]
    assert str(window.after) in k6[0].message and start in k6[0].message
    assert k6[0].message in {i.message for i in check(new_data, new)}
    assert "contract.start" not in {i.field for i in check(old_data, old)}

    # dropped: the declarations the 2025 pack words differently; they are new and required again
    changed = reworded(old, new)
    assert changed  # the 2025-shaped pack rewords them; if it stops, this test must find another case
    assert {d.path for d in report.dropped if d.reason == "wording"} == changed
    assert {r.path for r in report.new_required if r.reason == "refill"} >= changed
    for path in changed:
        assert new_data.get("declarations", {}).get(path.split(".")[1]) is None

    # everything else is carried over unchanged
    assert "contract" in new_data and new_data["contract"] == old_data["contract"]
    assert new_data["members"] == old_data["members"]
    assert new_data["payments"] == old_data["payments"]
    assert len(report.copied) > 40

    # attachments: same kinds, titles, bytes and content keys
    assert report.attachments == len(old_infos) > 0
    assert [(i.kind, i.title, i.sha256) for i in new_infos] == [(i.kind, i.title, i.sha256) for i in old_infos]
    assert new_pdfs == old_pdfs
    with Draft.open(source, readonly=True) as a, Draft.open(output, readonly=True) as b:
        keys_a = [r.examination.key for r in records(a, store=False)]
        keys_b = [r.examination.key for r in records(b, store=False)]
    assert keys_a == keys_b and all(keys_a)
    assert digest(source) == before


def test_a_choice_the_new_pack_no_longer_offers_is_dropped_and_required_again(tmp_path):
    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    gone = sorted(
        set(old.choice_labels("events", category="tech_trade"))
        - set(new.choice_labels("events", category="tech_trade"))
    )
    assert gone, "the 2025-shaped pack must drop an event of 2023 for this test"
    source = sample(tmp_path, "tech_trade", **{"tech_trade.event": gone[0]})

    report = migrate_draft(source, new, tmp_path / "new.cxy")

    label = old.choice_labels("events", category="tech_trade")[gone[0]]  # shown as the user chose it
    assert [(d.path, d.reason, d.value) for d in report.dropped if d.path == "tech_trade.event"] == [
        ("tech_trade.event", "choice", label)
    ]
    assert ("tech_trade.event", "refill") in {(r.path, r.reason) for r in report.new_required}
    new_data, _, _ = read(tmp_path / "new.cxy")
    assert "event" not in new_data.get("tech_trade", {})
    assert new_data["tech_trade"]["trade_no"] == read(source)[0]["tech_trade"]["trade_no"]


def later_pack(tmp_path: Path) -> Path:
    """A copy of the 2023 pack as a later year's: one field removed, one optional field made
    required (written by the test, as a research office would receive a new pack)."""
    folder = tmp_path / "jiangsu-cxy-2099"
    shutil.copytree(packs_dir() / "jiangsu-cxy-2023", folder)
    main_toml = (folder / "pack.toml").read_text(encoding="utf-8")
    main_toml = main_toml.replace('id = "jiangsu-cxy-2023"', 'id = "jiangsu-cxy-2099"', 1)
    (folder / "pack.toml").write_text(re.sub(r"(?m)^year = 2023$", "year = 2099", main_toml), encoding="utf-8")
    fields = (folder / "fields.toml").read_text(encoding="utf-8")
    fields = re.sub(r'(?s)\[fields\."letters\.authority\.name"\].*?(?=\n\[|\Z)', "", fields)
    fields = fields.replace(', "letters.authority.name"', "")
    fields = re.sub(r'(\[fields\."routing\.local_bureau"\][^\[]*?)required = false', r"\1required = true", fields)
    (folder / "fields.toml").write_text(fields, encoding="utf-8")
    return folder


def test_a_field_the_new_pack_lacks_is_dropped_and_a_newly_required_one_listed(tmp_path):
    new = load_pack_dir(later_pack(tmp_path))
    assert "letters.authority.name" not in new.fields and new.fields["routing.local_bureau"].required
    source = sample(tmp_path, "conference", **{"letters.authority.name": "宿城区科技局"})

    report = migrate_draft(source, new, tmp_path / "new.cxy")

    assert [(d.path, d.reason) for d in report.dropped] == [("letters.authority.name", "absent")]
    assert [(r.path, r.reason) for r in report.new_required] == [("routing.local_bureau", "now_required")]
    assert report.judged == []  # the copy keeps the 2023 rules: nothing judged differently
    assert read(tmp_path / "new.cxy")[0].get("letters", {}).get("authority") is None


def test_an_existing_output_is_never_overwritten(tmp_path):
    source = sample(tmp_path, "tech_vp")
    existing = tmp_path / "taken.cxy"
    existing.write_bytes(b"someone else's file")
    with pytest.raises(UserError):
        migrate_draft(source, load_pack_dir(PACK_2025), existing)
    assert existing.read_bytes() == b"someone else's file"
    with pytest.raises(UserError) as onto_input:
        migrate_draft(source, load_pack_dir(PACK_2025), source)
    assert onto_input.value.code == "output.is_input"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_report_and_text_in_both_languages(tmp_path, capsys):
    source = sample(tmp_path, "tech_vp")
    before = digest(source)
    code, out, err = run(
        capsys, "migrate", str(source), "--to", str(PACK_2025), "-o", str(tmp_path / "a.cxy"), "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["target_pack"] == "jiangsu-cxy-2025" and report["source_pack"] == "jiangsu-cxy-2023"
    assert {"dropped", "new_required", "judged"} <= set(report)
    assert ("contract.start", "K6") in {(j["field"], j["code"]) for j in report["judged"]}

    code, out, _ = run(
        capsys, "--lang", "en", "migrate", str(source), "--to", str(PACK_2025), "-o", str(tmp_path / "b.cxy")
    )
    assert code == 0 and "Judged differently" in out and "contract.start: The contract must start" in out
    assert not re.search(r"\bK6\b", out)  # rule ids are for --json only
    code, out, _ = run(capsys, "migrate", str(source), "--to", str(PACK_2025), "-o", str(tmp_path / "c.cxy"))
    assert code == 0 and "判定有变化" in out and "contract.start：合同开始时间" in out
    code, _, err = run(capsys, "migrate", str(source), "--to", str(PACK_2025), "-o", str(tmp_path / "c.cxy"))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert digest(source) == before


@pytest.mark.parametrize("case", ["unknown_pack", "corrupt", "same_pack", "unknown_target"])
def test_hostile_or_wrong_input_is_one_clear_line_and_writes_nothing(tmp_path, capsys, case):
    source = tmp_path / "in.cxy"
    to = str(PACK_2025)
    if case == "unknown_pack":
        create_draft(source, pack="jiangsu-cxy-1999", category="tech_vp")
    elif case == "corrupt":
        source.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    elif case == "same_pack":
        source = sample(tmp_path, "tech_vp")
        to = "jiangsu-cxy-2023"
    else:
        source = sample(tmp_path, "tech_vp")
        to = str(tmp_path / "no-such-pack")
    before = digest(source)
    output = tmp_path / "out.cxy"
    code, out, err = run(capsys, "migrate", str(source), "--to", to, "-o", str(output))
    assert code == 2 and out == ""
    assert err.startswith("cxy: ") and err.count("\n") == 1 and "Traceback" not in err and "internal" not in err
    assert not output.exists() and digest(source) == before
    assert list(tmp_path.glob(".*")) == []  # no hidden half-made draft either


def test_the_newer_pack_is_offered_only_within_the_same_call():
    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    assert newer_pack(old, [old, new]) is new
    assert newer_pack(new, [old, new]) is None
    assert resolve_pack(str(PACK_2025)).id == new.id and resolve_pack(old.id) is old


def test_a_verdict_said_differently_and_one_no_longer_given_are_both_reported(tmp_path):
    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    old_cat, new_cat = old.category("tech_vp"), new.category("tech_vp")
    year = min(set(new_cat.cohort_years) - set(old_cat.cohort_years))  # refused in 2023, accepted now
    end = old_cat.end.after.isoformat()  # not after either year's end bound: refused by both, in other words
    source = sample(tmp_path, "tech_vp", **{"tech_vp.cohort_year": year, "contract.end": end})

    report = migrate_draft(source, new, tmp_path / "new.cxy")

    judged = {(j.field, j.code): j for j in report.judged}
    assert judged[("tech_vp.cohort_year", old.fields["tech_vp.cohort_year"].rule)].change == "gone"
    changed = judged[("contract.end", new_cat.end.rule)]
    assert changed.change == "changed"
    assert str(new_cat.end.after) in changed.message and str(old_cat.end.after) in changed.old_message


def test_a_category_the_new_pack_lacks_is_refused():
    old, new = load_pack_dir(PACK_2025), load_pack("jiangsu-cxy-2023")
    missing = next(c.id for c in old.categories if new.category(c.id) is None)
    with pytest.raises(UserError) as refused:
        plan({"pack": old.id, "category": missing, "project": {"name": "x"}}, old, new)
    assert refused.value.code == "migrate.category" and missing in refused.value.message("en")


# ---------------------------------------------------------------- what the journey needs (issue 15)


def intake_entries(path: Path) -> dict[str, str]:
    """The preflight records kept with each attachment (content key, findings), as stored."""
    with Draft.open(path, readonly=True) as draft:
        return {k: v for k, v in draft.meta().items() if k.startswith("intake:")}


def test_a_final_draft_comes_out_as_a_draft_and_the_report_says_what_to_do(tmp_path, capsys):
    from forms.workflow import finalise

    source = sample(tmp_path, "tech_vp")
    with Draft.open(source) as draft:
        finalise(draft, load_pack("jiangsu-cxy-2023"))
    before = digest(source)

    code, out_zh, err = run(capsys, "migrate", str(source), "--to", str(PACK_2025), "-o", str(tmp_path / "zh.cxy"))
    assert code == 0, err
    code, out_en, err = run(
        capsys, "--lang", "en", "migrate", str(source), "--to", str(PACK_2025), "-o", str(tmp_path / "en.cxy")
    )
    assert code == 0, err

    # the new pack's checks were never passed: a draft again, editable, saying why in its history
    with Draft.open(tmp_path / "zh.cxy") as new:
        assert not new.final
        new.set("project.name", "迁移后可以继续修改")
        assert [e.action for e in new.history()][-2:] == ["finalise", "unfinalise"]
        assert "重新检查" in new.history()[-1].note
    assert "原草稿已定稿，新草稿不是定稿" in out_zh and "请重新检查" in out_zh and "再次定稿" in out_zh
    assert "the new draft is not" in out_en and "Check it again" in out_en and "mark it final again" in out_en
    # the old draft stays final and untouched
    with Draft.open(source, readonly=True) as old:
        assert old.final
    assert digest(source) == before

    code, out, _ = run(capsys, "migrate", str(source), "--to", str(PACK_2025), "-o", str(tmp_path / "j.cxy"), "--json")
    assert json.loads(out)["was_final"] is True


def test_a_draft_that_was_not_final_says_nothing_of_it(tmp_path):
    report = migrate_draft(sample(tmp_path, "tech_vp"), load_pack_dir(PACK_2025), tmp_path / "new.cxy", "en")
    assert report.was_final is False
    assert not any("final" in line for line in as_text(report, "en").splitlines()[1:3])


def test_a_hand_off_copy_keeps_its_role_records_attachments_and_can_still_be_merged(tmp_path):
    from forms.workflow import handoff, merge

    new_pack = resolve_pack(str(PACK_2025))  # known by id for the rest of the run, as with --pack FOLDER
    original = sample(tmp_path, "tech_vp")
    with Draft.open(original) as d:
        records(d)  # the preflight of each attachment, stored with it (as the app's intake does)
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    with Draft.open(copy, readonly=True) as d:
        handoff_id, base, history = d.meta()["handoff_id"], d.handoff_base(d.meta()["handoff_id"]), d.history()

    copy_new, original_new = tmp_path / "enterprise-2025.cxy", tmp_path / "original-2025.cxy"
    report = migrate_draft(copy, new_pack, copy_new, "en")
    migrate_draft(original, new_pack, original_new)

    with Draft.open(copy_new, readonly=True) as d:
        assert d.role == "enterprise" and d.meta()["handoff_id"] == handoff_id
        assert d.handoff_base(handoff_id) == base
        assert d.history()[: len(history)] == history
        assert d.undo_available() == (None, None)  # nothing of the old undo history, nor the migration's adds
    assert report.role == "enterprise" and report.handoffs == 1 and report.history == len(history)
    text = as_text(report, "en")
    assert "Role carried over" in text and new_pack.role("enterprise").label.en in text
    # attachments and their preflight records, as they were
    assert read(copy_new)[2] == read(copy)[2] and intake_entries(copy_new) == intake_entries(copy)
    assert intake_entries(copy_new)

    # the enterprise fills in the migrated copy; the migrated original takes it back as theirs
    with Draft.open(copy_new) as d:
        d.set("enterprise.contact.name", "王五")
    with Draft.open(original_new) as d:
        assert d.handoff_base(handoff_id) == base  # the original kept its record of the hand-off too
        result = merge(d, copy_new)
        assert result.taken == ["enterprise.contact.name"] and result.merged
        assert d.get("enterprise.contact.name") == "王五"


def test_a_copy_for_a_role_the_new_pack_lacks_is_refused_in_one_line(tmp_path, capsys):
    from forms.workflow import handoff

    new = load_pack_dir(PACK_2025)
    original = sample(tmp_path, "tech_vp")
    gone = next(r.id for r in load_pack("jiangsu-cxy-2023").roles if new.role(r.id) is None)
    copy = tmp_path / "copy.cxy"
    handoff(original, gone, copy)
    before = digest(copy)
    code, out, err = run(
        capsys, "--lang", "en", "migrate", str(copy), "--to", str(PACK_2025), "-o", str(tmp_path / "n.cxy")
    )
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"'{gone}'" in err and "migrate the original draft" in err
    assert not (tmp_path / "n.cxy").exists() and digest(copy) == before


def test_undo_history_is_not_carried_and_said_only_where_there_was_some(tmp_path):
    new = load_pack_dir(PACK_2025)
    with_undo = sample(tmp_path, "tech_vp")
    with Draft.open(with_undo) as d:
        first = d.attachments()[0]
        d.update_attachment(first.id, title=first.title + "（改）")
        d.undo()  # an undone step is history too: Redo would bring it back
        assert d.undo_available() != (None, None)
    report = migrate_draft(with_undo, new, tmp_path / "a.cxy", "en")
    assert report.undo_dropped and "undo history was not carried over" in as_text(report, "en")
    with Draft.open(tmp_path / "a.cxy", readonly=True) as d:
        assert d.undo_available() == (None, None)

    plain = tmp_path / "plain.cxy"
    create_draft(
        plain,
        pack="jiangsu-cxy-2023",
        category="tech_vp",
        fill=lambda d: d.set_many({"project.name": "没有附件的草稿"}),
    )
    report = migrate_draft(plain, new, tmp_path / "b.cxy")
    assert not report.undo_dropped and "撤销" not in as_text(report)
    assert report.history == 0 and "变更记录" not in as_text(report)
