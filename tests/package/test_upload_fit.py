"""Upload files that fit: every slot within its limit is written, a slot over it is named with
its size and the fix that brings it under (applied with --fix), and the size budget reduces the
images of oversize pages first.

The regression: a 656 mm-wide scan drawn at 150 dpi on its own page used to end in
"降低图片分辨率后仍有 26.9 MB（原 26.9 MB）" with nothing reduced and nothing written: measured on
its 656 mm page no image was above the pack's 150 dpi, so the first step changed nothing and the
budget gave up without trying anything else. On A4, where it is printed and read, it is 331 dpi."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
from package_helpers import info

from forms.attachments import normalise
from forms.cli import main
from forms.draft import Draft
from forms.errors import UserError
from forms.pack import load_pack
from forms.package import upload_files
from forms.package.budget import fit
from forms.package.uploads import SlotOver
from forms.text import Text
from tests.attachments.scan_pdfs import images_of, scan_pdf

MB = 1024 * 1024
PACK_ID = "jiangsu-cxy-2023"


@pytest.fixture(scope="module")
def wide_scan() -> bytes:
    """Four 656 × 465 mm pages scanned at 150 dpi with grain: about 27 MB."""
    return scan_pdf(656, 465, 150, pages=4, noise=30, quality=95)


@pytest.fixture
def wide_draft(tmp_path, wide_scan) -> Path:
    path = tmp_path / "wide.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(path)]) == 0
    (tmp_path / "wide.pdf").write_bytes(wide_scan)
    assert main(["attach", str(path), "--kind", "contract", str(tmp_path / "wide.pdf")]) == 0
    return path


@pytest.mark.parametrize("fix", [False, True], ids=["plain", "with-fix"])
def test_the_656_mm_scan_ends_with_every_slot_written_within_its_limit(wide_draft, wide_scan, tmp_path, capsys, fix):
    limit = load_pack(PACK_ID).upload.max_file_mb
    assert len(wide_scan) > limit * MB
    out = tmp_path / "up"
    assert main(["upload-files", str(wide_draft), "-o", str(out)] + (["--fix"] if fix else [])) == 0
    printed = capsys.readouterr().out
    assert "仍有" not in printed and "已将" in printed  # it says what it reduced
    with Draft.open(wide_draft, readonly=True) as draft:
        kinds = {a.kind for a in draft.attachments()}
    files = sorted(p.name for p in out.glob("*.pdf"))
    assert files == sorted(
        {"contract": "contract.pdf", "payment_proof": "payment_proofs.pdf", "other": "other.pdf"}[k] for k in kinds
    )
    for path in out.glob("*.pdf"):
        assert path.stat().st_size <= limit * MB
    contract = (out / "contract.pdf").read_bytes()
    widths = [w for _, w, _ in images_of(contract) if w > 1000]
    assert widths and max(widths) < round(656 / 25.4 * 150)  # its images were reduced


def test_images_on_oversize_pages_are_reduced_first():
    """An A4 page and an oversize page, both over the budget's dpi: when reducing the oversize
    page's image is enough, the A4 page's image keeps its bytes."""
    a4 = normalise(scan_pdf(210, 297, 300, noise=5, quality=70), "a4.pdf").pdf
    wide = normalise(scan_pdf(656, 465, 150, noise=30, quality=95), "wide.pdf").pdf

    def build() -> pikepdf.Pdf:
        out = pikepdf.new()
        for data in (a4, wide):
            out.pages.extend(pikepdf.open(io.BytesIO(data)).pages)
        return out

    budget = (len(a4) + len(wide) * 0.6) / MB
    fitted = fit(build, budget, 150, Text("合同", "Contract"))
    assert not fitted.over and len(fitted.pdf) <= budget * MB
    before, after = images_of(a4) + images_of(wide), images_of(fitted.pdf)
    assert after[0] == before[0]  # the A4 page's image: untouched
    assert after[1][1] < before[1][1]  # the oversize page's image: reduced


def _grainy_low_dpi() -> bytes:
    """Colour grain at 72 dpi on A4: the budget cannot go lower; grey is what helps."""
    return normalise(scan_pdf(210, 297, 72, noise=60, quality=95), "grain.pdf").pdf


def test_a_slot_over_its_limit_is_named_with_its_size_and_fix_and_the_others_are_written(tmp_path):
    pack = load_pack(PACK_ID)
    grain = _grainy_low_dpi()
    small = normalise(scan_pdf(210, 297, 50), "proof.pdf").pdf
    limit = round(len(grain) * 0.8 / MB, 3)
    tight = pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": limit})})
    attachments = [(info("contract", "合同", grain, 0), grain), (info("payment_proof", "到账", small, 1), small)]
    over: list[SlotOver] = []
    from forms.samples import sample

    paths = upload_files(sample("tech_vp"), attachments, tight, tmp_path / "up", over=over)
    assert [p.name for p in paths] == ["payment_proofs.pdf"]
    [slot] = over
    assert slot.file == "contract.pdf" and slot.fix == "grey" and slot.size > limit * MB >= slot.fixed_size
    assert "contract.pdf" in slot.message.zh and "超过" in slot.message.zh and "--fix" in slot.message.zh
    assert "over the" in slot.message.en

    over = []
    paths = upload_files(sample("tech_vp"), attachments, tight, tmp_path / "up", over=over, fix=True)
    assert over == [] and sorted(p.name for p in paths) == ["contract.pdf", "payment_proofs.pdf"]
    for path in paths:
        assert path.stat().st_size <= limit * MB
    with pikepdf.open(tmp_path / "up" / "contract.pdf") as doc:
        assert {str(img.ColorSpace) for page in doc.pages for img in page.get_images().values()} == {"/DeviceGray"}


def test_without_a_list_for_them_an_oversize_slot_is_an_error_after_the_others_are_written(tmp_path):
    from forms.samples import sample

    pack = load_pack(PACK_ID)
    grain = _grainy_low_dpi()
    small = normalise(scan_pdf(210, 297, 50), "proof.pdf").pdf
    hopeless = pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": 0.03})})
    attachments = [(info("contract", "合同", grain, 0), grain), (info("payment_proof", "到账", small, 1), small)]
    with pytest.raises(UserError) as err:
        upload_files(sample("tech_vp"), attachments, hopeless, tmp_path / "up")
    assert err.value.code == "package.file_too_large" and "contract.pdf" in err.value.zh
    assert "删除不需要的页面" in err.value.zh  # no fix brings it under: it says what would
    assert (tmp_path / "up" / "payment_proofs.pdf").stat().st_size <= 0.03 * MB


def test_the_cli_exits_1_naming_the_slot_and_writes_it_with_fix(tmp_path, capsys, monkeypatch):
    path = tmp_path / "g.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(path)]) == 0
    (tmp_path / "grain.pdf").write_bytes(scan_pdf(210, 297, 72, noise=60, quality=95))
    assert main(["attach", str(path), "--kind", "other", str(tmp_path / "grain.pdf")]) == 0
    with Draft.open(path, readonly=True) as draft:
        size = draft.attachments()[-1].size
    real = load_pack

    def tight(pack_id=PACK_ID, *a, **k):
        pack = real(pack_id, *a, **k)
        return pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": size * 0.8 / MB})})

    monkeypatch.setattr("forms.pack.load_pack", tight)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["upload-files", str(path), "-o", str(tmp_path / "up")]) == 1
    said = capsys.readouterr().out
    assert "other.pdf" in said and "转为灰度" in said
    assert not (tmp_path / "up" / "other.pdf").exists() and (tmp_path / "up" / "contract.pdf").exists()
    assert main(["upload-files", str(path), "-o", str(tmp_path / "up"), "--fix"]) == 0
    assert (tmp_path / "up" / "other.pdf").stat().st_size <= size * 0.8
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the draft is not changed
