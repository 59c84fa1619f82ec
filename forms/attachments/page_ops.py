"""Page fixes on an attachment's PDF: the operations, their checks, and running them in the worker.

The fixes: rotate, delete, move, split, fit onto A4, downsample, grey, crop and straighten.
An edit is a list of plain-dict operations (made by the functions below, so they cross the
worker pipe as JSON). The parent checks them against the page count (``check_ops``, bilingual
refusals); the worker applies them (:mod:`forms.attachments.page_transform`) and then rebuilds
and scans the result like any picked PDF, so an edited attachment is exactly as safe as an
imported one.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from forms.attachments.model import IntakeLimits
from forms.errors import UserError
from forms.text import Text

MM = 72 / 25.4
MAX_STRAIGHTEN = 20.0  # degrees; more is a rotation, not a crooked photo
MIN_CROP_PT = 10.0
DPI_RANGE = (72, 600)
# Fix ids shared with the preflight findings (forms.attachments.preflight).
FIX_IDS = ("rotate", "delete", "a4", "dpi150", "dpi200", "grey", "split")

Op = dict[str, Any]  # plain JSON: it crosses the worker pipe


# ------------------------------------------------------------------ operations (plain data)


def rotate(page: int, degrees: int) -> Op:
    """Turn page ``page`` (1-based) clockwise by a multiple of 90 degrees, as viewers do."""
    return {"op": "rotate", "page": page, "degrees": degrees}


def arrange(order: Sequence[int]) -> Op:
    """Keep exactly the pages ``order`` (0-based indices of the current pages), in that order:
    delete, move and each half of a split are this."""
    return {"op": "arrange", "order": list(order)}


def delete(pages: int, *numbers: int) -> Op:
    """Delete pages ``numbers`` (1-based) of a ``pages``-page attachment."""
    gone = {n - 1 for n in numbers}
    return arrange([i for i in range(pages) if i not in gone])


def move(pages: int, page: int, to: int) -> Op:
    """Move page ``page`` so that it becomes page ``to`` (both 1-based)."""
    order = list(range(pages))
    if 1 <= page <= pages:
        order.insert(max(0, min(pages - 1, to - 1)), order.pop(page - 1))
    return arrange(order)


def fit_a4(pages: Sequence[int] | None = None) -> Op:
    """Scale pages larger than A4 down onto A4 (aspect kept, centred); ``None``: every page."""
    return {"op": "a4", "pages": None if pages is None else list(pages)}


def downsample(dpi: int) -> Op:
    """Re-encode images drawn at more than ``dpi`` to ``dpi`` (JPEG)."""
    return {"op": "dpi", "dpi": dpi}


def grey() -> Op:
    """Images and plain colour operators to grey."""
    return {"op": "grey"}


def crop(page: int, left_mm: float, top_mm: float, right_mm: float, bottom_mm: float) -> Op:
    """Keep the rectangle given in mm from the top-left corner of the page as it is shown
    (its rotation applied): the page's box becomes that rectangle; nothing is resampled."""
    return {"op": "crop", "page": page, "view_mm": [left_mm, top_mm, right_mm, bottom_mm]}


def straighten(page: int, degrees: float) -> Op:
    """Turn the page's content by a small angle (counter-clockwise positive) about its centre,
    enlarged just enough that no corner of the page is left empty."""
    return {"op": "straighten", "page": page, "degrees": degrees}


def ops_for_fix(fix: str, pages: int, page: int | None = None, *, degrees: int = 90) -> list[Op]:
    """The operations of a preflight finding's ``fix`` id on page ``page`` (1-based; None for
    the whole attachment). ``split`` is not an edit of one attachment: see ``split_orders``."""
    if fix == "rotate" and page is not None:
        return [rotate(page, degrees)]
    if fix == "delete" and page is not None:
        return [delete(pages, page)]
    if fix == "a4":
        return [fit_a4(None if page is None else [page])]
    if fix in ("dpi150", "dpi200"):
        return [downsample(int(fix[3:]))]
    if fix == "grey":
        return [grey()]
    raise UserError("pages.fix", f"无法自动应用修正“{fix}”", f"The fix “{fix}” cannot be applied automatically")


def split_orders(pages: int, at: int) -> tuple[Op, Op]:
    """Pages 1…at-1 and at…pages: the two attachments a split at page ``at`` makes."""
    if not 2 <= at <= pages:
        raise _bad(Text(f"拆分位置须在第 2 页到第 {pages} 页之间", f"the split must be at a page from 2 to {pages}"))
    return arrange(range(at - 1)), arrange(range(at - 1, pages))


# ------------------------------------------------------------------ checks (parent process)


def _bad(why: Text) -> UserError:
    return UserError("pages.invalid", f"页面操作无效：{why.zh}", f"Invalid page operation: {why.en}")


