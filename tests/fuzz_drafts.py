"""Hostile drafts and JSON against every reader of ours: a fuzzing tool (issue 16).

    PYTHONPATH=$PWD python tests/fuzz_drafts.py [--seed N] [--cases N] [--targets validate,export,...]
                                                [--lang zh|en] [--timeout S] [--keep DIR]

Valid drafts are made with ``cxy sample``, ``cxy handoff`` and ``cxy migrate``; hostile inputs are
derived from them at the SQLite level (wrong types in every column, oversized and nested JSON,
lying rows, extra schema objects, pragma states, page damage, odd file kinds) and hostile JSON is
written for ``cxy import``. Each input is given to each target in a subprocess with a timeout; a
case passes when the exit code is 0, 1 or 2, nothing says "Traceback" or "internal error", a
failure is one line (in the chosen language), nothing hangs, the input is byte-identical
afterwards and nothing was written beside it (but SQLite's ``-shm`` index beside a WAL-mode input).

The window (``desktop.factory.make_window``, offscreen) must return without a modal box; a box it
shows afterwards (a JSON import refused) is judged as the failure line; a draft it opened is the
user's document and may be edited (its records of the attachments), but nothing entered may change.
Its settings and data are kept in the run's folder. ``--keep`` makes each failing input again there.

``tests/draft/test_hostile_fuzz.py`` runs a bounded, seeded share of the same cases in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK_2025 = ROOT / "tests" / "data" / "packs" / "jiangsu-cxy-2025"

# ------------------------------------------------------------------ valid drafts to start from


def cxy(*argv: str) -> None:
    """``cxy argv`` in this process (for making the valid drafts only)."""
    from forms.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(list(argv))
    if code != 0:
        raise RuntimeError(f"cxy {' '.join(argv)} failed: {err.getvalue()}")


def make_bases(folder: Path) -> dict[str, Path]:
    """A sample draft, the enterprise's hand-off copy of it, and the sample migrated to 2025."""
    folder.mkdir(parents=True, exist_ok=True)
    sample, handoff, migrated = folder / "sample.cxy", folder / "handoff.cxy", folder / "migrated.cxy"
    cxy("sample", "--category", "tech_vp", "-o", str(sample))
    cxy("handoff", "--role", "enterprise", "-o", str(handoff), str(sample))
    cxy("migrate", "--to", str(PACK_2025), "-o", str(migrated), str(sample))
    return {"sample": sample, "handoff": handoff, "migrated": migrated}


# ------------------------------------------------------------------ hostile inputs


@dataclass(frozen=True)
class Mutant:
    """One hostile input: ``make(folder)`` writes it into an empty folder and returns its path."""

    name: str
    make: Callable[[Path], Path]
    json: bool = False  # an input for ``cxy import`` rather than a draft


def sql_mutant(name: str, base: Path, *statements: str | tuple[str, tuple[object, ...]], after=None) -> Mutant:
    def make(folder: Path) -> Path:
        dest = folder / "received.cxy"
        shutil.copyfile(base, dest)
        con = sqlite3.connect(dest, isolation_level=None)
        try:
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, ())
                con.execute(sql, params)
        finally:
            con.close()
        if after is not None:
            after(dest)
        return dest

    return Mutant(name, make)


def bytes_mutant(name: str, base: Path, change: Callable[[bytes], bytes]) -> Mutant:
    def make(folder: Path) -> Path:
        dest = folder / "received.cxy"
        dest.write_bytes(change(base.read_bytes()))
        return dest

    return Mutant(name, make)


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def pdf_bomb() -> bytes:
    """A small PDF whose one content stream inflates to 512 MiB."""
    chunk = zlib.compressobj(9)
    stream = b"".join(chunk.compress(bytes(1 << 20)) for _ in range(512)) + chunk.flush()
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
        + b"4 0 obj << /Length %d /Filter /FlateDecode >> stream\n" % len(stream)
        + stream
        + b"\nendstream endobj\n"
    )
    return body + b"trailer << /Root 1 0 R /Size 5 >>\n%%EOF\n"


