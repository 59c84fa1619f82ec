"""The A4 page every generated PDF uses: one frame inside the margins, with no extra padding so
that a table declared as wide as the margins allow is exactly that wide, and reportlab's
``invariant`` mode so the same content gives the same bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, LayoutError, PageTemplate

from forms.errors import UserError

from . import CREATOR  # re-exported: the name written into every PDF
from .fonts import register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4


def a4_document(
    out: BinaryIO,
    *,
    margins_mm: tuple[float, float, float, float],
    title: str,
    author: str = "",
    subject: str = "",
    on_page: Callable[..., Any] | None = None,
) -> BaseDocTemplate:
    """A document template; ``margins_mm`` is (top, right, bottom, left)."""
    top, right, bottom, left = (m * mm for m in margins_mm)
    frame = Frame(
        left,
        bottom,
        PAGE_WIDTH - left - right,
        PAGE_HEIGHT - top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = _Document(
        out,
        pagesize=A4,
        topMargin=top,
        bottomMargin=bottom,
        leftMargin=left,
        rightMargin=right,
        title=title,
        author=author,
        subject=subject,
        creator=CREATOR,
        lang="zh-CN",
        initialFontName=register_fonts().regular,  # else reportlab names an unembedded Helvetica
        invariant=1,
        pageCompression=1,
    )
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame], onPage=on_page or _nothing)])
    return doc


def _nothing(canvas: Any, doc: Any) -> None:
    pass


class _Document(BaseDocTemplate):
    """Every generated page goes through here, so content that cannot be laid out (a value the
    limits should have kept out) is one clear error, never a reportlab exception."""

    def build(self, flowables: list[Any], *args: Any, **kwargs: Any) -> Any:  # reportlab's signature
        try:
            return super().build(flowables, *args, **kwargs)
        except LayoutError as exc:
            title = str(getattr(self, "title", "") or "")
            raise UserError(
                "render.layout",
                f"“{title}”中的内容过长，无法排版，请缩短后重试",
                f"A value in '{title}' is too long to lay out; please shorten it",
            ) from exc
