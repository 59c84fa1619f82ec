"""A finding's one-click fix (forms.attachments.finding_fix.plan) cures it: the pages it gives,
examined again, no longer have the finding; the page turns the way its text says."""

from __future__ import annotations

import io

import pikepdf
import pytest

from forms.attachments import normalise, page_ops
from forms.attachments.finding_fix import plan
from forms.attachments.preflight import Finding, examine

from .intake_files import PLAIN_LINES, jpeg, page_image, text_pdf
from .test_preflight import with_rotate

CASES = {
    "text turned 90°": (lambda: text_pdf(PLAIN_LINES, rotate_text=90), "turned.pdf", "rotated_text", 90),
    "page /Rotate 90": (lambda: with_rotate(text_pdf(PLAIN_LINES), 90), "rot.pdf", "rotated_text", 0),
    "sideways photo": (lambda: jpeg(page_image(size=(2339, 1654))), "photo.jpg", "landscape", 90),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_fix_of_a_finding_cures_it(case):
    make, name, code, rotate_after = CASES[case]
    result = normalise(make(), name)
    finding = next(f for f in examine(result.pdf).findings if f.code == code)
    fix = plan(finding, result.pages)
    assert fix is not None and fix.split_at is None
    edited = page_ops.edit(result.pdf, result.pages, list(fix.ops))
    assert not [f for f in examine(edited.pdf).findings if f.code == code]
    with pikepdf.open(io.BytesIO(edited.pdf)) as pdf:
        assert int(pdf.pages[0].obj.get("/Rotate", 0)) % 360 == rotate_after


def test_what_cannot_be_fixed_by_a_click():
    assert plan(Finding(1, "dpi_low", None, {"dpi": 72}), 1) is None  # only a new scan helps
    assert plan(Finding(1, "blank", "delete"), 1) is None  # the only page: remove the attachment instead
    assert plan(Finding(2, "blank", "delete"), 2).ops == (page_ops.delete(2, 2),)
    assert plan(Finding(None, "too_large", "split", {"size_mb": "9", "limit_mb": "5"}), 1) is None
    assert plan(Finding(None, "too_large", "split", {"size_mb": "9", "limit_mb": "5"}), 5).split_at == 3
    assert plan(Finding(None, "too_large", "dpi150", {"size_mb": "9", "limit_mb": "5"}), 5).ops == (
        page_ops.downsample(150),
    )
