"""The two value types of the intake API: the limits a caller may tune and the result it gets."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class IntakeLimits:
    """Ceilings for one attachment; anything over them is refused with a UserError.

    Defaults follow research/reliability.md §3-§4: a 600 dpi A4 scan is 35 Mpx and a 48 MP phone
    photo 49 Mpx, so 100 Mpx leaves room; 500 pages per attachment; 30 s and 1 GiB per worker.
    """

    max_bytes: int = 200 * MiB
    max_pages: int = 500
    max_pixels: int = 100_000_000  # per image, per TIFF frame, per image inside a PDF
    timeout_s: float = 30.0  # wall clock for the whole worker, start-up included
    memory_bytes: int = 1024 * MiB  # the worker's memory cap (process_limits.py: how, per OS)
    max_content_bytes: int = 128 * MiB  # one page content stream after inflating


@dataclass(frozen=True)
class Normalised:
    pdf: bytes  # sanitised PDF, every page rebuilt, A4-fitted for images
    pages: int
    sha256: str  # of the ORIGINAL file bytes
    original_name: str
    source_format: str  # "pdf" | "jpeg" | "png" | "tiff" | "bmp" | "webp"
    notes: tuple[str, ...]  # short codes of what was done, e.g. "repaired", "exif-rotated"
