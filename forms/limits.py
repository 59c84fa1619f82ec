"""How much an application may hold, and the one check of it wherever values enter.

The limits are pack data: ``FieldSpec.max_chars`` per field (defaults by kind in pack.toml
``[limits] max_chars``), ``TableSpec.max_rows`` per table and ``Limits.max_attachments``. They
are chosen so that no real application reaches them, every value within them prints (the cover
and the routing slips repeat names in fixed cells) and every draft within them is read back by
the hardened reader (:data:`forms.draft.foreign.DEFAULT_LIMITS`; :func:`reader_problems` says
so, and a test holds the pack to it).

The same check runs on the way in (the draft API, JSON import, the desktop's editors through
``max_chars``) and on the way out (reading a draft), so whatever can be written can be read.
Beyond lengths and counts, text must be valid Unicode without control characters other than
tab and line breaks: a lone surrogate cannot be stored, printed or exported.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from .errors import UserError
from .model import LIST_KEYS, Application, flatten, pattern_of
from .text import Text

if TYPE_CHECKING:
    from .pack import Pack

ATTACHMENTS = "attachments"
# Backstops for stored text whatever the pack (the draft refuses more): each field's own limit is
# ``FieldSpec.max_chars``, a few thousand characters at most; a title is a label.
MAX_VALUE_CHARS = 100_000
MAX_LABEL_CHARS = 500
# C0 and C1 controls except tab, line feed and carriage return; lone surrogates; the two
# non-characters U+FFFE/U+FFFF (byte-order marks read the wrong way round).
ATTACHMENT_TITLE = Text("附件标题", "attachment title")
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class LimitError(UserError):
    """A value, a table or the attachments exceed what the pack allows, or text is not
    storable. ``path`` names the field (``members.3.name``), the table or ``attachments``."""

    def __init__(self, code: str, message: Text, *, path: str, limit: int | None = None) -> None:
        super().__init__(code, message)
        self.path = path
        self.limit = limit


def too_long(path: str, label: Text, limit: int, length: int) -> LimitError:
    return LimitError(
        "value.too_long",
        Text(
            f"“{label.zh}”（{path}）最多 {limit} 个字符，现为 {length} 个",
            f"“{label.en}” ({path}) holds at most {limit} characters; it has {length}",
        ),
        path=path,
        limit=limit,
    )


def too_many_rows(table: str, label: Text, limit: int, count: int) -> LimitError:
    return LimitError(
        "value.too_many_rows",
        Text(
            f"“{label.zh}”最多 {limit} 行，现为 {count} 行", f"“{label.en}” holds at most {limit} rows; it has {count}"
        ),
        path=table,
        limit=limit,
    )


def too_many_attachments(limit: int, count: int) -> LimitError:
    return LimitError(
        "value.too_many_attachments",
        Text(
            f"一份申报最多 {limit} 个附件，现为 {count} 个",
            f"An application holds at most {limit} attachments; this one would have {count}",
        ),
        path=ATTACHMENTS,
        limit=limit,
    )


def bad_char(path: str, label: Text, char: str) -> LimitError:
    shown = f"U+{ord(char):04X}"
    return LimitError(
        "value.bad_char",
        Text(
            f"“{label.zh}”（{path}）含有无法保存的字符 {shown}（控制字符或不完整的 Unicode 代理项）",
            f"“{label.en}” ({path}) contains the character {shown}, which cannot be stored "
            "(a control character or a lone Unicode surrogate)",
        ),
        path=path,
    )


def _label(pack: Pack, pattern: str) -> Text:
    spec = pack.fields.get(pattern)
    if spec is not None:
        return spec.text
    table = pack.tables.get(pattern)
    if table is not None:
        return table.text
    return Text(pattern, pattern)


def value_length(value: Any, limit: int) -> int:
    """Characters of a stored leaf as typed: text in code points, a number in its digits.
    Never builds the decimal text of a huge integer (Python refuses beyond 4300 digits)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        digits_at_least = int(abs(value).bit_length() * math.log10(2))
        if digits_at_least > limit:
            return digits_at_least
        return len(str(value))
    if isinstance(value, float):
        return len(repr(value))
    return 0


def bad_char_in(text: str) -> str | None:
    """The first character of ``text`` that cannot be stored, or None."""
    found = _BAD_CHAR.search(text)
    return found.group() if found else None


def check_text_chars(path: str, text: str, pack: Pack) -> None:
    char = bad_char_in(text)
    if char is not None:
        raise bad_char(path, _label(pack, pattern_of(path)), char)


def check_value(path: str, value: Any, pack: Pack) -> None:
    """One leaf (``members.3.name``): its length within ``max_chars``, its text storable; a
    row position within the table's ``max_rows``."""
    check_position(path, pack)
    pattern = pattern_of(path)
    spec = pack.fields.get(pattern)
    if spec is not None and spec.max_chars is not None:
        length = value_length(value, spec.max_chars)
        if length > spec.max_chars:
            raise too_long(path, spec.text, spec.max_chars, length)
    if isinstance(value, str):
        check_text_chars(path, value, pack)


