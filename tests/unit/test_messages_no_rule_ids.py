"""The notice's rule ids (G3, K5, D6 …) are the issues' codes, for --json and the Issue's data;
the sentences a person reads (UI, `cxy validate` text, PDF notes) never show them. A drop-down
that was left empty asks to be chosen (请选择), not typed."""

from __future__ import annotations

import json
import re
import string

import pytest

from forms.checks import check
from forms.checks.messages import catalogue, say
from forms.cli import main
from forms.samples import sample

CATEGORIES = ["tech_vp", "conference", "tech_trade"]
# "(G3)", "（K5）" or a bare "G3" / "D6": one or two capitals and a one- or two-digit number.
RULE_ID = re.compile(r"(?<![A-Za-z0-9+])[A-Z]{1,2}[0-9]{1,2}(?![A-Za-z0-9])")


def rule_ids_in(text: str) -> list[str]:
    return RULE_ID.findall(text)


def test_the_pattern_finds_rule_ids():
    assert rule_ids_in("请确认：项目负责人无未结题项目（G3）") == ["G3"]
    assert rule_ids_in("Please confirm: no open project (K5)") == ["K5"]
    assert rule_ids_in("“统一社会信用代码”应为18位，含 U+0000，例如 025-83363139") == []


def test_rule_ids_are_told_from_other_codes(pack):
    from forms.checks.issue import is_rule_id

    rules = {d.rule for d in pack.declarations}
    for category in pack.categories:
        rules |= {category.leader_rule.id, category.member_rule, category.start.rule if category.start else "G1"}
    assert rules and all(is_rule_id(rule) for rule in rules), rules
    for code in (
        "required",
        "format.date",
        "attachment.damaged",
        "attachments.required",
        "team.size",
        "pack",
        "cohort",
        "font.unprintable",
    ):
        assert not is_rule_id(code)


def placeholder_values(pack, lang: str):
    """What the checks put into the messages, with the values that would carry a rule id: each
    declaration's rule and text, each category's leader rule."""
    for category, declaration in zip(pack.categories, pack.declarations * len(pack.categories)):
        yield {
            "rule": declaration.rule,
            "rule_text": category.leader_rule.get(lang),
            "text": declaration.get(lang),
        }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_catalogue_message_shows_a_rule_id(lang, pack):
    for known in placeholder_values(pack, lang):
        for key, entry in catalogue().items():
            names = {name for _, name, _, _ in string.Formatter().parse(entry.get(lang)) if name}
            values = {name: known.get(name, "值" if lang == "zh" else "value") for name in names}
            message = say(key, lang, **values)
            assert rule_ids_in(message) == [], f"{key} ({lang}): {message}"


def broken(category: str) -> dict:
    """A sample with every rule broken that its category has: empty required fields and
    drop-downs, unticked declarations, dates outside the window, too little paid."""
    data = sample(category)
    data["contract"].pop("type", None)
    data["contract"].pop("registration_no", None)
    data["contract"]["start"] = "2020-01-01"
    data["enterprise"]["city"] = "上海市"
    data["declarations"] = {}
    data["payments"] = [dict(data["payments"][0], amount_wan="1", payer="别的公司", payee="别的大学")]
    data["leader"]["unit"] = "另一所大学"
    for block in ("tech_vp", "conference", "tech_trade"):
        data.pop(block, None)
    return data


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_messages_of_real_issues_show_no_rule_id_but_the_codes_keep_it(category, lang, pack):
    issues = check(broken(category), pack, lang)
    for issue in issues:
        assert rule_ids_in(issue.message) == [], f"{issue.code}: {issue.message}"
    codes = {issue.code for issue in issues}
    assert {"G1", "G2", "G3", "G4", "G7", "G8"} <= codes  # the data keeps the ids
    assert any(rule_ids_in(code) for code in codes - {"G1", "G2", "G3", "G4", "G7", "G8"})  # and the category's


def test_declaration_message_is_the_declaration_alone(pack):
    data = sample("tech_vp")
    data["declarations"].pop(pack.declarations[0].key)
    (issue,) = [i for i in check(data, pack, "zh") if i.severity == "error"]
    assert issue.code == pack.declarations[0].rule
    assert issue.message == f"请确认：{pack.declarations[0].zh}"


def run(capsys, *argv):
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_text_output_has_no_rule_ids_but_json_has_them(lang, tmp_path, capsys):
    data = broken("tech_vp")
    data["leader"]["email"] = "not-an-address"
    source = tmp_path / "broken.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, text = run(capsys, "--lang", lang, "validate", str(source))
    assert code == 1
    assert rule_ids_in(text.replace(str(source), "")) == [], text
    assert ("请确认" if lang == "zh" else "Please confirm") in text
    assert "format.email leader.email" in text  # codes that are not rule ids stay, for scripts
    code, out = run(capsys, "--lang", lang, "validate", str(source), "--json")
    assert {"G3", "K5"} <= {issue["code"] for issue in json.loads(out)["issues"]}


@pytest.mark.parametrize(
    ("lang", "wanted"),
    [("zh", "请选择“五技合同类型”。"), ("en", "Please choose “Contract type (five technology contracts)”.")],
)
def test_an_empty_drop_down_asks_to_choose(lang, wanted, pack):
    data = sample("tech_vp")
    data["contract"].pop("type")
    data["enterprise"].pop("city")
    issues = {i.field: i for i in check(data, pack, lang)}
    assert issues["contract.type"].message == wanted
    assert issues["contract.type"].code == "G1"
    city = issues["enterprise.city"].message
    assert city.startswith("请选择“") if lang == "zh" else city.startswith("Please choose “")
    data["project"].pop("name")  # a typed field still asks to be filled in
    typed = next(i for i in check(data, pack, lang) if i.field == "project.name").message
    assert typed.startswith("请填写“") if lang == "zh" else typed.startswith("Please fill in “")
