"""Field paths and values as stored in the ``fields`` table.

A row is one filled leaf of the contract JSON: ``path`` is dotted with list positions
(``members.0.name``), ``value`` is the JSON text of the leaf, so that ``12.5`` and ``"12.5"``
stay different through a save and load.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from forms import limits, model, typed
from forms.draft.errors import DraftError, invalid, too_large
from forms.limits import MAX_LABEL_CHARS, MAX_VALUE_CHARS, LimitError
from forms.text import Text

# Kept in ``meta``, not in ``fields``: they choose the pack and the form before any field exists.
META_PATHS = ("pack", "category")
# Attachments live in their own table (with the PDF), never as fields.
ATTACHMENTS_KEY = "attachments"

MAX_PATH_CHARS = 200
_SEGMENT = re.compile(r"[a-z_][a-z0-9_]{0,63}|0|[1-9][0-9]{0,3}")

Validator = Callable[[dict[str, Any]], None]


@lru_cache(maxsize=1)
def field_patterns() -> frozenset[str]:
    """Contract leaf patterns (``members.*.name``) that may be rows of ``fields``."""
    return frozenset(p for p in model.known_paths() if p not in META_PATHS and not p.startswith(ATTACHMENTS_KEY + "."))


def check_path(path: Any) -> str:
    if not isinstance(path, str) or not path or len(path) > MAX_PATH_CHARS:
        raise invalid(Text("字段路径无效", f"invalid field path {path!r:.80}"))
    parts = path.split(".")
    if not all(_SEGMENT.fullmatch(part) for part in parts):
        raise invalid(Text(f"字段路径无效：{path}", f"invalid field path {path!r}"))
    pattern = model.pattern_of(path)
    if pattern not in field_patterns() and not model.is_block_path(pattern):  # a category's own field
        raise invalid(Text(f"未知的字段：{path}", f"unknown field {path!r}"))
    return path


def _check_scalar(path: str, value: Any) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if abs(value) >= 10**30:
            raise invalid(Text(f"{path} 的数值过大", f"the number in {path} is too large"))
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise invalid(Text(f"{path} 的数值无效", f"the number in {path} is not finite"))
        return
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise too_large(
                Text(
                    f"{path} 的内容超过 {MAX_VALUE_CHARS} 个字符", f"{path} is longer than {MAX_VALUE_CHARS} characters"
                )
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid(Text(f"{path} 含有无效字符", f"{path} contains invalid characters")) from None
        return
    raise invalid(
        Text(f"{path} 的值类型不对", f"{path} must be text, a number, true/false or empty, not {type(value).__name__}")
    )


def encode(path: str, value: Any) -> str:
    _check_scalar(path, value)
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def decode(path: str, text: Any) -> Any:
    """Stored JSON text → leaf value; anything that is not a JSON scalar is refused."""
    if not isinstance(text, str) or not text or len(text) > 6 * MAX_VALUE_CHARS + 2:
        raise invalid(Text(f"{path} 的值无法读取", f"the value of {path} cannot be read"))
    # Only scalars are stored, so a leading [ or { is refused before json can recurse into it.
    if text[0] not in '"-0123456789tfn':
        raise invalid(Text(f"{path} 的值无法读取", f"the value of {path} is not a JSON scalar"))
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise invalid(Text(f"{path} 的值无法读取", f"the value of {path} is not valid JSON")) from None
    _check_scalar(path, value)
    return value


def from_limit_error(exc: LimitError) -> DraftError:
    """A pack limit (length, rows, attachments, storable text) as the draft's own error; the
    message names the field and the limit, ``path`` and ``limit`` stay readable for the UI."""
    make = invalid if exc.code == "value.bad_char" else too_large
    err = make(exc.text)
    err.path, err.limit = exc.path, exc.limit  # type: ignore[attr-defined]
    return err


def validate_with_model(nested: dict[str, Any], *, check_limits: bool = True) -> None:
    """The contract's shape check (unknown keys and wrong types are errors) and its limits."""
    try:
        limits.parse_application(nested, check_limits=check_limits)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise invalid(Text(f"{where}：{first.get('msg', '')}", f"{where}: {first.get('msg', '')}")) from None
    except LimitError as exc:
        raise from_limit_error(exc) from None


def validate_stored(nested: dict[str, Any]) -> None:
    """What a draft already holds is read if its shape is right: a value longer than today's
    field limit (written by an earlier version, or by someone else's) opens and is reported by
    the checks as a field error (``length.max``), so nothing entered is locked out. The
    reader's own bounds (``foreign.ForeignLimits``) still cap every file."""
    validate_with_model(nested, check_limits=False)


