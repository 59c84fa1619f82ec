"""Numbers, rectangles and inherited page entries read from a hostile PDF's objects, or None.

pikepdf hands back an Object of any type, or a plain int, Decimal or bool; these readers accept
whatever a damaged or hostile file put there. Used by the rebuild (:mod:`forms.attachments.page_copier`)
and the preflight (:mod:`forms.attachments.preflight`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from pikepdf import ObjectType

# What pikepdf hands back from a hostile file: an Object of any type, or a plain int, Decimal or
# bool; the code asks its `_type_code` at run time, so the static type is Any.
PdfValue = Any


def inherited(page: PdfValue, key: str) -> PdfValue:
    node, seen = page, set()
    for _ in range(64):
        value = node.get(key)
        if value is not None:
            return value
        parent = node.get("/Parent")
        if parent is None or getattr(parent, "_type_code", None) != ObjectType.dictionary:
            return None
        if parent.objgen in seen:
            return None
        seen.add(parent.objgen)
        node = parent
    return None


def number(value: PdfValue) -> float | None:
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float, Decimal)) or getattr(value, "_type_code", None) in (
            ObjectType.integer,
            ObjectType.real,
        ):
            number = float(value)
        else:
            return None
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def rect(value: PdfValue) -> list[float] | None:
    if getattr(value, "_type_code", None) != ObjectType.array or len(value) != 4:
        return None
    nums = [n for n in (number(v) for v in value) if n is not None]
    if len(nums) != 4:
        return None
    x1, y1, x2, y2 = nums
    rect = [min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)]
    if rect[2] - rect[0] < 1 or rect[3] - rect[1] < 1:
        return None
    return rect


def as_pdf_number(x: float) -> int | Decimal:
    return int(x) if x == int(x) else Decimal(str(round(x, 4)))
