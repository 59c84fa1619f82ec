"""Issue 10 items 6 and 7: a draft's outputs say so on every page; a final output is sealed on
every page and `forms.package.verify` tells a changed page or a changed draft."""

from __future__ import annotations

import io
import json

import pikepdf
import pytest
from pypdf import PdfReader

from forms.errors import UserError
from forms.package import build_package, build_print_set, upload_files
from forms.package.seal import SEAL_KEY, WATERMARK, Marks, payload, seal_of
from forms.package.verify import verify
from forms.samples import sample


@pytest.fixture(scope="module")
def data(pack):
    return sample("tech_vp", pack)


@pytest.fixture(scope="module")
def draft_build(data, attachments, pack):
    return build_package(data, attachments, pack)


@pytest.fixture(scope="module")
def final_build(data, attachments, pack):
    return build_package(data, attachments, pack, final=True)


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_of_a_draft_package_carries_the_watermark_as_text(draft_build, attachments):
    pages = texts(draft_build.pdf)
    assert len(pages) == draft_build.pages >= 6 + len(attachments)
    assert all(WATERMARK in text for text in pages)  # the attachment (scan) pages too
    assert not any("封签" in text for text in pages)
    with pikepdf.open(io.BytesIO(draft_build.pdf)) as pdf:
        assert SEAL_KEY not in pdf.docinfo


def test_a_final_package_has_no_watermark_and_a_seal_and_qr_on_every_page(final_build, data, pack):
    pages = texts(final_build.pdf)
    seal = seal_of(final_build.digest)
    marks = Marks(final=True, seal=seal, pack_id=pack.id, category="tech_vp")
    assert not any(WATERMARK in text for text in pages)
    for number, text in enumerate(pages, start=1):
        assert f"封签 {seal}" in text
        # the QR's payload is also printed beside it; no QR decoder is installed here
        assert payload(marks, number, len(pages)) in text
    with pikepdf.open(io.BytesIO(final_build.pdf)) as pdf:
        for page in pdf.pages:  # the QR code: a form with many filled modules on every page
            assert any(name.startswith("/CxyFooter") for name in page.resources.XObject.keys())  # noqa: SIM118 - a pikepdf object, not a dict
        record = json.loads(str(pdf.docinfo[SEAL_KEY]))
    assert len(record["pages"]) == len(pages) and record["hash"] == final_build.digest
    assert record["pack"] == pack.id and record["category"] == "tech_vp"


def test_the_qr_widget_encodes_the_payload(pack):
    from reportlab.graphics.barcode.qr import QrCodeWidget

    text = payload(Marks(True, "ABCD-1234", pack.id, "conference"), 3, 12)
    assert text == f"CXY|{pack.id}|conference|ABCD-1234|3/12"
    assert QrCodeWidget(text).value == text


def test_two_final_builds_are_identical(final_build, data, attachments, pack):
    assert build_package(data, attachments, pack, final=True).pdf == final_build.pdf


