"""The former names of :mod:`forms.atomic`'s writer, for code written before it: new code calls
``forms.atomic.write_bytes`` / ``write_from`` with a :class:`forms.text.Text`."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from .atomic import write_bytes, write_from
from .text import Text


def write_atomically(dest: Path, data: bytes, what_zh: str = "文件", what_en: str = "the file") -> None:
    write_bytes(dest, data, Text(what_zh, what_en))


def write_atomically_from(
    dest: Path, source: Path | str | BinaryIO, what_zh: str = "文件", what_en: str = "the file"
) -> None:
    write_from(dest, source, Text(what_zh, what_en))
