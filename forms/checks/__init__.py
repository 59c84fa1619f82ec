"""All checks of an application: field formats and the notice's eligibility rules.

``check(data, pack, lang)`` → list of :class:`Issue`; an application with no ``error`` may be
finalised, warnings never block.
"""

from __future__ import annotations

from typing import Any

from ..pack import Pack
from .amount_units import check_amount_units
from .batch import check_batch
from .eligibility import check_eligibility, paid_total
from .fields import check_fields
from .issue import Collector, Issue
from .required_uploads import check_required_uploads

__all__ = ["Issue", "check", "check_batch", "errors", "paid_total"]


def check(data: dict[str, Any], pack: Pack, lang: str = "zh") -> list[Issue]:
    out = Collector(lang)
    if data.get("pack") not in (None, pack.id):
        out.error("pack", "pack", value=data.get("pack"), expected=pack.id)
    check_fields(data, pack, out)
    check_eligibility(data, pack, out)
    check_amount_units(data, pack, out)
    check_required_uploads(data, pack.category(data.get("category")), out, pack)
    return out.issues


def errors(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.severity == "error"]
