"""The size budget: when a file is over the portal's limit, scanned images drawn at more than
the pack's dpi are re-encoded as JPEG at that dpi, then lower, until the file fits. Images are
measured as they are drawn (forms.package.drawn), so a small logo is never degraded because its
pixel count happens to be large relative to the page.

A page larger than A4 is measured as it will be printed and read: fitted onto A4. A 656 mm-wide
scan at 150 dpi is 331 dpi on A4 paper; measured on its own page it looked like nothing could be
reduced, which is why such a file used to stay at its full size. Images on oversize pages are
reduced first (before any image on an A4 page is touched)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from forms.text import Text

from .assemble import save, save_to
from .downsample import MB, downsample

# (share of the pack's dpi, JPEG quality) tried in turn; never below FLOOR_DPI
STEPS = ((1.0, 80), (0.8, 70), (0.6, 60))
FLOOR_DPI = 72.0


@dataclass
class Fitted:
    pdf: bytes  # empty when fit() saved to a file (``path``)
    notes: list[Text]
    over: bool  # still over the budget after the last step
    path: Path | None = None
    size: int = -1  # bytes of the file

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.pdf)


def fit(
    build: Callable[[], pikepdf.Pdf],
    budget_mb: float,
    dpi: float,
    what: Text,
    *,
    prepare: Callable[[pikepdf.Pdf], object] | None = None,
    finish: Callable[[pikepdf.Pdf], object] | None = None,
    folder: Path | None = None,
    dest: Path | None = None,
) -> Fitted:
    """Save what ``build`` makes; when over ``budget_mb``, rebuild from the originals and
    downsample — images on oversize pages first, then every image, stepping the dpi down —
    until it fits. ``prepare``: a fix applied to every rebuild first (e.g. grey), so the result
    always has it. ``what`` names the file. ``folder``: save each attempt to a file
    there (``Fitted.path``; the pages stream from the sources to disk) instead of to bytes;
    ``dest``: the file the result must end up in (with ``folder``): the first attempt, the one
    that almost always fits, is saved there directly. ``finish``: what is done to each attempt
    last, just before it is saved (the seal record, the guard)."""
    budget = budget_mb * MB
    attempt = _Attempts(folder, dest)
    first_pdf = build()
    if prepare is not None:
        prepare(first_pdf)
    first = attempt.save(first_pdf, finish)
    first_pdf.close()  # its file handles go now (Windows cannot remove an open file)
    if first.size <= budget:
        return attempt.kept(first).fitted([], False)
    best = first
    attempts = [(dpi, STEPS[0][1], True)] + [(max(FLOOR_DPI, dpi * share), quality, False) for share, quality in STEPS]
    for target, quality, oversize_only in attempts:
        pdf = build()
        if prepare is not None:
            prepare(pdf)
        count = downsample(pdf, target, quality, oversize_only=oversize_only)
        if count == 0:
            continue  # nothing drawn above this dpi: a lower step may still find some
        saved = attempt.save(pdf, finish)
        pdf.close()
        if saved.size < best.size:
            best, worse = saved, best
        else:
            worse = saved
        if saved.size <= budget:
            attempt.drop(worse)
            note = _note_done(what, count, target, quality, first.size, saved.size, budget_mb)
            return attempt.kept(saved).fitted([note], False)
        attempt.drop(worse)
    return attempt.kept(best).fitted([_note_over(what, first.size, best.size, budget_mb)], True)


@dataclass
class _Saved:
    data: bytes
    path: Path | None
    size: int

    def fitted(self, notes: list[Text], over: bool) -> Fitted:
        return Fitted(self.data, notes, over, self.path, self.size)


class _Attempts:
    """Where fit() saves: bytes, or numbered files in a folder (a worse attempt's file is removed);
    with ``dest``, the first attempt goes straight there and the kept one ends up there."""

    def __init__(self, folder: Path | None, dest: Path | None = None) -> None:
        if dest is not None and folder is None:
            raise ValueError("dest needs a folder for the other attempts")
        self.folder = folder
        self.dest = dest
        self.count = 0

    def save(self, pdf: pikepdf.Pdf, finish: Callable[[pikepdf.Pdf], object] | None = None) -> _Saved:
        if finish is not None:
            finish(pdf)
        if self.folder is None:
            data = save(pdf)
            return _Saved(data, None, len(data))
        self.count += 1
        path = self.dest if self.count == 1 and self.dest is not None else self.folder / f"attempt-{self.count}.pdf"
        save_to(pdf, path)
        return _Saved(b"", path, path.stat().st_size)

    def drop(self, saved: _Saved) -> None:
        if saved.path is not None:
            saved.path.unlink(missing_ok=True)

    def kept(self, saved: _Saved) -> _Saved:
        """``saved`` moved to ``dest`` (a copy only when a later attempt won, on another disk)."""
        if self.dest is None or saved.path is None or saved.path == self.dest:
            return saved
        import shutil

        self.dest.unlink(missing_ok=True)
        shutil.move(saved.path, self.dest)
        return _Saved(b"", self.dest, saved.size)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _note_done(what: Text, count: int, dpi: float, quality: int, before: int, after: int, budget_mb: float) -> Text:
    return Text(
        f"{what.zh}超过 {budget_mb:g} MB 的大小限制：已将 {count} 张扫描图片降至 {dpi:.0f} dpi（JPEG 质量 {quality}），"
        f"文件由 {_mb(before)} 减至 {_mb(after)}",
        f"{what.en} was over the {budget_mb:g} MB limit: {count} scanned images were downsampled to {dpi:.0f} dpi"
        f" (JPEG quality {quality}), {_mb(before)} → {_mb(after)}",
    )


def _note_over(what: Text, before: int, after: int, budget_mb: float) -> Text:
    return Text(
        f"{what.zh}降低图片分辨率后仍有 {_mb(after)}（原 {_mb(before)}），超过 {budget_mb:g} MB 的限制，请减少或压缩附件",
        f"{what.en} is still {_mb(after)} (was {_mb(before)}) after downsampling, over the {budget_mb:g} MB limit;"
        " please remove or shrink attachments",
    )
