"""Paths, sizes and small builders shared by the reliability harness and its tests."""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "pdf"
PACK_ID = "jiangsu-cxy-2023"
CATEGORY = "tech_vp"

# CI sizes: what `pytest tests/reliability` runs (a few minutes on 2 cores); each can be raised
# through the environment, e.g. CXY_KILLS=1000 CXY_MUTANTS=10000 for a release run.
DEFAULTS = {"CXY_KILLS": 200, "CXY_MUTANTS": 2000, "CXY_SEED": 20240601, "CXY_KILL_LANES": 2}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def setting(name: str) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else DEFAULTS[name]


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def small_pdf(pages: int = 2, label: str = "附件", pad_kb: int = 0) -> bytes:
    """A genuine little PDF (reportlab, reproducible). ``pad_kb`` appends that much seeded,
    incompressible filler after ``%%EOF`` (readers ignore it) so that a draft spans many
    database pages, as drafts with scans do."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 14)
        c.drawString(72, 760, f"{label.encode('ascii', 'replace').decode()} page {number}")
        c.showPage()
    c.save()
    filler = random.Random(f"{label}/{pad_kb}").randbytes(pad_kb * 1024) if pad_kb else b""
    return out.getvalue() + (b"%" + filler if filler else b"")


def sample_data() -> dict:
    from forms.samples import sample

    return sample(CATEGORY)


def make_draft(path: Path, *, attachments: int = 1, pad_kb: int = 0, data: bool = True):
    """A working draft with the sample application and ``attachments`` small PDFs; open."""
    import hashlib

    from forms.attachments import ledger
    from forms.draft import Draft

    draft = Draft.create(path, pack=PACK_ID, category=CATEGORY)
    if data:
        draft.replace_data(sample_data())
    for index in range(attachments):
        pdf = small_pdf(2, f"att{index}", pad_kb=pad_kb)
        ledger.record(pdf)  # stands for our own intake's output: builds and exports use it as it is
        draft.add_attachment(
            kind="contract" if index == 0 else "other",
            title=f"附件{index + 1}",
            original_name=f"附件{index + 1}.pdf",
            source_format="pdf",
            pages=2,
            sha256=hashlib.sha256(pdf).hexdigest(),
            pdf=pdf,
        )
    return draft


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
