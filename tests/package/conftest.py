"""Fixtures of the package tests (helpers in package_helpers.py)."""

from __future__ import annotations

import pytest
from package_helpers import info, scan_pdf

from forms.draft import AttachmentInfo


@pytest.fixture(scope="session")
def attachments() -> list[tuple[AttachmentInfo, bytes]]:
    """Given out of order on purpose: the package sorts by kind, then by the user's position."""
    items = [
        ("payment_proof", "到账证明（第一笔）", scan_pdf("pay-1"), 2),
        ("other", "企业营业执照", scan_pdf("licence"), 4),
        ("contract", "技术开发合同（第2部分）", scan_pdf("contract-2", rotate=90), 1),
        ("contract", "技术开发合同（第1部分）", scan_pdf("contract-1"), 0),
        ("payment_proof", "到账证明（第二笔）", scan_pdf("pay-2"), 3),
    ]
    return [(info(kind, title, pdf, pos), pdf) for kind, title, pdf, pos in items]
