"""Issue 9 item 9: attachments inside a received draft are re-checked before any build. Their
stored sha256 matches (whoever made the draft computed it), so only this installation's ledger
of its own intake output lets bytes skip the worker."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from package_helpers import hostile_pdf, scan_pdf

import forms.attachments.intake as intake
from forms.attachments import ledger, normalise, sanitised
from forms.attachments.scan import active_content
from forms.draft import AttachmentInfo
from forms.errors import UserError
from forms.package import build_package, build_print_set, downsample, drawn, upload_files
from forms.samples import sample

ACTIVE = (b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/EmbeddedFiles", b"/EF", b"/AA", b"/XFA")


def received(pdf: bytes, title: str = "收到的合同", kind: str = "contract") -> tuple[AttachmentInfo, bytes]:
    """As a received draft states it: kind, title and a digest that matches the bytes."""
    return AttachmentInfo(
        1,
        0,
        kind,
        title,
        f"{title}.pdf",
        "pdf",
        1,
        hashlib.sha256(pdf).hexdigest(),
        len(pdf),
        "2023-10-01T00:00:00+00:00",
    ), pdf


def names_in(pdf_bytes: bytes) -> set[bytes]:
    found: set[bytes] = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                found.update(key.encode() for key in obj.keys())  # noqa: SIM118 - a pikepdf object, not a dict
                found.update(v.unparse() for v in obj.values() if isinstance(v, pikepdf.Name))
        found.update(key.encode() for key in pdf.Root.keys())  # noqa: SIM118 - a pikepdf object, not a dict
    return found


@pytest.fixture(scope="module")
def data():
    return sample("tech_vp")


def test_a_received_hostile_attachment_with_a_matching_digest_is_sanitised_in_the_package(data, pack):
    hostile = hostile_pdf()
    assert active_content(hostile)  # JavaScript, /OpenAction, /Launch, an embedded file …
    result = build_package(data, [received(hostile)], pack)
    assert active_content(result.pdf) == []
    assert not names_in(result.pdf) & set(ACTIVE)
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        assert "/OpenAction" not in pdf.Root and "/Names" not in pdf.Root and not pdf.attachments


def test_print_set_and_upload_files_re_check_too(data, pack, tmp_path):
    hostile = hostile_pdf()
    printed = build_print_set(data, pack, include_attachments=True, attachments=[received(hostile)])
    assert active_content(printed) == [] and not names_in(printed) & set(ACTIVE)
    for path in upload_files(data, [received(hostile)], pack, tmp_path):
        assert active_content(path.read_bytes()) == []


def test_our_own_intake_output_is_used_as_it_is_without_a_worker(monkeypatch):
    made = normalise(scan_pdf("ledger"), "scan.pdf").pdf
    assert ledger.known(made)

    def no_worker(*args, **kwargs):
        raise AssertionError("a PDF from our own intake went through the worker again")

    monkeypatch.setattr(intake, "run_in_worker", no_worker)
    assert sanitised(made, "scan.pdf") is not None and sanitised(made, "scan.pdf") == made


def test_unknown_bytes_are_rebuilt_once_and_then_known():
    foreign = scan_pdf("foreign") + b"\n% a byte the ledger has never seen\n"
    assert not ledger.known(foreign)
    rebuilt = sanitised(foreign, "foreign.pdf")
    assert rebuilt != foreign and ledger.known(rebuilt) and not ledger.known(foreign)
    assert sanitised(rebuilt, "foreign.pdf") == rebuilt


def test_the_ledger_lives_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CXY_DATA_DIR", str(tmp_path / "data"))
    made = normalise(scan_pdf("folder"), "scan.pdf").pdf
    assert ledger.path() == tmp_path / "data" / ledger.FILE_NAME
    assert hashlib.sha256(made).hexdigest() in ledger.path().read_text()


def test_an_unwritable_data_folder_only_costs_a_re_check(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    monkeypatch.setenv("CXY_DATA_DIR", str(blocker / "data"))
    made = normalise(scan_pdf("unwritable"), "scan.pdf").pdf  # no error: the intake still works
    assert not ledger.known(made)
    assert sanitised(made, "scan.pdf").startswith(b"%PDF-")


def test_a_refusal_names_the_attachment(data, pack):
    with pytest.raises(UserError) as caught:
        build_package(data, [received(b"%PDF-1.7 not really", title="坏合同")], pack)
    assert caught.value.code == "attach.damaged"
    assert "坏合同" in caught.value.zh and "坏合同" in caught.value.en


def duplicate_page_tree(references: int = 100_000) -> bytes:
    """One page named ``references`` times in the page tree (about 586 KB)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0].obj
    pdf.Root.Pages.Kids = pikepdf.Array([page] * references)
    pdf.Root.Pages.Count = references
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buffer.getvalue()


