"""Values as people type them (forms.typed): full-width forms, dates in the ways Chinese users
write them, amounts with separators and units. The same reading is used by Draft.set, by
`cxy import` and by the app's editors; an impossible value is refused, never moved."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.checks import check
from forms.cli import main
from forms.draft import Draft
from forms.pack import DEFAULT_PACK, load_pack
from forms.samples import sample
from forms.typed import Refused, for_path, opening_day, typed, window_of


@pytest.fixture(scope="module")
def pack():
    return load_pack(DEFAULT_PACK)


# ---------------------------------------------------------------- text and codes


@pytest.mark.parametrize(
    ("kind", "typed_text", "stored"),
    [
        ("text", "（２０２３）苏Ａ字第ｂ号：合同，", "（2023）苏A字第b号：合同，"),  # CJK punctuation is the text's own
        ("text", "张　三", "张　三"),  # an ideographic space inside Chinese text stays
        ("text", "ＪＳ２０２３－００１　", "JS2023-001"),  # a code typed into a text field folds whole
        ("text", "John Smith ", "John Smith "),  # nothing full-width: left exactly as typed
        ("multiline", "考核指标：新增产值５００万元。", "考核指标：新增产值500万元。"),
        ("uscc", " ９１３２０１００ｍａ１ｘｘｘｘｘｘｘ ", "91320100MA1XXXXXXX"),
        ("phone", "０２５－８３３６３１３９", "025-83363139"),
        ("phone", "１３９１２３４５６７８", "13912345678"),
        ("email", "ｎａｍｅ＠ｅｘａｍｐｌｅ．ｃｎ", "name@example.cn"),
        ("year", "２０２３", "2023"),
    ],
)
def test_full_width_forms_fold(kind, typed_text, stored):
    assert typed(kind, typed_text).value == stored


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "written",
    [
        "2023-7-1",
        "2023/7/1",
        "2023.7.1",
        "2023年7月1日",
        "20230701",
        "2023-07-01",
        "2023年07月01日",
        "２０２３年７月１日",
        "２０２３－０７－０１",
        "２０２３．７．１",
        " 2023 年 7 月 1 日 ",
        "\u30002023/07/01\u3000",
    ],
)
def test_dates_as_people_write_them_are_stored_iso(written):
    assert typed("date", written).value == "2023-07-01"


@pytest.mark.parametrize(
    ("written", "says_zh", "says_en"),
    [
        ("2023-2-30", "2023年2月只有28天", "February 2023 has 28 days"),
        ("2023年2月29日", "2023年2月只有28天", "February 2023 has 28 days"),
        ("2023/4/31", "2023年4月只有30天", "April 2023 has 30 days"),
        ("20231301", "没有13月", "no month 13"),
        ("2023.0.10", "没有0月", "no month 0"),
    ],
)
def test_an_impossible_date_is_refused_with_the_reason(written, says_zh, says_en):
    with pytest.raises(Refused) as caught:
        typed("date", written)
    assert says_zh in caught.value.zh and written in caught.value.zh
    assert says_en in caught.value.en


def test_a_leap_day_is_a_date():
    assert typed("date", "2024年2月29日").value == "2024-02-29"


@pytest.mark.parametrize("half", ["2023", "2023-7", "2023年7月", "2023-7/1", "下周一", "2023-07-01T00:00"])
def test_what_is_not_a_date_yet_is_left_as_typed(half):
    assert typed("date", half).value == half


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("30", "30"),
        ("12.5", "12.5"),
        ("12.50", "12.50"),
        ("1,234.5", "1234.5"),
        ("1，234．5", "1234.5"),
        ("12,345,678", "12345678"),
        ("30万", "30"),
        ("30万元", "30"),
        ("30 万元", "30"),
        ("３０．５万元", "30.5"),
        ("1,234.5万元", "1234.5"),
    ],
)
def test_amounts_in_wan(written, stored):
    result = typed("money", written)
    assert (result.value, result.note) == (stored, None)


@pytest.mark.parametrize(
    ("written", "wan"),
    [
        ("123456元", "12.3456"),
        ("１２３４５６元", "12.3456"),
        ("123,456元", "12.3456"),
        ("１２３，４５６元", "12.3456"),
        ("1元", "0.0001"),
        ("100000元", "10"),
        ("300,000.00元", "30"),
        ("9999999999999999元", "999999999999.9999"),
    ],
)
def test_yuan_are_converted_exactly_with_a_note(written, wan):
    result = typed("money", written)
    assert result.value == wan
    assert Decimal(result.value) * 10000 == Decimal(
        written.replace("元", "")
        .replace(",", "")
        .translate({0xFF0C: ",", **{0xFF10 + i: 0x30 + i for i in range(10)}})
        .replace(",", "")
    )
    assert f"{wan} 万元" in result.note.zh and "元换算为" in result.note.zh
    assert f"{wan} × 10k CNY" in result.note.en


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("0.5元", "0.00005 万元"),
        ("123456.78元", "12.345678 万元"),
        ("12.34567", "12.34567 万元"),
        ("12.34567万元", "12.34567 万元"),
    ],
)
def test_an_amount_finer_than_one_yuan_is_refused(written, says):
    with pytest.raises(Refused) as caught:
        typed("money", written)
    assert says in caught.value.zh and "4 位小数" in caught.value.zh
    assert "4 decimals" in caught.value.en


@pytest.mark.parametrize("other", ["12,34", "1,2345", "-5", "八十", "1e3", "30美元", "", "元"])
def test_what_is_not_an_amount_is_left_as_typed(other):
    assert typed("money", other).value == other


@pytest.mark.parametrize("number", [30, 12.5, 0])
def test_json_numbers_are_kept_exactly(number):
    result = typed("money", number)
    assert result.value == number and type(result.value) is type(number)


# ---------------------------------------------------------------- where values enter


def test_draft_set_stores_what_the_contract_holds(tmp_path):
    with Draft.create(tmp_path / "d.cxy", pack=DEFAULT_PACK, category="conference") as draft:
        draft.set_many(
            {
                "contract.start": "2023年7月1日",
                "contract.amount_wan": "１２３４５６元",
                "payments.0.amount_wan": "1，234．5",
                "payments.0.date": "2023/8/1",
                "leader.phone": "１３９１２３４５６７８",
                "project.name": "ＡＩ质检（二期）",
            }
        )
        draft.set("contract.end", "2025-2-30")  # impossible: kept as typed, the checks report it
        data = draft.data()
    assert data["contract"] == {"start": "2023-07-01", "amount_wan": "12.3456", "end": "2025-2-30"}
    assert data["payments"] == [{"amount_wan": "1234.5", "date": "2023-08-01"}]
    assert data["leader"]["phone"] == "13912345678"
    assert data["project"]["name"] == "AI质检（二期）"


def test_import_reads_typed_values_and_prints_a_note_per_conversion(tmp_path, capsys, pack):
    data = sample("conference", pack)
    data["contract"].update(start="２０２３年７月１日", end="2025/1/15", amount_wan="800,000元")
    data["payments"][0].update(amount_wan="２０万元", date="20230801")
    data["leader"]["phone"] = "１３９１２３４５６７８"
    source = tmp_path / "typed.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "typed.cxy"
    assert main(["import", str(source), "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert "contract.amount_wan" in out and "已按 800000 元换算为 80 万元" in out
    with Draft.open(target, readonly=True) as draft:
        stored = draft.data()
    assert stored["contract"]["start"] == "2023-07-01" and stored["contract"]["end"] == "2025-01-15"
    assert stored["contract"]["amount_wan"] == "80"
    assert stored["payments"][0] == {**data["payments"][0], "amount_wan": "20", "date": "2023-08-01"}
    assert stored["leader"]["phone"] == "13912345678"
    fields = {
        "contract.start",
        "contract.end",
        "contract.amount_wan",
        "payments.0.date",
        "payments.0.amount_wan",
        "leader.phone",
    }
    assert not [i for i in check(stored, pack) if i.field in fields and i.severity == "error"]


def test_import_notes_in_english(tmp_path, capsys, pack):
    data = {"pack": DEFAULT_PACK, "category": "tech_vp", "contract": {"amount_wan": "123456元"}}
    source = tmp_path / "en.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--lang", "en", "import", str(source), "-o", str(tmp_path / "en.cxy")]) == 0
    assert "converted 123456 CNY to 12.3456 × 10k CNY" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        ("contract.start", "2023-2-30", "2023年2月只有28天"),
        ("contract.amount_wan", "123456.78元", "12.345678 万元"),
    ],
)
def test_import_refuses_an_impossible_value_whole(tmp_path, capsys, path, value, says, pack):
    data = sample("tech_vp", pack)
    section, key = path.split(".")
    data[section][key] = value
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "bad.cxy"
    assert main(["import", str(source), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert says in err and path in err and "\n" not in err.strip()
    assert not target.exists()


# ---------------------------------------------------------------- amounts typed in 元 as 万元


def _units(data, pack, lang="zh"):
    return [i for i in check(data, pack, lang) if i.code == "amount.units"]


def test_an_amount_of_ten_thousand_wan_or_more_asks_whether_it_is_in_yuan(pack):
    data = sample("tech_vp", pack)
    data["contract"]["amount_wan"] = "123456"
    (issue,) = _units(data, pack)
    assert (issue.field, issue.severity) == ("contract.amount_wan", "warning")
    assert "是否按元填写？" in issue.message and "如按元填写，应为 12.3456 万元" in issue.message
    assert issue.as_dict()["proposed"] == "12.3456"
    (english,) = _units(data, pack, "en")
    assert "typed in CNY" in english.message and "12.3456" in english.message


def test_each_payment_is_asked_about_too(pack):
    data = sample("tech_vp", pack)
    data["payments"][0]["amount_wan"] = 200000
    (issue,) = _units(data, pack)
    assert issue.field == "payments.0.amount_wan" and issue.as_dict()["proposed"] == "20"


def test_a_plausible_amount_is_not_asked_about(pack):
    data = sample("tech_vp", pack)
    data["contract"]["amount_wan"] = "9999.9999"
    assert _units(data, pack) == []


def test_an_amount_with_no_exact_yuan_reading_is_asked_about_without_a_proposal(pack):
    data = sample("tech_vp", pack)
    data["contract"]["amount_wan"] = "12345.6789"
    (issue,) = _units(data, pack)
    assert issue.as_dict()["proposed"] is None and "是否按元填写？" in issue.message


def test_the_cli_prints_the_proposed_amount(tmp_path, capsys, pack):
    data = sample("tech_vp", pack)
    data["contract"]["amount_wan"] = "800000"
    source = tmp_path / "yuan.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    main(["validate", str(source)])
    assert "如按元填写，应为 80 万元" in capsys.readouterr().out
    main(["validate", str(source), "--json"])
    (issue,) = [i for i in json.loads(capsys.readouterr().out)["issues"] if i["code"] == "amount.units"]
    assert issue["proposed"] == "80"


# ---------------------------------------------------------------- the date picker's month


@pytest.mark.parametrize("category", ["tech_vp", "conference", "tech_trade"])
@pytest.mark.parametrize("field", ["start", "end"])
def test_the_picker_opens_inside_the_contract_window(pack, category, field):
    rule = window_of(pack, category, f"contract.{field}")
    assert rule is getattr(pack.category(category), field)
    day = opening_day(rule)
    if rule.from_ is not None:
        assert day == rule.from_
    else:
        assert day > rule.after if rule.after_op == ">" else day >= rule.after
        assert day - rule.after <= dt.timedelta(days=1)
    if rule.to is not None:
        assert day <= rule.to


def test_the_conference_start_picker_opens_in_june_2023(pack):
    day = opening_day(window_of(pack, "conference", "contract.start"))
    assert (day.year, day.month) == (2023, 6)


def test_fields_without_a_window_have_none(pack):
    assert window_of(pack, "conference", "payments.0.date") is None
    assert window_of(pack, None, "contract.start") is None


def test_for_path_reads_the_kind_from_the_pack(pack):
    assert for_path("payments.3.date", "2023年8月1日", pack).value == "2023-08-01"
    assert for_path("payments.3.amount_wan", "50000元", pack).value == "5"
    assert for_path("project.name", "2023年8月1日", pack).value == "2023年8月1日"


# ---------------------------------------------------------------- any text at all

KINDS = ["text", "multiline", "money", "date", "choice", "year", "phone", "email", "uscc", "city"]
typed_like = st.text(
    alphabet=st.sampled_from("0123456789０１２３４５６７８９,，.．-－/年月日号万元 　aＡ（）"), max_size=24
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(KINDS), st.one_of(typed_like, st.text(max_size=40)))
def test_any_text_is_read_or_refused_and_reading_twice_changes_nothing(kind, text):
    try:
        stored = typed(kind, text).value
    except Refused as exc:
        assert exc.zh and exc.en
        return
    assert typed(kind, stored).value == stored
