"""Issue 12 item 3: every attachment is examined once at intake; each finding shows on a file
that has the defect and not on a clean one; `cxy preflight DRAFT [--json]` lists them."""

from __future__ import annotations

import io
import json

import pikepdf
import pytest
from PIL import Image

from forms.attachments import normalise
from forms.attachments.preflight import FIXES, MESSAGES, examine, findings
from forms.cli import main as cxy
from forms.draft import Draft

from .intake_files import PLAIN_LINES, image_pdf, jpeg, page_image, text_pdf

MB = 1024 * 1024


def with_rotate(pdf: bytes, degrees: int) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.pages[0].obj.Rotate = degrees
        buf = io.BytesIO()
        doc.save(buf)
    return buf.getvalue()


# name -> (file bytes, original name, the (page, code, fix) it must show)
DEFECTIVE = {
    "sideways photo": (lambda: jpeg(page_image(size=(2339, 1654))), "photo.jpg", (1, "landscape", "rotate")),
    "656 mm wide scan": (lambda: image_pdf(page_image(size=(3874, 1754)), 150), "wide.pdf", (1, "not_a4", "a4")),
    "blank page": (lambda: jpeg(Image.new("L", (1654, 2339), 247)), "blank.jpg", (1, "blank", "delete")),
    "600 dpi colour scan": (
        lambda: jpeg(page_image("RGB", (2480, 3508), ink=(190, 20, 30)), dpi=600),
        "scan600.jpg",
        (1, "dpi_high", "dpi200"),
    ),
    "grey document in RGB": (lambda: jpeg(page_image("RGB")), "grey.jpg", (1, "grey_as_colour", "grey")),
    "72 dpi fax": (lambda: image_pdf(page_image(size=(595, 842)), 72), "fax.pdf", (1, "dpi_low", None)),
    "text turned 90°": (lambda: text_pdf(PLAIN_LINES, rotate_text=90), "turned.pdf", (1, "rotated_text", "rotate")),
    "page /Rotate 90": (lambda: with_rotate(text_pdf(PLAIN_LINES), 90), "rot.pdf", (1, "rotated_text", "rotate")),
}
CLEAN = {
    "grey A4 scan at 200 dpi": (lambda: jpeg(page_image()), "clean.jpg"),
    "grey A4 scan at 300 dpi": (lambda: jpeg(page_image(size=(2480, 3508)), dpi=300), "scan300.jpg"),
    "colour contract with a red seal": (lambda: jpeg(_sealed()), "sealed.jpg"),
    "text PDF": (lambda: text_pdf(PLAIN_LINES), "text.pdf"),
    "landscape table with upright text": (lambda: text_pdf(PLAIN_LINES, landscape=True), "table.pdf"),
}


def _sealed() -> Image.Image:
    from PIL import ImageDraw

    im = page_image("RGB")
    ImageDraw.Draw(im).ellipse((1100, 1700, 1450, 2050), outline=(220, 30, 30), width=18)
    return im


def examined(data: bytes, name: str):
    result = normalise(data, name)
    return result, examine(result.pdf)


@pytest.mark.parametrize("case", sorted(DEFECTIVE))
def test_each_finding_on_a_file_that_has_it(case):
    make, name, (page, code, fix) = DEFECTIVE[case]
    result, examination = examined(make(), name)
    found = [(f.page, f.code, f.fix) for f in findings(examination, len(result.pdf), 10 * MB)]
    assert (page, code, fix) in found
    # and nothing about the qualities it does not lack
    assert not {"blank"} & {c for _, c, _ in found} or code == "blank"


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_no_finding_on_a_clean_file(case):
    make, name = CLEAN[case]
    result, examination = examined(make(), name)
    assert findings(examination, len(result.pdf), 10 * MB) == []


def test_the_656_mm_scan_names_its_size():
    make, name, _ = DEFECTIVE["656 mm wide scan"]
    _, examination = examined(make(), name)
    assert [f.code for f in examination.findings] == ["not_a4"]  # too wide to be a sheet on its side
    finding = examination.findings[0]
    assert finding.message("zh") == "第 1 页尺寸为 656×297 mm，不是 A4（210×297 mm）"
    assert "656×297 mm" in finding.message("en")


