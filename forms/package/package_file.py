"""The package: one PDF to keep, send or upload — a cover with contents, then every document and
attachment, each page footed with its number and the content hash, one bookmark per part."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pikepdf

from forms.pack import Pack
from forms.render import cache as render_cache
from forms.text import Text

from . import assemble as asm
from .budget import fit
from .guard import checked, guard_parts, guard_written
from .order import Attachments
from .pages import Entry, cover, footers
from .parts import attachment_parts, content_hash, count_pages, document_parts, marks_of, set_info
from .seal import Marks, add_record
from .sources import sha256_of

COVER_TITLE = "封面及目录"
COVER_LINES, COVER_LINES_MORE = 11, 31  # contents lines on the first cover page, on each further one


@dataclass(frozen=True)
class PackageResult:
    pdf: bytes  # empty from write_package (the file is at ``path``)
    pages: int
    outline: list[str]
    notes: list[Text]
    digest: str = ""  # the short content hash printed in every footer
    size: int = 0  # bytes of the PDF
    path: Path | None = None  # where write_package wrote it


def build_package(
    data: dict[str, Any], attachments: Attachments, pack: Pack, *, budget_mb: float | None = None, final: bool = False
) -> PackageResult:
    """Cover with contents → the category's 申报书 → the three letters → contracts → payment
    proofs → other attachments. Every page is footed "第 N 页 共 M 页" with the content hash;
    the outline has one entry per part. Over the size budget, scans are downsampled (notes).
    Not ``final``: every page is watermarked as a draft; final: every page is sealed."""
    with tempfile.TemporaryDirectory(prefix="cxy-package-") as folder:
        out = Path(folder) / "package.pdf"
        made = _package(data, attachments, pack, Path(folder), out, budget_mb=budget_mb, final=final)
        return dataclasses.replace(made, pdf=out.read_bytes(), path=None)


def write_package(
    data: dict[str, Any],
    attachments: Attachments,
    pack: Pack,
    dest: Path,
    *,
    budget_mb: float | None = None,
    final: bool = False,
    inputs: Sequence[Path] = (),
) -> PackageResult:
    """:func:`build_package` written to ``dest`` (atomically: the old file stays on failure)
    without the package ever being in memory: attachments given as files (``Draft.attachment_file``)
    are read by qpdf as it writes, once, straight into the temporary file that becomes ``dest``.
    ``inputs``: files ``dest`` must not be. The result's ``pdf`` is empty; ``path`` and ``size``
    say what was written."""
    from forms.atomic import atomic_path

    with (
        tempfile.TemporaryDirectory(prefix="cxy-package-") as folder,
        atomic_path(Path(dest), Text("输出文件", "the output file"), inputs=inputs) as out,
    ):
        made = _package(data, attachments, pack, Path(folder), out, budget_mb=budget_mb, final=final)
    return dataclasses.replace(made, path=Path(dest))


def _package(
    data: dict[str, Any],
    attachments: Attachments,
    pack: Pack,
    folder: Path,
    out: Path,
    *,
    budget_mb: float | None,
    final: bool,
) -> PackageResult:
    """The package saved once, to ``out``: merged, stamped, outlined, sealed and guarded as one
    object graph whose scans stay in their files until that save."""
    # The check code is of the draft as stored, so every machine prints the same one for it
    # (re-sanitising is deterministic, so the stored bytes identify the printed ones).
    digest = content_hash(data, attachments)
    stored = attachments
    marks = marks_of(data, pack, digest, final)
    attachments = checked(attachments)
    parts = document_parts(data, pack) + attachment_parts(attachments, pack)
    guard_parts(parts)  # before anything here opens them
    count_pages(parts)
    cover_pdf, cover_pages = _cover(data, pack, parts, digest)
    parts.insert(0, asm.Part(COVER_TITLE, cover_pdf, kind="cover", pages=cover_pages, extra={"ours": True}))
    total = sum(part.pages for part in parts)
    texts = [f"第 {n} 页 共 {total} 页　校验码 {digest}" for n in range(1, total + 1)]
    overlay: dict[str, bytes] = {}
    budget = budget_mb if budget_mb is not None else pack.upload.max_package_mb

    def build() -> pikepdf.Pdf:
        pdf = asm.merge(parts, folder)
        if "pdf" not in overlay:
            overlay["pdf"] = _footers(pack, [asm.visible_size(page)[:2] for page in pdf.pages], texts, marks)
        asm.stamp(pdf, overlay["pdf"])
        asm.outline(pdf, [(part.title, part.start) for part in parts])
        set_info(pdf, data, pack, f"{pack.title.zh}申报材料：{(data.get('project') or {}).get('name') or ''}")
        asm.set_id(pdf, _made_of(parts, overlay["pdf"], pdf, (budget, final)))
        return pdf

    def finish(pdf: pikepdf.Pdf) -> None:
        if marks.final:  # the seal record (page digests) once the pages are as they will stay
            add_record(pdf, marks, data, stored, digest)
        guard_written(pdf)

    fitted = fit(
        build,
        budget,
        pack.upload.downsample_dpi,
        Text("申报材料", "The package"),
        finish=finish,
        folder=folder,
        dest=out,
    )
    return PackageResult(
        pdf=b"",
        pages=total,
        outline=[part.title for part in parts],
        notes=fitted.notes,
        digest=digest,
        size=fitted.size,
        path=out,
    )


def _footers(pack: Pack, sizes: list[tuple[float, float]], texts: list[str], marks: Marks) -> bytes:
    inputs = {"sizes": [[float(w), float(h)] for w, h in sizes], "texts": texts, "marks": dataclasses.asdict(marks)}
    return render_cache.cached("footers", pack, "zh", inputs, lambda: footers(sizes, texts, marks))


def _made_of(parts: list[asm.Part], overlay: bytes, pdf: pikepdf.Pdf, settings: tuple[Any, ...]) -> bytes:
    """What the package file is made of, for its /ID: every part's PDF (by digest), the footers,
    outline, /Info and the settings that change what is written (the size budget, final)."""
    made = {
        "parts": [(part.title, part.kind, part.start, sha256_of(part.pdf)) for part in parts],
        "footers": hashlib.sha256(overlay).hexdigest(),
        "info": {str(key): str(value) for key, value in pdf.docinfo.items()},
        "settings": [str(value) for value in settings],
    }
    return json.dumps(made, sort_keys=True, ensure_ascii=False).encode()


def _cover(data: dict[str, Any], pack: Pack, parts: list[asm.Part], digest: str) -> tuple[bytes, int]:
    """The cover's own length shifts every page number after it: settle it (1 page, or more
    with many attachments) before writing the numbers."""
    pages = 1 + max(0, len(parts) - COVER_LINES + COVER_LINES_MORE - 1) // COVER_LINES_MORE  # a first guess
    for _ in range(5):
        entries, page = [], pages + 1
        for part in parts:
            entries.append(Entry(part.title, page, part.pages))
            page += part.pages
        inputs = {"data": data, "entries": [dataclasses.astuple(entry) for entry in entries], "digest": digest}
        pdf = render_cache.cached("cover", pack, "zh", inputs, partial(cover, data, pack, entries, digest))
        with asm.open_pdf(pdf, COVER_TITLE) as opened:
            actual = len(opened.pages)
        if actual == pages:
            return pdf, pages
        pages = actual
    raise AssertionError("cover length does not settle")  # pragma: no cover - cannot happen: monotone
