"""The notice's rules and the field formats, each on both sides of its boundary.

Every test starts from the complete, eligible sample and changes one fact: the issue list then
holds exactly the rule that fact breaks.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from forms.checks import check
from forms.formats import uscc_check_char, uscc_ok
from forms.samples import sample

CATEGORIES = ["tech_vp", "conference", "tech_trade"]


def codes(data, pack, severity="error"):
    return sorted({i.code for i in check(data, pack) if i.severity == severity})


def issues_for(data, pack, field):
    return [i for i in check(data, pack) if i.field == field]


def variant(category, **paths):
    data = sample(category)
    for path, value in paths.items():
        node = data
        parts = path.split("__")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        node[parts[-1]] = value
    return data


@pytest.mark.parametrize("category", CATEGORIES)
def test_sample_is_eligible(category, pack):
    assert [i for i in check(sample(category), pack) if i.severity == "error"] == []


@pytest.mark.parametrize("category", CATEGORIES)
def test_sample_has_no_warnings_either(category, pack):
    assert check(sample(category), pack) == []


# --- contract dates (K6 / D6 / T6) -------------------------------------------------------------
DATE_CASES = [
    # category, field, value, expected error codes, expected warning codes
    ("tech_vp", "start", "2022-05-31", ["K6"], []),
    ("tech_vp", "start", "2022-06-01", [], ["K6"]),  # "晚于" boundary day: a warning
    ("tech_vp", "start", "2022-06-02", [], []),
    ("tech_vp", "end", "2024-05-31", ["K6"], []),
    ("tech_vp", "end", "2024-06-01", [], ["K6"]),
    ("tech_vp", "end", "2024-06-02", [], []),
    ("conference", "start", "2023-05-31", ["D6"], []),
    ("conference", "start", "2023-06-01", [], []),
    ("conference", "start", "2023-09-30", [], []),
    ("conference", "start", "2023-10-01", ["D6"], []),
    ("conference", "end", "2024-12-30", ["D6"], []),
    ("conference", "end", "2024-12-31", [], ["D6"]),
    ("conference", "end", "2025-01-01", [], []),
    ("tech_trade", "start", "2021-12-31", ["T6"], []),
    ("tech_trade", "start", "2022-01-01", [], []),
    ("tech_trade", "start", "2023-09-30", [], []),
    ("tech_trade", "start", "2023-10-01", ["T6"], []),
    ("tech_trade", "end", "2024-05-31", ["T6"], []),
    ("tech_trade", "end", "2024-06-01", [], ["T6"]),
    ("tech_trade", "end", "2024-06-02", [], []),
]


@pytest.mark.parametrize(("category", "which", "value", "errors", "warnings"), DATE_CASES)
def test_contract_date_windows(category, which, value, errors, warnings, pack):
    data = sample(category)
    data["contract"][which] = value
    # keep payments after the start so that only the date rule speaks
    for payment in data["payments"]:
        payment["date"] = max(payment["date"], data["contract"]["start"])
    assert codes(data, pack) == errors
    assert codes(data, pack, "warning") == warnings


def test_end_before_start_is_an_error(pack):
    data = sample("tech_vp")
    data["contract"]["end"] = data["contract"]["start"]
    assert "format.date" in codes(data, pack)


# --- money received (K5 / D5 / T5, 宿迁 exception) -----------------------------------------------
MONEY_CASES = [
    ("tech_vp", "南京市", "29.9999", ["K5"]),
    ("tech_vp", "南京市", "30", []),
    ("tech_vp", "宿迁市", "19.9999", ["K5"]),
    ("tech_vp", "宿迁市", "20", []),
    ("conference", "南京市", "29.9999", ["D5"]),
    ("conference", "南京市", "30.0000", []),
    ("conference", "宿迁市", "19.9999", ["D5"]),
    ("conference", "宿迁市", "20", []),
    ("tech_trade", "南京市", "19.9999", ["T5"]),
    ("tech_trade", "南京市", "20", []),
    ("tech_trade", "宿迁市", "19.9999", ["T5"]),  # no regional exception for technology trading
]


@pytest.mark.parametrize(("category", "city", "paid", "errors"), MONEY_CASES)
def test_minimum_received(category, city, paid, errors, pack):
    data = sample(category)
    data["enterprise"]["city"] = city
    data["payments"] = data["payments"][:1]
    data["payments"][0]["amount_wan"] = paid
    assert codes(data, pack) == errors


def test_payments_add_up(pack):
    data = sample("tech_vp")
    data["enterprise"]["city"] = "南京市"
    data["payments"][0]["amount_wan"] = "10.5"
    data["payments"][1]["amount_wan"] = 19.5  # numbers and strings mix
    assert codes(data, pack) == []
    data["payments"][1]["amount_wan"] = 19.4999
    assert codes(data, pack) == ["K5"]


def test_money_message_says_what_is_missing(pack):
    data = sample("tech_vp")
    data["enterprise"]["city"] = "南京市"
    data["payments"] = [dict(data["payments"][0], amount_wan="29.9999")]
    (issue,) = [i for i in check(data, pack) if i.code == "K5"]
    assert issue.field == "payments" and "30" in issue.message and "0.0001" in issue.message
    (english,) = [i for i in check(data, pack, lang="en") if i.code == "K5"]
    assert "0.0001" in english.message and "at least 30" in english.message


def test_paid_over_contract_amount_warns(pack):
    data = sample("tech_vp")
    data["contract"]["amount_wan"] = "30"
    assert codes(data, pack, "warning") == ["U3"]


# --- team --------------------------------------------------------------------------------------
def member(name, enterprise, unit):
    return {
        "name": name,
        "unit": unit,
        "major": "材料",
        "field": "研发",
        "title": "工程师",
        "is_enterprise": enterprise,
    }


@pytest.mark.parametrize(("count", "errors"), [(0, ["team.size"]), (1, []), (5, []), (6, ["team.size"])])
def test_team_size(count, errors, pack):
    data = sample("tech_vp")
    ent = data["enterprise"]["name"]
    uni = data["university"]["name"]
    data["members"] = [member("甲", True, ent)] + [member(f"成员{i}", False, uni) for i in range(count - 1)]
    data["members"] = data["members"][:count]
    assert codes(data, pack) == errors


@pytest.mark.parametrize(("staff", "errors"), [(0, ["team.enterprise"]), (1, []), (3, []), (4, ["team.enterprise"])])
def test_enterprise_staff(staff, errors, pack):
    data = sample("conference")
    ent, uni = data["enterprise"]["name"], data["university"]["name"]
    data["members"] = [member(f"企{i}", True, ent) for i in range(staff)] + [member("校", False, uni)]
    assert codes(data, pack) == errors


def test_member_from_elsewhere_is_a_warning_not_an_error(pack):
    data = sample("tech_trade")
    data["members"][0]["unit"] = "东南大学"
    assert codes(data, pack) == []
    (issue,) = issues_for(data, pack, "members.0.unit")
    assert (issue.severity, issue.code) == ("warning", "T3")


def test_member_row_missing_a_value(pack):
    data = sample("tech_vp")
    del data["members"][1]["major"]
    (issue,) = issues_for(data, pack, "members.1.major")
    assert (issue.severity, issue.code) == ("error", "required")


# --- leader ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("category", "rule"), [("tech_vp", "K2"), ("conference", "D2"), ("tech_trade", "T2")])
def test_leader_from_another_unit_warns_with_the_leader_rule(category, rule, pack):
    data = sample(category)
    data["leader"]["unit"] = "苏州大学"
    assert codes(data, pack) == []
    assert rule in codes(data, pack, "warning")


# --- content -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("length", "errors"), [(300, []), (301, ["length.summary"])])
def test_summary_limit(length, errors, pack):
    data = sample("tech_vp")
    data["project"]["summary"] = ("产学研合作，" * 60)[:length]
    assert codes(data, pack) == errors


def test_summary_counting_ignores_whitespace(pack):
    data = sample("tech_vp")
    data["project"]["summary"] = "字" * 300 + " \n\t　"
    assert codes(data, pack) == []


def test_kpis_over_limit_only_warns(pack):
    data = sample("tech_vp")
    data["project"]["kpis"] = "指" * 301
    assert codes(data, pack) == []
    assert codes(data, pack, "warning") == ["length.kpis"]


# --- general rules -----------------------------------------------------------------------------
def test_non_five_tech_contract(pack):
    data = variant("tech_vp", contract__type="purchase")
    assert codes(data, pack) == ["G1"]


def test_missing_registration_number(pack):
    data = sample("tech_vp")
    del data["contract"]["registration_no"]
    assert codes(data, pack) == ["G2"]


@pytest.mark.parametrize("value", ["2023-3201-1300", "12345678901234567890123"])
def test_odd_registration_number_is_a_soft_warning(value, pack):
    data = variant("tech_vp", contract__registration_no=value)
    assert codes(data, pack) == []
    assert codes(data, pack, "warning") == ["format.regno"]


@pytest.mark.parametrize(
    ("key", "rule"), [("no_unclosed_project", "G3"), ("no_other_plan_issue", "G4"), ("no_serious_dishonesty", "G8")]
)
def test_declarations_must_be_ticked(key, rule, pack):
    data = sample("tech_trade")
    data["declarations"][key] = False
    assert codes(data, pack) == [rule]
    del data["declarations"][key]
    assert codes(data, pack) == [rule]


def test_enterprise_outside_jiangsu(pack):
    data = variant("tech_vp", enterprise__city="上海市")
    assert codes(data, pack) == ["G7"]


@pytest.mark.parametrize(("year", "errors"), [(2021, ["K1"]), (2022, []), (2023, []), ("2023", []), (2024, ["K1"])])
def test_cohort_year(year, errors, pack):
    assert codes(variant("tech_vp", tech_vp__cohort_year=year), pack) == errors


def test_conference_needs_its_filing_number(pack):
    data = sample("conference")
    del data["conference"]
    assert codes(data, pack) == ["D1"]


def test_trade_needs_event_and_number(pack):
    data = variant("tech_trade", tech_trade__event="other")
    assert codes(data, pack) == ["T1"]
    data = sample("tech_trade")
    del data["tech_trade"]["trade_no"]
    assert codes(data, pack) == ["T1"]


def test_payment_before_contract_start_warns(pack):
    data = sample("tech_vp")
    data["payments"][0]["date"] = "2022-01-01"
    assert codes(data, pack) == []
    (issue,) = issues_for(data, pack, "payments.0.date")
    assert (issue.severity, issue.code) == ("warning", "U2")


def test_payer_and_payee_mismatch_warn(pack):
    data = sample("tech_vp")
    data["payments"][0]["payer"] = "某某投资有限公司"
    data["payments"][1]["payee"] = "某某大学"
    assert codes(data, pack) == []
    fields = {i.field for i in check(data, pack) if i.code == "U2"}
    assert fields == {"payments.0.payer", "payments.1.payee"}


def test_unknown_category(pack):
    data = sample("tech_vp")
    data["category"] = "other"  # chosen under another pack: named, not "please choose"
    (issue,) = [i for i in check(data, pack) if i.field == "category"]
    assert issue.code == "category_unknown" and "“other”" in issue.message and pack.id in issue.message
    (issue,) = [i for i in check(data, pack, "en") if i.field == "category"]
    assert issue.message.startswith("The category “other” is not one of rule pack")
    data["category"] = ""
    assert [i.code for i in check(data, pack) if i.field == "category"] == ["category"]


def test_empty_application_lists_every_missing_field(pack):
    issues = check({"category": "tech_vp"}, pack)
    required = {i.field for i in issues if i.code == "required"}
    assert {"project.name", "leader.email", "enterprise.uscc", "project.summary"} <= required
    assert all(i.message for i in issues)


# --- formats -----------------------------------------------------------------------------------
def test_uscc_check_character():
    # A published code: 91350100M000100Y43 (a well-known valid example of GB 32100).
    assert uscc_ok("91350100M000100Y43")
    assert not uscc_ok("91350100M000100Y44")
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_wrong_uscc_check_character(pack):
    data = sample("tech_vp")
    good = data["enterprise"]["uscc"]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    data["enterprise"]["uscc"] = wrong
    assert codes(data, pack) == ["format.uscc"]
    (issue,) = issues_for(data, pack, "enterprise.uscc")
    assert good[17] in issue.message  # says what would be right


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y4I", "9135010OM000100Y43"])
def test_uscc_shape(code, pack):
    assert codes(variant("tech_vp", university__uscc=code), pack) == ["format.uscc"]


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("13912345678", True),
        ("025-83363139", True),
        ("02583363139", True),
        ("0527-8888888", True),
        ("1391234567", False),
        ("23912345678", False),
        ("83363139", False),
        ("139-1234-5678x", False),
    ],
)
def test_phone_format(phone, ok, pack):
    data = variant("tech_vp", leader__phone=phone)
    assert codes(data, pack) == ([] if ok else ["format.phone"])


@pytest.mark.parametrize(
    ("email", "ok"), [("a.b@njust.edu.cn", True), ("a@b", False), ("ab.cn", False), ("a b@c.cn", False)]
)
def test_email_format(email, ok, pack):
    assert codes(variant("tech_vp", leader__email=email), pack) == ([] if ok else ["format.email"])


@pytest.mark.parametrize(
    ("amount", "ok"),
    [
        ("80", True),
        ("80.1234", True),
        (80.5, True),
        (80, True),
        ("80.12345", False),
        ("-5", False),
        ("八十", False),
        ("0", False),
        ("1e3", False),
    ],
)
def test_money_format(amount, ok, pack):
    assert codes(variant("tech_vp", contract__amount_wan=amount), pack) == ([] if ok else ["format.money"])


@pytest.mark.parametrize("value", ["2023-02-30", "2023/07/01", "20230701", "2023-7-1"])
def test_date_format(value, pack):
    data = sample("tech_vp")
    data["payments"][0]["date"] = value
    (issue,) = [i for i in check(data, pack) if i.severity == "error"]
    assert (issue.field, issue.code) == ("payments.0.date", "format.date")


def test_messages_exist_in_english(pack):
    data = copy.deepcopy(sample("tech_vp"))
    data["leader"]["phone"] = "123"
    (issue,) = [i for i in check(data, pack, lang="en") if i.field == "leader.phone"]
    assert "mobile" in issue.message and not any("\u4e00" <= ch <= "\u9fff" for ch in issue.message.replace("“", ""))


def test_decimal_sum_is_exact():
    from forms.checks import paid_total

    data = {"payments": [{"amount_wan": "0.1"}] * 3}
    assert paid_total(data) == Decimal("0.3")


# --- across applications (G5, G6) ---------------------------------------------------------------
def test_one_application_per_leader_and_enterprise(pack):
    from forms.checks import check_batch

    a, b, c = sample("tech_vp"), sample("conference"), sample("tech_trade")
    c["leader"]["name"] = "王五"
    c["enterprise"]["uscc"] = "91320100MA1ABCDE0X"
    found = check_batch([("a.cxy", a), ("b.cxy", b), ("c.cxy", c)], pack)
    assert found["a.cxy"] == []
    assert sorted(i.code for i in found["b.cxy"]) == ["G5", "G6"]
    assert all("a.cxy" in i.message for i in found["b.cxy"])
    assert found["c.cxy"] == []


def test_characters_the_font_cannot_print_warn_on_their_field(pack):
    data = sample("tech_vp")
    data["leader"]["name"] = "李𠀀"  # CJK Extension B: outside the GBK font
    data["members"][0]["name"] = "张😀"
    assert codes(data, pack) == []
    found = {i.field: i for i in check(data, pack) if i.code == "font.unprintable"}
    assert set(found) == {"leader.name", "members.0.name"}
    assert "𠀀" in found["leader.name"].message and found["leader.name"].severity == "warning"
    data["leader"]["name"] = "李镕喆"  # outside GB2312, inside the shipped font
    assert not [i for i in check(data, pack) if i.field == "leader.name"]


@pytest.mark.parametrize(
    ("lang", "years", "cities"), [("zh", "2022、2023", "南京市、无锡市"), ("en", "2022, 2023", "南京市, 无锡市")]
)
def test_a_list_of_options_is_joined_as_the_message_language_lists_it(pack, lang, years, cities):
    """ "must be one of these years: 2022, 2023", not "2022、2023", in English."""
    [year] = [i for i in check(variant("tech_vp", tech_vp__cohort_year=2024), pack, lang) if i.code == "K1"]
    assert years in year.message
    [city] = [i for i in check(variant("tech_vp", enterprise__city="上海市"), pack, lang) if i.code == "G7"]
    assert cities in city.message
    [category] = [i for i in check({**sample("tech_vp"), "category": "nope"}, pack, lang) if i.field == "category"]
    assert ("、" in category.message) == (lang == "zh")
