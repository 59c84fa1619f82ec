"""The schema v2 migration: a v1 draft opens, gains the workflow tables in place, keeps its content."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from forms.draft import Draft, DraftError, schema

V1 = Path(__file__).resolve().parents[1] / "draft" / "fixtures" / "v1.cxy"


def _tables(path: Path) -> tuple[int, set[str]]:
    con = sqlite3.connect(path)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        return version, {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        con.close()


def test_a_v1_draft_migrates_to_v2_in_place_when_opened_for_writing(tmp_path):
    path = tmp_path / "v1.cxy"
    shutil.copyfile(V1, path)
    with pytest.raises(DraftError) as err:  # read-only: the file is not touched
        Draft.open(path, readonly=True)
    assert err.value.code == "draft.needs_upgrade" and _tables(path)[0] == 1
    with Draft.open(path) as draft:
        data = draft.data()
        assert draft.history() == [] and draft.role is None and not draft.final
    assert _tables(path) == (
        schema.SCHEMA_VERSION,
        {
            "meta",
            "fields",
            "attachments",
            "history",
            "handoff_base",
            "attachment_sources",
            "undo_journal",
            "undo_blobs",
        },
    )
    with Draft.open(path, readonly=True) as draft:
        assert draft.data() == data


def test_the_v2_schema_is_exactly_v1_plus_the_workflow_tables():
    assert schema.SCHEMA_VERSION >= 2
    v2 = {row[1] for row in schema.expected_schema(2)}
    assert v2 - {row[1] for row in schema.expected_schema(1)} == {
        "history",
        "handoff_base",
        "sqlite_autoindex_handoff_base_1",
        "attachment_sources",
        "sqlite_autoindex_attachment_sources_1",
    }
