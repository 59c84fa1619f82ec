"""Issue 12: an attachment kind is named as its pack names it (``[[attachment_kinds]]``), wherever
it is printed, bookmarked or listed: the package's bookmarks and contents, the print set's slips,
the upload files' bookmarks and ``cxy validate``'s attachment lines (ids stay for scripts)."""

from __future__ import annotations

from io import BytesIO

import pytest
from package_helpers import info, scan_pdf
from pypdf import PdfReader

import forms.cli
from forms.package import build_package, build_print_set, upload_files
from forms.samples import sample
from forms.text import Text

RELABELLED = {
    "contract": ("合作合同原件", "cooperation contract"),
    "payment_proof": ("银行进账单", "bank credit slip"),
    "other": ("补充文件", "supporting file"),
}


@pytest.fixture(scope="module")
def relabelled(pack):
    """The same call with other names for its kinds (what another year's pack may say)."""
    kinds = [spec.model_copy(update={"label": Text(*RELABELLED[spec.id])}) for spec in pack.attachment_kinds]
    return pack.model_copy(update={"attachment_kinds": kinds})


@pytest.fixture(scope="module")
def three():
    return [
        (info(kind, title, pdf, pos), pdf)
        for pos, (kind, title, pdf) in enumerate(
            [
                ("contract", "技术开发合同", scan_pdf("c")),
                ("payment_proof", "第一笔", scan_pdf("p")),
                ("other", "营业执照", scan_pdf("o")),
            ]
        )
    ]


def outline(pdf: bytes) -> list[str]:
    return [item.title for item in PdfReader(BytesIO(pdf)).outline if not isinstance(item, list)]


def test_package_bookmarks_and_contents_use_the_packs_names(relabelled, three):
    result = build_package(sample("tech_vp"), three, relabelled)
    assert outline(result.pdf)[-3:] == ["合作合同原件：技术开发合同", "银行进账单：第一笔", "补充文件：营业执照"]
    cover = PdfReader(BytesIO(result.pdf)).pages[0].extract_text()
    assert "合作合同原件：技术开发合同" in cover and "技术合同扫描件" not in cover


def test_print_set_slip_uses_the_packs_names(relabelled, three):
    pdf = build_print_set(sample("tech_vp"), relabelled, include_attachments=True, attachments=three)
    slip = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "银行进账单：第一笔" in slip and "到账证明：" not in slip


def test_upload_file_bookmarks_use_the_packs_names(relabelled, three, tmp_path):
    paths = upload_files(sample("tech_vp"), three, relabelled, tmp_path / "up")
    assert [outline(p.read_bytes()) for p in paths] == [
        ["合作合同原件：技术开发合同"],
        ["银行进账单：第一笔"],
        ["补充文件：营业执照"],
    ]


@pytest.fixture(scope="module")
def sample_draft(tmp_path_factory):
    path = tmp_path_factory.mktemp("validate") / "s.cxy"
    assert forms.cli.main(["sample", "--category", "tech_vp", "-o", str(path)]) == 0
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_lists_attachments_by_the_packs_name(sample_draft, relabelled, lang, capsys, monkeypatch):
    monkeypatch.setattr("forms.pack.load_pack", lambda *a, **k: relabelled)
    capsys.readouterr()
    forms.cli.main(["--lang", lang, "validate", str(sample_draft)])
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.strip().lower().startswith(("附件 ", "attachment "))
    ]
    assert lines, "the sample draft lists its attachments"
    index = 0 if lang == "zh" else 1
    assert any(RELABELLED["contract"][index] in line for line in lines)
    if lang == "en":
        assert any(line.endswith("(cooperation contract, 1 page)") for line in lines), lines
    assert not any("(contract," in line or "（contract" in line or "payment_proof" in line for line in lines)


def test_upload_notes_name_a_slot_by_its_kinds(relabelled, three, tmp_path):
    from forms.package.uploads import SlotOver

    tight = relabelled.model_copy(update={"upload": relabelled.upload.model_copy(update={"max_file_mb": 0.001})})
    notes: list = []
    over: list[SlotOver] = []
    upload_files(sample("tech_vp"), three, tight, tmp_path / "up", notes=notes, over=over)
    assert [s.file for s in over] == ["contract.pdf", "payment_proofs.pdf", "other.pdf"]
    assert "“合作合同原件”（contract.pdf）" in over[0].message.zh
    assert "“bank credit slip” (payment_proofs.pdf)" in over[1].message.en and "“补充文件”" in over[2].plain.zh


def test_a_downsampling_note_keeps_a_label_with_brackets_whole(pack, tmp_path):
    """The note is one Text: a pack label holding " (" (which the old "中文 (English)" string
    was split at) reaches each language whole, and no Chinese leaks into the English."""
    kinds = [
        spec.model_copy(update={"label": Text("合同 (原件)", "contract (original)")}) if spec.id == "contract" else spec
        for spec in pack.attachment_kinds
    ]
    limited = pack.model_copy(
        update={"attachment_kinds": kinds, "upload": pack.upload.model_copy(update={"max_file_mb": 1.5})}
    )
    big = scan_pdf("grainy photo", dpi=300, noise=True)
    notes: list[Text] = []
    upload_files(sample("tech_vp"), [(info("contract", "合同照片", big, 0), big)], limited, tmp_path, notes=notes)
    (note,) = notes
    assert note.get("zh").startswith("合同 (原件)超过 1.5 MB 的大小限制")
    assert note.get("en").startswith("contract (original) was over the 1.5 MB limit")
    assert note.get("en").endswith("MB") and not any("\u4e00" <= ch <= "\u9fff" for ch in note.get("en"))
