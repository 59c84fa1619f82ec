"""`cxy attach / build / print-set / upload-files`, through the main CLI as a user runs them."""

from __future__ import annotations

import argparse
from io import BytesIO
from pathlib import Path

import pytest
from package_helpers import scan_pdf
from PIL import Image
from pypdf import PdfReader

from forms.attachments.scan import active_content
from forms.cli import main
from forms.draft import Draft
from forms.package.cli import register


@pytest.fixture
def draft(tmp_path) -> Path:
    path = tmp_path / "a.cxy"
    assert main(["sample", "--category", "conference", "-o", str(path)]) == 0
    with Draft.open(path) as opened:  # the sample's own scans out: these tests attach their own
        for info in opened.attachments():
            opened.remove_attachment(info.id)
    (tmp_path / "contract.pdf").write_bytes(scan_pdf("contract"))
    Image.new("RGB", (827, 1169), "white").save(tmp_path / "付款凭证.jpg")
    return path


def test_register_adds_the_four_commands():
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["attach", "a.cxy", "--kind", "contract", "x.pdf", "y.jpg"])
    assert (args.kind, args.files, args.title) == ("contract", ["x.pdf", "y.jpg"], None)
    assert parser.parse_args(["print-set", "a.cxy", "-o", "p.pdf", "--with-attachments"]).with_attachments
    assert parser.parse_args(["upload-files", "a.cxy", "-o", "out"]).output == "out"
    with pytest.raises(SystemExit):
        parser.parse_args(["attach", "a.cxy", "--kind", "receipt", "x.pdf"])


def test_attach_build_print_and_upload(draft, tmp_path, capsys):
    assert (
        main(["attach", str(draft), "--kind", "contract", "--title", "技术开发合同", str(tmp_path / "contract.pdf")])
        == 0
    )
    assert main(["attach", str(draft), "--kind", "payment_proof", str(tmp_path / "付款凭证.jpg")]) == 0
    with Draft.open(draft) as opened:
        assert [(a.kind, a.title) for a in opened.attachments()] == [
            ("contract", "技术开发合同"),
            ("payment_proof", "付款凭证"),
        ]

    package = tmp_path / "package.pdf"
    assert main(["build", str(draft), "-o", str(package)]) == 0
    reader = PdfReader(package)
    assert [item.title for item in reader.outline][-2:] == ["技术合同扫描件：技术开发合同", "到账证明：付款凭证"]
    assert len(reader.pages) == 1 + 2 + 3 + 2
    assert active_content(package.read_bytes()) == []
    assert "已生成" in capsys.readouterr().out

    printed = tmp_path / "print.pdf"
    assert main(["--lang", "en", "print-set", str(draft), "-o", str(printed), "--with-attachments"]) == 0
    assert len(PdfReader(printed).pages) == 3 * (1 + 5 + 2)
    assert "3 copies" in capsys.readouterr().out

    assert main(["upload-files", str(draft), "-o", str(tmp_path / "up")]) == 0
    assert sorted(p.name for p in (tmp_path / "up").glob("*.pdf")) == ["contract.pdf", "payment_proofs.pdf"]


def test_build_from_contract_json_without_attachments(tmp_path):
    source = tmp_path / "a.json"
    assert main(["sample", "--category", "tech_trade", "-o", str(tmp_path / "a.cxy")]) == 0
    assert main(["export", str(tmp_path / "a.cxy"), "-o", str(source)]) == 0
    assert main(["build", str(source), "-o", str(tmp_path / "p.pdf")]) == 0
    text = PdfReader(BytesIO((tmp_path / "p.pdf").read_bytes())).pages[1].extract_text()
    assert "技术交易活动促成的合作项目" in text


def test_user_errors_are_one_line_and_exit_2(draft, tmp_path, capsys):
    assert main(["attach", str(draft), "--kind", "other", str(tmp_path / "missing.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cxy: ") and err.count("\n") == 1 and "missing.pdf" in err
    (tmp_path / "fake.pdf").write_bytes(b"not a pdf at all")
    assert main(["attach", str(draft), "--kind", "other", str(tmp_path / "fake.pdf")]) == 2
    assert main(["build", str(tmp_path / "nope.cxy"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
