"""A deterministic, realistic attachment workload: what an applicant actually feeds the app.

* ``scans``: A4 pages at 300 dpi (2480×3508 px) as JPEG q85, each with lines of glyph-like
  strokes, paper/scanner noise, a slight skew, blue "handwriting" and a red stamp circle. About
  1.5 MB each, like a real office scanner's output.
* ``pdfs``: multi-page documents (3–10 pages) made with reportlab: text, a ruled table and a
  small photo, i.e. a contract or an invoice bundle.
* ``big``: one 200-page report (text, tables, a logo repeated on every page).
* ``scan_pdfs``: every scan wrapped by img2pdf (JPEG passthrough) — the form in which the
  yardstick (qpdf) merges the scans.

Everything derives from one seed: the same arguments give byte-identical files (reportlab runs
in ``invariant`` mode, noise comes from ``random.Random``, never from C ``rand()``). A folder
already holding the same workload (manifest match) is reused rather than rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240601
A4_PX = (2480, 3508)  # 210 × 297 mm at 300 dpi
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Workload:
    folder: Path
    scans: tuple[Path, ...]
    scan_pdfs: tuple[Path, ...]
    pdfs: tuple[Path, ...]
    big: Path

    @property
    def attachments(self) -> tuple[Path, ...]:
        """The files as a user adds them to the draft (scans as JPEG, documents as PDF)."""
        return (*self.scans, *self.pdfs, self.big)

    @property
    def merge_inputs(self) -> tuple[Path, ...]:
        """The same content as PDFs only, in the same order: what qpdf merges."""
        return (*self.scan_pdfs, *self.pdfs, self.big)

    @property
    def largest_attachment(self) -> Path:
        return max(self.attachments, key=lambda p: p.stat().st_size)

    def total_bytes(self, files: Iterable[Path] | None = None) -> int:
        return sum(p.stat().st_size for p in (self.attachments if files is None else files))


# --------------------------------------------------------------------------- scans


def _scan_jpeg(seed: int, index: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(f"{seed}/scan/{index}")
    width, height = A4_PX
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    page = noise.point(lambda v: 236 + (v * 10) // 256)  # off-white paper with sensor noise
    draw = ImageDraw.Draw(page)
    y = 300 + rng.randint(0, 60)
    # Body "text": strokes grouped into glyph-sized boxes, glyphs into lines, lines into a page.
    while y < height - 420:
        x = 250 + (rng.randint(0, 2) * 70 if rng.random() < 0.15 else 0)
        line_end = width - 250 - (rng.randint(200, 1400) if rng.random() < 0.12 else 0)
        while x < line_end:
            glyph = rng.randint(28, 40)
            for _ in range(rng.randint(2, 5)):
                x0 = x + rng.randint(0, glyph - 6)
                y0 = y + rng.randint(0, 28)
                draw.line(
                    [(x0, y0), (x0 + rng.randint(-8, 14), y0 + rng.randint(4, 34))],
                    fill=rng.randint(15, 70),
                    width=rng.randint(3, 4),
                )
            x += glyph + rng.randint(4, 10)
        y += rng.choice((56, 60, 64)) + (90 if rng.random() < 0.08 else 0)
    if index % 3 == 0:  # a form table on every third page
        top = rng.randint(400, 1400)
        for row in range(9):
            draw.line([(240, top + row * 110), (width - 240, top + row * 110)], fill=40, width=4)
        for col in (240, 900, 1500, width - 240):
            draw.line([(col, top), (col, top + 8 * 110)], fill=40, width=4)
    page = page.convert("RGB")
    draw = ImageDraw.Draw(page)
    # Blue ballpoint signature and a red seal with a star and ring text strokes.
    sx, sy = rng.randint(300, 900), height - rng.randint(380, 480)
    points = [(sx + i * 18, sy + int(30 * rng.uniform(-1, 1))) for i in range(30)]
    draw.line(points, fill=(30, 50, 160), width=5, joint="curve")
    cx, cy, r = rng.randint(1500, 2000), height - rng.randint(600, 900), rng.randint(200, 240)
    seal = (205 + rng.randint(-15, 15), 30, 40)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=seal, width=14)
    draw.regular_polygon((cx, cy, r // 4), 5, rotation=rng.randint(0, 71), fill=seal)
    for k in range(18):
        draw.rectangle([cx - r + 40 + k * 20, cy - r // 2, cx - r + 52 + k * 20, cy - r // 2 + 30], fill=seal)
    page = page.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BILINEAR, fillcolor=(240, 240, 238))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=85, dpi=(300, 300))
    return out.getvalue()


def _write_scan(args: tuple[int, int, str]) -> None:
    seed, index, path = args
    Path(path).write_bytes(_scan_jpeg(seed, index))


# --------------------------------------------------------------------------- PDFs

_WORDS = (
    "甲方 乙方 合同 技术 开发 项目 经费 验收 成果 专利 知识产权 保密 违约 责任 支付 "
    "本合同 双方 约定 研究 内容 进度 要求 发明 单位 负责人 签字 盖章 日期 万元"
).split()
_LATIN = "agreement party research development milestone payment invoice delivery patent".split()


def _photo_jpeg(seed: str, size: tuple[int, int] = (600, 400)) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).point(lambda v: 90 + v // 3).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        draw.rectangle(
            [x, y, x + rng.randint(40, 200), y + rng.randint(30, 120)],
            fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)),
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _pdf(seed: int, name: str, pages: int, *, photo_every: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.getFont("STSong-Light")
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rng = random.Random(f"{seed}/pdf/{name}")
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(name)
    logo = ImageReader(io.BytesIO(_photo_jpeg(f"{seed}/logo", (160, 80))))
    photo = ImageReader(io.BytesIO(_photo_jpeg(f"{seed}/photo/{name}")))
    width, height = A4
    for number in range(1, pages + 1):
        c.drawImage(logo, 40, height - 70, 80, 40)
        c.setFont("STSong-Light", 14)
        c.drawString(140, height - 55, f"{name} 第{number}页 共{pages}页")
        y = height - 110
        if number % 4 == 2:  # a ruled table
            rows, cols = rng.randint(8, 16), 5
            top = y
            for r in range(rows + 1):
                c.line(50, top - r * 20, width - 50, top - r * 20)
            for k in range(cols + 1):
                x = 50 + k * (width - 100) / cols
                c.line(x, top, x, top - rows * 20)
            c.setFont("Helvetica", 8)
            for r in range(rows):
                for k in range(cols):
                    c.drawString(
                        55 + k * (width - 100) / cols,
                        top - r * 20 - 14,
                        f"{rng.randint(1, 99999):,}.{rng.randint(0, 99):02d}",
                    )
            y = top - rows * 20 - 30
        if photo_every and number % photo_every == 0:
            c.drawImage(photo, 80, y - 220, 300, 200)
            y -= 240
        while y > 70:
            if rng.random() < 0.5:
                c.setFont("STSong-Light", 10.5)
                text = "".join(rng.choice(_WORDS) for _ in range(rng.randint(14, 22)))
            else:
                c.setFont("Helvetica", 10)
                text = " ".join(rng.choice(_LATIN) for _ in range(rng.randint(8, 13)))
            c.drawString(60, y, text[:60])
            y -= 16
        c.showPage()
    c.save()
    return out.getvalue()


def _write_pdf(args: tuple[int, str, int, int, str]) -> None:
    seed, name, pages, photo_every, path = args
    Path(path).write_bytes(_pdf(seed, name, pages, photo_every=photo_every))


def _wrap_scan(jpeg: Path, pdf: Path) -> None:
    import img2pdf

    pdf.write_bytes(img2pdf.convert(str(jpeg), engine=img2pdf.Engine.internal, nodate=True))


# --------------------------------------------------------------------------- assembly


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _layout(folder: Path, scans: int, pdfs: int) -> tuple[list[Path], list[Path], list[Path], Path]:
    scan_files = [folder / "scans" / f"scan-{i:02d}.jpg" for i in range(1, scans + 1)]
    scan_pdfs = [folder / "scan-pdfs" / f"scan-{i:02d}.pdf" for i in range(1, scans + 1)]
    pdf_files = [folder / "pdfs" / f"doc-{i}.pdf" for i in range(1, pdfs + 1)]
    return scan_files, scan_pdfs, pdf_files, folder / "pdfs" / "big-report.pdf"


def _params(seed: int, scans: int, pdfs: int, big_pages: int) -> dict:
    return {"generator": GENERATOR_VERSION, "seed": seed, "scans": scans, "pdfs": pdfs, "big_pages": big_pages}


def _reusable(folder: Path, params: dict) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("params") != params:
        return False
    return all(
        (folder / rel).is_file() and (folder / rel).stat().st_size == size
        for rel, size in manifest.get("sizes", {}).items()
    )


def generate(
    folder: Path,
    *,
    seed: int = DEFAULT_SEED,
    scans: int = 30,
    pdfs: int = 5,
    big_pages: int = 200,
    jobs: int = 2,
) -> Workload:
    """Write (or reuse) the workload in ``folder`` and describe it."""
    folder = Path(folder)
    params = _params(seed, scans, pdfs, big_pages)
    scan_files, scan_pdfs, pdf_files, big = _layout(folder, scans, pdfs)
    workload = Workload(folder, tuple(scan_files), tuple(scan_pdfs), tuple(pdf_files), big)
    if _reusable(folder, params):
        return workload
    for sub in ("scans", "scan-pdfs", "pdfs"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    page_rng = random.Random(f"{seed}/pages")
    pdf_jobs = [(seed, f"附件{i}", page_rng.randint(3, 10), 3, str(p)) for i, p in enumerate(pdf_files, 1)]
    pdf_jobs.append((seed, "年度报告", big_pages, 25, str(big)))
    scan_jobs = [(seed, i, str(p)) for i, p in enumerate(scan_files, 1)]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write_scan, scan_jobs))
            list(pool.map(_write_pdf, pdf_jobs))
    else:
        for job in scan_jobs:
            _write_scan(job)
        for job in pdf_jobs:
            _write_pdf(job)
    for jpeg, pdf in zip(scan_files, scan_pdfs):
        _wrap_scan(jpeg, pdf)
    files = [*scan_files, *scan_pdfs, *pdf_files, big]
    manifest = {
        "params": params,
        "sizes": {str(p.relative_to(folder)): p.stat().st_size for p in files},
        "sha256": {str(p.relative_to(folder)): _sha256(p) for p in files},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return workload


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.workload", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scans", type=int, default=30)
    parser.add_argument("--pdfs", type=int, default=5)
    parser.add_argument("--big-pages", type=int, default=200)
    args = parser.parse_args(argv)
    w = generate(args.folder, seed=args.seed, scans=args.scans, pdfs=args.pdfs, big_pages=args.big_pages)
    print(f"{len(w.scans)} scans, {len(w.pdfs)} PDFs + {w.big.name}: {w.total_bytes() / 1e6:.1f} MB in {w.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