def check_limits(path: str, value: Any) -> None:
    """One value against the pack's limits (length, row position, storable text)."""
    try:
        limits.check_value(path, value, limits.pack_for(None))
    except LimitError as exc:
        raise from_limit_error(exc) from None


def check_attachment_count(current: int, adding: int = 1) -> None:
    """Before adding ``adding`` attachments to a draft holding ``current``: the pack's
    ``limits.max_attachments``, as ``draft.too_large`` with the limit in the message."""
    try:
        limits.check_attachment_count(current, limits.pack_for(None), adding)
    except LimitError as exc:
        raise from_limit_error(exc) from None


def stored_form(path: str, value: Any) -> Any:
    """A value as typed (２０２３年７月１日, 123456元) → as the contract stores it
    (:mod:`forms.typed`). A value that cannot be right (2023-2-30) is kept as it was typed: a
    draft holds what its author wrote, and the checks report it."""
    try:
        return typed.for_path(path, value, limits.pack_for(None)).value
    except typed.Refused:
        return value


def checked_flat(
    values: Mapping[str, Any], validator: Validator = validate_with_model, *, as_typed: bool = True
) -> dict[str, str | None]:
    """Paths → encoded JSON (None: delete the row), after checking paths, types, the pack's
    limits and the contract. ``as_typed``: the values were typed by a person and are first made
    what the contract stores (:func:`stored_form`); data that is already contract JSON (a
    replaced whole, a merge) is stored exactly as given."""
    out: dict[str, str | None] = {}
    filled: dict[str, Any] = {}
    for path, value in values.items():
        check_path(path)
        if as_typed and value is not None and value != "":
            value = stored_form(path, value)
        if value is None or value == "":
            out[path] = None
        else:
            _check_scalar(path, value)
            check_limits(path, value)
            out[path] = encode(path, value)
            filled[path] = value
    if filled:
        validator(unflatten(filled))
    return out


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return model.unflatten(dict(flat))
    except (AttributeError, TypeError, ValueError, IndexError) as exc:
        raise invalid(Text("字段路径互相冲突", f"field paths contradict each other ({exc})")) from None


def flatten(nested: Any) -> dict[str, Any]:
    if not isinstance(nested, dict):
        raise invalid(Text("申报数据必须是一个 JSON 对象", "the application data must be a JSON object"))
    try:
        return model.flatten(nested)
    except (AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise invalid(Text("申报数据的结构无效", f"the application data has an invalid structure ({exc})")) from None


ATTACHMENT_KINDS = ("contract", "payment_proof", "other")
MAX_PAGES = 100_000
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_kind(kind: Any) -> str:
    if kind not in ATTACHMENT_KINDS:
        raise invalid(Text(f"附件类型无效：{kind!r:.40}", f"invalid attachment kind {kind!r:.40}"))
    return str(kind)


def check_short_text(value: Any, limit: int, what: Text) -> str:
    """A short stored string (a label, a meta value): a str within ``limit`` that is valid UTF-8."""
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(Text(f"{what.zh}无效", f"{what.en} is invalid"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(Text(f"{what.zh}含有无效字符", f"{what.en} contains invalid characters")) from None
    return value


# An attachment's labels by their Chinese names, as callers give them, in English.
LABEL_NAMES_EN = {
    "标题": "title",
    "原文件名": "original file name",
    "来源格式": "source format",
    "添加时间": "time added",
}


def check_label(name: str, value: Any, limit: int = MAX_LABEL_CHARS) -> str:
    return check_short_text(value, limit, Text(f"附件的{name}", f"the attachment's {LABEL_NAMES_EN.get(name, name)}"))


def check_pages(pages: Any) -> int:
    if isinstance(pages, bool) or not isinstance(pages, int) or not 0 <= pages <= MAX_PAGES:
        raise invalid(Text("附件页数无效", "the attachment's page count is invalid"))
    return pages


def check_pdf(pdf: Any, sha256: Any) -> str:
    """The blob must be a PDF and match its recorded SHA-256; returns the digest (lower case)."""
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise invalid(Text("附件不是 PDF 文件", "the attachment is not a PDF file"))
    digest = sha256.lower() if isinstance(sha256, str) else ""
    if not _SHA256.fullmatch(digest) or hashlib.sha256(pdf).hexdigest() != digest:
        raise invalid(
            Text(
                "附件内容与其校验值不符（文件可能已损坏或被改动）",
                "the attachment does not match its SHA-256 (damaged or altered)",
            ),
        )
    return digest