def pages_loop_pdf() -> bytes:
    """A page tree that contains itself and claims a billion pages."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [2 0 R 2 0 R] /Count 1000000000 >> endobj\n"
        b"trailer << /Root 1 0 R /Size 3 >>\n%%EOF\n"
    )


# Values of the wrong kind for any column (NaN is stored by SQLite as NULL; its text is kept too).
BAD_VALUES: list[tuple[str, object]] = [
    ("blob", b"\x00\xffnot text"),
    ("text", "not a number"),
    ("null", None),
    ("negative", -1),
    ("huge", 2**63 - 1),
    ("min", -(2**63)),
    ("real", 1e308),
    ("nan", float("nan")),
    ("nan_text", "NaN"),
    ("empty", ""),
    ("invalid_utf8", b"\xc3\x28"),
]

SERIES = "WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < {}) "
TABLES = (
    "meta",
    "fields",
    "attachments",
    "history",
    "handoff_base",
    "attachment_sources",
    "undo_journal",
    "undo_blobs",
)


def columns(base: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(base)
    try:
        return [(t, row[1]) for t in TABLES for row in con.execute(f"PRAGMA table_info({t})")]
    finally:
        con.close()


def draft_mutants(bases: dict[str, Path], rng: random.Random) -> list[Mutant]:
    sample, handoff, migrated = bases["sample"], bases["handoff"], bases["migrated"]
    out: list[Mutant] = []
    add = out.append
    first = "rowid = (SELECT min(rowid) FROM {t})"
    # Wrong types in every column of every table (the first row; the hand-off copy has rows in most).
    for table, column in columns(sample):
        for label, value in BAD_VALUES:
            base = handoff if table in ("handoff_base",) else (sample if table == "undo_journal" else migrated)
            sql = f"UPDATE {table} SET {column} = ? WHERE {first.format(t=table)}"
            if label == "invalid_utf8":
                sql = f"UPDATE {table} SET {column} = CAST(? AS TEXT) WHERE {first.format(t=table)}"
            add(sql_mutant(f"type:{table}.{column}={label}", base, (sql, (value,))))
    # Field values: oversized, nested, numbers JSON cannot hold, duplicate keys, lone surrogates.
    for label, text in [
        ("oversized", json.dumps("长" * 400_000, ensure_ascii=False)),
        ("deep_array", deep_json(100_000)),
        ("deep_object", '{"a":' * 50_000 + "1" + "}" * 50_000),
        ("huge_number", "1" + "0" * 5000),
        ("overflow_float", "1e400"),
        ("nan", "NaN"),
        ("infinity", "-Infinity"),
        ("duplicate_keys", '{"a": 1, "a": 2}'),
        ("lone_surrogate", '"\\ud800"'),
        ("nul", '"a\\u0000b"'),
        ("not_json", "{"),
        ("object", '{"x": [1, 2, {"y": null}]}'),
        ("wide_array", "[" + ",".join(["0"] * 200_000) + "]"),
    ]:
        for path in ("project.name", "payments.0.amount_wan", "members.1.is_enterprise"):
            add(
                sql_mutant(
                    f"field:{path}={label}", sample, ("UPDATE fields SET value = ? WHERE path = ?", (text, path))
                )
            )
    for label, path in [
        ("unknown", "no.such.field"),
        ("long", "x" * 100_000),
        ("dotdot", "project..name"),
        ("index_huge", "payments.99999999999.amount_wan"),
        ("index_negative", "payments.-1.amount_wan"),
        ("nul", "project\x00name"),
        ("prefix_clash", "project"),
        ("meta_path", "pack"),
        ("dunder", "__proto__.x"),
    ]:
        add(sql_mutant(f"field_path:{label}", sample, ("INSERT INTO fields VALUES (?, ?)", (path, '"x"'))))
    add(sql_mutant("fields:many", sample, SERIES.format(30000) + "INSERT INTO fields SELECT 'z.' || value, '1' FROM s"))
    # Meta rows: unknown, very long, non-ASCII, near-duplicate keys, values that lie.
    for label, key, value in [
        ("unknown", "surprise", "1"),
        ("long_key", "k" * 100_000, "1"),
        ("non_ascii_key", "包", "1"),
        ("case_duplicate", "PACK", "jiangsu-cxy-2025"),
        ("space_duplicate", "pack ", "x"),
        ("nul_key", "pa\x00ck", "x"),
    ]:
        add(sql_mutant(f"meta:{label}", sample, ("INSERT INTO meta VALUES (?, ?)", (key, value))))
    for key, value in [
        ("pack", "../../../etc/passwd"),
        ("pack", "no-such-pack"),
        ("pack", "x" * 5000),
        ("pack", "\u202ejiangsu"),
        ("category", "no_such_category"),
        ("category", ""),
        ("role", "enterprise"),
        ("role", "no_such_role"),
        ("handoff_id", "../x"),
        ("final", "yes"),
        ("app_version", "99.0.0"),
        ("created", "not a date"),
    ]:
        add(
            sql_mutant(
                f"meta:{key}={value[:20]!r}", handoff, ("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
            )
        )
    add(sql_mutant("meta:no_pack", sample, "DELETE FROM meta WHERE key = 'pack'"))
    add(sql_mutant("meta:no_category", sample, "DELETE FROM meta WHERE key = 'category'"))
    add(sql_mutant("meta:many", sample, SERIES.format(300) + "INSERT INTO meta SELECT 'k' || value, 'v' FROM s"))
    # Attachments whose blob is not a PDF, is a bomb, or whose row lies about it.
    att = "UPDATE attachments SET {} WHERE id = 1"
    for label, blob in [
        ("html", b"<html><script>alert(1)</script></html>"),
        ("empty", b""),
        ("pdf_header_only", b"%PDF-1.7\n"),
        ("bomb", pdf_bomb()),
        ("page_loop", pages_loop_pdf()),
        ("zip", b"PK\x03\x04" + bytes(200)),
    ]:
        digest = hashlib.sha256(blob).hexdigest()
        add(sql_mutant(f"attachment:{label}", sample, (att.format("pdf = ?, sha256 = ?"), (blob, digest))))
    for label, setting, params in [
        ("wrong_sha256", "sha256 = ?", ("0" * 64,)),
        ("sha256_not_hex", "sha256 = ?", ("z" * 64,)),
        ("pages_wrong", "pages = 999", ()),
        ("pages_zero", "pages = 0", ()),
        ("kind_unknown", "kind = 'malware'", ()),
        ("title_long", "title = ?", ("标" * 100_000,)),
        ("title_control", "title = ?", ("a\x1b[31mred\u202e",)),
        ("position_duplicate", "position = 1", ()),
        ("name_path", "original_name = ?", ("../../evil.pdf",)),
    ]:
        add(sql_mutant(f"attachment:{label}", sample, (att.format(setting), params)))
    add(
        sql_mutant(
            "attachment:many",
            sample,
            SERIES.format(600)
            + "INSERT INTO attachments SELECT NULL, value + 10, kind, title, original_name, source_format, pages, "
            "sha256, pdf, added FROM attachments, s WHERE id = 1",
        )
    )
    # History, hand-off and undo rows that lie.
    for label, sql, params in [
        (
            "history_role",
            "INSERT INTO history VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)",
            ("2023-01-01", "hacker", "merge", "project.name", "x", "y", "n"),
        ),
        (
            "history_action",
            "INSERT INTO history VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)",
            ("garbage", "lead", "rm -rf", "x" * 10_000, deep_json(50_000), "{", "n" * 100_000),
        ),
        (
            "history_many",
            SERIES.format(50000) + "INSERT INTO history SELECT NULL, at, role, action, path, old, new, "
            "note FROM history, s",
            (),
        ),
        ("handoff_unknown_id", "INSERT INTO handoff_base VALUES (?, ?, ?)", ("ffff", "project.name", '"x"')),
        ("handoff_bad_json", "UPDATE handoff_base SET value = ? WHERE key = 'project.name'", (deep_json(100_000),)),
        (
            "handoff_bad_key",
            "INSERT INTO handoff_base VALUES ((SELECT value FROM meta WHERE key='handoff_id'), ?, ?)",
            ("attachment:" + "0" * 64, "not json"),
        ),
        ("sources_loop", "INSERT INTO attachment_sources VALUES (?, ?)", ("a" * 64, "a" * 64)),
        ("undo_not_json", "UPDATE undo_journal SET before = '{', after = 'x' WHERE id = 2", ()),
        ("undo_deep", "UPDATE undo_journal SET after = ? WHERE id = 2", (deep_json(100_000),)),
        (
            "undo_lies",
            "UPDATE undo_journal SET after = ? WHERE id = 2",
            ('[{"id": 1, "position": 0, "kind": "contract", "sha256": "' + "0" * 64 + '"}]',),
        ),
        ("undo_blob_not_pdf", "INSERT INTO undo_blobs VALUES (?, ?)", ("0" * 64, b"not a pdf")),
        ("undo_undone_weird", "UPDATE undo_journal SET undone = 7", ()),
    ]:
        base = handoff if label.startswith("handoff") else sample
        add(sql_mutant(f"rows:{label}", base, (sql, params)))
    # Schema objects we do not make; a trigger must never run (it would write to the input).
    for label, sql in [
        ("extra_table", "CREATE TABLE evil(x)"),
        ("view", "CREATE VIEW fieldsv AS SELECT * FROM fields"),
        ("trigger", "CREATE TRIGGER t AFTER UPDATE ON meta BEGIN INSERT INTO fields VALUES ('pwned', '1'); END"),
        ("trigger_insert", "CREATE TRIGGER t BEFORE INSERT ON fields BEGIN SELECT RAISE(ABORT, 'pwned'); END"),
        ("trigger_read", "CREATE TRIGGER t BEFORE DELETE ON attachments BEGIN UPDATE meta SET value = 'pwned'; END"),
        ("index_expr", "CREATE INDEX i ON fields(length(value) / 0)"),
        ("shadow_fields", "DROP TABLE fields; CREATE VIEW fields AS SELECT 'project.name' path, '\"x\"' value"),
    ]:
        statements = [sql] if "TRIGGER" in sql else sql.split("; ")
        add(sql_mutant(f"schema:{label}", sample, *statements))
    # Pragma states.
    for label, pragma in [
        ("app_id_wrong", "PRAGMA application_id = 1"),
        ("app_id_zero", "PRAGMA application_id = 0"),
        ("version_future", "PRAGMA user_version = 99"),
        ("version_old", "PRAGMA user_version = 1"),
        ("version_zero", "PRAGMA user_version = 0"),
        ("version_negative", "PRAGMA user_version = -1"),
        ("wal", "PRAGMA journal_mode = wal"),
        ("page_size_64k", "PRAGMA page_size = 65536; VACUUM"),
        ("auto_vacuum", "PRAGMA auto_vacuum = FULL; VACUUM"),
    ]:
        add(sql_mutant(f"pragma:{label}", sample, *pragma.split("; ")))
    add(sql_mutant("pragma:wal_with_log", sample, "PRAGMA journal_mode = wal", after=_leave_wal))
    # Page-level damage: cut at every eighth, bytes flipped.
    for base_name, base in bases.items():
        size = base.stat().st_size
        for k in range(1, 8):
            add(bytes_mutant(f"truncate:{base_name}:{k}/8", base, lambda d, n=size * k // 8: d[:n]))
        for _ in range(6):
            seed = rng.randrange(1 << 30)
            add(bytes_mutant(f"flip:{base_name}:{seed}", base, lambda d, s=seed: _flip(d, random.Random(s))))
    # Odd kinds of file.
    add(Mutant("file:zero_bytes", lambda f: _touch(f / "received.cxy")))
    add(Mutant("file:directory", lambda f: _mkdir(f / "received.cxy")))
    add(Mutant("file:symlink", lambda f: _symlink(f / "received.cxy", sample)))
    add(Mutant("file:dangling_symlink", lambda f: _symlink(f / "received.cxy", f / "nowhere.cxy")))
    if hasattr(os, "mkfifo"):
        add(Mutant("file:fifo", lambda f: _fifo(f / "received.cxy")))
    return out


def _flip(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    page = rng.randrange(len(buf) // 4096)
    for _ in range(rng.randint(1, 16)):
        buf[page * 4096 + rng.randrange(4096)] ^= 1 << rng.randrange(8)
    return bytes(buf)


def _leave_wal(path: Path) -> None:
    """A WAL file beside the draft holding a commit the main file lacks."""
    keep = path.with_name("keep.cxy")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("UPDATE fields SET value = '\"changed in the log\"' WHERE path = 'project.name'")
    shutil.copyfile(path, keep)
    shutil.copyfile(path.with_name(path.name + "-wal"), keep.with_name(keep.name + "-wal"))
    con.close()
    path.unlink()
    keep.rename(path)
    keep.with_name(keep.name + "-wal").rename(path.with_name(path.name + "-wal"))


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _symlink(path: Path, target: Path) -> Path:
    path.symlink_to(target)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def json_mutants(bases: dict[str, Path]) -> list[Mutant]:
    """Hostile JSON for ``cxy import`` (and for the window, which imports JSON it is given)."""
    from forms.draft import Draft

    with Draft.open(bases["sample"], readonly=True) as draft:
        valid = draft.data()
    text = json.dumps(valid, ensure_ascii=False)
    cases: list[tuple[str, bytes]] = [
        ("deep_array", ('{"project": ' + deep_json(200_000) + "}").encode()),
        ("deep_object", ('{"a":' * 200_000 + "1" + "}" * 200_000).encode()),
        ("huge_int", text.replace('"tech_vp": {', '"tech_vp": {"n": ' + "9" * 100_000 + ",", 1).encode()),
        ("huge_float", text.replace('"tech_vp": {', '"tech_vp": {"n": 1e999999,', 1).encode()),
        ("duplicate_keys", text.replace('{"pack"', '{"pack": "other", "pack"', 1).encode()),
        ("nan", text.replace('"tech_vp": {', '"tech_vp": {"n": NaN, "m": -Infinity,', 1).encode()),
        ("lone_surrogate", text.replace('"project": {', '"project": {"x": "\\udc00\\ud800",', 1).encode()),
        ("bom", b"\xef\xbb\xbf" + text.encode()),
        ("utf16", text.encode("utf-16")),
        ("utf16_be_no_bom", text.encode("utf-16-be")),
        ("utf32", text.encode("utf-32")),
        ("million_array", ('{"pack": "jiangsu-cxy-2023", "members": [' + ",".join(["{}"] * 1_000_000) + "]}").encode()),
        ("million_numbers", ('{"payments": [' + ",".join(["1"] * 1_000_000) + "]}").encode()),
        ("not_an_object", b"[1, 2, 3]"),
        ("truncated", text.encode()[: len(text) // 2]),
        ("invalid_utf8", b'{"project": {"name": "\xff\xfe"}}'),
        ("empty", b""),
        ("nul_bytes", bytes(4096)),
        (
            "attachment_lies",
            text.replace('"attachments": [', '"attachments": [{"pdf_base64": "!!!", "kind": 1},', 1).encode(),
        ),
    ]
    out = []
    for name, data in cases:
        out.append(Mutant(f"json:{name}", lambda f, d=data: _write(f / "received.json", d), json=True))
    return out


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------ targets


WINDOW_CHILD = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QFileDialog
from desktop.factory import ensure_app, make_window
qInstallMessageHandler(lambda *_: None)  # the offscreen plugin's notes are not the window's words
app = ensure_app()
made = []
def check():
    modal = QApplication.activeModalWidget()
    if isinstance(modal, QFileDialog):  # JSON is imported into a new draft: it asks where (cwd: out)
        modal.selectFile(str(Path.cwd() / "imported.cxy"))
        modal.accept()
        QTimer.singleShot(int(float(sys.argv[3]) * 1000), check)
        return
    if not made:
        text = getattr(modal, "text", lambda: "")() if modal is not None else ""
        print(f"blocked while opening (modal: {type(modal).__name__} {text})", file=sys.stderr)
        sys.stderr.flush()
        os._exit(3)
    if modal is not None:  # the window's report (a JSON import refused): judged as a failure line
        text = getattr(modal, "text", lambda: "")()
        print(" ".join(str(text).split()) or type(modal).__name__, file=sys.stderr)
        sys.stderr.flush()
        os._exit(2)
    window = made[0]
    print("OPENED" if window.session is not None else "NOT OPENED", flush=True)
    window.close()
    app.quit()
QTimer.singleShot(int(float(sys.argv[3]) * 1000), check)
window = make_window(Path(sys.argv[1]), lang=sys.argv[2])
made.append(window)
window.show()
sys.exit(app.exec())
"""

