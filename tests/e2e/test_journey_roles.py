"""The journey between people and states (researcher → enterprise → research office; draft →
copies → merged → 定稿 → package), played where it went wrong: a returned copy merged into the
wrong draft or across a migration, a hand-off copy marked final and printed sealed, and a draft
of an installed pack printed under the built-in pack's forms."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forms.draft import Draft
from forms.errors import UserError
from forms.migrate import migrate_draft, resolve_pack
from forms.pack import load_pack
from forms.samples import fill_sample
from forms.transfer import create_draft
from forms.workflow import finalise, handoff, merge, unfinalise
from tests.pack_writer import PACK_2025

REPO = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample(path: Path, category: str = "tech_vp", **changes: object) -> Path:
    pack = load_pack("jiangsu-cxy-2023")

    def fill(draft: Draft) -> None:
        fill_sample(draft, category, pack)
        if changes:
            draft.set_many(changes)

    create_draft(path, pack=pack.id, category=category, fill=fill)
    return path


def cxy(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if data_dir is not None:
        env["CXY_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_a_copy_of_another_application_is_not_merged_into_this_one(tmp_path):
    ours = sample(tmp_path / "ours.cxy")
    other = sample(tmp_path / "other.cxy", "conference", **{"enterprise.name": "另一家企业有限公司"})
    copy = tmp_path / "other-enterprise.cxy"
    handoff(other, "enterprise", copy)
    with Draft.open(copy) as theirs:
        theirs.set("enterprise.contact.phone", "13900000002")
    before = digest(ours)
    with Draft.open(ours) as draft, pytest.raises(UserError) as err:
        merge(draft, copy, take="theirs")
    assert err.value.code == "workflow.not_this_draft" and "nothing was changed" in err.value.en
    assert digest(ours) == before
    done = cxy("merge", str(ours), str(copy), "--take", "theirs")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "不是从这份草稿交出的" in done.stderr
    assert digest(ours) == before
    # the copy still goes home: its own original takes it
    with Draft.open(other) as draft:
        assert merge(draft, copy).taken == ["enterprise.contact.phone"]


def test_a_copy_from_before_a_migration_is_merged_only_once_migrated_too(tmp_path):
    new_pack = resolve_pack(str(PACK_2025))
    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    with Draft.open(copy) as theirs:
        theirs.set("enterprise.contact.name", "王五")
    migrated = tmp_path / "a-2025.cxy"
    migrate_draft(original, new_pack, migrated)
    before = digest(migrated)
    with Draft.open(migrated) as draft, pytest.raises(UserError) as err:
        merge(draft, copy)
    assert err.value.code == "workflow.other_pack"
    assert "jiangsu-cxy-2023" in err.value.zh and "cxy migrate" in err.value.zh
    assert digest(migrated) == before
    # migrated too, the copy is taken as the enterprise's, three-way against the carried hand-off
    copy_2025 = tmp_path / "enterprise-2025.cxy"
    migrate_draft(copy, new_pack, copy_2025)
    with Draft.open(migrated) as draft:
        result = merge(draft, copy_2025)
        assert result.taken == ["enterprise.contact.name"] and draft.get("enterprise.contact.name") == "王五"


def test_a_hand_off_copy_cannot_be_marked_final_nor_print_sealed_pages(tmp_path):
    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "office.cxy"
    handoff(original, "office", copy)
    with Draft.open(copy) as draft:
        with pytest.raises(UserError) as err:
            finalise(draft, load_pack())
        assert err.value.code == "workflow.copy_not_final" and not draft.final
    assert "科研管理部门" in err.value.zh and "Research office" in err.value.en
    done = cxy("--lang", "en", "finalise", str(copy))
    assert done.returncode == 2 and "cannot be marked final" in done.stderr

    # a copy marked final elsewhere (an older version, another tool) still prints as a draft
    with Draft.open(copy) as draft:
        draft.set_meta("final", "1")
    package = tmp_path / "office.pdf"
    assert cxy("build", str(copy), "-o", str(package)).returncode == 0
    done = cxy("--lang", "en", "verify", str(package), str(original))
    assert done.returncode == 2 and "no seal" in done.stderr


def test_a_draft_of_an_installed_pack_prints_under_its_own_forms_and_says_when_the_pack_is_missing(tmp_path):
    with_pack, without = tmp_path / "data", tmp_path / "bare"
    assert cxy("packs", "install", str(PACK_2025), data_dir=with_pack).returncode == 0
    draft = tmp_path / "dual.cxy"
    done = cxy("--pack", "jiangsu-cxy-2025", "sample", "--category", "dual_high", "-o", str(draft), data_dir=with_pack)
    assert done.returncode == 0, done.stderr
    for command in ("build", "print-set"):
        out = tmp_path / f"{command}.pdf"
        done = cxy(command, str(draft), "-o", str(out), data_dir=with_pack)  # no --pack: the draft names it
        assert done.returncode == 0, done.stderr
        assert out.read_bytes().startswith(b"%PDF")
    done = cxy("upload-files", str(draft), "-o", str(tmp_path / "uploads"), data_dir=with_pack)
    assert done.returncode == 0, done.stderr

    # on a computer without that pack: the pack is named, with how to install it
    done = cxy(
        "--lang",
        "en",
        "migrate",
        str(draft),
        "--to",
        "jiangsu-cxy-2023",
        "-o",
        str(tmp_path / "m.cxy"),
        data_dir=without,
    )
    assert done.returncode == 2 and "jiangsu-cxy-2025" in done.stderr and "cxy packs install" in done.stderr
    for command in ("build", "print-set"):
        done = cxy("--lang", "en", command, str(draft), "-o", str(tmp_path / f"x-{command}.pdf"), data_dir=without)
        assert done.returncode == 2 and done.stderr.count("\n") == 1
        assert "jiangsu-cxy-2025" in done.stderr and "cxy packs install" in done.stderr
        assert "category" not in done.stderr  # it has one; the pack is what is missing
        assert not (tmp_path / f"x-{command}.pdf").exists()


def test_handing_off_a_copy_again_names_the_role_as_people_call_it(tmp_path):
    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    with pytest.raises(UserError) as err:
        handoff(copy, "office", tmp_path / "office.cxy")
    assert err.value.code == "workflow.not_original"
    assert "合作企业联系人" in err.value.zh and "Enterprise contact" in err.value.en
    assert not (tmp_path / "office.cxy").exists()


def _pdf(path: Path, words: str) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.drawString(100, 700, words)
    page.showPage()
    page.save()
    return path


def test_after_a_merge_took_attachments_undo_says_there_is_nothing_to_undo(tmp_path):
    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    done = cxy("attach", str(copy), str(_pdf(tmp_path / "page2.pdf", "contract page 2")), "--kind", "contract")
    assert done.returncode == 0, done.stderr
    done = cxy("attach", str(original), str(_pdf(tmp_path / "proof.pdf", "payment 2022")), "--kind", "payment_proof")
    assert done.returncode == 0, done.stderr
    assert cxy("merge", str(original), str(copy)).returncode == 0
    with Draft.open(original, readonly=True) as draft:
        titles = [a.title for a in draft.attachments()]
        assert draft.undo_available() == (None, None)  # the merge is not one of the undoable steps
    assert titles[-2:] == ["proof", "page2"]
    for command, says in (("undo", "no attachment operation to undo"), ("redo", "nothing to redo")):
        done = cxy("--lang", "en", command, str(original))
        assert done.returncode == 2 and says in done.stderr
    with Draft.open(original, readonly=True) as draft:
        assert [a.title for a in draft.attachments()] == titles


def test_cxy_portal_says_when_it_lists_a_copy_or_a_draft_not_yet_final(tmp_path):
    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    listed = cxy("portal", str(original))
    assert listed.returncode == 0 and "尚未定稿" in listed.stderr
    done = cxy("--lang", "en", "portal", str(copy))
    assert done.returncode == 0 and "copy handed to the Enterprise contact" in done.stderr
    assert done.stdout.splitlines()[0].startswith(" 1.")  # stdout stays the list to type in
    with Draft.open(original) as draft:
        finalise(draft, load_pack())
    final = cxy("portal", str(original))
    assert final.returncode == 0 and final.stderr == ""
    # the same fields (the upload files of a final draft carry its seal, so their sizes differ)
    assert final.stdout.split("\n\n")[0] == listed.stdout.split("\n\n")[0]


@pytest.mark.parametrize(
    "command",
    [
        ["merge", "{draft}", "{json}"],
        ["diff", "{draft}", "{json}"],
        ["handoff", "{json}", "--role", "enterprise", "-o", "{out}"],
        ["finalise", "{json}"],
        ["history", "{json}"],
        ["attach", "{json}", "{pdf}"],
        ["migrate", "{json}", "--to", "jiangsu-cxy-2023", "-o", "{out}"],
    ],
)
def test_a_copy_sent_back_as_json_is_named_with_how_to_make_it_a_draft(tmp_path, capsys, command):
    from forms.cli import main

    draft = sample(tmp_path / "a.cxy")
    sent = tmp_path / "企业返回.json"
    assert main(["export", str(draft), "-o", str(sent)]) == 0
    names = {"draft": draft, "json": sent, "out": tmp_path / "out.cxy", "pdf": _pdf(tmp_path / "p.pdf", "x")}
    before = digest(draft), digest(sent)
    capsys.readouterr()
    assert main(["--lang", "en", *(part.format(**names) for part in command)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{sent} is a JSON file" in err and f"cxy import {sent}" in err
    assert (digest(draft), digest(sent)) == before and not (tmp_path / "out.cxy").exists()


def test_a_final_application_is_not_handed_off_and_says_why(tmp_path):
    original = sample(tmp_path / "a.cxy")
    with Draft.open(original) as draft:
        finalise(draft, load_pack())
    before = digest(original)
    with pytest.raises(UserError) as err:
        handoff(original, "office", tmp_path / "office.cxy")
    assert err.value.code == "workflow.final_handoff" and "reopen it" in err.value.en
    assert digest(original) == before and not (tmp_path / "office.cxy").exists()


def test_the_print_set_verifies_against_its_draft_and_names_a_later_change(tmp_path):
    original = sample(tmp_path / "a.cxy")
    with Draft.open(original) as draft:
        finalise(draft, load_pack())
    paper = tmp_path / "print.pdf"
    assert cxy("print-set", str(original), "-o", str(paper)).returncode == 0
    done = cxy("--lang", "en", "verify", str(paper), str(original))
    assert done.returncode == 0, done.stdout + done.stderr  # said "does not match: attachments"
    assert "Matches the draft (the print set holds no attachments" in done.stdout

    with Draft.open(original) as draft:
        unfinalise(draft, "改项目名称")
        draft.set("project.name", "改过的项目名称")
        finalise(draft, load_pack())
    done = cxy("--lang", "en", "verify", str(paper), str(original))
    assert done.returncode == 1 and "Does not match the draft: project.name" in done.stdout


def test_lang_and_pack_are_taken_after_the_command_too(tmp_path, capsys):
    from forms.cli import main

    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    assert main(["merge", str(original), str(copy), "--lang", "en"]) == 0
    assert "Merged the file returned by Enterprise contact" in capsys.readouterr().out
    assert main(["--lang", "en", "history", str(original)]) == 0  # before the command, as ever
    made = tmp_path / "dual.cxy"
    assert main(["new", "--category", "dual_high", "-o", str(made), "--pack", str(PACK_2025)]) == 0
    with Draft.open(made, readonly=True) as draft:
        assert draft.meta()["pack"] == "jiangsu-cxy-2025"  # a category only that pack has


def test_the_office_batch_counts_an_application_once_beside_its_copies_and_verifies_its_print_set(tmp_path):
    from forms.office.batch import scan_folder

    folder = tmp_path / "收件"
    folder.mkdir()
    original = sample(folder / "申报书.cxy")
    handoff(original, "enterprise", folder / "企业填写.cxy")
    handoff(original, "office", folder / "科研处.cxy")
    with Draft.open(original) as draft:
        finalise(draft, load_pack())
    assert cxy("print-set", str(original), "-o", str(folder / "打印.pdf")).returncode == 0

    rows = {row.file: row for row in scan_folder(folder, load_pack(), "en").rows}
    main = rows["申报书.cxy"]
    assert not main.cross, [i.message for i in main.cross]  # was: G5/G6 duplicates of its own copies
    assert main.seal == "verified" and main.eligible  # was: "seal mismatch" for its own print set
    for copy, who in (("企业填写.cxy", "Enterprise contact"), ("科研处.cxy", "Research office")):
        assert not rows[copy].usable and f"copy handed to the {who}" in (rows[copy].reason or "")


def test_a_new_sample_or_imported_draft_has_nothing_to_undo(tmp_path, capsys):
    from forms.cli import main

    made = tmp_path / "sample.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(made)]) == 0
    sent = tmp_path / "sent.json"
    assert main(["export", str(made), "-o", str(sent)]) == 0
    received = tmp_path / "received.cxy"
    assert main(["import", str(sent), "-o", str(received)]) == 0
    for draft in (made, received):
        with Draft.open(draft, readonly=True) as opened:
            kinds = [a.kind for a in opened.attachments()]
        capsys.readouterr()
        assert main(["--lang", "en", "undo", str(draft)]) == 2  # took away a received attachment
        assert "no attachment operation to undo" in capsys.readouterr().err
        with Draft.open(draft, readonly=True) as opened:
            assert [a.kind for a in opened.attachments()] == kinds == ["contract", "payment_proof"]


def test_a_resolved_conflict_stays_resolved_when_the_same_copy_is_merged_again(tmp_path):
    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    with Draft.open(copy) as theirs:
        theirs.set_many({"enterprise.contact.name": "甲", "enterprise.contact.phone": "13900000001"})
    with Draft.open(original) as ours:
        ours.set("enterprise.contact.name", "乙")
        assert merge(ours, copy).conflicts_left == ["enterprise.contact.name"]
        assert merge(ours, copy, take="ours").merged
        again = merge(ours, copy)  # the same copy, merged again (or by a colleague)
        assert again.merged and not again.taken, again.conflicts_left  # the conflict came back each time
        ours.set("enterprise.contact.phone", "13900000005")  # edited here after taking theirs
        assert merge(ours, copy).merged and ours.get("enterprise.contact.phone") == "13900000005"
    with Draft.open(copy) as theirs:  # new word from the enterprise is a new conflict
        theirs.set("enterprise.contact.name", "丙")
    with Draft.open(original) as ours:
        assert merge(ours, copy).conflicts_left == ["enterprise.contact.name"]
        assert ours.get("enterprise.contact.name") == "乙"
        assert [e.path for e in ours.history() if e.action == "merge"] == ["enterprise.contact.phone"]


def test_cxy_merge_resolves_one_conflict_with_pick_and_leaves_the_other(tmp_path):
    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    with Draft.open(copy) as theirs:
        theirs.set_many({"enterprise.contact.name": "甲", "enterprise.contact.phone": "13900000001"})
    with Draft.open(original) as ours:
        ours.set_many({"enterprise.contact.name": "乙", "enterprise.contact.phone": "13900000002"})
    done = cxy("--lang", "en", "merge", str(original), str(copy), "--pick", "enterprise.contact.name=theirs")
    assert done.returncode == 1 and "Conflicts left unmerged: enterprise.contact.phone" in done.stdout
    assert "--pick PATH=theirs" in done.stdout
    with Draft.open(original, readonly=True) as ours:
        assert ours.get("enterprise.contact.name") == "甲" and ours.get("enterprise.contact.phone") == "13900000002"
    done = cxy("merge", str(original), str(copy), "--pick", "enterprise.contact.phone")
    assert done.returncode == 2 and "--pick" in done.stderr and done.stderr.count("\n") == 1
    done = cxy("merge", str(original), str(copy), "--pick", "enterprise.contact.phone=ours")
    assert done.returncode == 0, done.stdout + done.stderr
    with Draft.open(original, readonly=True) as ours:
        assert ours.get("enterprise.contact.phone") == "13900000002"


def test_a_received_copy_cannot_write_control_characters_or_forged_lines_to_the_terminal(tmp_path, capsys):
    import sqlite3

    from forms.cli import main

    original = sample(tmp_path / "a.cxy")
    copy = tmp_path / "enterprise.cxy"
    handoff(original, "enterprise", copy)
    forged = "合同\x1b[2J\x1b]0;title\x07\n  [错误] 伪造的一行"
    con = sqlite3.connect(copy)  # as a hostile sender would write it
    con.execute("UPDATE attachments SET title = ? WHERE id = (SELECT min(id) FROM attachments)", (forged,))
    con.execute(
        "INSERT INTO history(at, role, action, path, old, new, note) VALUES (?, ?, 'handoff', '', NULL, NULL, ?)",
        ("2026\x1b[31m", "enterprise\n伪造", forged),
    )
    con.commit()
    con.close()
    for argv in (
        ["validate", str(copy)],
        ["history", str(copy)],
        ["diff", str(original), str(copy)],
        ["preflight", str(copy)],
        ["pages", str(copy), "1", "--rotate", "1=90"],
    ):
        main(argv)
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out, argv
        assert not any(line.lstrip().startswith(("[错误] 伪造", "伪造")) for line in out.splitlines()), argv
        assert "伪造的一行" in out  # still shown, as one line with its escapes


def test_the_office_batch_and_the_portal_list_print_received_text_as_one_line(tmp_path, capsys):
    import json
    import sqlite3

    from forms.cli import main

    folder = tmp_path / "申报材料"
    folder.mkdir()
    path = sample(folder / "a.cxy")
    con = sqlite3.connect(path)  # as a hostile sender would write it
    con.execute(
        "UPDATE fields SET value = ? WHERE path = 'project.name'", (json.dumps("项目\x1b[2J\n[错误] 伪造的一行"),)
    )
    con.commit()
    con.close()
    for argv in (["batch", str(folder)], ["portal", str(path)]):
        main(argv)
        out = capsys.readouterr().out
        assert "\x1b" not in out, argv
        assert not any(line.lstrip().startswith("[错误] 伪造") for line in out.splitlines()), argv


def test_an_output_in_a_missing_folder_is_named_as_given_and_no_folder_is_made(tmp_path, capsys):
    from forms.cli import main

    draft = sample(tmp_path / "a.cxy")
    missing = tmp_path / "没有这个文件夹"
    for command, name in (("build", "x.pdf"), ("print-set", "p.pdf"), ("export", "x.json")):
        capsys.readouterr()
        assert main(["--lang", "en", command, str(draft), "-o", str(missing / name)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(missing) in err, err
        assert "cxytmp" not in err  # was the hidden temporary name, not the one the user gave
        assert not missing.exists()  # export made the folder (and its _attachments) on its way