def test_a_page_tree_with_100000_duplicate_references_is_refused_by_the_worker(data, pack, monkeypatch):
    bomb = duplicate_page_tree()
    assert 500_000 < len(bomb) < 700_000

    opened_here: list[int] = []
    real_open = pikepdf.Pdf.open

    def watched_open(source, *args, **kwargs):
        if isinstance(source, io.BytesIO) and source.getvalue() == bomb:
            opened_here.append(1)
        return real_open(source, *args, **kwargs)

    monkeypatch.setattr(pikepdf.Pdf, "open", watched_open)
    monkeypatch.setattr(pikepdf, "open", watched_open)
    with pytest.raises(UserError) as caught:
        build_package(data, [received(bomb, title="重复页")], pack)
    assert caught.value.code == "attach.too_many_pages" and "100000" in caught.value.zh  # not attach.timeout
    assert "重复页" in caught.value.zh
    assert not opened_here  # nothing in this (the main) process parsed it


def nested_forms(times: int = 1000) -> bytes:
    """A page that draws a form 1000 times, which draws a form 1000 times, which draws a large
    image 1000 times: a few KB, 10^9 image draws for a naive walk."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    image = pdf.make_stream(
        b"\xff" * (200 * 200),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=200,
        Height=200,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
    )
    inner = pdf.make_stream(
        b"q 0.01 0 0 0.01 0 0 cm /Im Do Q " * times,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 1, 1],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im=image)),
    )
    outer = pdf.make_stream(
        b"/In Do " * times,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 1, 1],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(In=inner)),
    )
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Out=outer))
    page.Contents = pdf.make_stream(b"/Out Do " * times)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_a_package_of_forms_within_forms_is_built_without_walking_every_draw(data, pack, monkeypatch):
    bomb = nested_forms()
    assert len(bomb) < 64_000
    walks, forms_walked = [], [0]  # a walk of every draw would enter the inner form a million times
    real_drawn_images, real_walk = downsample.drawn_images, drawn._Walk.walk

    def drawn_images(*args, **kwargs):
        walks.append(1)
        return real_drawn_images(*args, **kwargs)

    def walk(self, *args, **kwargs):
        forms_walked[0] += 1
        if forms_walked[0] > len(walks) * drawn.MAX_DRAWS:  # fail now rather than walk for hours
            raise AssertionError(f"{forms_walked[0]} forms walked in {len(walks)} walks")
        return real_walk(self, *args, **kwargs)

    monkeypatch.setattr(downsample, "drawn_images", drawn_images)
    monkeypatch.setattr(drawn._Walk, "walk", walk)
    result = build_package(data, [received(bomb, title="嵌套")], pack, budget_mb=0.01)  # forces the image walk
    assert result.pdf.startswith(b"%PDF-")
    assert walks and forms_walked[0] <= len(walks) * drawn.MAX_DRAWS


def test_cxy_build_of_a_received_draft_with_a_hostile_attachment_writes_a_clean_package(tmp_path):
    """End to end, as a colleague's draft arrives: the blob is stored raw with its true digest."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from forms.draft import Draft

    hostile = hostile_pdf()
    path = tmp_path / "received.cxy"
    draft = Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp")
    try:
        draft.add_attachment(
            kind="contract",
            title="对方发来的合同",
            original_name="合同.pdf",
            source_format="pdf",
            pages=1,
            sha256=hashlib.sha256(hostile).hexdigest(),
            pdf=hostile,
        )
    finally:
        draft.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = tmp_path / "package.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "forms.cli", "build", str(path), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    package = out.read_bytes()
    assert active_content(package) == [] and not names_in(package) & set(ACTIVE)


def test_the_ledger_keeps_the_newest_entries_when_it_grows(tmp_path, monkeypatch):
    monkeypatch.setenv("CXY_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(ledger, "MAX_ENTRIES", 10)
    pdfs = [b"%%PDF-1.7 %d" % n for n in range(12)]
    for pdf in pdfs:
        ledger.record(pdf)
    assert ledger.known(pdfs[-1]) and not ledger.known(pdfs[0])
    assert len(ledger.path().read_text().split()) <= 10


def test_export_never_writes_an_unsanitised_blob_of_a_received_draft(tmp_path):
    """The blob sits in a draft with a digest that matches it; `cxy export` writes it beside the
    JSON only after the worker has rebuilt it."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from forms.draft import Draft

    hostile = hostile_pdf()
    draft_path = tmp_path / "received.cxy"
    with Draft.create(draft_path, pack="jiangsu-cxy-2023", category="tech_vp") as draft:
        draft.replace_data(sample("tech_vp"))
        draft.add_attachment(
            kind="contract",
            title="合同",
            original_name="合同.pdf",
            source_format="pdf",
            pages=1,
            sha256=hashlib.sha256(hostile).hexdigest(),
            pdf=hostile,
        )
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(repo))
    done = subprocess.run(
        [sys.executable, "-m", "forms.cli", "export", str(draft_path), "-o", str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    written = (tmp_path / exported["attachments"][0]["file"]).read_bytes()
    assert written != hostile
    assert active_content(written) == [] and not names_in(written) & set(ACTIVE)
