"""A JPEG keeps only the segments needed to show it. Comments (COM) and application segments
(EXIF and XMP in APP1, with a phone's GPS position, camera serials, thumbnails; vendor blocks in
APP3-APP13, APP15) can carry anything the applicant never meant to send, so they are dropped;
the JFIF header (APP0), the ICC profile (APP2) and the Adobe marker (APP14, needed to read CMYK)
stay, as do tables, frame and scan headers. Orientation is read before stripping and given to
the page as /Rotate, so APP1 is not needed for it. The entropy-coded image data is copied byte
for byte; anything after the end-of-image marker is dropped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

_GPS_IFD_TAG = 0x8825
_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RSTn: markers without a length
# The end of entropy-coded data: 0xFF followed by neither stuffing (00), fill (FF) nor TEM/RSTn.
# One C-level search instead of a Python step per stuffed 0xFF (a scan has thousands).
_SCAN_END = re.compile(rb"\xff(?=[^\x00\x01\xd0-\xd7\xff])", re.DOTALL)
# APPn kept, by the identifier that opens them; any other APPn is dropped.
_KEEP_APP = {0xE0: (b"JFIF\x00",), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}


def has_gps(im: Image.Image) -> bool:
    try:
        return bool(im.getexif().get(_GPS_IFD_TAG))
    except Exception:  # unreadable EXIF: treat as none, the image still imports
        return False


def _segments(data: bytes) -> Iterator[tuple[int | None, int, int]]:
    """(marker, start, end) for every piece of the file up to EOI; marker None is entropy-coded
    data. Raises ValueError where the structure cannot be walked."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("no SOI")
    yield _SOI, 0, 2
    pos, scanning = 2, False
    while pos < len(data):
        if scanning:  # entropy-coded data runs to the next marker that is not stuffing or RSTn
            found = _SCAN_END.search(data, pos)
            if found is None:  # no EOI: decoders show what is there
                yield None, pos, len(data)
                return
            end = found.start()
            yield None, pos, end
            pos, scanning = end, False
            continue
        if data[pos] != 0xFF or pos + 1 >= len(data):
            raise ValueError("no marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == _EOI:
            yield _EOI, pos, pos + 2
            return
        if marker in _STANDALONE:
            yield marker, pos, pos + 2
            pos += 2
            continue
        if pos + 4 > len(data):
            raise ValueError("truncated segment")
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            raise ValueError("bad segment length")
        yield marker, pos, pos + 2 + length
        pos += 2 + length
        scanning = marker == _SOS


def _needed(data: bytes, marker: int | None, start: int) -> bool:
    if marker == _COM:
        return False
    if marker is not None and 0xE0 <= marker <= 0xEF:
        body = data[start + 4 : start + 4 + 16]
        return any(body.startswith(ident) for ident in _KEEP_APP.get(marker, ()))
    return True


def essential(data: bytes) -> bytes | None:
    """The JPEG with only the segments needed to show it, or None if it cannot be walked."""
    try:
        pieces = [data[start:end] for marker, start, end in _segments(data) if _needed(data, marker, start)]
    except ValueError:
        return None
    return b"".join(pieces)


def extra_segments(data: bytes) -> list[str]:
    """Names of the segments ``essential`` would drop ("COM", "APP1", "trailing data", …)."""
    found: list[str] = []
    end = 0
    try:
        for marker, start, end in _segments(data):  # noqa: B007 - `end` of the last segment is read below
            if not _needed(data, marker, start):
                assert marker is not None  # entropy-coded data is always needed: only COM/APPn are not
                found.append("COM" if marker == _COM else f"APP{marker - 0xE0}")
    except ValueError:  # not a JPEG any decoder shows: nothing to strip from it either
        return []
    if data[end:].strip(b"\x00"):
        found.append("trailing data")
    return list(dict.fromkeys(found))
