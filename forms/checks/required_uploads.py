"""The notice's required uploads: each category's pack entry lists the attachment kinds that
must be present (``required_attachments``); a missing kind is an error on
``attachments.<kind>``. The checks see the attachments as the ``attachments`` list of the data
(``{kind, title}``, as the CLI's validate and the app put it there)."""

from __future__ import annotations

from typing import Any

from ..pack import Category, Pack
from .issue import Collector

CODE = "attachments.required"


def present_kinds(data: dict[str, Any]) -> set[str]:
    items = data.get("attachments")
    if not isinstance(items, list):
        return set()
    return {item["kind"] for item in items if isinstance(item, dict) and isinstance(item.get("kind"), str)}


def check_required_uploads(
    data: dict[str, Any], category: Category | None, out: Collector, pack: Pack | None = None
) -> None:
    """``pack`` names the kinds as the attachments step does (its ``[[attachment_kinds]]``)."""
    if category is None:
        return
    present = present_kinds(data)
    for kind in category.required_attachments:
        if kind not in present:
            label = pack.kind_label(kind, out.lang) if pack is not None else kind
            out.error(f"attachments.{kind}", CODE, kind_label=label)
