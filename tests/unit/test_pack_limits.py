"""Issue 9 §6: the limits are pack data, declared once, and every reader of them agrees — the
contract check (JSON), the draft's value checks, the checks' field errors and the reader."""

from __future__ import annotations

import pytest

from forms import limits
from forms.checks import check, errors
from forms.draft import Draft, DraftError
from forms.draft.foreign import DEFAULT_LIMITS
from forms.formats import parse_money
from forms.limits import LimitError, parse_application
from forms.model import Application
from forms.samples import at_limits, sample


def test_every_field_but_yes_no_has_a_max_chars(pack):
    for path, spec in pack.fields.items():
        if spec.kind == "bool":
            assert spec.max_chars is None, path
        else:
            assert isinstance(spec.max_chars, int) and spec.max_chars > 0, path
    assert pack.fields["project.name"].max_chars == 200
    assert pack.fields["leader.name"].max_chars == 50
    assert pack.fields["project.summary"].max_chars == 3000
    assert pack.tables["members"].max_rows == 20  # above the rules' 5: a team of six is stored
    assert pack.tables["payments"].max_rows == 100
    assert pack.limits.max_attachments == 100
    assert pack.limits.max_title_chars == 500


def test_the_limits_fit_the_hardened_reader(pack):
    assert limits.reader_problems(pack) == []
    assert limits.max_field_rows(pack) <= DEFAULT_LIMITS.max_fields
    assert limits.max_value_bytes(pack) <= DEFAULT_LIMITS.max_text_bytes
    assert pack.limits.max_attachments <= DEFAULT_LIMITS.max_attachments


def test_the_reader_check_notices_a_pack_that_outgrows_the_reader(pack):
    tables = {k: t.model_copy(update={"max_rows": 10_000}) for k, t in pack.tables.items()}
    grown = pack.model_copy(
        update={"tables": tables, "limits": pack.limits.model_copy(update={"max_attachments": 501})}
    )
    problems = limits.reader_problems(grown)
    assert any("field rows" in p for p in problems) and any("attachments" in p for p in problems)


def test_an_extending_pack_inherits_the_limits():
    from forms.pack import load_pack_dir
    from tests.pack_writer import PACK_2025

    later = load_pack_dir(PACK_2025)
    assert later.fields["project.name"].max_chars == 200
    assert later.limits.max_attachments == 100


# ------------------------------------------------------------------ the contract (JSON) check


def _refused(data, code, *needles):
    with pytest.raises(LimitError) as caught:
        parse_application(data)
    assert caught.value.code == code
    for needle in needles:
        assert needle in caught.value.zh and needle in caught.value.en
    return caught.value


def test_a_2000_character_project_name_is_refused_with_the_limit():
    data = sample("tech_vp")
    data["project"]["name"] = "项" * 2000
    err = _refused(data, "value.too_long", "project.name", "200", "2000")
    assert err.path == "project.name" and err.limit == 200


def test_5000_combining_marks_in_a_name_are_refused():
    data = sample("tech_vp")
    data["leader"]["name"] = "e" + "\u0301" * 5000
    _refused(data, "value.too_long", "leader.name", "50")


def test_a_3000_digit_amount_is_refused_by_the_contract_and_a_field_error_in_the_checks(pack):
    data = sample("tech_vp")
    data["contract"]["amount_wan"] = "1" * 3000
    _refused(data, "value.too_long", "contract.amount_wan", "32")
    issues = errors(check(data, pack))
    assert [(i.field, i.code) for i in issues] == [("contract.amount_wan", "length.max")]
    assert "32" in issues[0].message


@pytest.mark.parametrize(
    "amount",
    ["1" * 3000, 10**5000, 1e308, "9" * 10, -(10**40)],
    ids=["3000-digits", "5000-digit-int", "1e308", "10-digits", "negative"],
)
def test_money_parsing_never_raises(amount):
    assert parse_money(amount) is None


@pytest.mark.parametrize(
    ("table", "count", "code"),
    [
        ("payments", 9999, "value.too_many_rows"),
        ("members", 5000, "value.too_many_rows"),
        ("attachments", 501, "value.too_many_attachments"),
    ],
)
def test_counts_from_the_issue_are_refused(table, count, code):
    data = sample("tech_vp")
    data[table] = [{"title": "x"} if table == "attachments" else {} for _ in range(count)]
    limit = {"payments": "100", "members": "20", "attachments": "100"}[table]
    _refused(data, code, limit, str(count))


def test_two_million_empty_members_are_refused_before_any_row_is_looked_at(monkeypatch):
    data = {"members": [{}] * 2_000_000}
    built: list[object] = []  # pydantic would build a model per row: the count is checked first
    monkeypatch.setattr(Application, "model_validate", classmethod(lambda cls, value: built.append(value)))
    _refused(data, "value.too_many_rows", "20")
    assert built == []