def test_verify_says_intact(final_build, tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(final_build.pdf)
    verdict = verify(path)
    assert verdict.intact and verdict.changed_pages == [] and verdict.matches_draft is None
    assert "完好" in verdict.message("zh") and "Intact" in verdict.message("en")


def test_a_file_sealed_by_the_first_version_still_verifies(final_build, tmp_path):
    """Seal v2 digests numbers by value (the record is taken on the graph before its one save);
    a file sealed by v1 (repr of the numbers as read from the file) still verifies as it was."""
    from forms.package.seal import page_digests

    with pikepdf.open(io.BytesIO(final_build.pdf)) as pdf:
        entry = json.loads(str(pdf.docinfo[SEAL_KEY]))
        assert entry["v"] == 2
        entry.update(v=1, pages=page_digests(pdf, 1))
        assert entry["pages"] != page_digests(pdf, 2)  # the two versions really differ
        pdf.docinfo[SEAL_KEY] = pikepdf.String(json.dumps(entry, separators=(",", ":"), sort_keys=True))
        pdf.save(tmp_path / "v1.pdf")
    assert verify(tmp_path / "v1.pdf").intact
    entry["pages"][0] = "0" * 32
    with pikepdf.open(tmp_path / "v1.pdf") as pdf:
        pdf.docinfo[SEAL_KEY] = pikepdf.String(json.dumps(entry, separators=(",", ":"), sort_keys=True))
        pdf.save(tmp_path / "v1-changed.pdf")
    assert verify(tmp_path / "v1-changed.pdf").changed_pages == [1]


def test_verify_names_the_one_page_whose_content_stream_changed(final_build, tmp_path):
    path = tmp_path / "p.pdf"
    with pikepdf.open(io.BytesIO(final_build.pdf)) as pdf:
        contents = pdf.pages[2].Contents
        stream = contents[len(contents) // 2] if isinstance(contents, pikepdf.Array) else contents
        stream.write(stream.read_bytes() + b"\n0 0 1 rg 100 100 50 50 re f\n")  # one added square
        pdf.save(path)
    verdict = verify(path)
    assert not verdict.intact and verdict.changed_pages == [3]
    assert "第 3 页" in verdict.message("zh") and "page(s) 3" in verdict.message("en")


def test_a_resave_that_changes_no_page_stays_intact(final_build, tmp_path):
    path = tmp_path / "resaved.pdf"
    with pikepdf.open(io.BytesIO(final_build.pdf)) as pdf:
        pdf.save(path, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert verify(path).intact


def test_verify_refuses_what_it_cannot_judge(draft_build, tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"not a pdf")
    (tmp_path / "d.pdf").write_bytes(draft_build.pdf)
    for name, code in (("x.pdf", "verify.not_pdf"), ("d.pdf", "verify.no_seal"), ("none.pdf", "verify.not_found")):
        with pytest.raises(UserError) as caught:
            verify(tmp_path / name)
        assert caught.value.code == code


def test_a_final_print_set_has_every_page_of_its_three_copies_sealed(data, attachments, pack, tmp_path):
    pdf = build_print_set(data, pack, include_attachments=True, attachments=attachments, final=True)
    pages = texts(pdf)
    assert all("封签" in text and WATERMARK not in text for text in pages)
    path = tmp_path / "print.pdf"
    path.write_bytes(pdf)
    assert verify(path).intact and verify(path).pages == len(pages)
    draft = build_print_set(data, pack, include_attachments=True, attachments=attachments)
    assert all(WATERMARK in text for text in texts(draft))


def test_upload_files_are_watermarked_or_sealed(data, attachments, pack, tmp_path):
    for final in (False, True):
        out = tmp_path / f"up{final}"
        paths = upload_files(data, attachments, pack, out, final=final)
        assert paths
        for path in paths:
            pages = texts(path.read_bytes())
            assert all((WATERMARK in text) != final for text in pages)
            if final:
                assert verify(path).intact


def test_a_verdict_says_each_finding_on_a_line_of_its_own_in_either_language():
    """The app shows the verdict's lines one by one (desktop/verifying.py): both languages say the
    same findings in the same order, whichever is asked for."""
    from forms.package.verify import Verdict

    verdict = Verdict(False, [2, 5], matches_draft=False, differing=["project.name"], seal="ab12", pages=7)
    zh, en = verdict.message("zh").splitlines(), verdict.message("en").splitlines()
    assert len(zh) == len(en) == 2
    assert "2, 5" in zh[0] and "ab12" in zh[0] and "page(s) 2, 5" in en[0]
    assert zh[1].endswith("project.name") and en[1] == "Does not match the draft: project.name"
    assert verdict.text.get("en") == verdict.message("en") and verdict.message() == verdict.message("zh")
    assert Verdict(True, seal="ab12", pages=7).message("en") == "Intact: all 7 pages as sealed (ab12)"
