"""Dates as people write them → ISO ``YYYY-MM-DD``; a date the calendar does not have is refused
(never moved to a neighbouring day). What is not (yet) a date is left as typed: a draft may hold
a half-typed date, and the checks say what is wrong with it."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from ..text import Text
from .refused import Refused
from .text import fold_code

if TYPE_CHECKING:
    from forms.pack import DateRule

# 2023-7-1, 2023/7/1, 2023.7.1 (one separator throughout), 2023年7月1日, 20230701
_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class DateRefused(Refused):
    """Written as a date, but no such day exists (2023-2-30, 2023-13-01)."""


def typed_date(value: Any) -> Any:
    """The ISO text of a typed date, the value unchanged when it is not written as a date;
    raises :class:`DateRefused` for an impossible one."""
    if isinstance(value, int) and not isinstance(value, bool) and 10_000_000 <= value <= 99_999_999:
        value = str(value)
    if not isinstance(value, str):
        return value
    text = re.sub(r"\s+", "", fold_code(value))
    match = _SEPARATED.fullmatch(text)
    parts: tuple[str, ...] | None = (match.group(1), match.group(3), match.group(4)) if match else None
    if parts is None:
        match = _CHINESE.fullmatch(text) or _COMPACT.fullmatch(text)
        parts = match.groups() if match else None
    if parts is None:
        return value
    year, month, day = (int(p) for p in parts)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise _refused(value.strip(), year, month, day) from None


def _refused(typed: str, year: int, month: int, day: int) -> DateRefused:
    if not 1 <= month <= 12:
        why = Text(f"没有{month}月", f"there is no month {month}")
    elif year < dt.MINYEAR:
        why = Text(f"年份 {year} 无效", f"the year {year} is not valid")
    else:
        last = calendar.monthrange(year, month)[1]
        why = Text(f"{year}年{month}月只有{last}天", f"{_MONTHS[month - 1]} {year} has {last} days")
    return DateRefused(
        "typed.date",
        f"“{typed}”不是日历上的日期：{why.zh}，请改正。",
        f"“{typed}” is not a calendar date: {why.en}; please correct it.",
    )


def opening_day(rule: DateRule | None) -> dt.date | None:
    """The day a date picker for a field with this window (a pack ``DateRule``) opens on: the
    window's first day, else the day after an ``after`` bound (or the bound itself for
    ``>=``), else its last day."""
    if rule is None:
        return None
    if rule.from_ is not None:
        return rule.from_
    if rule.after is not None:
        return rule.after + dt.timedelta(days=1 if rule.after_op == ">" else 0)
    return rule.to


def window_of(pack: Any, category: str | None, path: str) -> Any:
    """The pack's contract window (``Category.start``/``.end``) for a date field, else None."""
    found = pack.category(category) if pack is not None else None
    if found is None:
        return None
    return {"contract.start": found.start, "contract.end": found.end}.get(path)
