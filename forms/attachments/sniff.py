"""What a file really is, judged by its first bytes; the name's extension is only a hint."""

from __future__ import annotations

from pathlib import PurePath

SUPPORTED = ("pdf", "jpeg", "png", "tiff", "bmp", "webp")

# Pillow format names per supported image format: the allowlist passed to Image.open.
PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP"}

_EXTENSIONS = {
    "pdf": {".pdf"},
    "jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "png": {".png"},
    "tiff": {".tif", ".tiff"},
    "bmp": {".bmp", ".dib"},
    "webp": {".webp"},
}

# Acrobat accepts %PDF- anywhere in the first 1024 bytes; so do we, but no further (a polyglot
# with a kilobyte of something else in front is not an applicant's scan).
_PDF_WINDOW = 1024
_BMP_DIB_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}


def sniff(head: bytes) -> str:
    """Return one of SUPPORTED, "unsupported:<kind>" or "unknown" for a file's first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"BM" and len(head) >= 26 and int.from_bytes(head[14:18], "little") in _BMP_DIB_SIZES:
        return "bmp"
    if b"%PDF-" in head[:_PDF_WINDOW]:
        return "pdf"
    kind = _unsupported_kind(head)
    return f"unsupported:{kind}" if kind else "unknown"


def _unsupported_kind(head: bytes) -> str | None:
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"):
        return "heic"
    if head.startswith(b"PK\x03\x04"):
        name_len = int.from_bytes(head[26:28], "little")
        if head[30 : 30 + name_len].lower() in (b"ofd.xml", b"ofd/ofd.xml"):
            return "ofd"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<script")):
        return "html"
    return None


def extension_matches(original_name: str, fmt: str) -> bool:
    suffix = PurePath(original_name).suffix.lower()
    return suffix in _EXTENSIONS.get(fmt, set())
