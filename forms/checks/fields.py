"""Per-field checks driven by the pack's field declarations: required, formats, choices."""

from __future__ import annotations

import re
from typing import Any

from .. import formats
from ..limits import bad_char_in, value_length
from ..model import flatten, pattern_of
from ..pack import FieldSpec, Pack
from ..text import Text
from .issue import Collector

_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")
# Fields whose emptiness is reported by an eligibility rule with the notice's own id instead (so
# is every category's own field: forms.checks.eligibility judges it by the pack's declaration).
_RULE_OWNED = {"contract.registration_no", "contract.type"}
DROP_DOWNS = {"choice", "city"}  # kinds the desktop shows as a drop-down list


def required_message(spec: FieldSpec) -> str:
    """The message key for an empty required field: a drop-down is chosen (请选择), not typed."""
    return "required.choice" if spec.kind in DROP_DOWNS else "required"


def rows(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    value = data.get(table)
    return [row if isinstance(row, dict) else {} for row in value] if isinstance(value, list) else []


def check_fields(data: dict[str, Any], pack: Pack, out: Collector) -> None:
    category = data.get("category")
    specs = pack.fields_for(category)
    flat = flatten(data)
    lang = out.lang

    # Required: scalar fields by path, table columns for every row present.
    for pattern, spec in specs.items():
        if not spec.required or pattern in _RULE_OWNED or spec.categories:
            continue
        if "*" in pattern:
            table, column = pattern.split(".*.")
            for index, row in enumerate(rows(data, table)):
                if _blank(row.get(column)):
                    out.error(f"{table}.{index}.{column}", "required", required_message(spec), label=spec.label(lang))
        elif spec.declaration:
            continue  # declarations are reported with their rule id by the eligibility checks
        elif _blank(flat.get(pattern)):
            out.error(pattern, "required", required_message(spec), label=spec.label(lang))

    for path, value in flat.items():
        found = specs.get(pattern_of(path))
        if found is None:
            continue
        spec = found
        # Values enter through the limits; data handed straight to the checks (the desktop's
        # dict, an older draft) is still told what cannot be stored or printed, field by field.
        length = value_length(value, spec.max_chars) if spec.max_chars is not None else 0
        if spec.max_chars is not None and length > spec.max_chars:
            out.error(
                path,
                "length.max",
                label=spec.label(lang),
                max=spec.max_chars,
                count=length,
                over=length - spec.max_chars,
            )
        elif isinstance(value, str) and (bad := bad_char_in(value)):
            out.error(path, "text.bad_char", label=spec.label(lang), char=f"U+{ord(bad):04X}")
        elif spec.kind != "multiline" and isinstance(value, str) and _LINE_BREAK.search(value):
            # one-line fields sit in fixed cells of the cover and the routing slips
            out.error(path, "text.line_break", label=spec.label(lang))
        else:
            _check_format(path, value, spec, pack, data, out)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_format(path: str, value: Any, spec: FieldSpec, pack: Pack, data: dict[str, Any], out: Collector) -> None:
    label = spec.label(out.lang)
    text = value.strip() if isinstance(value, str) else value
    kind = spec.kind
    if kind == "uscc" and isinstance(text, str):
        code = text.upper()
        if not formats.uscc_shape_ok(code):
            out.error(path, "format.uscc", "format.uscc_chars", label=label, length=len(code))
        elif not formats.uscc_ok(code):
            out.error(path, "format.uscc", label=label, expected=formats.uscc_check_char(code[:17]))
    elif kind == "phone" and not (isinstance(text, str) and formats.phone_ok(text)):
        out.error(path, "format.phone", label=label)
    elif kind == "email" and not (isinstance(text, str) and formats.email_ok(text)):
        out.error(path, "format.email", label=label)
    elif kind == "date" and formats.parse_date(text) is None:
        out.error(path, "format.date", label=label)
    elif kind == "money":
        amount = formats.parse_money(text)
        if amount is None:
            out.error(path, "format.money", label=label)
        elif amount <= 0:
            out.error(path, "format.money", "format.money_positive", label=label)
    elif (
        kind == "choice"
        and spec.choices
        and (path == "contract.type" or path not in _RULE_OWNED)
        and not spec.categories
    ):
        options = pack.choice_labels(spec.choices, out.lang, data.get("category"))
        if text not in options:
            code = "G1" if path == "contract.type" else "format.choice"
            key = "G1" if code == "G1" else "format.choice"
            out.error(
                path, code, key, label=label, value=text, options=Text.listing(list(options.values())).get(out.lang)
            )
    elif kind == "city" and isinstance(text, str) and text not in pack.province.cities:
        out.error(path, "G7", label=label, value=text, options=Text.listing(pack.province.cities).get(out.lang))
    elif kind in ("text", "multiline") and isinstance(text, str):
        _check_printable(path, text, label, out)


def _check_printable(path: str, text: str, label: str, out: Collector) -> None:
    from ..render.fonts import unprintable_chars  # reportlab: only when text is checked

    try:
        missing = unprintable_chars(text)
    except Exception:  # a missing font file must not break typing
        return
    if missing:
        out.warning(path, "font.unprintable", label=label, chars=" ".join(missing))