IN_PROCESS_CHILD = r"""
import sys
from pathlib import Path
from forms.draft import Draft, DraftError
what, path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
try:
    if what == "open":
        with Draft.open(path, readonly=True) as draft:
            draft.data()
            for a in draft.attachments():
                if not a.damaged:
                    draft.attachment_pdf(a.id)
    else:
        with Draft.import_foreign(path, out / "imported.cxy") as draft:
            draft.data()
            draft.attachments()
except DraftError as exc:
    print(exc.message(sys.argv[4]), file=sys.stderr)
    sys.exit(2)
"""


@dataclass(frozen=True)
class Target:
    """``argv(input, out, bases, lang)`` is the child's command line; ``json`` marks a JSON reader."""

    name: str
    argv: Callable[[Path, Path, dict[str, Path], str], list[str]]
    json: bool = False
    drafts: bool = True
    gui: bool = False


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "forms.cli", *args]


def _merge(src: Path, out: Path, bases: dict[str, Path], lang: str) -> list[str]:
    ours = out / "ours.cxy"
    shutil.copyfile(bases["sample"], ours)
    return _cli("--lang", lang, "merge", str(ours), str(src))


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("validate", lambda s, o, b, lang: _cli("--lang", lang, "validate", str(s)), json=True),
        Target("export", lambda s, o, b, lang: _cli("--lang", lang, "export", str(s), "-o", str(o / "x.json"))),
        Target("build", lambda s, o, b, lang: _cli("--lang", lang, "build", str(s), "-o", str(o / "x.pdf"))),
        Target("merge", _merge),
        Target(
            "migrate",
            lambda s, o, b, lang: _cli(
                "--lang", lang, "migrate", "--to", str(PACK_2025), "-o", str(o / "m.cxy"), str(s)
            ),
        ),
        Target("diff", lambda s, o, b, lang: _cli("--lang", lang, "diff", str(b["sample"]), str(s))),
        Target(
            "import",
            lambda s, o, b, lang: _cli("--lang", lang, "import", str(s), "-o", str(o / "i.cxy")),
            json=True,
            drafts=False,
        ),
        Target("open", lambda s, o, b, lang: [sys.executable, "-c", IN_PROCESS_CHILD, "open", str(s), str(o), lang]),
        Target(
            "import_foreign",
            lambda s, o, b, lang: [sys.executable, "-c", IN_PROCESS_CHILD, "import", str(s), str(o), lang],
        ),
        Target(
            "window",
            lambda s, o, b, lang: [sys.executable, "-c", WINDOW_CHILD, str(s), lang, "4"],
            json=True,
            gui=True,
        ),
    ]
}


