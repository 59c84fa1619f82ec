"""Values the application implies but the user need not type: the routing bureaus, the names on
the letters and the total received. The wizard shows them as defaults, the renderer prints them;
both call these functions so the two never disagree."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .formats import parse_money

BUREAU_SUFFIX = "科技局"


def _text(data: dict[str, Any], *path: str) -> str | None:
    node: Any = data
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    if isinstance(node, str):
        node = node.strip()
        return node or None
    return None


def money(value: Any) -> Decimal | None:
    """A money value as typed (JSON number or string, 万元) → Decimal; None when the checks would
    call it malformed, so that what is printed is what was checked."""
    return parse_money(value)


def format_money(amount: Decimal | None) -> str:
    """``Decimal("30.5000")`` → ``"30.5"``: no exponent, no trailing zeros."""
    if amount is None:
        return ""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def paid_total(data: dict[str, Any]) -> Decimal | None:
    """到账金额: the sum of the payments that carry a valid amount; None when there is none."""
    given = [money(p.get("amount_wan")) for p in data.get("payments") or [] if isinstance(p, dict)]
    amounts = [a for a in given if a is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _bureau(data: dict[str, Any], typed_key: str, place_key: str) -> str | None:
    typed = _text(data, "routing", typed_key)
    if typed:
        return typed
    place = _text(data, "enterprise", place_key)
    return place + BUREAU_SUFFIX if place else None


def local_bureau(data: dict[str, Any]) -> str | None:
    """合作企业所在地科技局: as typed, else the enterprise's county + 科技局."""
    return _bureau(data, "local_bureau", "county")


def city_bureau(data: dict[str, Any]) -> str | None:
    """设区市科技局: as typed, else the enterprise's city + 科技局."""
    return _bureau(data, "city_bureau", "city")


def letter_unit_name(data: dict[str, Any]) -> str | None:
    return _text(data, "letters", "unit", "unit_name") or _text(data, "university", "name")


def letter_authority_name(data: dict[str, Any]) -> str | None:
    return _text(data, "letters", "authority", "name") or local_bureau(data)


# Derived values that are not paths of the data contract; layouts name them as ``derived = …``.
DERIVED = {
    "paid_total_wan": lambda data: format_money(paid_total(data)),
}


# Optional contract fields the output fills in when left empty (the wizard shows the default).
DEFAULTS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "routing.local_bureau": local_bureau,
    "routing.city_bureau": city_bureau,
    "letters.unit.unit_name": letter_unit_name,
    "letters.authority.name": letter_authority_name,
}


def with_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` with the :data:`DEFAULTS` filled into their contract paths."""
    out = copy.deepcopy(data)
    defaults = {tuple(path.split(".")): default(data) for path, default in DEFAULTS.items()}
    for path, value in defaults.items():
        if value is None:
            continue
        node = out
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[path[-1]] = value
    return out


def recipients(data: dict[str, Any]) -> dict[str, str | None]:
    """The concrete addressee of each paper copy, keyed like ``pack.copies``."""
    return {"local_bureau": local_bureau(data), "city_bureau": city_bureau(data), "province": None}
