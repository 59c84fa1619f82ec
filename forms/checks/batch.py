"""Rules across applications: one application per leader (G5) and per enterprise (G6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..pack import Pack
from ..text import Text
from .issue import Collector, Issue


def _key(data: dict[str, Any], *path: str) -> str:
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node.strip() if isinstance(node, str) else ""


def check_batch(
    named: list[tuple[str, dict[str, Any]]], pack: Pack, lang: str = "zh", *, every: bool = False
) -> dict[str, list[Issue]]:
    """For several applications (e.g. a research office's whole batch): name → G5/G6 issues.

    By default the first application of a leader (enterprise) is clean and each later one names
    it; ``every``: each application of a repeated leader (enterprise) names all the others, as an
    office reviewing the whole folder needs to see every one of them."""
    found: dict[str, list[Issue]] = {name: [] for name, _ in named}
    rules: list[tuple[bool, str, str, Callable[[dict[str, Any]], str]]] = [
        (
            pack.rules.one_per_leader,
            "G5",
            "leader.name",
            lambda d: _key(d, "leader", "name") + "|" + _key(d, "leader", "unit"),
        ),
        (pack.rules.one_per_enterprise, "G6", "enterprise.uscc", lambda d: _key(d, "enterprise", "uscc").upper()),
    ]
    for enabled, code, field, key in rules:
        if not enabled:
            continue
        groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for name, data in named:
            value = key(data)
            if value.strip("|"):
                groups.setdefault(value, []).append((name, data))
        for value, members in groups.items():
            for index, (name, data) in enumerate(members):
                others = (
                    [other for other, _ in members if other != name] if every else ([members[0][0]] if index else [])
                )
                if not others:
                    continue
                out = Collector(lang)
                shown = value.split("|")[0] if code == "G5" else _key(data, "enterprise", "name") or value
                out.error(field, code, value=shown, other=Text.listing(others).get(lang))
                found[name].extend(out.issues)
    return found
