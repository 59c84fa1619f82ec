"""Where a phone photo was taken must not travel to a government portal: JPEGs that carry a GPS
position lose their EXIF and XMP blocks (APP1) before they pass into the package. The image data
is copied byte for byte; ICC profiles (APP2) and the Adobe marker (APP14, needed to read CMYK)
stay. Scans without a position pass through unchanged."""

from __future__ import annotations

_GPS_IFD_TAG = 0x8825
_SOS, _APP1 = 0xDA, 0xE1
_STANDALONE = {0x01, *range(0xD0, 0xD9)}  # TEM, RSTn, SOI: markers without a length


def has_gps(im) -> bool:
    try:
        return bool(im.getexif().get(_GPS_IFD_TAG))
    except Exception:  # noqa: BLE001 - unreadable EXIF: treat as none, the image still imports
        return False


def without_app1(data: bytes) -> bytes | None:
    """The JPEG with every APP1 segment removed, or None if its segments cannot be walked."""
    if data[:2] != b"\xff\xd8":
        return None
    out = bytearray(data[:2])
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            out += data[pos:pos + 2]
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            return None
        if marker == _SOS:
            out += data[pos:]  # the entropy-coded image data and everything after it, verbatim
            return bytes(out)
        if marker != _APP1:
            out += data[pos:pos + 2 + length]
        pos += 2 + length
    return None
