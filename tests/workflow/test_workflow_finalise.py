"""Issue 10 item 5 (forms/CLI side): 定稿 with zero errors, then every write refused."""

from __future__ import annotations

import pytest
from wf_helpers import cxy, real_pdf, sample_draft

from forms.draft import Draft, DraftError
from forms.errors import UserError
from forms.pack import load_pack
from forms.workflow import finalise, unfinalise

FINAL_ZH = "申报书已定稿，不能修改；如需修改请先解除定稿"


def test_finalise_is_refused_while_the_checks_report_errors(tmp_path):
    path = sample_draft(tmp_path / "a.cxy")
    with Draft.open(path) as draft:
        draft.set_many({"project.name": None, "leader.name": None})
        with pytest.raises(UserError) as err:
            finalise(draft, load_pack())
        assert err.value.code == "workflow.not_ready"
        assert "2 个错误" in err.value.zh or "个错误" in err.value.zh
        assert not draft.final
        draft.set("project.name", "still editable")


def test_a_final_draft_refuses_every_write_until_reopened_with_a_reason(tmp_path):
    path = sample_draft(tmp_path / "a.cxy")
    with Draft.open(path) as draft:
        finalise(draft, load_pack())
        assert draft.final
        for write in (
            lambda: draft.set("project.name", "x"),
            lambda: draft.replace_data(draft.data()),
            lambda: draft.set_meta("role", "office"),
            lambda: draft.remove_list_item("members", 0),
        ):
            with pytest.raises(DraftError) as err:
                write()
            assert err.value.code == "draft.final" and err.value.zh == FINAL_ZH
        with pytest.raises(UserError) as err:
            unfinalise(draft, "   ")
        assert err.value.code == "workflow.reason_required" and draft.final
        unfinalise(draft, "企业更正了到账日期", role="office")
        assert not draft.final
        draft.set("project.name", "edited again")
        actions = [(e.action, e.role, e.note) for e in draft.history()]
        assert actions[-2:] == [("finalise", "", ""), ("unfinalise", "office", "企业更正了到账日期")]


def test_a_final_draft_refuses_cxy_attach_and_merge_in_one_line(tmp_path):
    path = sample_draft(tmp_path / "a.cxy")
    done = cxy("finalise", str(path))
    assert done.returncode == 0, done.stderr
    scan = tmp_path / "合同.pdf"
    scan.write_bytes(real_pdf("contract"))
    before = path.read_bytes()
    done = cxy("attach", str(path), "--kind", "contract", str(scan))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"cxy: {FINAL_ZH}"]
    done = cxy("merge", str(path), str(path))
    assert done.returncode in (0, 2)  # nothing differs; a merge with changes is refused below
    copy = tmp_path / "b.cxy"
    with Draft.open(path) as draft:
        draft.send_copy(copy)
    with Draft.open(copy) as other:
        unfinalise(other, "test")
        other.set("contract.amount_wan", 99)
    done = cxy("merge", str(path), str(copy), "--take", "theirs")
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [f"cxy: {FINAL_ZH}"]
    assert path.read_bytes() == before


def test_cli_unfinalise_needs_a_reason_and_records_it(tmp_path):
    path = sample_draft(tmp_path / "a.cxy")
    assert cxy("finalise", str(path)).returncode == 0
    done = cxy("unfinalise", str(path), "--reason", " ")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    done = cxy("unfinalise", str(path), "--reason", "补充合同扫描件")
    assert done.returncode == 0, done.stderr
    done = cxy("history", str(path))
    assert "unfinalise" in done.stdout and "补充合同扫描件" in done.stdout


def test_cli_finalise_refused_with_errors_exits_2(tmp_path):
    path = tmp_path / "empty.cxy"
    assert cxy("new", "--category", "tech_vp", "-o", str(path)).returncode == 0
    done = cxy("finalise", str(path))
    assert done.returncode == 2 and "个错误" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_finalise_of_a_draft_naming_a_pack_this_program_lacks_checks_it_with_the_default(tmp_path):
    """As every other command does: the default pack's checks report the mismatch (not ready),
    instead of the command stopping at "unknown rule pack"."""
    path = sample_draft(tmp_path / "a.cxy")
    with Draft.open(path) as draft:
        draft.set_meta("pack", "jiangsu-cxy-2099")
    done = cxy("finalise", str(path))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "个错误" in done.stderr and "未知的规则包" not in done.stderr
    with Draft.open(path) as draft:
        assert not draft.final
