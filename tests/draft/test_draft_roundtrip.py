"""T8: contract JSON → draft → JSON changes nothing (beyond "empty is not stored"), also across
close/reopen and across send-a-copy + import."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from draft_helpers import PACK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import model
from forms.draft import Draft, DraftError, values

EXAMPLES = int(os.environ.get("CXY_DRAFT_EXAMPLES", "200"))

cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30)
# Storable text (the pack's limits refuse control characters other than tab and line breaks, and
# lone surrogates); the shortest text field holds 32 characters.
storable = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.sampled_from(
    "\t\n\r"
)
texts = st.one_of(
    st.just(""),
    cjk,
    st.text(alphabet=storable, max_size=32),  # any storable Unicode incl. quotes, backslashes
    st.sampled_from(["0", "30.5", "0030", "1e3", "true", "null", "[]", '"', "\\", " "]),
)
long_texts = texts | st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=280, max_size=320
)
numeric_strings = st.from_regex(r"-?[0-9]{1,7}(\.[0-9]{1,4})?", fullmatch=True)
numbers = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    numeric_strings,
    st.just(""),
)
maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731


def obj(**fields):
    return st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in fields.items()})


contact = obj(name=texts, phone=texts)
application = st.fixed_dictionaries(
    {"pack": st.just(PACK)},
    optional={
        "category": st.sampled_from(["tech_vp", "conference", "tech_trade", ""]),
        "project": obj(name=texts, summary=long_texts, kpis=long_texts),
        "tech_vp": obj(cohort_year=numbers),
        "conference": obj(filing_no=texts),
        "tech_trade": obj(event=texts, trade_no=texts),
        "contract": obj(type=texts, name=texts, registration_no=texts, start=texts, end=texts, amount_wan=numbers),
        "payments": st.lists(obj(amount_wan=numbers, date=texts, payer=texts, payee=texts), max_size=6),
        "university": obj(name=texts, uscc=texts, contact=contact),
        "enterprise": obj(name=texts, uscc=texts, city=texts, county=texts, contact=contact),
        "leader": obj(name=texts, unit=texts, title=texts, phone=texts, email=texts),
        "members": st.lists(
            obj(name=texts, unit=texts, major=texts, field=texts, title=texts, is_enterprise=st.booleans()),
            max_size=12,
        ),
        "declarations": obj(
            no_unclosed_project=st.booleans(), no_other_plan_issue=st.booleans(), no_serious_dishonesty=st.booleans()
        ),
        "letters": obj(leader=obj(signer=texts), unit=obj(unit_name=texts), authority=obj(name=texts)),
        "routing": obj(local_bureau=texts, city_bureau=texts),
    },
)


def expected(app: dict) -> dict:
    """What a draft can give back: everything filled, list positions kept."""
    return model.normalise(app)


COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "database": None,
}


def test_replace_data_then_data_gives_the_same_json():
    with tempfile.TemporaryDirectory() as tmp, Draft.create(Path(tmp) / "d.cxy", pack=PACK, category=None) as draft:

        @settings(max_examples=EXAMPLES, **COMMON)
        @given(application)
        def check(app):
            draft.replace_data(app)
            assert draft.data() == expected(app)

        check()


edits = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "project.name",
                "contract.amount_wan",
                "members.0.name",
                "members.2.is_enterprise",
                "payments.1.amount_wan",
                "leader.email",
                "declarations.no_other_plan_issue",
            ]
        ),
        st.one_of(st.none(), texts, numeric_strings, st.integers(0, 10**6), st.booleans()),
    ),
    max_size=8,
)


@settings(max_examples=max(EXAMPLES // 6, 20), **COMMON)
@given(application, edits, st.integers(0, 3))
def test_edits_survive_reopen_send_and_import(app, changes, removed):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flat = model.flatten(model.normalise(app))
        with Draft.create(folder / "d.cxy", pack=PACK, category=None) as draft:
            draft.replace_data(app)
            for path, value in changes:
                try:
                    draft.set(path, value)
                except DraftError:
                    flat_ok = False  # the type does not fit the field: refused, nothing stored
                else:
                    flat_ok = True
                if flat_ok:
                    flat.pop(path, None)
                    if value is not None and value != "":
                        value = values.stored_form(path, value)  # as typed → as stored (forms.typed)
                    if value is not None and value != "":
                        flat[path] = value
            draft.remove_list_item("members", removed)
        flat = _remove_item(flat, "members", removed)
        want = {"pack": PACK, **({"category": app["category"]} if app.get("category") else {}), **model.unflatten(flat)}
        with Draft.open(folder / "d.cxy") as draft:
            assert draft.data() == want
            draft.send_copy(folder / "sent.cxy")
        with Draft.import_foreign(folder / "sent.cxy", folder / "received.cxy") as received:
            assert received.data() == want


def _remove_item(flat: dict, name: str, index: int) -> dict:
    out = {}
    for path, value in flat.items():
        parts = path.split(".")
        if parts[0] == name:
            position = int(parts[1])
            if position == index:
                continue
            if position > index:
                parts[1] = str(position - 1)
        out[".".join(parts)] = value
    return out
