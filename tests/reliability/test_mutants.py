"""Received drafts are hostile: whatever is done to the file, import refuses it with a DraftError
(or imports it) — never another exception, never a hang."""

from __future__ import annotations

import pytest

from .common import setting
from .mutants import run_each_sql_mutation, run_mutants

SCHEMA_ATTACKS = (
    "view-recursive-cte",
    "view-zeroblob",
    "extra-view",
    "trigger",
    "expression-index",
    "plain-index",
    "extra-table",
    "extra-column",
    "renamed-table",
    "dropped-table",
)


def test_every_crafted_draft_is_refused_or_imported_cleanly(tmp_path):
    outcomes = run_each_sql_mutation(tmp_path)
    bugs = {name: outcome for name, outcome in outcomes.items() if outcome.startswith("BUG")}
    assert bugs == {}
    for name in SCHEMA_ATTACKS:
        code, _, _seconds = outcomes[name].partition(" (")
        assert code == "draft.schema", (name, outcomes[name])  # refused by the schema check, before any query
    for name in (
        "attachment-sha-mismatch",
        "attachment-altered",
        "attachment-not-pdf",
        "unknown-path",
        "json-deep",
        "oversized-value",
        "user-version-newer",
        "application-id",
    ):
        assert not outcomes[name].startswith("imported"), (name, outcomes[name])


@pytest.mark.slow
def test_mutated_drafts_only_ever_raise_drafterror(tmp_path):
    count = setting("CXY_MUTANTS")
    report = run_mutants(count, tmp_path, seed=setting("CXY_SEED"))
    print(report.line())
    assert report.mutants == count
    assert report.bugs == []
    # time per mutant is a figure (`python -m tests.reliability mutants` fails over TIME_LIMIT_S), not asserted here
    assert sum(report.refused.values()) > count // 2  # the mutations really do damage