# ------------------------------------------------------------------ running a case


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """What a folder holds: each entry's bytes (a regular file) or its kind."""
    seen: dict[str, bytes | str] = {}
    for entry in sorted(os.listdir(folder)):
        p = folder / entry
        if p.is_symlink():
            seen[entry] = "symlink -> " + os.readlink(p)
        elif p.is_dir():
            seen[entry] = "dir"
        elif p.is_file():
            seen[entry] = p.read_bytes()
        else:
            seen[entry] = "special"
    return seen


def content(path: Path) -> object:
    """What a person entered in a draft (fields and attachments), read from a private copy; None
    when SQLite cannot read it."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.cxy"
        try:
            shutil.copyfile(path, copy)
            log = Path(f"{path}-wal")
            if log.is_file():  # a commit still in the log is content too
                shutil.copyfile(log, Path(f"{copy}-wal"))
            con = sqlite3.connect(copy)
            try:
                return (
                    con.execute("SELECT * FROM fields ORDER BY path").fetchall(),
                    con.execute("SELECT * FROM attachments ORDER BY id").fetchall(),
                )
            finally:
                con.close()
        except (OSError, sqlite3.Error):
            return None


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def in_language(line: str, lang: str) -> bool:
    """A failure line is in ``lang``: Chinese has Chinese words; English may quote a Chinese name
    or title from the file, but has none in its own opening words."""
    words = line.removeprefix("cxy: ")
    if lang == "zh":
        return has_chinese(words)
    return not has_chinese(re.sub(r"“[^”]*”|'[^']*'|\"[^\"]*\"|\([^)]*\)|（[^）]*）", "", words)[:40])


def changed(before: dict[str, bytes | str], after: dict[str, bytes | str]) -> list[str]:
    """Entries of the input's folder that changed. SQLite's index of a WAL log (``-shm``) may
    appear beside a WAL-mode input: a scratch file of SQLite's that no reader may delete."""
    names = before.keys() | after.keys()
    return sorted(n for n in names if before.get(n) != after.get(n) and not (n.endswith("-shm") and n not in before))


