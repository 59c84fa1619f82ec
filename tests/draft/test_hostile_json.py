"""Found by tests/fuzz_drafts.py (JSON for ``cxy import`` and the window): a file the token scan
lets through but the parser refuses (empty, two values without a comma) was reported with the
parser's English words inside the Chinese line ("不是有效的 JSON：Expecting value: line 1 column
1 (char 0)"); a file saved as UTF-16 or UTF-32 with a byte-order mark (Windows Notepad's
"Unicode") was refused as not UTF-8 although its text is plain."""

from __future__ import annotations

import json

import pytest

from forms.errors import UserError
from forms.safe_json import read_json_object


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("text", ["", "   \n", '{"a": 1 "b": 2}', '{"a": [1 2]}', '{"a" 1}'])
def test_a_parse_failure_names_line_and_column_in_each_language(tmp_path, text):
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_json_object(path)
    err = caught.value
    assert err.code == "json.syntax"
    assert "行" in err.zh and "列" in err.zh and not any(w in err.zh for w in ("Expecting", "char", "delimiter"))
    assert "line" in err.en and not has_chinese(err.en)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_json_with_a_byte_order_mark_is_read(tmp_path, encoding):
    data = {"project": {"name": "高效光伏组件关键技术联合攻关"}, "members": [{"name": "王"}]}
    path = tmp_path / "x.json"
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode(encoding))
    assert read_json_object(path) == data


def test_utf16_without_a_mark_is_still_refused_in_one_line(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes('{"a": "王"}'.encode("utf-16-le"))
    with pytest.raises(UserError) as caught:
        read_json_object(path)
    assert caught.value.code in ("json.encoding", "json.syntax")
    assert not has_chinese(caught.value.en)
