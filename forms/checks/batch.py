"""Rules across applications: one application per leader (G5) and per enterprise (G6)."""

from __future__ import annotations

from typing import Any

from ..pack import Pack
from .issue import Collector, Issue


def _key(data: dict[str, Any], *path: str) -> str:
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node.strip() if isinstance(node, str) else ""


def check_batch(named: list[tuple[str, dict[str, Any]]], pack: Pack, lang: str = "zh") -> dict[str, list[Issue]]:
    """For several applications (e.g. a research office's whole batch): name → G5/G6 issues."""
    found: dict[str, list[Issue]] = {name: [] for name, _ in named}
    rules = [
        (pack.rules.one_per_leader, "G5", "leader.name", lambda d: _key(d, "leader", "name") + "|" + _key(d, "leader", "unit")),
        (pack.rules.one_per_enterprise, "G6", "enterprise.uscc", lambda d: _key(d, "enterprise", "uscc").upper()),
    ]
    for enabled, code, field, key in rules:
        if not enabled:
            continue
        seen: dict[str, str] = {}
        for name, data in named:
            value = key(data)
            if not value.strip("|"):
                continue
            if value in seen:
                out = Collector(lang)
                shown = value.split("|")[0] if code == "G5" else _key(data, "enterprise", "name") or value
                out.error(field, code, value=shown, other=seen[value])
                found[name].extend(out.issues)
            else:
                seen[value] = name
    return found