def check_position(path: str, pack: Pack) -> None:
    """``members.25.name`` is refused when the team table holds at most 20 rows."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] in pack.tables and parts[1].isdigit():
        table = pack.tables[parts[0]]
        position = int(parts[1])
        if position >= table.max_rows:
            raise too_many_rows(parts[0], table.text, table.max_rows, position + 1)


def check_counts(data: Any, pack: Pack) -> None:
    """Table rows and attachments, before anything looks at the items (a JSON with two million
    empty members is refused at once, not after validating each of them)."""
    if not isinstance(data, dict):
        return
    for key in LIST_KEYS:
        items = data.get(key)
        if not isinstance(items, list):
            continue
        if key == ATTACHMENTS:
            if len(items) > pack.limits.max_attachments:
                raise too_many_attachments(pack.limits.max_attachments, len(items))
        elif key in pack.tables and len(items) > pack.tables[key].max_rows:
            table = pack.tables[key]
            raise too_many_rows(key, table.text, table.max_rows, len(items))


def check_application(data: dict[str, Any], pack: Pack) -> None:
    """Every limit of ``data`` (contract JSON of the right shape); raises :class:`LimitError`."""
    check_counts(data, pack)
    for path, value in flatten(data).items():
        if path.startswith(ATTACHMENTS + "."):
            if isinstance(value, str):
                check_text_chars(path, value, pack)
                if path.endswith(".title") and len(value) > pack.limits.max_title_chars:
                    raise too_long(path, ATTACHMENT_TITLE, pack.limits.max_title_chars, len(value))
            continue
        check_value(path, value, pack)


def pack_for(data: Any) -> Pack:
    """The pack whose limits apply: the one the data names when this program knows it."""
    from .pack import DEFAULT_PACK, load_pack

    name = data.get("pack") if isinstance(data, dict) else None
    if isinstance(name, str) and name and name != DEFAULT_PACK:
        try:
            return load_pack(name)
        except UserError:
            pass
    return load_pack(DEFAULT_PACK)


def check_attachment_count(current: int, pack: Pack, adding: int = 1) -> None:
    """Before adding ``adding`` attachments to a draft that holds ``current``."""
    if current + adding > pack.limits.max_attachments:
        raise too_many_attachments(pack.limits.max_attachments, current + adding)


# ------------------------------------------------------------------------------------------------
# The writer's limits against the reader's


def max_field_rows(pack: Pack) -> int:
    """The most ``fields`` rows a draft within the limits can have."""
    total = 0
    for path in pack.fields:
        if "*" in path:
            total += pack.tables[path.split(".*.")[0]].max_rows
        else:
            total += 1
    return total


def max_value_bytes(pack: Pack) -> int:
    """The longest stored value (JSON text, UTF-8): a control character becomes ``\\uXXXX``
    (6 bytes), anything else at most 4 bytes, plus the quotes."""
    longest = max((spec.max_chars or 0) for spec in pack.fields.values())
    return 6 * longest + 2


def reader_problems(pack: Pack, reader: Any = None) -> list[str]:
    """Why a draft within ``pack``'s limits could be refused by the hardened reader (empty: it
    cannot). ``reader`` defaults to :data:`forms.draft.foreign.DEFAULT_LIMITS`."""
    if reader is None:
        from .draft.foreign import DEFAULT_LIMITS as reader
    problems = []
    if max_field_rows(pack) > reader.max_fields:
        problems.append(f"{max_field_rows(pack)} field rows possible, the reader takes {reader.max_fields}")
    if max_value_bytes(pack) > reader.max_text_bytes:
        problems.append(f"values of {max_value_bytes(pack)} bytes possible, the reader takes {reader.max_text_bytes}")
    longest = max((spec.max_chars or 0) for spec in pack.fields.values())
    if longest > MAX_VALUE_CHARS:
        problems.append(f"values of {longest} characters possible, the draft stores {MAX_VALUE_CHARS}")
    if pack.limits.max_attachments > reader.max_attachments:
        problems.append(
            f"{pack.limits.max_attachments} attachments possible, the reader takes {reader.max_attachments}"
        )
    if pack.limits.max_title_chars > MAX_LABEL_CHARS:
        problems.append(
            f"titles of {pack.limits.max_title_chars} characters possible, the draft stores {MAX_LABEL_CHARS}"
        )
    return problems


def parse_application(data: dict[str, Any], pack: Any = None, *, check_limits: bool = True) -> Application:
    """Validate the *shape* of contract JSON (raises pydantic.ValidationError) and what it may
    hold: lengths, rows, attachments and storable text within ``pack``'s limits (default: the
    pack the data names) — raises :class:`LimitError` naming field and limit."""
    if not check_limits:
        return Application.model_validate(data)
    pack = pack if pack is not None else pack_for(data)
    check_counts(data, pack)  # before pydantic builds a model per row
    application = Application.model_validate(data, context={"pack": pack})  # its category blocks
    check_application(data, pack)
    return application
