"""scan.active_content: the independent check the package builder reuses."""

from __future__ import annotations

import pikepdf

from forms.attachments.scan import FORBIDDEN, active_content

from .attach_helpers import hostile_pdf, save, text_pdf

MINIMAL = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R {extra} >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def names(findings: list[str]) -> set[str]:
    return {finding.split()[0] for finding in findings}


def test_a_clean_pdf_has_nothing():
    assert active_content(text_pdf(2)) == []


def test_text_that_mentions_javascript_in_a_content_stream_is_not_a_finding():
    pdf = pikepdf.new()
    page = pdf.add_blank_page().obj
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf (/JS /JavaScript /Launch) Tj ET")
    assert active_content(save(pdf, compress_streams=False)) == []


def test_every_forbidden_name_is_found_in_the_hostile_file():
    assert names(active_content(hostile_pdf())) >= FORBIDDEN - {"/GoToE"}


def test_both_opinions_report():
    findings = active_content(hostile_pdf())
    assert any("raw" in f for f in findings) and any("object" in f for f in findings)


def test_object_streams_are_looked_into_by_both_passes():
    data = hostile_pdf(object_stream_mode=pikepdf.ObjectStreamMode.generate)
    findings = active_content(data)
    assert any("raw object stream" in f and f.startswith("/JS") for f in findings)
    assert any("(object" in f and f.startswith("/JS") for f in findings)


def test_hex_escaped_names_are_decoded_by_the_raw_pass():
    data = MINIMAL.replace(b"{extra}", b"/OpenAction << /S /J#61vaScript /J#53 (x) >>")
    found = names(active_content(data))
    assert {"/JS", "/JavaScript", "/OpenAction"} <= found


def test_an_unreadable_file_is_not_declared_clean():
    findings = active_content(b"%PDF-1.4\n garbage without objects")
    assert findings and findings[0].startswith("unreadable")


def test_findings_are_sorted_and_unique():
    findings = active_content(hostile_pdf())
    assert findings == sorted(set(findings))
