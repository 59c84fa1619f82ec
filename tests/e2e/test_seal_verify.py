"""`cxy sample` → (finalise) → `cxy build` → `cxy verify`, as a user runs them: a draft's package
is watermarked and has no seal (exit 2); a final one verifies (exit 0), names a changed page and
the fields changed in the draft since (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from forms.draft import Draft
from forms.package.seal import WATERMARK

ROOT = Path(__file__).resolve().parents[2]


def cxy(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def finalise(path: Path) -> None:
    """Until the workflow's `cxy finalise` lands, the flag the build reads (meta final = 1)."""
    with Draft.open(path) as draft:
        draft.set_meta("final", "1")


@pytest.fixture
def draft(tmp_path) -> Path:
    path = tmp_path / "a.cxy"
    done = cxy("sample", "--category", "conference", "-o", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return path


def test_a_sample_draft_validates_with_zero_errors(tmp_path):
    for category in ("tech_vp", "conference", "tech_trade"):
        path = tmp_path / f"{category}.cxy"
        assert cxy("sample", "--category", category, "-o", str(path), cwd=tmp_path).returncode == 0
        checked = cxy("validate", str(path), cwd=tmp_path)
        assert checked.returncode == 0 and "0 个错误" in checked.stdout, checked.stdout
        with Draft.open(path) as opened:
            assert sorted(a.kind for a in opened.attachments()) == ["contract", "payment_proof"]


def test_a_draft_without_its_uploads_has_the_two_errors(draft, tmp_path):
    with Draft.open(draft) as opened:
        for info in opened.attachments():
            opened.remove_attachment(info.id)
    checked = cxy("--lang", "en", "validate", str(draft), cwd=tmp_path)
    assert checked.returncode == 1
    assert "attachments.required attachments.contract" in checked.stdout
    assert "attachments.required attachments.payment_proof" in checked.stdout


def test_draft_package_is_watermarked_and_has_no_seal(draft, tmp_path):
    assert cxy("build", str(draft), "-o", "p.pdf", cwd=tmp_path).returncode == 0
    pages = PdfReader(tmp_path / "p.pdf").pages
    assert all(WATERMARK in page.extract_text() for page in pages)
    verdict = cxy("verify", "p.pdf", cwd=tmp_path)
    assert verdict.returncode == 2 and verdict.stderr.count("\n") == 1 and "封签" in verdict.stderr
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4 broken")
    assert cxy("verify", "x.pdf", cwd=tmp_path).returncode == 2


def test_final_package_verifies_and_tells_a_changed_page_and_changed_fields(draft, tmp_path):
    finalise(draft)
    built = cxy("build", str(draft), "-o", "p.pdf", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    pages = [page.extract_text() for page in PdfReader(tmp_path / "p.pdf").pages]
    assert all("封签" in text and WATERMARK not in text for text in pages)

    ok = cxy("--lang", "en", "verify", "p.pdf", str(draft), cwd=tmp_path)
    assert ok.returncode == 0 and "Intact" in ok.stdout and "Matches the draft" in ok.stdout

    # one page's content stream edited
    with pikepdf.open(tmp_path / "p.pdf") as pdf:
        contents = pdf.pages[1].Contents
        stream = contents[0] if isinstance(contents, pikepdf.Array) else contents
        stream.write(stream.read_bytes() + b"\n1 0 0 rg 10 10 20 20 re f\n")
        pdf.save(tmp_path / "edited.pdf")
    edited = cxy("--lang", "en", "verify", "edited.pdf", cwd=tmp_path)
    assert edited.returncode == 1 and "page(s) 2 differ" in edited.stdout

    # one field changed in the draft after the build (the flag lifted, as 解除定稿 would)
    with Draft.open(draft) as opened:
        opened.set_meta("final", "0")
        opened.set("project.name", "改过的项目名称")
    changed = cxy("--lang", "en", "verify", "p.pdf", str(draft), cwd=tmp_path)
    assert changed.returncode == 1
    assert "Intact" in changed.stdout and "Does not match the draft: project.name" in changed.stdout


def test_each_copy_of_a_final_print_set_is_sealed_and_verifies(draft, tmp_path):
    finalise(draft)
    assert cxy("print-set", str(draft), "-o", "print.pdf", "--with-attachments", cwd=tmp_path).returncode == 0
    texts = [page.extract_text() for page in PdfReader(tmp_path / "print.pdf").pages]
    assert len(texts) % 3 == 0 and all("封签" in text for text in texts)
    assert cxy("verify", "print.pdf", str(draft), cwd=tmp_path).returncode == 0