def judge(code: int | None, stdout: str, stderr: str, lang: str) -> str | None:
    """Why a finished child fails the pass rule, or None."""
    if code is None:
        return "hang (killed at the timeout)"
    if code not in (0, 1, 2):
        return f"exit code {code}: {stderr.strip()[-300:]}"
    both = stdout + stderr
    for bad in ("Traceback", "internal error", "内部错误"):
        if bad in both:
            return f"{bad!r} in the output: {both.strip()[-400:]}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if code == 2:
        if len(lines) != 1:
            return f"the failure is {len(lines)} lines: {stderr.strip()[:400]}"
        if not in_language(lines[0], lang):
            return f"the failure is not in {lang}: {lines[0][:200]}"
    return None


def run_case(
    mutant: Mutant, target: Target, bases: dict[str, Path], work: Path, lang: str, timeout: float
) -> str | None:
    case_in, out = work / "in", work / "out"
    for folder in (case_in, out):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    try:
        src = mutant.make(case_in)
    except sqlite3.IntegrityError:  # a value the schema itself refuses (NULL in NOT NULL): nothing to try
        return None
    before = snapshot(case_in)
    entered = content(src) if target.gui else None
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    # The window's settings (recent drafts, dialogs' folders) and data stay in this run's folder.
    home = work.parent / "home"
    env.update(CXY_CONFIG_DIR=str(home / "config"), CXY_DATA_DIR=str(home / "data"))
    env.update(XDG_CONFIG_HOME=str(home / "xdg-config"), XDG_DATA_HOME=str(home / "xdg-data"))
    argv = target.argv(src, out, bases, lang)
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=out,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
        code = None
    verdict = judge(code, stdout.decode(errors="replace"), stderr.decode(errors="replace"), lang)
    if verdict is None:
        differ = changed(before, snapshot(case_in))
        if differ and target.gui and stdout.startswith(b"OPENED") and content(src) == entered:
            # The window edits the draft it opened (its records of the attachments' examination):
            # what it must keep is everything entered.
            differ = []
        if differ:
            verdict = f"the input's folder changed: {differ}"
    return verdict


