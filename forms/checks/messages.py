"""The checks' sentences, from ``forms/messages/checks.toml``, in the UI language."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from forms.text import Text

_FILE = Path(__file__).resolve().parent.parent / "messages" / "checks.toml"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Text]:
    with _FILE.open("rb") as handle:
        return {key: Text.of(entry) for key, entry in tomllib.load(handle).items()}


SHOWN_CHARS = 60  # a value quoted in a message: enough to recognise it, never a page of it
USER_VALUES = {"value", "expected", "other", "leader_unit", "enterprise"}  # placeholders the user typed


def shown(value: object, typed: bool = True) -> object:
    """A value as a message quotes it: long text cut with "…", a huge number by its size
    (``str()`` of a 5000-digit integer raises in Python)."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"({value.bit_length() * 3 // 10}+ digits)"
    if typed and isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


def say(key: str, lang: str, **values: object) -> str:
    return catalogue()[key].get(lang).format(**{k: shown(v, k in USER_VALUES) for k, v in values.items()})
