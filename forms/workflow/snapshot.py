"""What a three-way compare needs of a draft: its fields as canonical JSON text and its
attachments by digest — also the form of the hand-off base snapshot."""

from __future__ import annotations

import json
from typing import Any

from forms.draft import Draft, values
from forms.draft.errors import DraftError, draft_error
from forms.text import Text

ATTACHMENT_PREFIX = "attachment:"


def canonical(path: str, text: str) -> str:
    """One stored value as we would write it, so equal values compare equal whatever wrote them."""
    return values.encode(path, values.decode(path, text))


def fields_of(draft: Draft) -> dict[str, str]:
    return {path: canonical(path, text) for path, text in draft.stored_fields().items()}


def label_json(kind: str, title: str) -> str:
    return json.dumps({"kind": kind, "title": title}, ensure_ascii=False, sort_keys=True)


def base_of(draft: Draft) -> dict[str, str]:
    """The snapshot recorded at hand-off time."""
    out = fields_of(draft)
    for att in draft.attachments():
        out.setdefault(ATTACHMENT_PREFIX + att.sha256, label_json(att.kind, att.title))
    return out


def split_base(rows: dict[str, str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """A stored snapshot (possibly from a received file) → (fields, sha256 → (kind, title)),
    every row re-checked."""
    fields: dict[str, str] = {}
    atts: dict[str, tuple[str, str]] = {}
    try:
        for key, text in rows.items():
            if key.startswith(ATTACHMENT_PREFIX):
                label: Any = json.loads(text)
                if not isinstance(label, dict):
                    raise ValueError("label")
                atts[key[len(ATTACHMENT_PREFIX) :]] = (
                    values.check_kind(label.get("kind")),
                    values.check_label("标题", label.get("title")),
                )
            else:
                fields[values.check_path(key)] = canonical(key, text)
    except (DraftError, ValueError, RecursionError) as exc:
        raise draft_error(
            "draft.corrupt", Text("交接时的快照无法读取", "the hand-off snapshot cannot be read")
        ) from exc
    return fields, atts
