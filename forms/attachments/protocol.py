"""Frames between the intake and its worker process: a JSON header plus an optional byte body.

Layout: 4-byte big-endian header length, UTF-8 JSON, 8-byte big-endian body length, body.
"""

from __future__ import annotations

import json
from typing import IO, Any, overload

MAX_HEADER = 1 << 20


def write_frame(stream: IO[bytes], header: dict[str, Any], body: bytes = b"") -> None:
    encoded = json.dumps(header, ensure_ascii=True, sort_keys=True).encode()
    stream.write(len(encoded).to_bytes(4, "big"))
    stream.write(encoded)
    stream.write(len(body).to_bytes(8, "big"))
    if body:
        stream.write(body)
    stream.flush()


def read_header(stream: IO[bytes]) -> dict[str, Any] | None:
    """The next frame's header, or None at a clean end of stream."""
    raw = _read_exact(stream, 4, allow_eof=True)
    if raw is None:
        return None
    size = int.from_bytes(raw, "big")
    if size > MAX_HEADER:
        raise ValueError("frame header too large")
    header = json.loads(_read_exact(stream, size).decode())
    if not isinstance(header, dict):
        raise ValueError("frame header is not an object")
    return header


def read_body(stream: IO[bytes], limit: int) -> bytes:
    size = int.from_bytes(_read_exact(stream, 8), "big")
    if size > limit:
        raise ValueError("frame body too large")
    return _read_exact(stream, size)


@overload
def _read_exact(stream: IO[bytes], size: int) -> bytes: ...
@overload
def _read_exact(stream: IO[bytes], size: int, allow_eof: bool) -> bytes | None: ...
def _read_exact(stream: IO[bytes], size: int, allow_eof: bool = False) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            if allow_eof and remaining == size:
                return None
            raise EOFError("stream ended inside a frame")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
