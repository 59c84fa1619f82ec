"""Attachments whose stored PDF is damaged (bit rot, a bad copy): an error on that attachment
alone, so the rest of the application still checks, exports and can be repaired.

The caller marks such items with ``"damaged": true`` in the ``attachments`` list it checks;
that key is state, not part of the data contract, so ``without_state`` takes it out before the
contract checks see the data.
"""

from __future__ import annotations

from typing import Any

from ..text import Text
from .issue import Issue

CODE = "attachment.damaged"


def _items(data: dict[str, Any]) -> list[Any]:
    items = data.get("attachments")
    return items if isinstance(items, list) else []


def without_state(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the ``damaged`` marks removed (a shallow copy; ``data`` is unchanged)."""
    items = _items(data)
    if not any(isinstance(item, dict) and "damaged" in item for item in items):
        return data
    clean = [{k: v for k, v in item.items() if k != "damaged"} if isinstance(item, dict) else item for item in items]
    return {**data, "attachments": clean}


def check_attachment_state(data: dict[str, Any], lang: str = "zh") -> list[Issue]:
    """One error per damaged attachment, on field ``attachments.<index>`` (0-based, like every
    list path); the message names it by its 1-based number, as ``cxy detach`` takes it."""
    issues = []
    for index, item in enumerate(_items(data)):
        if not (isinstance(item, dict) and item.get("damaged") is True):
            continue
        number, title = index + 1, str(item.get("title") or "")[:80]
        message = Text(
            f"附件 {number}（{title}）已损坏（内容与校验值不符或无法读取），"
            f"请移除它（cxy detach 草稿 {number}）或重新添加原文件",
            f"Attachment {number} ({title}) is damaged (its content no longer matches its check code "
            f"or cannot be read): remove it (cxy detach DRAFT {number}) or add the original file again",
        ).get(lang)
        issues.append(Issue(f"attachments.{index}", "error", CODE, message))
    return issues
