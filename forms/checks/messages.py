"""The checks' sentences, from ``forms/messages/checks.toml``, in the UI language."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

_FILE = Path(__file__).resolve().parent.parent / "messages" / "checks.toml"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    with _FILE.open("rb") as handle:
        return tomllib.load(handle)


def say(key: str, lang: str, **values: object) -> str:
    entry = catalogue()[key]
    template = entry["en"] if lang == "en" else entry["zh"]
    return template.format(**{k: "" if v is None else v for k, v in values.items()})
