"""An amount no 产学研 contract reaches in 万元 was most likely typed in 元: a warning with the
amount it would be, which the app offers as a one-click fix and the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import formats
from ..model import flatten, pattern_of
from ..pack import Pack
from ..typed.amounts import as_if_yuan, plain
from .issue import Collector, Issue
from .messages import say

# 10 000 万元 (一亿元) and more: 10 000 元 or more typed into a 万元 field lands here.
IMPLAUSIBLE_WAN = Decimal(10_000)


@dataclass(frozen=True)
class AmountIssue(Issue):
    """``proposed``: the 万元 the amount would be had it been typed in 元 (None when that is
    finer than 1 元); ``--json`` carries it."""

    proposed: str | None = None


def proposed_wan(value: Any) -> str | None:
    """The fix offered for a stored 万元 amount, or None when the amount is plausible."""
    amount = formats.parse_money(value)
    if amount is None or amount < IMPLAUSIBLE_WAN:
        return None
    return as_if_yuan(amount)


def check_amount_units(data: dict[str, Any], pack: Pack, out: Collector) -> None:
    for path, value in flatten(data).items():
        spec = pack.fields.get(pattern_of(path))
        if spec is None or spec.kind != "money":
            continue
        proposed = proposed_wan(value)
        amount = formats.parse_money(value)
        if amount is None or amount < IMPLAUSIBLE_WAN:
            continue
        key = "amount.units" if proposed is not None else "amount.units_no_fix"
        message = say(key, out.lang, label=spec.label(out.lang), value=plain(amount), proposed=proposed)
        out.issues.append(AmountIssue(path, "warning", "amount.units", message, proposed))
