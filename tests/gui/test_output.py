"""The output page: preview, package PDF, print set, printing through the prompter, JSON export,
upload files; all built off the GUI thread."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from .files import make_jpeg, make_pdf
from .helpers import widget

pytestmark = pytest.mark.gui


@pytest.fixture
def ready(qtbot, window, tmp_path):
    """The sample with a contract and a payment proof attached, on the output page."""
    window.open_sample("tech_vp")
    page = window.view.attachments_page
    contract, receipt = make_pdf(tmp_path / "contract.pdf", pages=2), make_jpeg(tmp_path / "receipt.jpg")
    page.import_files(
        [contract, receipt], {contract: ("contract", "技术开发合同"), receipt: ("payment_proof", "到账凭证")}
    )
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    window.view.go_to_key("output")
    output = window.view.output_page
    qtbot.waitUntil(lambda: output.job is None and output.result is not None, timeout=60000)
    return window


def wait_idle(qtbot, output) -> None:
    qtbot.waitUntil(lambda: output.job is None, timeout=60000)


def test_preview_and_saved_package(qtbot, ready, prompter, tmp_path):
    output = ready.view.output_page
    assert output.document.pageCount() == output.result.pages
    target = tmp_path / "out" / "package.pdf"
    target.parent.mkdir()
    prompter.paths.append(target)
    widget(ready, "output.save_package").click()
    assert output.job is not None
    wait_idle(qtbot, output)
    reader = PdfReader(target)
    assert len(reader.pages) == output.result.pages
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("技术开发合同" in t for t in titles) and any("到账凭证" in t for t in titles)
    assert "高性能复合材料" in "".join(page.extract_text() for page in reader.pages[:3])
    assert str(target) in widget(ready, "output.result").text()


def test_print_set_saved_and_printed(qtbot, ready, prompter, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    output = ready.view.output_page
    target = tmp_path / "print-set.pdf"
    prompter.paths.append(target)
    widget(ready, "output.save_print_set").click()
    wait_idle(qtbot, output)
    print_set_pages = len(PdfReader(target).pages)
    assert print_set_pages > output.result.pages  # three collated copies with routing slips

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    prompter.printers.append(printer)
    widget(ready, "output.print").click()
    assert prompter.copies == [1]  # the print set already holds every copy
    wait_idle(qtbot, output)
    assert len(PdfReader(printed).pages) == print_set_pages


def test_cancelled_print_dialog_prints_nothing(qtbot, ready, prompter):
    widget(ready, "output.print").click()
    assert ready.view.output_page.job is None


def test_export_json_and_upload_files(qtbot, ready, prompter, tmp_path):
    output = ready.view.output_page
    exported = tmp_path / "application.json"
    prompter.paths.append(exported)
    widget(ready, "output.export_json").click()
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["project"]["name"] == ready.session.get("project.name")
    assert [a["kind"] for a in data["attachments"]] == [a.kind for a in ready.session.attachments()]
    assert {"contract", "payment_proof"} <= {a["kind"] for a in data["attachments"]}

    folder = tmp_path / "upload"
    prompter.paths.append(folder)
    widget(ready, "output.upload_files").click()
    wait_idle(qtbot, output)
    files = sorted(folder.glob("*.pdf"))
    assert files
    assert all(len(PdfReader(f).pages) >= 1 for f in files)


def test_preview_follows_edits(qtbot, ready):
    output = ready.view.output_page
    before = output.result
    ready.view.go_to_key("project")
    ready.session.set("project.name", "新的项目名称")
    ready.view.go_to_key("output")
    qtbot.waitUntil(lambda: output.job is None and output.result is not before, timeout=60000)
