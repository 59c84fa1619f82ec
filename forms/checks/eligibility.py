"""The notice's eligibility rules (notice-2023.md §4–5), with the notice's rule ids as codes.

Every number, date and operator comes from the pack; this module knows only the *shape* of the
rules, so a new year is a new pack file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .. import derive, formats
from ..pack import LENGTH_RULES, Category, DateRule, FieldSpec, Pack
from ..text import Text, printable
from .fields import required_message, rows
from .issue import Collector


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _text(data: dict[str, Any], path: str) -> str:
    value = _get(data, path)
    return value.strip() if isinstance(value, str) else ""


def _d(day: dt.date) -> str:
    return day.isoformat()


def check_eligibility(data: dict[str, Any], pack: Pack, out: Collector) -> None:
    category = pack.category(data.get("category"))
    lang = out.lang
    if category is None:
        names = Text.listing([c.subtitle.get(lang) for c in pack.categories]).get(lang)
        named = data.get("category")
        if isinstance(named, str) and named.strip():  # chosen under another pack (or someone else's file)
            shown = printable(named)
            out.error("category", "category_unknown", value=shown, pack=pack.id, options=names)
        else:
            out.error("category", "category", options=names)
    _general(data, pack, out)
    _team(data, pack, category, out)
    _content(data, pack, out)
    _payments(data, pack, out)
    if category is not None:
        _own_fields(data, pack, category, out)
        _contract_dates(data, pack, category, out)
        _min_paid(data, category, out)
        _leader(data, category, out)


def _general(data: dict[str, Any], pack: Pack, out: Collector) -> None:
    lang = out.lang
    ctype = _get(data, "contract.type")
    if ctype in (None, ""):
        out.error(
            "contract.type",
            "G1",
            required_message(pack.fields["contract.type"]),
            label=pack.fields["contract.type"].label(lang),
        )
    regno = _text(data, "contract.registration_no")
    if not regno:
        out.error("contract.registration_no", "G2")
    else:
        limits = pack.rules.registration_no
        if not (regno.isdigit() and limits.min_digits <= len(regno) <= limits.max_digits):
            label = pack.fields["contract.registration_no"].label(lang)
            out.warning(
                "contract.registration_no", "format.regno", label=label, min=limits.min_digits, max=limits.max_digits
            )
    for decl in pack.declarations:
        if _get(data, f"declarations.{decl.key}") is not True:
            out.error(
                f"declarations.{decl.key}",
                decl.rule,
                "declaration",
                text=decl.get(lang),
                rule=decl.rule,
            )
    if pack.rules.alliance_filing_required:
        out.warning("", "G9")


def _team(data: dict[str, Any], pack: Pack, category: Category | None, out: Collector) -> None:
    team = pack.rules.team
    members = [m for m in rows(data, "members") if any(v not in (None, "", False) for v in m.values())]
    count = len(members)
    if not team.min_members <= count <= team.max_members:
        out.error("members", "team.size", min=team.min_members, max=team.max_members, count=count)
    staff = sum(1 for m in members if m.get("is_enterprise") is True)
    if count and not team.min_enterprise <= staff <= team.max_enterprise:
        out.error("members", "team.enterprise", min=team.min_enterprise, max=team.max_enterprise, count=staff)
    if category is None:
        return
    leader_unit = _text(data, "leader.unit")
    enterprise = _text(data, "enterprise.name")
    for index, member in enumerate(rows(data, "members")):
        unit = v.strip() if isinstance(v := member.get("unit"), str) else ""
        if unit and leader_unit and enterprise and unit not in (leader_unit, enterprise):
            out.warning(
                f"members.{index}.unit",
                category.member_rule,
                "member_unit",
                value=unit,
                leader_unit=leader_unit,
                enterprise=enterprise,
            )


def _content(data: dict[str, Any], pack: Pack, out: Collector) -> None:
    for path, key in LENGTH_RULES.items():
        limit = getattr(pack.rules, key)
        text = _get(data, path)
        if not isinstance(text, str):
            continue
        count = formats.count_chars(text, limit.counting)
        if count > limit.max_chars:
            out.add(
                path,
                limit.severity,
                f"length.{key}",
                f"length.{key}",
                max=limit.max_chars,
                count=count,
                over=count - limit.max_chars,
            )


def paid_total(data: dict[str, Any]) -> Decimal:
    """到账金额: the sum of the payments that parse (the others are reported as format errors)."""
    return derive.paid_total(data) or Decimal(0)


def _payments(data: dict[str, Any], pack: Pack, out: Collector) -> None:
    start = formats.parse_date(_get(data, "contract.start"))
    enterprise = _text(data, "enterprise.name")
    university = _text(data, "university.name")
    policy = pack.rules.payment_after_start
    for index, payment in enumerate(rows(data, "payments")):
        day = formats.parse_date(payment.get("date"))
        if policy != "off" and day and start and day < start:
            out.add(f"payments.{index}.date", policy, "U2", "payment_before_start", value=_d(day), start=_d(start))
        payer = v.strip() if isinstance(v := payment.get("payer"), str) else ""
        if payer and enterprise and payer != enterprise:
            out.warning(f"payments.{index}.payer", "U2", "payer", value=payer, expected=enterprise)
        payee = v.strip() if isinstance(v := payment.get("payee"), str) else ""
        if payee and university and payee != university:
            out.warning(f"payments.{index}.payee", "U2", "payee", value=payee, expected=university)
    amount = formats.parse_money(_get(data, "contract.amount_wan"))
    total = paid_total(data)
    if amount is not None and total > amount:
        out.warning("payments", "U3", "paid_over_contract", value=total, expected=amount)


def _own_fields(data: dict[str, Any], pack: Pack, category: Category, out: Collector) -> None:
    """The category's own fields, as the pack declares them: an empty required one, or a value
    that is not one of its options, is reported with the field's rule id (K1, D1, T1 …)."""
    lang = out.lang
    for path, spec in pack.own_fields(category.id).items():
        value = _get(data, path)
        label = spec.label(lang)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                out.error(path, spec.rule or "required", required_message(spec), label=label)
            continue
        if spec.range is not None:
            _in_range(path, value, spec, out)
        if spec.choices is None:
            continue
        options = pack.choice_labels(spec.choices, lang, category.id)
        if option_key(value) not in options:
            out.error(
                path,
                spec.rule or "format.choice",
                "format.year" if spec.kind == "year" else "format.choice",
                label=label,
                value=value,
                options=Text.listing(list(options.values())).get(lang),
            )


