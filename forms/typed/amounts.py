"""Amounts as people write them → 万元, exactly (``Decimal``; 1 元 = 0.0001 万元 is the finest
amount the contract holds). ``1,234.5``, ``1，234.5``, ``30万``, ``30万元`` and ``123456元`` are
understood; what is not (yet) an amount is left as typed for the checks to report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .refused import Refused
from .text import fold_code

WAN_DECIMALS = 4  # 0.0001 万元 = 1 元
YUAN_PER_WAN = 10_000
_AMOUNT = re.compile(r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>万元|万|元)?")
_LONGEST = 64  # longer text is no amount anyone typed


class AmountRefused(Refused):
    """Written as an amount, but finer than 1 元."""


@dataclass(frozen=True)
class Converted:
    """``wan`` is the text to store; ``yuan`` is set when the amount was given in 元."""

    wan: str
    yuan: str | None = None


def plain(amount: Decimal) -> str:
    """``Decimal('10.0000')`` → ``10``; never an exponent."""
    return format(amount.normalize(), "f")


def _too_fine(amount: Decimal) -> bool:
    exponent = amount.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent < -WAN_DECIMALS  # not NaN or infinity ("n", "F")


def typed_amount(value: Any) -> Converted | None:
    """The 万元 text of a typed amount, None when the value is not written as one (or is a JSON
    number, kept exactly as given); raises :class:`AmountRefused` when it is finer than 1 元."""
    if not isinstance(value, str) or len(value) > _LONGEST:
        return None
    shown = re.sub(r"\s+", "", fold_code(value))
    match = _AMOUNT.fullmatch(shown)
    if match is None:
        return None
    number, unit = match.group("number").replace(",", ""), match.group("unit")
    try:
        amount = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    if unit == "元":
        wan = amount.scaleb(-WAN_DECIMALS)
        if _too_fine(wan):
            raise AmountRefused(
                "typed.amount",
                f"{number} 元 = {plain(wan)} 万元，超过 4 位小数：金额以万元计，最小到 1 元（0.0001 万元），请核对。",
                f"{number} CNY = {plain(wan)} × 10k CNY, more than 4 decimals: amounts are in 10k CNY, "
                "to the nearest 1 CNY (0.0001), please check.",
            )
        return Converted(plain(wan), number)
    if _too_fine(amount):
        raise AmountRefused(
            "typed.amount",
            f"{number} 万元超过 4 位小数：金额以万元计，最小到 1 元（0.0001 万元），请核对。",
            f"{number} × 10k CNY has more than 4 decimals: amounts are in 10k CNY, to the nearest "
            "1 CNY (0.0001), please check.",
        )
    return Converted(number)


def as_if_yuan(amount: Decimal) -> str | None:
    """The 万元 an amount would be had it been typed in 元; None when that is finer than 1 元."""
    wan = amount.scaleb(-WAN_DECIMALS)
    return None if _too_fine(wan) else plain(wan)
