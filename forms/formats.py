"""Field formats people get wrong: credit codes, phones, e-mail, dates and money."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

# GB 32100-2015: 31 characters (no I, O, Z, S, V) and weights for the 17 data positions.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(rf"[{USCC_ALPHABET}]{{18}}")

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY = re.compile(r"\d{1,9}(\.\d{1,4})?")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_shape_ok(code: str) -> bool:
    return bool(_USCC_SHAPE.fullmatch(code))


def uscc_ok(code: str) -> bool:
    return uscc_shape_ok(code) and uscc_check_char(code[:17]) == code[17]


def phone_ok(text: str) -> bool:
    compact = text.replace(" ", "")
    return bool(_MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact))


def email_ok(text: str) -> bool:
    return bool(_EMAIL.fullmatch(text.strip()))


def parse_date(value: object) -> dt.date | None:
    """An ISO ``YYYY-MM-DD`` date, or None when the value is not one."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_money(value: object) -> Decimal | None:
    """万元 with at most 4 decimals (1 元 = 0.0001 万元), from a JSON number or string."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and abs(value) >= 10**9:  # beyond the pattern (and str() of a
        return None  # 5000-digit integer raises in Python)
    if isinstance(value, (int, float)):
        value = repr(value) if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _MONEY.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def count_chars(text: str, counting: str) -> int:
    """Characters as the pack counts them (default: every non-whitespace character)."""
    if counting == "all":
        return len(text)
    return sum(1 for ch in text if not ch.isspace())
