"""One flipped bit in one attachment marks that attachment, not the draft (issue 9, item 8)."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest
from draft_helpers import attach, make_draft, tiny_pdf

from forms.draft import Draft, DraftError

MB = 1 << 20


def flip_bit_in(path: Path, needle: bytes) -> None:
    raw = bytearray(path.read_bytes())
    at = raw.find(needle)
    assert at > 0 and raw.find(needle, at + 1) == -1
    raw[at + len(needle) // 2] ^= 0x01
    path.write_bytes(bytes(raw))


@pytest.fixture
def three(tmp_path) -> Path:
    path = make_draft(tmp_path / "d.cxy", pdfs=0)
    with Draft.open(path) as draft:
        for n in range(3):
            attach(draft, tiny_pdf(b"attachment-number-%d-of-three" % n), title=f"附件标题{n + 1}")
    return path


def test_the_rest_of_the_draft_opens_and_reads(three):
    flip_bit_in(three, b"attachment-number-1-of-three")
    with Draft.open(three, readonly=True) as draft:
        infos = draft.attachments()
        assert [a.damaged for a in infos] == [False, True, False]
        assert draft.data()["project"]["name"]
        assert draft.attachment_pdf(infos[0].id).startswith(b"%PDF")
        assert draft.attachment_pdf(infos[2].id).startswith(b"%PDF")
        with pytest.raises(DraftError) as err:
            draft.attachment_pdf(infos[1].id)
        assert err.value.code == "draft.attachment_damaged"
        assert "附件 2（附件标题2）" in err.value.zh and "Attachment 2 (附件标题2)" in err.value.en


def test_a_damaged_attachment_can_be_removed(three):
    flip_bit_in(three, b"attachment-number-1-of-three")
    with Draft.open(three) as draft:
        draft.remove_attachment(draft.attachments()[1].id)
        assert [(a.title, a.position, a.damaged) for a in draft.attachments()] == [
            ("附件标题1", 0, False),
            ("附件标题3", 1, False),
        ]


def test_a_damaged_attachment_can_be_replaced_keeping_kind_title_and_place(three):
    flip_bit_in(three, b"attachment-number-1-of-three")
    fresh = tiny_pdf(b"the original file, scanned again")
    with Draft.open(three) as draft:
        before = draft.attachments()[1]
        draft.replace_attachment(
            before.id,
            original_name="重扫.pdf",
            source_format="pdf",
            pages=1,
            sha256=hashlib.sha256(fresh).hexdigest(),
            pdf=fresh,
        )
        after = draft.attachments()[1]
        assert (after.id, after.kind, after.title, after.position) == (before.id, before.kind, before.title, 1)
        assert (after.original_name, after.damaged) == ("重扫.pdf", False)
        assert draft.attachment_pdf(after.id) == fresh
        with pytest.raises(DraftError) as err:  # the digest is checked, as for a new attachment
            draft.replace_attachment(
                before.id, original_name="x.pdf", source_format="pdf", pages=1, sha256="0" * 64, pdf=fresh
            )
        assert err.value.code == "draft.invalid_value"


def test_a_big_attachment_is_checked_without_holding_it_in_memory(tmp_path):
    big = tiny_pdf(b"big") + b"%" + bytes(range(256)) * (24 * MB // 256)  # 24 MB over overflow pages
    path = make_draft(tmp_path / "d.cxy", pdfs=0)
    with Draft.open(path) as draft:
        attach(draft, big, title="大扫描件")
    del big
    with Draft.open(path, readonly=True) as draft:
        tracemalloc.start()
        try:
            assert [a.damaged for a in draft.attachments()] == [False]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8 * MB, f"checking the digest held {peak / MB:.1f} MB"
    raw = bytearray(path.read_bytes())
    # Inside the content of an overflow page of the blob (past the page's 4-byte next-page link).
    raw[(len(raw) // 2 // 4096) * 4096 + 1000] ^= 0x80
    path.write_bytes(bytes(raw))
    with Draft.open(path, readonly=True) as draft:
        assert [a.damaged for a in draft.attachments()] == [True]
        assert draft.data()["project"]["name"]
