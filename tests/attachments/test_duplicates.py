"""Issue 12 item 2: a file whose pages are already attached is refused, naming the attachment it
duplicates; what the draft remembers about its attachments is trusted only when ours."""

from __future__ import annotations

import hashlib
import io
import json

import pikepdf
import pytest

from forms.attachments import normalise
from forms.attachments.intake_record import decode, encode, known_keys, records
from forms.attachments.preflight import examine
from forms.cli import main as cxy
from forms.draft import Draft
from forms.draft.attachments import ENTRY_PREFIX, entry_key
from forms.errors import UserError

from .intake_files import CONTRACT_LINES, jpeg, page_image, text_pdf


@pytest.fixture
def draft(tmp_path):
    with Draft.create(tmp_path / "d.cxy", pack="jiangsu-cxy-2023", category="tech_vp") as opened:
        yield opened


def add(draft, data: bytes, name: str, title: str, kind: str = "contract") -> int:
    """What the CLI and the app do: intake, examine, add with the keys of what is there."""
    result = normalise(data, name)
    examination = examine(result.pdf)
    sha = hashlib.sha256(result.pdf).hexdigest()
    return draft.add_attachment(
        kind=kind,
        title=title,
        original_name=name,
        source_format=result.source_format,
        pages=result.pages,
        sha256=sha,
        pdf=result.pdf,
        content_key=examination.key,
        known_keys=known_keys(records(draft)),
        entries={entry_key(sha): encode(sha, examination)},
    )


def resaved(pdf: bytes) -> bytes:
    """The same PDF after another program saved it: object streams, streams stored uncompressed,
    new /Info and /ID (so even our intake's rebuild of it differs: it copies streams as stored)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.docinfo["/Producer"] = "Some Scanner App 5.1"
        buf = io.BytesIO()
        doc.save(
            buf,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
        )
    return buf.getvalue()


def test_the_same_scan_added_twice_is_refused_naming_the_first(draft):
    scan = jpeg(page_image())
    add(draft, scan, "合同.jpg", "技术合同")
    add(draft, jpeg(page_image(size=(1600, 2300))), "到账.jpg", "到账证明", "payment_proof")
    with pytest.raises(UserError) as refused:
        add(draft, scan, "IMG_0001.jpg", "又一份")
    assert refused.value.code == "attach.duplicate"
    assert "附件 1（技术合同）" in refused.value.zh and "attachment 1 (技术合同)" in refused.value.en
    assert [a.title for a in draft.attachments()] == ["技术合同", "到账证明"]


def test_a_resaved_pdf_is_the_same_content(draft):
    original = text_pdf(CONTRACT_LINES)
    again = resaved(original)
    assert again != original and normalise(again, "b.pdf").pdf != normalise(original, "a.pdf").pdf
    add(draft, original, "合同.pdf", "技术合同")
    with pytest.raises(UserError, match="附件 1（技术合同）"):
        add(draft, again, "合同（另存）.pdf", "技术合同 2")


def test_different_pages_are_not_duplicates(draft):
    add(draft, jpeg(page_image()), "a.jpg", "A")
    add(draft, jpeg(page_image(size=(1654, 2300))), "b.jpg", "B")
    add(draft, text_pdf(CONTRACT_LINES), "c.pdf", "C")
    add(draft, text_pdf(CONTRACT_LINES[:-1]), "d.pdf", "D")
    assert len(draft.attachments()) == 4


def test_the_record_is_written_with_the_attachment(draft):
    add(draft, jpeg(page_image()), "a.jpg", "A")
    info = draft.attachments()[0]
    examination = decode(info.sha256, draft.meta()[entry_key(info.sha256)])
    assert examination is not None and examination.pages == 1


def test_a_received_record_is_recomputed_not_trusted(draft):
    """A sender's entry (no valid signature of ours) can neither hide a duplicate nor invent one."""
    first = add(draft, jpeg(page_image()), "a.jpg", "A")
    info = next(a for a in draft.attachments() if a.id == first)
    key = entry_key(info.sha256)
    forged = json.loads(draft.meta()[key])
    forged["key"] = "0" * 64
    draft.set_meta(key, json.dumps(forged))
    assert decode(info.sha256, draft.meta()[key]) is None
    with pytest.raises(UserError, match="附件 1（A）"):
        add(draft, jpeg(page_image()), "again.jpg", "again")
    assert decode(info.sha256, draft.meta()[key]) is not None  # rewritten by us
    # a forged entry naming another file's key does not refuse that file
    other = normalise(jpeg(page_image(size=(1600, 2000))), "b.jpg")
    forged["key"] = examine(other.pdf).key
    draft.set_meta(key, json.dumps(forged))
    add(draft, jpeg(page_image(size=(1600, 2000))), "b.jpg", "B")
    assert [a.title for a in draft.attachments()] == ["A", "B"]


def test_records_of_removed_attachments_do_not_pile_up(draft):
    for size in ((1600, 2200), (1600, 2210), (1600, 2220)):
        draft.remove_attachment(add(draft, jpeg(page_image(size=size)), "x.jpg", "X"))
    add(draft, jpeg(page_image()), "y.jpg", "Y")
    assert len([k for k in draft.meta() if k.startswith(ENTRY_PREFIX)]) == 1


def test_cli_attach_refuses_the_duplicate_and_adds_the_rest(tmp_path, capsys):
    path = tmp_path / "d.cxy"
    Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp").close()
    scan = jpeg(page_image())
    (tmp_path / "合同.jpg").write_bytes(scan)
    (tmp_path / "copy.jpg").write_bytes(scan)
    (tmp_path / "到账.jpg").write_bytes(jpeg(page_image(size=(1600, 2300))))
    assert cxy(["attach", str(path), *(str(tmp_path / n) for n in ("合同.jpg", "copy.jpg", "到账.jpg"))]) == 1
    err = capsys.readouterr().err
    assert "copy.jpg" in err and "附件 1（合同）" in err and len(err.strip().splitlines()) == 1
    with Draft.open(path, readonly=True) as draft:
        assert [a.title for a in draft.attachments()] == ["合同", "到账"]
