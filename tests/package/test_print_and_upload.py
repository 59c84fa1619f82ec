"""The print set (three collated copies, each behind its routing slip) and the upload files
(one PDF per portal slot, each within the file limit)."""

from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
from package_helpers import info, scan_pdf
from pypdf import PdfReader

from forms.attachments.scan import active_content
from forms.errors import UserError
from forms.package import build_print_set, upload_files
from forms.samples import sample

FORM_AND_LETTERS = 2 + 3  # the 申报书 is two pages, each letter one


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def print_set(pack):
    return build_print_set(sample("tech_vp"), pack)


def test_three_copies_each_behind_a_slip_naming_its_recipient(print_set, pack):
    pages = texts(print_set)
    per_copy = 1 + FORM_AND_LETTERS
    assert len(pages) == 3 * per_copy
    slips = [pages[i * per_copy] for i in range(3)]
    # the concrete bureau from routing (derived from the enterprise's county and city), and its role
    assert "宿城区科技局" in slips[0] and "合作企业所在地科技局" in slips[0]
    assert "宿迁市科技局" in slips[1] and "设区市科技局" in slips[1]
    assert "省科技厅" in slips[2]
    for number, slip in enumerate(slips, start=1):
        assert f"第 {number} 份 / 共 3 份" in slip
        for item in pack.checklist:
            assert item.zh.split("：")[0] in slip
        assert "一级法人公章" in slip and "2023年11月30日" in slip
    for copy in range(3):
        body = pages[copy * per_copy + 1 : (copy + 1) * per_copy]
        assert "江苏省产学研合作项目申报书" in body[0]
        assert [
            "科研诚信承诺书（项目负责人）" in body[2],
            "科研诚信承诺书（项目申报单位）" in body[3],
            "科研诚信承诺书（项目主管部门）" in body[4],
        ] == [True, True, True]
        assert f"第{copy + 1}份" in body[0] and f"第 1 页 共 {FORM_AND_LETTERS} 页" in body[0]


def test_print_set_outline_and_no_active_content(print_set):
    reader = PdfReader(BytesIO(print_set))
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == ["第1份：宿城区科技局", "第2份：宿迁市科技局", "第3份：省科技厅"]
    assert active_content(print_set) == []


def test_typed_routing_overrides_the_derived_bureau(pack):
    data = sample("tech_vp")
    data["routing"] = {"local_bureau": "宿迁市宿城区科学技术局"}
    pages = texts(build_print_set(data, pack))
    assert "宿迁市宿城区科学技术局" in pages[0]


def test_print_set_with_attachments_repeats_them_in_every_copy(pack, attachments):
    pdf = build_print_set(sample("tech_vp"), pack, include_attachments=True, attachments=attachments)
    per_copy = 1 + FORM_AND_LETTERS + len(attachments)
    assert len(PdfReader(BytesIO(pdf)).pages) == 3 * per_copy
    assert "技术合同扫描件：技术开发合同（第1部分）" in texts(pdf)[0]  # listed on the slip
    without = build_print_set(sample("tech_vp"), pack, attachments=attachments)
    assert len(PdfReader(BytesIO(without)).pages) == 3 * (1 + FORM_AND_LETTERS)


def test_the_shared_documents_are_stored_once_not_three_times(print_set, pack):
    single = sum(len(p) for p in [print_set])
    one_copy = len(build_print_set(sample("tech_vp"), pack.model_copy(update={"copies": pack.copies[:1]})))
    assert single < 2 * one_copy


def test_upload_files_one_per_slot_in_order(pack, attachments, tmp_path):
    paths = upload_files(sample("tech_vp"), attachments, pack, tmp_path / "up")
    assert [p.name for p in paths] == ["contract.pdf", "payment_proofs.pdf", "other.pdf"]
    contract = PdfReader(paths[0])
    assert [item.title for item in contract.outline] == [
        "技术合同扫描件：技术开发合同（第1部分）",
        "技术合同扫描件：技术开发合同（第2部分）",
    ]
    assert len(PdfReader(paths[1]).pages) == 2
    for path in paths:
        assert active_content(path.read_bytes()) == []
    assert not list((tmp_path / "up").glob(".part-*"))  # no temporary file left behind


def test_an_empty_slot_writes_no_file_and_removes_a_stale_one(pack, attachments, tmp_path):
    out = tmp_path / "up"
    upload_files(sample("tech_vp"), attachments, pack, out)
    only_contracts = [item for item in attachments if item[0].kind == "contract"]
    paths = upload_files(sample("tech_vp"), only_contracts, pack, out)
    assert [p.name for p in paths] == ["contract.pdf"]
    # the hidden manifest is how the second run knew the stale files were its own
    assert sorted(p.name for p in out.iterdir()) == [".cxy-outputs.json", "contract.pdf"]


def test_upload_files_are_brought_under_the_file_limit(pack, tmp_path):
    big = scan_pdf("grainy contract", dpi=300, noise=True)
    small_limit = pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": 1.0})})
    [path] = upload_files(sample("tech_vp"), [(info("contract", "合同", big, 0), big)], small_limit, tmp_path)
    assert path.stat().st_size <= 1024 * 1024 < len(big)

    tiny_limit = pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": 0.01})})
    with pytest.raises(UserError) as caught:
        upload_files(sample("tech_vp"), [(info("contract", "合同", big, 0), big)], tiny_limit, tmp_path / "x")
    assert caught.value.code == "package.file_too_large" and "0.01 MB" in caught.value.en
    assert not (tmp_path / "x").exists()  # nothing half-written


def test_upload_files_are_repeatable(pack, attachments, tmp_path):
    first = [p.read_bytes() for p in upload_files(sample("tech_vp"), attachments, pack, tmp_path / "a")]
    second = [p.read_bytes() for p in upload_files(sample("tech_vp"), attachments, pack, tmp_path / "b")]
    assert [hashlib.sha256(b).digest() for b in first] == [hashlib.sha256(b).digest() for b in second]
