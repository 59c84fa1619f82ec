"""Helpers of the workflow tests: an eligible sample draft, real (intake-readable) PDFs, the CLI."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

from forms.draft import Draft
from forms.pack import load_pack
from forms.samples import fill_sample, sample
from forms.transfer import create_draft

REPO = Path(__file__).resolve().parents[2]


def sample_draft(path: Path, category: str = "tech_vp") -> Path:
    """The sample application with its generated contract and payment scans (eligible)."""
    pack = load_pack()
    data = sample(category, pack)
    create_draft(
        path, pack=data.get("pack", pack.id), category=category, fill=lambda draft: fill_sample(draft, category, pack)
    )
    return path


def real_pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def attach(draft: Draft, pdf: bytes, *, kind: str, title: str) -> int:
    return draft.add_attachment(
        kind=kind,
        title=title,
        original_name=f"{title}.pdf",
        source_format="pdf",
        pages=1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
    )


def cxy(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