def _in_range(path: str, value: Any, spec: FieldSpec, out: Collector) -> None:
    assert spec.range is not None
    low, high = spec.range
    number = formats.parse_money(value)
    if number is None and spec.kind == "money":
        return  # reported as format.money by the field checks
    if number is None or not low <= number <= high:
        out.error(
            path,
            spec.rule or "format.range",
            "format.range",
            label=spec.label(out.lang),
            low=low,
            high=high,
            value=value,
        )


def option_key(value: Any) -> str | None:
    """The option a stored value chooses: text as typed (trimmed), a whole number as its digits
    (a year arrives as 2023 or "2023"); anything else chooses none."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= 64:
        return str(value)  # never the decimal text of a huge number (Python refuses beyond 4300 digits)
    return None


def _contract_dates(data: dict[str, Any], pack: Pack, category: Category, out: Collector) -> None:
    start = formats.parse_date(_get(data, "contract.start"))
    end = formats.parse_date(_get(data, "contract.end"))
    if start:
        _date_rule("contract.start", start, category.start, "start", pack, out)
    if end:
        _date_rule("contract.end", end, category.end, "end", pack, out)
    if start and end and end <= start:
        out.error("contract.end", "format.date", "format.date_order", start=_d(start), end=_d(end))


def _date_rule(field: str, day: dt.date, rule: DateRule, which: str, pack: Pack, out: Collector) -> None:
    if rule.after is not None:
        bound = rule.after
        if day < bound or (day == bound and rule.after_op == ">" and pack.rules.boundary_day == "error"):
            out.error(field, rule.rule, f"{which}_after", bound=_d(bound), value=_d(day))
        elif day == bound and rule.after_op == ">":
            out.warning(field, rule.rule, f"{which}_after_boundary", bound=_d(bound), value=_d(day))
    low, high = rule.from_, rule.to
    if (low is not None or high is not None) and ((low and day < low) or (high and day > high)):
        out.error(
            field,
            rule.rule,
            f"{which}_window",
            low=_d(low) if low else "…",
            high=_d(high) if high else "…",
            value=_d(day),
        )


def _min_paid(data: dict[str, Any], category: Category, out: Collector) -> None:
    city = _text(data, "enterprise.city")
    minimum = category.min_paid_for(city)
    total = paid_total(data)
    if total < minimum:
        region = ""
        if minimum != category.min_paid.wan:
            region = Text(f"（{city}）", f" ({city})").get(out.lang)
        out.error(
            "payments",
            category.min_paid.rule,
            "min_paid",
            minimum=minimum,
            region=region,
            value=total,
            missing=minimum - total,
        )


def _leader(data: dict[str, Any], category: Category, out: Collector) -> None:
    unit = _text(data, "leader.unit")
    university = _text(data, "university.name")
    if unit and university and unit != university:
        rule = category.leader_rule
        out.warning(
            "leader.unit",
            rule.id,
            "leader_unit",
            rule_text=rule.get(out.lang),
            value=unit,
            expected=university,
        )
