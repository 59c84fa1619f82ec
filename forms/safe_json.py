"""Reading a JSON file someone gave us, with every resource bounded before and while parsing.

A real application is a few hundred values and well under 200 KB (attachments are separate
files), so the limits below leave ample room and still keep any file to well under a second
and a few tens of MB: the size is capped before reading, one pass of a token regex counts
values, nesting and literal lengths and stops at the first limit, and only then does the
standard parser build objects. Strings are checked afterwards for lone surrogates (``\\ud800``
cannot be written to a draft or a PDF) and control characters."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

from .errors import UserError
from .text import Text

MAX_BYTES = 4 * 1024 * 1024  # 20x the largest application we can imagine
MAX_DEPTH = 20  # the contract nests 3 deep (application > members > member)
MAX_VALUES = 50_000  # a draft holds at most 20 000 fields; objects and lists count, keys do not
MAX_ITEMS = 1_000  # in one list: 1-5 members, a few payments, at most 500 attachments in a draft
MAX_NUMBER_CHARS = 30  # money and years: more digits than a float or a budget can mean
MAX_STRING_CHARS = 100_000  # the longest value a draft stores (forms.limits.MAX_VALUE_CHARS)

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
# one token after optional whitespace and separators: 1 string (2: its colon, when it is a key),
# 3 number, 4 opening, 5 closing
_TOKEN = re.compile(rf"[ \t\r\n,:]*(?:({_STRING})([ \t\r\n]*:)?|({_NUMBER})|([\[{{])|([\]}}])|true|false|null)")
_TRAILING = re.compile(r"[ \t\r\n]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, newline and CR are text
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _refuse(code: str, name: str, why: Text) -> UserError:
    return UserError(code, f"{name}：{why.zh}，未读取", f"{name}: {why.en}; it was not read")


def read_json_object(path: Path) -> dict[str, Any]:
    """The top-level object of the JSON file ``path``, or a ``UserError`` (``json.*``) naming
    the limit that was hit."""
    path = Path(path)
    text = _read_text(path)
    _scan(text, path.name)
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:  # its own words are English: only where is said
        raise _syntax(text, exc.pos, path.name) from None
    except ValueError:
        raise _syntax(text, 0, path.name) from None
    if not isinstance(data, dict):
        raise UserError("json.shape", f"{path.name} 的顶层应为对象", f"The top level of {path.name} must be an object")
    _check_strings(data, path.name)
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read_text(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # never more, whatever the file claims to be
    except OSError as exc:
        raise UserError(
            "json.read", f"无法读取文件 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}"
        ) from None
    if len(raw) > MAX_BYTES:
        raise _refuse(
            "json.too_large",
            path.name,
            Text(
                f"文件超过 {MAX_BYTES // (1024 * 1024)} MB（申报数据远小于此；附件是单独的文件）",
                f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB (application data is far smaller; attachments are separate files)",
            ),
        )
    try:
        return raw.decode(_encoding(raw))
    except UnicodeDecodeError as exc:
        raise UserError(
            "json.encoding",
            f"{path.name} 不是 UTF-8 编码的文本（第 {exc.start} 字节）",
            f"{path.name} is not UTF-8 text (byte {exc.start})",
        ) from None


# Windows Notepad's "Unicode" is UTF-16 with a byte-order mark; UTF-32's mark starts like UTF-16's.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _encoding(raw: bytes) -> str:
    """UTF-8 (with or without its mark), or UTF-16/32 when the file starts with their mark."""
    return next((encoding for mark, encoding in _MARKS if raw.startswith(mark)), "utf-8-sig")


def _scan(text: str, name: str) -> None:
    """One pass over the tokens; stops at the first limit, so its cost is bounded by them."""
    values = tokens = 0
    lists: list[int] = []  # per open container: items so far in a list, -1 for an object
    pos, end = 0, len(text)
    match = _TOKEN.match
    while True:
        token = match(text, pos)
        if token is None:
            tail = _TRAILING.match(text, pos)
            assert tail is not None  # _TRAILING matches the empty string too
            if tail.end() == end:
                return
            raise _syntax(text, tail.end(), name)
        pos = token.end()
        tokens += 1
        if tokens > 3 * MAX_VALUES:  # every value brings at most a key and a closing bracket
            raise _refuse(
                "json.too_many_values",
                name,
                Text(f"值的个数超过 {MAX_VALUES} 个", f"it has more than {MAX_VALUES} values"),
            )
        string, key, number, opening, closing = token.groups()
        if string and len(string) - 2 > 6 * MAX_STRING_CHARS:  # even all \uXXXX escapes: too long
            raise _too_long(name)
        if closing:
            if lists:
                lists.pop()
            continue
        if key:
            continue  # a member's name: its value is what counts
        values += 1
        if values > MAX_VALUES:
            raise _refuse(
                "json.too_many_values",
                name,
                Text(f"值的个数超过 {MAX_VALUES} 个", f"it has more than {MAX_VALUES} values"),
            )
        if lists and lists[-1] >= 0:
            lists[-1] += 1
            if lists[-1] > MAX_ITEMS:
                raise _refuse(
                    "json.too_many_items",
                    name,
                    Text(
                        f"有列表超过 {MAX_ITEMS} 项（如成员、到账记录或附件）",
                        f"a list (such as members, payments or attachments) has more than {MAX_ITEMS} items",
                    ),
                )
        if opening:
            lists.append(0 if opening == "[" else -1)
            if len(lists) > MAX_DEPTH:
                raise _refuse(
                    "json.too_deep",
                    name,
                    Text(f"嵌套超过 {MAX_DEPTH} 层", f"it is nested more than {MAX_DEPTH} levels deep"),
                )
        elif number and len(number) > MAX_NUMBER_CHARS:
            raise _refuse(
                "json.number_too_long",
                name,
                Text(
                    f"有数字超过 {MAX_NUMBER_CHARS} 位（{number[:12]}…）",
                    f"a number has more than {MAX_NUMBER_CHARS} characters ({number[:12]}…)",
                ),
            )


def _too_long(name: str) -> UserError:
    return _refuse(
        "json.string_too_long",
        name,
        Text(f"有文字超过 {MAX_STRING_CHARS} 个字符", f"a text is longer than {MAX_STRING_CHARS} characters"),
    )


def _syntax(text: str, pos: int, name: str) -> UserError:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return UserError(
        "json.syntax",
        f"{name} 不是有效的 JSON：第 {line} 行第 {column} 列",
        f"{name} is not valid JSON: line {line} column {column}",
    )


def _check_strings(data: Any, name: str) -> None:
    stack = [data]
    while stack:  # iterative: depth is already bounded, but no recursion is needed at all
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if len(item) > MAX_STRING_CHARS:
                raise _too_long(name)
            if _SURROGATE.search(item):
                raise _refuse(
                    "json.surrogate",
                    name,
                    Text(
                        "文字中有不成对的 UTF-16 代理项（如 \\ud800），不是有效字符",
                        "a text holds a lone UTF-16 surrogate (such as \\ud800), which is not a character",
                    ),
                )
            bad = _CONTROL.search(item)
            if bad:
                raise _refuse(
                    "json.control_character",
                    name,
                    Text(
                        f"文字中有控制字符 U+{ord(bad.group()):04X}（只允许制表符和换行）",
                        f"a text holds the control character U+{ord(bad.group()):04X} (only tab and line breaks are allowed)",
                    ),
                )
