"""T8: every shipped draft version opens forever; migrations are atomic; newer files are refused."""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest
from draft_helpers import PACK

from forms.draft import Draft, DraftError, schema

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEXT = schema.SCHEMA_VERSION + 1  # a version the tests pretend exists

V1_SCHEMA = {
    ("table", "meta", "meta", "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)"),
    ("index", "sqlite_autoindex_meta_1", "meta", None),
    ("table", "fields", "fields", "CREATE TABLE fields(path TEXT PRIMARY KEY, value TEXT NOT NULL)"),
    ("index", "sqlite_autoindex_fields_1", "fields", None),
    (
        "table",
        "attachments",
        "attachments",
        "CREATE TABLE attachments(id INTEGER PRIMARY KEY, position INTEGER, kind TEXT, title TEXT, original_name TEXT, "
        "source_format TEXT, pages INTEGER, sha256 TEXT, pdf BLOB, added TEXT)",
    ),
}


@pytest.fixture
def v1_copy(tmp_path) -> Path:
    dest = tmp_path / "old" / "v1.cxy"
    dest.parent.mkdir()
    shutil.copyfile(FIXTURES / "v1.cxy", dest)
    return dest


def _expected() -> dict:
    return json.loads((FIXTURES / "v1.json").read_text(encoding="utf-8"))


def _check_v1_content(draft: Draft, *, imported: bool = False) -> None:
    want = _expected()
    assert draft.data() == want["data"]
    assert draft.data()["members"][1] == {}  # an empty row in the middle keeps its place
    assert draft.meta()["source_created" if imported else "created"] == want["meta"]["created"]
    got = [
        {
            "kind": a.kind,
            "title": a.title,
            "original_name": a.original_name,
            "source_format": a.source_format,
            "pages": a.pages,
            "sha256": a.sha256,
            "size": a.size,
        }
        for a in draft.attachments()
    ]
    assert got == want["attachments"]
    for att in draft.attachments():
        assert draft.attachment_pdf(att.id).startswith(b"%PDF")


def test_the_v1_fixture_opens_forever(v1_copy):
    with Draft.open(v1_copy) as draft:
        _check_v1_content(draft)
        draft.set("project.name", "still editable")


def test_the_v1_fixture_imports_forever(tmp_path):
    with Draft.import_foreign(FIXTURES / "v1.cxy", tmp_path / "mine.cxy") as draft:
        _check_v1_content(draft, imported=True)


def test_schema_v1_text_is_frozen():
    """Shipped drafts contain this exact text; the loader compares it character for character."""
    assert schema.expected_schema(1) == V1_SCHEMA
    assert schema.APPLICATION_ID == 0x43585941


@pytest.fixture
def version_2(monkeypatch):
    """Pretend the app has moved on one schema version beyond today's (adds an index)."""
    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(
        schema.MIGRATIONS,
        NEXT - 1,
        lambda con: con.execute("CREATE INDEX attachments_by_position ON attachments(position)"),
    )


def _version_and_indexes(path: Path) -> tuple[int, set[str]]:
    con = sqlite3.connect(path)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        names = {
            row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        }
        return version, names
    finally:
        con.close()


def test_open_migrates_an_older_draft(version_2, v1_copy):
    with Draft.open(v1_copy) as draft:
        _check_v1_content(draft)
    assert _version_and_indexes(v1_copy) == (NEXT, {"attachments_by_position"})
    with Draft.open(v1_copy) as draft:  # and opens again as a current draft
        _check_v1_content(draft)


def test_import_migrates_a_received_older_draft_without_touching_it(version_2, v1_copy, tmp_path):
    before = v1_copy.read_bytes()
    with Draft.import_foreign(v1_copy, tmp_path / "mine.cxy") as draft:
        _check_v1_content(draft, imported=True)
    assert v1_copy.read_bytes() == before
    assert _version_and_indexes(tmp_path / "mine.cxy") == (NEXT, {"attachments_by_position"})


def test_new_drafts_and_migrated_drafts_have_the_same_schema(version_2, tmp_path):
    with Draft.create(tmp_path / "new.cxy", pack=PACK, category=None):
        pass
    assert _version_and_indexes(tmp_path / "new.cxy") == (NEXT, {"attachments_by_position"})


def test_a_failing_migration_leaves_the_file_as_it_was(monkeypatch, v1_copy):
    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)

    def half_done(con):
        con.execute("CREATE INDEX half ON attachments(position)")
        raise RuntimeError("bug in migration")

    monkeypatch.setitem(schema.MIGRATIONS, NEXT - 1, half_done)
    before = v1_copy.read_bytes()
    with pytest.raises(DraftError) as err:
        Draft.open(v1_copy)
    assert err.value.code == "draft.schema"
    assert v1_copy.read_bytes() == before
    assert not Path(f"{v1_copy}-journal").exists()
    monkeypatch.undo()
    with Draft.open(v1_copy) as draft:
        _check_v1_content(draft)


def test_a_version_without_a_migration_path_is_refused(monkeypatch, v1_copy):
    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT + 1)  # no migration to it registered
    with pytest.raises(DraftError) as err:
        Draft.open(v1_copy)
    assert err.value.code == "draft.schema"


@pytest.mark.parametrize(
    ("patch", "code"),
    [
        (lambda b: b[:60] + struct.pack(">i", NEXT) + b[64:], "draft.newer_version"),
        (lambda b: b[:68] + struct.pack(">I", 0x12345678) + b[72:], "draft.wrong_app"),
        (lambda b: b[: len(b) // 2], "draft.truncated"),
        (lambda b: b"", "draft.truncated"),
        (lambda b: b"PK\x03\x04" + b[4:], "draft.not_sqlite"),
    ],
    ids=["newer", "wrong_app", "half", "empty", "zip"],
)
def test_open_refuses_what_it_cannot_read(v1_copy, patch, code):
    v1_copy.write_bytes(patch(v1_copy.read_bytes()))
    with pytest.raises(DraftError) as err:
        Draft.open(v1_copy)
    assert err.value.code == code
    if code == "draft.newer_version":
        assert err.value.zh == "此草稿由更新版本的申报助手创建，请升级后再打开。"


def test_an_older_draft_read_only_is_not_upgraded_and_the_cli_still_reads_it(version_2, v1_copy):
    from forms.cli_common import application_of

    before = v1_copy.read_bytes()
    with pytest.raises(DraftError) as err:
        Draft.open(v1_copy, readonly=True)
    assert err.value.code == "draft.needs_upgrade"
    assert application_of(v1_copy) == _expected()["data"]  # upgraded on a private copy
    assert v1_copy.read_bytes() == before