def all_mutants(bases: dict[str, Path], seed: int) -> list[Mutant]:
    return draft_mutants(bases, random.Random(seed)) + json_mutants(bases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20231202)
    parser.add_argument("--cases", type=int, default=0, help="a random share of this many inputs (0: all)")
    parser.add_argument("--only", default="", help="inputs whose name contains this")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--keep", type=Path, help="keep the failing inputs in this folder")
    args = parser.parse_args(argv)
    targets = [TARGETS[name] for name in args.targets.split(",")]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="cxy-fuzz-") as tmp:
        work = Path(tmp)
        bases = make_bases(work / "bases")
        mutants = [m for m in all_mutants(bases, args.seed) if args.only in m.name]
        if args.cases:
            mutants = random.Random(args.seed).sample(mutants, min(args.cases, len(mutants)))
        print(f"{len(mutants)} inputs × {len(targets)} targets (seed {args.seed})", flush=True)
        for mutant in mutants:
            for target in targets:
                if (mutant.json and not target.json) or (not mutant.json and not target.drafts):
                    continue
                start = time.monotonic()
                verdict = run_case(mutant, target, bases, work / "case", args.lang, args.timeout)
                took = time.monotonic() - start
                if verdict is not None:
                    failures += 1
                    print(f"FAIL {target.name:14} {mutant.name}: {verdict}", flush=True)
                    if args.keep:  # made again: the failing run may have changed it
                        folder = args.keep / mutant.name.replace("/", "_").replace(":", "_")
                        folder.mkdir(parents=True, exist_ok=True)
                        with contextlib.suppress(OSError, sqlite3.Error):
                            mutant.make(folder)
                elif took > 10:
                    print(f"slow {target.name:14} {mutant.name}: {took:.1f} s", flush=True)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
