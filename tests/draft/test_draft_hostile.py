"""Received drafts are hostile input (research/reliability.md §1.4, T7): every crafted file is
refused with the right DraftError code, quickly, without touching the original and without
leaving anything behind."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from draft_helpers import PACK, listing, make_draft

from forms.draft import APPLICATION_ID, SCHEMA_VERSION, Draft, DraftError, ForeignLimits
from forms.draft.schema import DDL_V1


def craft(path: Path, statements, *, app_id=APPLICATION_ID, version=1) -> Path:
    """A SQLite file with our magic numbers but whatever schema/rows the attacker chooses."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"PRAGMA application_id={app_id}")
    con.execute(f"PRAGMA user_version={version}")
    for statement in statements:
        con.execute(statement)
    con.close()
    return path


def tamper(path: Path, *statements: str, params=()) -> Path:
    """Change a valid draft with raw SQL, the way another program could."""
    con = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        con.execute(statement, params) if params else con.execute(statement)
    con.close()
    return path


def refused(src: Path, tmp_path: Path, *, damaged_in_place: bool = False, **kwargs) -> DraftError:
    """Import ``src``; assert it is refused cleanly, with the original untouched.
    Opened in place, it is refused the same way — except that a bad attachment blob
    (``damaged_in_place``) marks that attachment only."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    before = src.read_bytes() if src.exists() else None
    with pytest.raises(DraftError) as err:
        Draft.import_foreign(src, out / "imported.cxy", **kwargs)
    assert listing(out) == set(), "temporary files or a partial draft were left behind"
    assert (src.read_bytes() if src.exists() else None) == before, "the received file was modified"
    assert err.value.zh and err.value.en
    if not kwargs and src.exists():
        # Opened where it lies (read-only, as `cxy validate` does): the same checks, the same verdict.
        if damaged_in_place:
            with Draft.open(src, readonly=True) as draft:
                assert [a.damaged for a in draft.attachments()].count(True) == 1
                assert draft.data()["project"]
        else:
            with pytest.raises(DraftError) as in_place:
                Draft.open(src, readonly=True)
            assert in_place.value.code == err.value.code, (in_place.value.code, in_place.value.en)
        assert src.read_bytes() == before, "opening in place modified the received file"
    return err.value


def fresh_sqlite(path: Path) -> Path:
    return craft(path, DDL_V1)


# ------------------------------------------------------------------ not a draft at all


def test_random_bytes(tmp_path):
    src = tmp_path / "random.cxy"
    src.write_bytes(random.Random(1).randbytes(64 * 1024))
    assert refused(src, tmp_path).code == "draft.not_sqlite"


def test_a_pdf_renamed_to_cxy(tmp_path):
    src = tmp_path / "renamed.cxy"
    src.write_bytes(b"%PDF-1.7\n" + b"0" * 5000)
    assert refused(src, tmp_path).code == "draft.not_sqlite"


def test_zero_bytes(tmp_path):
    src = tmp_path / "empty.cxy"
    src.write_bytes(b"")
    assert refused(src, tmp_path).code == "draft.truncated"


@pytest.mark.parametrize("keep", [0.5, 0.9, 100 / 4096, 10 / 4096])
def test_truncated(valid_copy, tmp_path, keep):
    data = valid_copy.read_bytes()
    valid_copy.write_bytes(data[: max(1, int(len(data) * keep))])
    assert refused(valid_copy, tmp_path).code == "draft.truncated"


def test_missing_file_is_io(tmp_path):
    assert refused(tmp_path / "absent.cxy", tmp_path).code == "draft.io"


# ------------------------------------------------------------------ SQLite, but not ours


def test_sqlite_of_another_application(tmp_path):
    assert refused(craft(tmp_path / "other.cxy", DDL_V1, app_id=0), tmp_path).code == "draft.wrong_app"


def test_newer_version(valid_copy, tmp_path):
    tamper(valid_copy, f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    err = refused(valid_copy, tmp_path)
    assert err.code == "draft.newer_version"
    assert err.zh == "此草稿由更新版本的申报助手创建，请升级后再打开。"


def test_version_zero(valid_copy, tmp_path):
    tamper(valid_copy, "PRAGMA user_version=0")
    assert refused(valid_copy, tmp_path).code == "draft.schema"


# ------------------------------------------------------------------ our magic, their schema

ENDLESS_VIEW = (
    "CREATE VIEW fields(path, value) AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
    "SELECT 'project.name', '\"x\"' FROM r"
)
BOMB_VIEW = (
    "CREATE VIEW attachments(id, position, kind, title, original_name, source_format, pages, sha256, pdf, added) "
    "AS SELECT 1, 0, 'contract', 't', 'n', 'pdf', 1, '', zeroblob(1000000000), ''"
)


@pytest.mark.parametrize(
    ("name", "statements"),
    [
        ("endless recursive view instead of fields", [DDL_V1[0], ENDLESS_VIEW, DDL_V1[2]]),
        ("zeroblob(1e9) view instead of attachments", [DDL_V1[0], DDL_V1[1], BOMB_VIEW]),
        ("extra table", [*DDL_V1, "CREATE TABLE extra(x)"]),
        ("missing table", list(DDL_V1[:2])),
        ("column added", [DDL_V1[0], "CREATE TABLE fields(path TEXT PRIMARY KEY, value TEXT NOT NULL, x)", DDL_V1[2]]),
        ("same names, other columns", [DDL_V1[0], "CREATE TABLE fields(path, value)", DDL_V1[2]]),
        ("expression index", [*DDL_V1, "CREATE INDEX i ON fields(length(value) + 1)"]),
        (
            "trigger",
            [*DDL_V1, "CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM fields; END"],
        ),
        (
            "generated column",
            [
                DDL_V1[0],
                "CREATE TABLE fields(path TEXT PRIMARY KEY, value TEXT NOT NULL, g AS (zeroblob(1e9)))",
                DDL_V1[2],
            ],
        ),
    ],
)
def test_foreign_schema_objects(tmp_path, name, statements):
    src = craft(tmp_path / "hostile.cxy", statements)
    assert refused(src, tmp_path).code == "draft.schema", name


def test_extra_trigger_on_a_real_draft(valid_copy, tmp_path):
    tamper(valid_copy, "CREATE TRIGGER t BEFORE DELETE ON fields BEGIN SELECT 1; END")
    assert refused(valid_copy, tmp_path).code == "draft.schema"


def test_extra_view_on_a_real_draft(valid_copy, tmp_path):
    tamper(valid_copy, "CREATE VIEW v AS SELECT * FROM fields")
    assert refused(valid_copy, tmp_path).code == "draft.schema"


def test_hostile_files_also_fail_open(tmp_path):
    """``open`` is meant for our own files, but must not hang on a hostile one either."""
    src = craft(tmp_path / "hostile.cxy", [DDL_V1[0], ENDLESS_VIEW, DDL_V1[2]])
    with pytest.raises(DraftError) as err:
        Draft.open(src)
    assert err.value.code == "draft.schema"  # refused by the schema check, not by a deadline


# ------------------------------------------------------------------ damage


def test_scribbled_page(valid_copy, tmp_path):
    data = bytearray(valid_copy.read_bytes())
    page = 4096
    data[2 * page + 8 : 2 * page + 200] = random.Random(7).randbytes(192)  # inside the fields tree
    valid_copy.write_bytes(bytes(data))
    assert refused(valid_copy, tmp_path).code == "draft.corrupt"


def test_bad_page_size_in_header(valid_copy, tmp_path):
    data = bytearray(valid_copy.read_bytes())
    data[16:18] = b"\x03\x00"
    valid_copy.write_bytes(bytes(data))
    assert refused(valid_copy, tmp_path).code == "draft.corrupt"


# ------------------------------------------------------------------ sizes


def test_file_larger_than_the_limit(valid_copy, tmp_path):
    err = refused(valid_copy, tmp_path, limits=ForeignLimits(max_file_bytes=8 * 1024))
    assert err.code == "draft.too_large"


def test_huge_blob(tmp_path):
    big = tmp_path / "big.cxy"
    with Draft.create(big, pack=PACK, category=None) as draft:
        pdf = b"%PDF-1.4\n" + random.Random(2).randbytes(2 * 1024 * 1024)
        draft.add_attachment(
            kind="contract",
            title="大文件",
            original_name="a.pdf",
            source_format="pdf",
            pages=1,
            sha256=hashlib.sha256(pdf).hexdigest(),
            pdf=pdf,
        )
    err = refused(big, tmp_path, limits=ForeignLimits(max_attachment_bytes=1024 * 1024))
    assert err.code == "draft.too_large"


def test_huge_text_value(valid_copy, tmp_path):
    tamper(valid_copy, "UPDATE fields SET value = ? WHERE path = 'project.name'", params=(json.dumps("字" * 300_000),))
    assert refused(valid_copy, tmp_path, limits=ForeignLimits(max_text_bytes=64 * 1024)).code == "draft.too_large"


def test_too_many_fields(valid_copy, tmp_path):
    assert refused(valid_copy, tmp_path, limits=ForeignLimits(max_fields=5)).code == "draft.too_large"


# ------------------------------------------------------------------ well-formed file, bad values


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("UPDATE fields SET value = ? WHERE path = 'project.name'", ("123",)),  # number for a text field
        ("UPDATE fields SET value = ? WHERE path = 'members.0.is_enterprise'", ('"yes"',)),
        ("INSERT INTO fields VALUES (?, ?)", ("project.unknown", '"x"')),
        ("INSERT INTO fields VALUES (?, ?)", ("members.0.name.deeper", '"x"')),
        ("INSERT INTO fields VALUES (?, ?)", ("members.\u0661.name", '"x"')),  # Arabic-Indic digit
        ("INSERT INTO fields VALUES (?, ?)", ("members.99999.name", '"x"')),
        ("INSERT INTO fields VALUES (?, ?)", ("pack", '"other"')),
        ("INSERT INTO fields VALUES (?, ?)", ("attachments.0.file", '"C:/Windows/system32/x"')),
        ("INSERT INTO fields VALUES (?, ?)", ("project", '"leaf"')),
        ("UPDATE fields SET value = ? WHERE path = 'project.name'", ('{"a": 1}',)),
        ("UPDATE fields SET value = ? WHERE path = 'project.name'", ("[" * 100_000,)),
        ("UPDATE fields SET value = ? WHERE path = 'contract.amount_wan'", ("NaN",)),
        ("UPDATE fields SET value = ? WHERE path = 'contract.amount_wan'", ("1e999",)),
        ("UPDATE fields SET value = ? WHERE path = 'contract.amount_wan'", ("9" * 5000,)),
        ("UPDATE fields SET value = ? WHERE path = 'project.name'", ("not json",)),
        ("UPDATE fields SET value = ? WHERE path = 'project.name'", (b'"blob"',)),
        ("UPDATE meta SET value = ? WHERE key = 'pack'", (b"blob",)),
        ("UPDATE meta SET value = ? WHERE key = 'pack'", ("",)),
        ("INSERT INTO meta VALUES (?, ?)", ("\x00bad key", "x")),
        ("DELETE FROM meta WHERE key = ?", ("pack",)),
        ("UPDATE meta SET value = ? WHERE key = 'category'", (b"\xff\xfe",)),
        ("UPDATE attachments SET kind = ?", ("evil",)),
        ("UPDATE attachments SET sha256 = ?", ("0" * 64,)),
        ("UPDATE attachments SET pdf = ?", (b"MZ\x90\x00 an executable",)),
        ("UPDATE attachments SET pdf = ?", ("%PDF text, not blob",)),
        ("UPDATE attachments SET pages = ?", (-5,)),
        ("UPDATE attachments SET title = ?", ("x" * 10_000,)),
        ("UPDATE attachments SET position = ?", ("first",)),
    ],
)
def test_bad_values(valid_copy, tmp_path, sql, params):
    tamper(valid_copy, sql + (" WHERE id = 1" if sql.startswith("UPDATE attachments") else ""), params=params)
    blob = sql.startswith("UPDATE attachments") and ("sha256" in sql or isinstance(params[0], bytes))
    assert refused(valid_copy, tmp_path, damaged_in_place=blob).code == "draft.invalid_value"


def test_invalid_utf8_text(valid_copy, tmp_path):
    tamper(valid_copy, "UPDATE fields SET value = CAST(? AS TEXT) WHERE path = 'project.name'", params=(b'"\xff\xfe"',))
    assert refused(valid_copy, tmp_path).code in ("draft.invalid_value", "draft.corrupt")


def test_pluggable_validator_is_used(valid_copy, tmp_path):
    def strict(nested):
        raise ValueError("rejected by a stricter validator")

    assert refused(valid_copy, tmp_path, validator=strict).code == "draft.invalid_value"


# ------------------------------------------------------------------ and a good one goes through


def test_valid_draft_imports_into_a_fresh_file(valid_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    original = valid_copy.read_bytes()
    with Draft.open(valid_copy) as d:
        want_data, want_atts = d.data(), [(a.kind, a.title, a.sha256) for a in d.attachments()]
    valid_copy.write_bytes(original)
    with Draft.import_foreign(valid_copy, out / "mine.cxy") as imported:
        assert imported.data() == want_data
        assert [(a.kind, a.title, a.sha256) for a in imported.attachments()] == want_atts
        assert imported.meta()["source_created"]
    assert listing(out) == {"mine.cxy"}
    assert (out / "mine.cxy").read_bytes() != original  # a new file of ours, not a copy


def test_import_refuses_to_overwrite(valid_copy, tmp_path):
    dest = tmp_path / "existing.cxy"
    shutil.copyfile(make_draft(tmp_path / "mine.cxy"), dest)
    before = dest.read_bytes()
    with pytest.raises(DraftError) as err:
        Draft.import_foreign(valid_copy, dest)
    assert err.value.code == "draft.io"
    assert dest.read_bytes() == before


# ------------------------------------------------------------------ the clock and the limits themselves


def test_the_time_budget_stops_sqlite_mid_statement(valid_copy):
    from forms.draft import foreign

    expired = foreign.Deadline(time.monotonic() - 1)
    with (
        foreign.hardened(valid_copy, ForeignLimits(), expired) as con,
        pytest.raises(sqlite3.OperationalError, match="interrupt"),
    ):
        con.execute("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r").fetchall()


def test_an_exhausted_budget_is_a_prompt_refusal(valid_copy, tmp_path):
    err = refused(valid_copy, tmp_path, limits=ForeignLimits(time_budget_s=0, seconds_per_gib=0))
    assert err.code == "draft.corrupt"


def test_the_copy_is_opened_read_only(valid_copy):
    from forms.draft import foreign

    with (
        foreign.hardened(valid_copy, ForeignLimits(), foreign.Deadline(time.monotonic() + 5)) as con,
        pytest.raises(sqlite3.OperationalError),
    ):
        con.execute("DELETE FROM fields")


def test_attachments_larger_than_a_text_value_still_import(tmp_path):
    """Text values are capped at 1 MB while reading; a 5 MB scan must still come through."""
    src = tmp_path / "scan.cxy"
    pdf = b"%PDF-1.4\n" + random.Random(3).randbytes(5 * 1024 * 1024)
    with Draft.create(src, pack=PACK, category=None) as draft:
        draft.add_attachment(
            kind="contract",
            title="扫描件",
            original_name="scan.pdf",
            source_format="pdf",
            pages=4,
            sha256=hashlib.sha256(pdf).hexdigest(),
            pdf=pdf,
        )
    with Draft.import_foreign(src, tmp_path / "mine.cxy") as imported:
        (att,) = imported.attachments()
        assert imported.attachment_pdf(att.id) == pdf
