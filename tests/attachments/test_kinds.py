"""Issue 12 item 1: the kind chosen when adding is the kind stored; with no choice it is inferred
from the file name, else from a PDF's first-page text, with the words of the rule pack."""

from __future__ import annotations

import pytest

from forms.attachments import normalise
from forms.attachments.kinds import infer_kind
from forms.attachments.preflight import examine
from forms.cli import main as cxy
from forms.draft import Draft
from forms.pack import load_pack

from .intake_files import CONTRACT_LINES, PLAIN_LINES, RECEIPT_LINES, jpeg, page_image, text_pdf

PACK = load_pack()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("技术开发合同.pdf", "contract"),
        ("合作协议-盖章版.jpg", "contract"),
        ("ＣＯＮＴＲＡＣＴ_scan.PDF", "contract"),  # full-width letters, upper case
        ("到账证明.jpg", "payment_proof"),
        ("工行回单 2023-10.png", "payment_proof"),
        ("合同款到账回单.pdf", "payment_proof"),  # two payment words outweigh one contract word
        ("IMG_20231012_0931.jpg", "other"),
    ],
)
def test_kind_from_the_file_name(name, kind):
    guess = infer_kind(PACK, name)
    assert guess.kind == kind
    assert guess.source == ("none" if kind == "other" else "name")


@pytest.mark.parametrize(
    ("lines", "kind"), [(CONTRACT_LINES, "contract"), (RECEIPT_LINES, "payment_proof"), (PLAIN_LINES, "other")]
)
def test_kind_from_the_first_page_text_of_a_pdf(lines, kind):
    result = normalise(text_pdf(lines), "scan0001.pdf")
    guess = infer_kind(PACK, result.original_name, examine(result.pdf).text)
    assert (guess.kind, guess.source) == (kind, "none" if kind == "other" else "text")


def test_the_name_decides_before_the_text():
    result = normalise(text_pdf(RECEIPT_LINES), "技术合同.pdf")
    assert infer_kind(PACK, result.original_name, examine(result.pdf).text).kind == "contract"


def test_the_words_are_pack_data():
    kinds = [
        k.model_copy(update={"name_words": ["发票"]}) if k.id == "payment_proof" else k for k in PACK.attachment_kinds
    ]
    pack = PACK.model_copy(update={"attachment_kinds": kinds})
    assert infer_kind(pack, "增值税发票.jpg").kind == "payment_proof"
    assert infer_kind(PACK, "增值税发票.jpg").kind == "other"
    assert PACK.kind_label("contract", "zh") == "技术合同扫描件"
    assert PACK.kind_label("payment_proof", "en") == "payment proof"


@pytest.fixture
def draft_path(tmp_path):
    path = tmp_path / "d.cxy"
    Draft.create(path, pack=PACK.id, category="tech_vp").close()
    return path


def stored(path):
    with Draft.open(path, readonly=True) as draft:
        return [(a.title, a.kind) for a in draft.attachments()]


def test_cli_attach_stores_the_kind_given_even_against_the_name(draft_path, tmp_path, capsys):
    """Regression: the kind the user chose is the kind stored, whatever the file is called."""
    (tmp_path / "到账.jpg").write_bytes(jpeg(page_image()))
    assert cxy(["attach", str(draft_path), "--kind", "contract", str(tmp_path / "到账.jpg")]) == 0
    assert stored(draft_path) == [("到账", "contract")]


def test_cli_attach_infers_the_kind_when_none_is_given(draft_path, tmp_path, capsys):
    (tmp_path / "合同扫描件.jpg").write_bytes(jpeg(page_image()))
    (tmp_path / "银行回单.jpg").write_bytes(jpeg(page_image(size=(1650, 2330))))
    (tmp_path / "scan7.pdf").write_bytes(text_pdf(RECEIPT_LINES))
    (tmp_path / "IMG_1.jpg").write_bytes(jpeg(page_image(size=(1600, 2300))))
    files = [str(tmp_path / n) for n in ("合同扫描件.jpg", "银行回单.jpg", "scan7.pdf", "IMG_1.jpg")]
    assert cxy(["attach", str(draft_path), *files]) == 0
    assert stored(draft_path) == [
        ("合同扫描件", "contract"),
        ("银行回单", "payment_proof"),
        ("scan7", "payment_proof"),
        ("IMG_1", "other"),
    ]
    out = capsys.readouterr().out
    assert "技术合同扫描件，按文件名判断" in out and "到账证明，按首页文字判断" in out


def test_a_pack_must_name_every_kind_and_a_later_year_inherits_them(tmp_path):
    import shutil
    from pathlib import Path

    from forms.errors import UserError
    from forms.pack import load_pack_dir

    later = load_pack_dir(Path(__file__).resolve().parents[1] / "data" / "packs" / "jiangsu-cxy-2025")
    assert [k.id for k in later.attachment_kinds] == ["contract", "payment_proof", "other"]
    folder = tmp_path / "jiangsu-cxy-2023"
    shutil.copytree(Path(__file__).resolve().parents[2] / "forms" / "packs" / "jiangsu-cxy-2023", folder)
    text = (folder / "pack.toml").read_text(encoding="utf-8")
    (folder / "pack.toml").write_text(text.split('[[attachment_kinds]]\nid = "other"')[0], encoding="utf-8")
    with pytest.raises(UserError, match="attachment_kinds"):
        load_pack_dir(folder)
