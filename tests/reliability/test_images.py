"""Awkward images become correct, upright pages; bombs are refused at once."""

from __future__ import annotations

import pytest

from .images import ImageReport, NoRenderer, cases, run_case


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_image_edge_case(case):
    try:
        problem = run_case(case, ImageReport())
    except NoRenderer:
        pytest.skip("poppler's pdftoppm is not installed: the page cannot be looked at")
    assert problem is None