def _page_no(value: object, pages: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= pages:
        raise _bad(
            Text(f"没有第 {value} 页（共 {pages} 页）", f"there is no page {value} (the attachment has {pages})")
        )
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(Text("数值无效", "not a number"))
    return float(value)


def check_ops(ops: Sequence[Op], pages: int) -> list[Op]:
    """The operations, checked in turn against the page count they will meet; ``pages.invalid``
    for anything that would not do what it says."""
    checked: list[Op] = []
    for op in ops:
        kind = op.get("op") if isinstance(op, dict) else None
        if kind == "rotate":
            degrees = op.get("degrees")
            if isinstance(degrees, bool) or not isinstance(degrees, int) or degrees % 90:
                raise _bad(Text("旋转角度须为 90 的倍数", "rotation must be a multiple of 90 degrees"))
            checked.append(rotate(_page_no(op.get("page"), pages), degrees % 360))
        elif kind == "arrange":
            order = op.get("order")
            if (
                not isinstance(order, list)
                or not order
                or len(set(order)) != len(order)
                or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < pages for i in order)
            ):
                raise _bad(
                    Text(
                        "不能删除全部页面，页码也不能重复或越界",
                        "an attachment keeps at least one page, each page once, within its pages",
                    ),
                )
            checked.append(arrange(order))
            pages = len(order)
        elif kind == "a4":
            chosen = op.get("pages")
            checked.append(fit_a4(None if chosen is None else [_page_no(p, pages) for p in chosen]))
        elif kind == "dpi":
            dpi = op.get("dpi")
            if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
                raise _bad(
                    Text(
                        f"分辨率须在 {DPI_RANGE[0]}–{DPI_RANGE[1]} dpi 之间",
                        f"the resolution must be {DPI_RANGE[0]}–{DPI_RANGE[1]} dpi",
                    ),
                )
            checked.append(downsample(dpi))
        elif kind == "grey":
            checked.append(grey())
        elif kind == "crop":
            box = op.get("view_mm")
            if not isinstance(box, list) or len(box) != 4:
                raise _bad(Text("裁剪区域须为 左,上,右,下（毫米）", "a crop is left,top,right,bottom in mm"))
            left, top, right, bottom = (_number(v) for v in box)
            if min(left, top) < 0 or right - left < MIN_CROP_PT / MM or bottom - top < MIN_CROP_PT / MM:
                raise _bad(Text("裁剪区域太小或坐标为负", "the crop rectangle is too small or negative"))
            checked.append(crop(_page_no(op.get("page"), pages), left, top, right, bottom))
        elif kind == "straighten":
            degrees = _number(op.get("degrees"))
            if not 0 < abs(degrees) <= MAX_STRAIGHTEN:
                raise _bad(
                    Text(
                        f"校正角度须在 ±{MAX_STRAIGHTEN:g}° 以内且不为 0",
                        f"straightening is a non-zero angle within ±{MAX_STRAIGHTEN:g}°",
                    ),
                )
            checked.append(straighten(_page_no(op.get("page"), pages), degrees))
        else:
            raise _bad(Text("未知操作", f"unknown operation {kind!r:.40}"))
    if not checked:
        raise _bad(Text("没有指定任何操作", "no operation given"))
    return checked


# ------------------------------------------------------------------ running (parent process)


@dataclass(frozen=True)
class Edited:
    pdf: bytes  # sanitised, like an intake result
    pages: int
    sha256: str  # of ``pdf``
    notes: tuple[str, ...]


SECONDS_PER_PAGE = 2.0  # re-encoding a 100 Mpx scan takes about a second; the intake's 30 s is for one pass
MAX_EDIT_SECONDS = 600.0


def edit(
    pdf: bytes,
    pages: int,
    ops: Sequence[Op],
    *,
    limits: IntakeLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    name: str = "附件",
) -> Edited:
    """Apply ``ops`` to an attachment's PDF of ``pages`` pages in the worker (time and memory
    limits, progress, cancel); the result is rebuilt and scanned as any picked PDF. Bytes this
    installation did not make (a received draft's) are sanitised first, so the operations only
    ever meet our own rebuilt PDF. Raises UserError: ``pages.invalid`` or the intake's
    ``attach.*``. ``limits``: by default the intake's, with time for every page."""
    import dataclasses

    from forms.attachments import ledger
    from forms.attachments.intake import sanitised
    from forms.attachments.runner import run_in_worker

    checked = check_ops(ops, pages)
    if limits is None:
        base = IntakeLimits()
        limits = dataclasses.replace(base, timeout_s=min(MAX_EDIT_SECONDS, base.timeout_s + SECONDS_PER_PAGE * pages))
    pdf = sanitised(pdf, name, limits=limits)
    result = run_in_worker("pdf", pdf, limits, progress, cancel, ops=checked)
    ledger.record(result.pdf)
    return Edited(result.pdf, result.pages, hashlib.sha256(result.pdf).hexdigest(), tuple(result.notes))