def test_an_attachment_title_beyond_the_limit_is_refused():
    data = sample("tech_vp")
    data["attachments"] = [{"kind": "other", "title": "题" * 500}]
    parse_application(data)
    data["attachments"][0]["title"] += "题"
    _refused(data, "value.too_long", "attachments.0.title", "500", "501")


def test_a_team_of_six_is_storable_and_judged_by_the_rules(pack):
    data = sample("tech_vp")
    data["members"] = [dict(data["members"][0]) for _ in range(6)]
    parse_application(data)
    assert "team.size" in {i.code for i in errors(check(data, pack))}


@pytest.mark.parametrize("text", ["\ud800", "名\x00字", "a\x1bb", "\ufffe", "\x85"])
def test_unstorable_characters_are_refused(text):
    data = sample("tech_vp")
    data["leader"]["name"] = text
    _refused(data, "value.bad_char", "leader.name", "U+")


def test_tabs_and_line_breaks_are_storable_but_a_one_line_field_reports_them(pack):
    data = sample("tech_vp")
    data["project"]["summary"] = "第一段\r\n\t第二段"
    data["project"]["name"] = "上半\n下半"
    parse_application(data)
    assert [(i.field, i.code) for i in errors(check(data, pack))] == [("project.name", "text.line_break")]


def test_the_largest_valid_application_passes_the_contract_and_the_checks(pack):
    for category in ("tech_vp", "conference", "tech_trade"):
        data = at_limits(category, pack)
        parse_application(data)
        assert errors(check(data, pack)) == []


def test_one_more_character_anywhere_is_refused(pack):
    data = at_limits("tech_vp", pack, valid=False)
    parse_application(data)
    for path in ("project.name", "leader.name", "project.kpis", "contract.registration_no"):
        bigger = at_limits("tech_vp", pack, valid=False)
        head, last = path.rsplit(".", 1)
        bigger[head][last] += "国"
        _refused(bigger, "value.too_long", path)


# ------------------------------------------------------------------ the draft API


@pytest.fixture
def draft(tmp_path):
    with Draft.create(tmp_path / "d.cxy", pack="jiangsu-cxy-2023", category="tech_vp") as opened:
        yield opened


def test_draft_set_refuses_a_2000_character_name_with_the_limit(draft):
    with pytest.raises(DraftError) as caught:
        draft.set("project.name", "项" * 2000)
    assert caught.value.code == "draft.too_large"
    assert "200" in caught.value.zh and "200" in caught.value.en
    assert caught.value.path == "project.name" and caught.value.limit == 200
    assert draft.get("project.name") is None
    draft.set("project.name", "项" * 200)
    assert draft.get("project.name") == "项" * 200


def test_draft_set_refuses_a_lone_surrogate_as_a_value_error(draft):
    with pytest.raises(DraftError) as caught:
        draft.set("leader.name", "\ud800")
    assert caught.value.code == "draft.invalid_value"
    with pytest.raises(DraftError) as caught:
        draft.set("leader.name", "李\x00")
    assert caught.value.code == "draft.invalid_value" and "U+0000" in caught.value.zh


def test_draft_set_refuses_a_row_beyond_the_table(draft):
    draft.set("members.19.name", "第二十人")
    with pytest.raises(DraftError) as caught:
        draft.set("members.20.name", "第二十一人")
    assert caught.value.code == "draft.too_large" and "20" in caught.value.en
    with pytest.raises(DraftError):
        draft.set("payments.9998.amount_wan", "1")


def test_draft_replace_data_refuses_5000_members(draft):
    data = sample("tech_vp")
    data["members"] = [{"name": f"成员{i}"} for i in range(5000)]
    with pytest.raises(DraftError) as caught:
        draft.replace_data(data)
    assert caught.value.code == "draft.too_large" and "20" in caught.value.zh


def test_attachment_count_check_for_the_adders(pack):
    from forms.draft import values

    limits.check_attachment_count(99, pack)
    with pytest.raises(LimitError) as caught:
        limits.check_attachment_count(100, pack)
    assert caught.value.code == "value.too_many_attachments" and "100" in caught.value.zh
    values.check_attachment_count(98, adding=2)
    with pytest.raises(DraftError) as caught:
        values.check_attachment_count(100)
    assert caught.value.code == "draft.too_large" and "100" in caught.value.en
    assert caught.value.path == "attachments" and caught.value.limit == 100


def test_check_messages_quote_huge_values_briefly(pack):
    data = sample("tech_vp")
    data["tech_vp"]["cohort_year"] = 10**5000
    data["enterprise"]["city"] = "市" * 3000
    messages = [i.message for i in check(data, pack)]
    assert all(len(m) < 400 for m in messages)
