"""Undo/redo of attachment operations, kept in the draft (schema v3): every operation is undone
exactly, survives closing and reopening the file, stays bounded, never travels in a sent copy,
and a journal that no longer matches (or was tampered with) changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from draft_helpers import PACK, SAMPLE, attach, tiny_pdf

from forms.attachments import normalise, page_ops
from forms.draft import Draft, DraftError, schema, undo_journal
from tests.attachments.scan_pdfs import geometry, images_of, scan_pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _state(draft: Draft) -> list[tuple]:
    """What a user sees of the attachments: order, kind, title, pages and the PDF itself."""
    return [
        (a.id, a.kind, a.title, a.pages, hashlib.sha256(draft.attachment_pdf(a.id)).hexdigest())
        for a in draft.attachments()
    ]


@pytest.fixture
def draft(tmp_path) -> Draft:
    d = Draft.create(tmp_path / "d.cxy", pack=PACK, category="tech_vp")
    d.replace_data(SAMPLE)
    yield d
    d.close()


def _three(draft: Draft) -> list[int]:
    return [attach(draft, tiny_pdf(bytes([65 + i])), title=f"合同{i}") for i in range(3)]


OPERATIONS = {
    "add": lambda d, ids: attach(d, tiny_pdf(b"new"), kind="payment_proof", title="到账"),
    "remove": lambda d, ids: d.remove_attachment(ids[1]),
    "reorder": lambda d, ids: d.reorder_attachments([ids[2], ids[0], ids[1]]),
    "update": lambda d, ids: d.update_attachment(ids[0], kind="other", title="改名"),
    "replace": lambda d, ids: d.replace_attachment(
        ids[2],
        original_name="新.pdf",
        source_format="pdf",
        pages=1,
        sha256=hashlib.sha256(tiny_pdf(b"better")).hexdigest(),
        pdf=tiny_pdf(b"better"),
    ),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_attachment_operation_is_undone_and_redone_exactly(draft, name):
    ids = _three(draft)
    before = _state(draft)
    OPERATIONS[name](draft, ids)
    after = _state(draft)
    assert after != before
    assert draft.undo_available() == (name, None)
    assert draft.undo() == name
    assert _state(draft) == before
    assert draft.undo_available()[1] == name
    assert draft.redo() == name
    assert _state(draft) == after


def test_undo_walks_back_through_several_operations_and_a_new_one_ends_redo(draft):
    ids = _three(draft)
    states = [_state(draft)]
    draft.remove_attachment(ids[0])
    states.append(_state(draft))
    draft.update_attachment(ids[1], title="第二")
    states.append(_state(draft))
    draft.undo()
    assert _state(draft) == states[1]
    draft.undo()
    assert _state(draft) == states[0]  # the removed PDF is back, byte for byte
    draft.reorder_attachments(list(reversed(ids)))
    with pytest.raises(DraftError) as err:
        draft.redo()
    assert err.value.code == "draft.nothing_to_redo"


def test_nothing_to_undo_says_so(draft):
    with pytest.raises(DraftError) as err:
        draft.undo()
    assert err.value.code == "draft.nothing_to_undo" and "撤销" in err.value.zh


@pytest.fixture(scope="module")
def scan() -> bytes:
    return normalise(scan_pdf(297, 210, 100, pages=3), "scan.pdf").pdf


def test_a_page_fix_is_undone_after_the_draft_is_closed_and_reopened(tmp_path, scan):
    path = tmp_path / "d.cxy"
    with Draft.create(path, pack=PACK, category="tech_vp") as d:
        att = d.add_attachment(
            kind="contract",
            title="合同",
            original_name="scan.pdf",
            source_format="pdf",
            pages=3,
            sha256=hashlib.sha256(scan).hexdigest(),
            pdf=scan,
        )
        assert d.edit_pages(att, [page_ops.rotate(2, 90), page_ops.delete(3, 1)]) == 2
        edited = d.attachment_pdf(att)
    assert [g[2] for g in geometry(edited)] == [90, 0]
    with Draft.open(path) as d:  # a restart
        assert d.undo_available() == ("pages", None)
        assert d.undo() == "pages"
        assert d.attachment_pdf(att) == scan and d.attachments()[0].pages == 3
    with Draft.open(path) as d:
        assert d.redo() == "pages"
        assert d.attachment_pdf(att) == edited and d.attachments()[0].pages == 2


def test_split_makes_two_attachments_and_undo_makes_one_again(draft, scan):
    att = draft.add_attachment(
        kind="payment_proof",
        title="到账",
        original_name="scan.pdf",
        source_format="pdf",
        pages=3,
        sha256=hashlib.sha256(scan).hexdigest(),
        pdf=scan,
    )
    other = attach(draft, tiny_pdf(b"x"), kind="other", title="其他")
    before = _state(draft)
    new = draft.split_attachment(att, 2)
    infos = draft.attachments()
    assert [(i.id, i.kind, i.pages) for i in infos] == [
        (att, "payment_proof", 1),
        (new, "payment_proof", 2),
        (other, "other", 1),
    ]
    assert images_of(draft.attachment_pdf(att)) + images_of(draft.attachment_pdf(new)) == images_of(scan)
    draft.undo()
    assert _state(draft) == before


def test_the_journal_keeps_the_last_20_operations(draft):
    ids = _three(draft)
    for n in range(25):
        draft.update_attachment(ids[0], title=f"标题{n}")
    undone = 0
    while True:
        try:
            draft.undo()
        except DraftError as exc:
            assert exc.code == "draft.nothing_to_undo"
            break
        undone += 1
    assert undone == undo_journal.MAX_ENTRIES == 20
    assert draft.attachments()[0].title == "标题4"


def test_kept_pdfs_stay_within_the_byte_bound(draft, monkeypatch):
    monkeypatch.setattr(undo_journal, "MAX_BLOB_BYTES", 2500)
    ids = [attach(draft, tiny_pdf(bytes([65 + i]) * 1000), title=f"合同{i}") for i in range(3)]
    for att in ids:
        draft.remove_attachment(att)
    con = sqlite3.connect(draft.path)
    kept = con.execute("SELECT COALESCE(SUM(length(pdf)), 0), COUNT(*) FROM undo_blobs").fetchone()
    con.close()
    assert kept[0] <= 2500 and kept[1] == 2  # the oldest removal can no longer be undone
    draft.undo(), draft.undo()
    assert [a.title for a in draft.attachments()] == ["合同1", "合同2"]


def test_a_sent_copy_carries_no_undo_history(draft, tmp_path):
    ids = _three(draft)
    secret = draft.attachment_pdf(ids[1])
    draft.remove_attachment(ids[1])
    draft.send_copy(tmp_path / "sent.cxy")
    assert secret not in (tmp_path / "sent.cxy").read_bytes()
    with Draft.open(tmp_path / "sent.cxy") as copy:
        assert copy.undo_available() == (None, None)


def test_a_change_made_outside_the_journal_makes_undo_refuse_and_change_nothing(draft):
    ids = _three(draft)
    draft.remove_attachment(ids[0])
    con = sqlite3.connect(draft.path)
    con.execute("UPDATE attachments SET title = '别人改的' WHERE id = ?", (ids[1],))
    con.commit(), con.close()
    state = _state(draft)
    with pytest.raises(DraftError) as err:
        draft.undo()
    assert err.value.code == "draft.undo_stale"
    assert _state(draft) == state


def test_a_tampered_journal_restores_nothing(draft):
    ids = _three(draft)
    draft.update_attachment(ids[0], title="新")
    con = sqlite3.connect(draft.path)
    con.execute("UPDATE undo_journal SET before = replace(before, '\"contract\"', '\"<script>\"')")
    con.commit(), con.close()
    state = _state(draft)
    with pytest.raises(DraftError):
        draft.undo()
    assert _state(draft) == state


def test_a_v2_draft_migrates_to_v3_keeping_its_content(tmp_path):
    """fixtures/v2.cxy is fixtures/v1.cxy opened by the version-2 program (schema.SCHEMA_VERSION
    = 2, before issue 12): a shipped v2 draft, frozen."""
    path = tmp_path / "v2.cxy"
    shutil.copyfile(FIXTURES / "v2.cxy", path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 2
    con.close()
    with Draft.open(path) as d:
        before = _state(d)
        data = d.data()
        assert before and data["project"]["name"]
        assert d.undo_available() == (None, None)
        d.remove_attachment(before[0][0])
        d.undo()
        assert _state(d) == before
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 3
    con.close()
    with Draft.open(path, readonly=True) as d:
        assert d.data() == data


def test_the_v3_schema_is_v2_plus_the_undo_tables():
    assert schema.SCHEMA_VERSION == 3
    added = {row[1] for row in schema.expected_schema(3)} - {row[1] for row in schema.expected_schema(2)}
    assert added == {"undo_journal", "undo_blobs", "sqlite_autoindex_undo_blobs_1"}


def test_the_cli_fixes_pages_and_undoes_and_redoes_them(tmp_path, capsys):
    from forms.cli import main

    path = tmp_path / "c.cxy"
    assert main(["new", "--category", "tech_vp", "-o", str(path)]) == 0
    (tmp_path / "scan.pdf").write_bytes(scan_pdf(656, 400, 100, pages=3))
    assert main(["attach", str(path), "--kind", "contract", str(tmp_path / "scan.pdf")]) == 0
    with Draft.open(path, readonly=True) as d:
        original = d.attachment_pdf(d.attachments()[0].id)
    assert main(["pages", str(path), "1", "--rotate", "2=90", "--delete", "3", "--move", "2:1", "--a4"]) == 0
    with Draft.open(path, readonly=True) as d:
        edited = d.attachment_pdf(d.attachments()[0].id)
    # page 2 turned and moved first, page 3 gone, both on landscape A4 (turned: shown portrait)
    assert geometry(edited) == [(210.0, 297.0, 90), (297.0, 210.0, 0)]
    assert images_of(edited) == [images_of(original)[1], images_of(original)[0]]
    assert main(["pages", str(path), "1", "--split", "2"]) == 0
    with Draft.open(path, readonly=True) as d:
        assert [a.pages for a in d.attachments()] == [1, 1]
    assert main(["--lang", "en", "undo", str(path)]) == 0
    assert main(["undo", str(path)]) == 0
    assert "Undone: splitting an attachment" in capsys.readouterr().out
    with Draft.open(path, readonly=True) as d:
        assert d.attachment_pdf(d.attachments()[0].id) == original
    assert main(["redo", str(path)]) == 0
    with Draft.open(path, readonly=True) as d:
        assert d.attachment_pdf(d.attachments()[0].id) == edited
    assert main(["pages", str(path), "1", "--rotate", "7=90"]) == 2
    assert main(["pages", str(path), "1", "--move", "x"]) == 2
    assert main(["pages", str(path), "1"]) == 2
    assert main(["pages", str(path), "5", "--a4"]) == 2
    err = capsys.readouterr().err
    assert "没有第 7 页" in err and "P:Q" in err and "没有附件 5" in err