def test_bytes_over_the_upload_limit():
    result, examination = examined(jpeg(page_image()), "a.jpg")
    assert findings(examination, len(result.pdf), len(result.pdf) + 1) == []
    over = findings(examination, len(result.pdf), len(result.pdf) // 2)
    assert [(f.page, f.code, f.fix) for f in over] == [(None, "too_large", "dpi150")]
    result, examination = examined(text_pdf(PLAIN_LINES), "t.pdf")  # nothing to downsample
    assert findings(examination, len(result.pdf), 100)[0].fix == "split"


def test_only_the_offending_page_of_a_document():
    pages = [page_image(), Image.new("L", (1654, 2339), 250), page_image(size=(2339, 1654)), page_image()]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], dpi=(200, 200), compression="tiff_lzw")
    result, examination = examined(buf.getvalue(), "four.tif")
    assert result.pages == 4
    assert [(f.page, f.code) for f in examination.findings] == [(2, "blank"), (3, "landscape")]


def test_every_code_has_both_messages_and_a_known_fix():
    for zh, en in MESSAGES.values():
        assert zh and en and zh != en
    assert set(FIXES) == {"rotate", "delete", "a4", "dpi150", "dpi200", "grey", "split"}


# -- cxy preflight --------------------------------------------------------------------------


@pytest.fixture
def draft_path(tmp_path):
    path = tmp_path / "d.cxy"
    Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp").close()
    return path


def attach(path, tmp_path, name: str, data: bytes, kind: str = "contract") -> None:
    (tmp_path / name).write_bytes(data)
    assert cxy(["attach", str(path), "--kind", kind, str(tmp_path / name)]) == 0


def test_cli_preflight_exit_codes_and_json(draft_path, tmp_path, capsys):
    assert cxy(["preflight", str(draft_path)]) == 0  # nothing attached: nothing found
    attach(draft_path, tmp_path, "合同.jpg", jpeg(page_image()))
    assert cxy(["preflight", str(draft_path)]) == 0
    attach(draft_path, tmp_path, "回单.jpg", jpeg(page_image(size=(2339, 1654))), "payment_proof")
    capsys.readouterr()
    assert cxy(["--lang", "en", "preflight", str(draft_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == [
        {
            "attachment": 2,
            "page": 1,
            "code": "landscape",
            "fix": "rotate",
            "message": "Page 1 is landscape in a portrait document: it may lie sideways",
        }
    ]
    assert [a["pages"] for a in report["attachments"]] == [1, 1]
    assert cxy(["preflight", str(draft_path)]) == 1
    out = capsys.readouterr().out
    assert "附件 2：回单（到账证明，1 页" in out and "（修正：顺时针旋转 90°，命令 cxy pages 2 --rotate 1=90）" in out


def test_cli_preflight_of_a_damaged_attachment_is_unusable(draft_path, tmp_path, capsys):
    import sqlite3

    attach(draft_path, tmp_path, "合同.jpg", jpeg(page_image()))
    with sqlite3.connect(draft_path) as con:
        con.execute("UPDATE attachments SET pdf = ?", (b"%PDF-1.7 damaged",))
    con.close()
    capsys.readouterr()
    assert cxy(["preflight", str(draft_path), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["unusable"][0]["attachment"] == 1


def test_preflight_of_a_received_draft_examines_again(draft_path, tmp_path, capsys):
    """Records another installation wrote are not ours: the findings are recomputed."""
    attach(draft_path, tmp_path, "blank.jpg", jpeg(Image.new("L", (1654, 2339), 247)))
    with Draft.open(draft_path) as draft:
        key = next(k for k in draft.meta() if k.startswith("intake:"))
        record = json.loads(draft.meta()[key])
        record["f"] = []  # a sender hiding the blank page
        draft.set_meta(key, json.dumps(record))
    capsys.readouterr()
    assert cxy(["preflight", str(draft_path), "--json"]) == 1
    assert [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["blank"]


def _pdf_with_content(raw: bytes, **stream_keys) -> bytes:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, b"")
    stream.write(raw, filter=stream_keys.get("filter"))
    page.obj.Contents = pdf.make_indirect(stream)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_a_page_we_cannot_read_is_not_called_blank():
    """Damaged content (corpus: govdocs1 files with broken Flate data, garbage operators) gives
    no finding for that page; the examination itself still succeeds."""
    broken = _pdf_with_content(b"x\x9c not really deflate", filter=pikepdf.Name.FlateDecode)
    garbage = _pdf_with_content(b"BT /F1 12 Tf (x) Tj ET \xdb\xdb 1 0 0 1 0 0 cm")
    for data in (broken, garbage):
        _, examination = examined(data, "damaged.pdf")
        assert examination.pages == 1 and "blank" not in [f.code for f in examination.findings]
    _, empty = examined(_pdf_with_content(b"q Q"), "empty.pdf")
    assert [f.code for f in empty.findings] == ["blank"]
