"""Issue 12 item 4: ``cxy upload-files`` and ``cxy preflight`` say sizes and fixes in the user's
language (``--lang en``), the fix in words with the command that applies it to the right
attachment, never a bare fix id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms.cli import main
from forms.draft import Draft
from forms.pack import load_pack
from tests.attachments.intake_files import jpeg, page_image
from tests.attachments.scan_pdfs import scan_pdf

MB = 1024 * 1024
CHINESE = set("修正命令已写出限制附件页转为灰度降到顺时针旋转")


@pytest.fixture(scope="module")
def grainy(tmp_path_factory) -> tuple[Path, int]:
    """A sample draft (attachments 1, 2) plus a grainy 72 dpi scan as attachment 3 ('other') and a
    sideways photo as attachment 4: the size of attachment 3."""
    folder = tmp_path_factory.mktemp("lang")
    path = folder / "g.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(path)]) == 0
    (folder / "grain.pdf").write_bytes(scan_pdf(210, 297, 72, noise=60, quality=95))
    (folder / "sideways.jpg").write_bytes(jpeg(page_image(size=(2339, 1654))))
    assert main(["attach", str(path), "--kind", "other", str(folder / "grain.pdf")]) == 0
    assert main(["attach", str(path), "--kind", "payment_proof", str(folder / "sideways.jpg")]) == 0
    with Draft.open(path, readonly=True) as draft:
        return path, draft.attachments()[2].size


@pytest.fixture
def tight(grainy, monkeypatch):
    """The pack with an upload limit just under attachment 3's size."""
    real = load_pack
    limit = grainy[1] * 0.8 / MB

    def load(pack_id="jiangsu-cxy-2023", *a, **k):
        pack = real(pack_id, *a, **k)
        return pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": limit})})

    monkeypatch.setattr("forms.pack.load_pack", load)
    return limit


def test_upload_files_in_english(grainy, tight, tmp_path, capsys):
    capsys.readouterr()
    assert main(["--lang", "en", "upload-files", str(grainy[0]), "-o", str(tmp_path / "up")]) == 1
    out = capsys.readouterr().out
    assert not CHINESE & set(out.replace("技术", "").replace("到账证明", "")), out  # titles aside, all English
    assert f"Wrote {tmp_path / 'up' / 'contract.pdf'}: " in out and f"(limit {tight:g} MB)" in out
    assert "“other material” (other.pdf) is 0." in out and "Fix: in grey it is" in out
    assert "cxy pages 3 --grey" in out  # the attachment of that slot, not a placeholder


def test_upload_files_in_chinese(grainy, tight, tmp_path, capsys):
    capsys.readouterr()
    assert main(["upload-files", str(grainy[0]), "-o", str(tmp_path / "up")]) == 1
    out = capsys.readouterr().out
    assert f"已写出 {tmp_path / 'up' / 'contract.pdf'}：" in out and f"（限制 {tight:g} MB）" in out
    assert "修正：转为灰度后为" in out and "cxy pages 3 --grey" in out


@pytest.mark.parametrize(
    "lang, size_fix, rotate_fix",
    [
        (
            "en",
            "(fix: downsample its images to 150 dpi, command: cxy pages 3 --dpi 150)",
            "(fix: turn it 90° clockwise, command: cxy pages 4 --rotate 1=90)",
        ),
        (
            "zh",
            "（修正：图像降到 150 dpi，命令 cxy pages 3 --dpi 150）",
            "（修正：顺时针旋转 90°，命令 cxy pages 4 --rotate 1=90）",
        ),
    ],
)
def test_preflight_says_each_fix_in_words_with_its_command(grainy, tight, lang, size_fix, rotate_fix, capsys):
    capsys.readouterr()
    assert main(["--lang", lang, "preflight", str(grainy[0])]) == 1
    out = capsys.readouterr().out
    assert size_fix in out and rotate_fix in out
    if lang == "en":
        assert "Attachment 3: grain (other material, 1 page, 0." in out
    assert main(["--lang", lang, "preflight", "--json", str(grainy[0])]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {f["fix"] for f in report["findings"]} == {"dpi150", "rotate", None}  # ids for scripts (dpi_low: none)
    assert all(set(f) == {"attachment", "page", "code", "message", "fix"} for f in report["findings"])
