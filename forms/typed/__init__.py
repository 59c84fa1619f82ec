"""Values as people type them → the values the contract stores, one function for every way a
value enters: typing in the app (the editors call it), :meth:`forms.draft.Draft.set` and the
JSON import.

``typed(kind, value)`` returns a :class:`Typed` (the value to store and, when a unit was
converted, a note to show) or raises :class:`Refused` for a value written in a recognised form
that cannot be right (2023-2-30, an amount finer than 1 元). Anything else is returned as it was
given: a draft may hold a half-typed value, and the checks say what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import UserError
from ..text import Text
from .amounts import AmountRefused, as_if_yuan, typed_amount
from .dates import DateRefused, opening_day, typed_date, window_of
from .refused import Refused
from .text import fold_code, fold_text

__all__ = [
    "AmountRefused",
    "DateRefused",
    "Refused",
    "Typed",
    "as_if_yuan",
    "for_path",
    "kind_of",
    "opening_day",
    "type_received",
    "typed",
    "typed_data",
    "window_of",
]
# Kinds whose whole value is a code: every full-width form folds, ends are trimmed.
CODE_KINDS = frozenset({"phone", "email", "uscc", "year"})


@dataclass(frozen=True)
class Typed:
    value: Any
    note: Text | None = None  # shown beside the field: a unit was converted


def typed(kind: str, value: Any) -> Typed:
    """``value`` as a field of ``kind`` (a pack ``FieldKind``) stores it."""
    if kind == "date":
        return Typed(typed_date(value))
    if kind == "money":
        converted = typed_amount(value)
        if converted is None:
            return Typed(value)
        if converted.yuan is None:
            return Typed(converted.wan)
        return Typed(
            converted.wan,
            Text(
                f"已按 {converted.yuan} 元换算为 {converted.wan} 万元",
                f"converted {converted.yuan} CNY to {converted.wan} × 10k CNY",
            ),
        )
    if not isinstance(value, str):
        return Typed(value)
    if kind in CODE_KINDS:
        folded = fold_code(value)
        return Typed(folded.upper() if kind == "uscc" else folded)
    return Typed(fold_text(value))


def kind_of(path: str, pack: Any) -> str:
    from ..model import pattern_of

    spec = pack.fields.get(pattern_of(path)) if pack is not None else None
    return spec.kind if spec is not None else "text"


def for_path(path: str, value: Any, pack: Any) -> Typed:
    """``typed`` for the field at a contract path (``payments.0.date``) of ``pack``."""
    return typed(kind_of(path, pack), value)


def typed_data(flat: Mapping[str, Any], pack: Any) -> tuple[dict[str, Any], list[Text]]:
    """Every value of a received application (flat paths), all or nothing: the values to store
    and a note (Text) per converted value; a refused value raises ``UserError``
    ``json.value`` naming the field."""
    out: dict[str, Any] = {}
    notes: list[Text] = []
    for path, value in flat.items():
        try:
            result = for_path(path, value, pack)
        except Refused as exc:
            label = _label(path, pack)
            raise UserError("json.value", f"{label.zh}（{path}）：{exc.zh}", f"{label.en} ({path}): {exc.en}") from None
        out[path] = result.value
        if result.note is not None:
            label = _label(path, pack)
            notes.append(Text(f"{label.zh}（{path}）：{result.note.zh}", f"{label.en} ({path}): {result.note.en}"))
    return out, notes


def _label(path: str, pack: Any) -> Text:
    from ..model import pattern_of

    spec = pack.fields.get(pattern_of(path)) if pack is not None else None
    return Text(f"“{spec.zh}”", f"“{spec.en}”") if spec is not None else Text(path, path)


def type_received(data: dict[str, Any], pack: Any) -> list[Text]:
    """:func:`typed_data` applied in place to contract JSON whose shape has been checked
    (``pack``, ``category`` and the attachment list are not field values); the notes."""
    from ..model import flatten

    fields = {
        p: v for p, v in flatten(data).items() if p not in ("pack", "category") and not p.startswith("attachments.")
    }
    typed_values, notes = typed_data(fields, pack)
    for path, value in typed_values.items():
        if value is not fields[path]:
            node: Any = data
            *parents, last = path.split(".")
            for part in parents:
                node = node[int(part)] if isinstance(node, list) else node[part]
            node[int(last) if isinstance(node, list) else last] = value
    return notes
