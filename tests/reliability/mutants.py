"""Mutated drafts through the hardened loader (reliability.md §2 method 8a, T7).

A valid draft (the sample application with two attachments, as ``send_copy`` writes it) is
mutated in seeded, reproducible ways, and every mutant goes through ``Draft.import_foreign``.
Pass: only ``DraftError`` escapes (or the import succeeds), each within 2 s.

Mutations are of three families:

* bytes — bit flips, overwritten ranges, truncation, appended or inserted bytes, swapped,
  duplicated or zeroed database pages, header fields set to edge values;
* SQL — crafted by our own SQLite connection on a copy: views, triggers and expression indexes
  (the hostile-schema attacks), replaced or extra tables and columns, and rows that break every
  rule of the contract (unknown or conflicting paths, non-scalar or oversized values, blobs
  where text belongs, attachments that are not PDFs or do not match their SHA-256, absurd
  counts), plus header pragmas (version, application id, page size, UTF-16, WAL);
* both — a SQL mutation followed by a byte mutation.
"""

from __future__ import annotations

import random
import resource
import shutil
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .common import make_draft

TIME_LIMIT_S = 2.0
PAGE = 4096


# ------------------------------------------------------------------ byte mutations


def _bitflip(data: bytearray, rng: random.Random) -> str:
    hot = rng.random() < 0.4  # the 100-byte header and page headers decide most parsing
    for _ in range(rng.randint(1, 16)):
        if hot:
            pos = rng.choice((rng.randrange(100), rng.randrange(max(1, len(data) // PAGE)) * PAGE + rng.randrange(12)))
        else:
            pos = rng.randrange(len(data))
        data[pos % len(data)] ^= 1 << rng.randrange(8)
    return "bitflip"


def _overwrite(data: bytearray, rng: random.Random) -> str:
    start = rng.randrange(len(data))
    length = min(len(data) - start, rng.choice((1, 4, 16, 100, 512, 4096)))
    fill = rng.choice(("random", "zero", "ff"))
    chunk = {"random": rng.randbytes(length), "zero": bytes(length), "ff": b"\xff" * length}[fill]
    data[start : start + length] = chunk
    return f"overwrite-{fill}"


def _truncate(data: bytearray, rng: random.Random) -> str:
    if rng.random() < 0.5 and len(data) >= PAGE:
        cut = rng.randrange(len(data) // PAGE) * PAGE
    else:
        cut = rng.randrange(len(data))
    del data[cut:]
    return "truncate"


def _extend(data: bytearray, rng: random.Random) -> str:
    if rng.random() < 0.5:
        data += bytes(PAGE * rng.randint(1, 3))
        return "extend-zero-pages"
    data += rng.randbytes(rng.randint(1, 3 * PAGE))
    return "extend-random"


def _insert(data: bytearray, rng: random.Random) -> str:
    pos = rng.randrange(len(data))
    data[pos:pos] = rng.randbytes(rng.choice((1, 7, 100, PAGE)))
    return "insert"


def _pages(data: bytearray, rng: random.Random) -> str:
    count = len(data) // PAGE
    if count < 2:
        return _overwrite(data, rng)
    a, b = rng.randrange(count), rng.randrange(count)
    pa, pb = bytes(data[a * PAGE : (a + 1) * PAGE]), bytes(data[b * PAGE : (b + 1) * PAGE])
    op = rng.choice(("swap", "duplicate", "zero"))
    if op == "swap":
        data[a * PAGE : (a + 1) * PAGE], data[b * PAGE : (b + 1) * PAGE] = pb, pa
    elif op == "duplicate":
        data[b * PAGE : (b + 1) * PAGE] = pa
    else:
        data[a * PAGE : (a + 1) * PAGE] = bytes(PAGE)
    return f"page-{op}"


# (offset, size) of the SQLite header fields (https://sqlite.org/fileformat.html §1.3).
_HEADER_FIELDS = (
    (16, 2),
    (18, 1),
    (19, 1),
    (20, 1),
    (21, 1),
    (22, 1),
    (23, 1),
    (24, 4),
    (28, 4),
    (32, 4),
    (36, 4),
    (40, 4),
    (44, 4),
    (48, 4),
    (52, 4),
    (56, 4),
    (60, 4),
    (64, 4),
    (68, 4),
    (92, 4),
    (96, 4),
)


def _header(data: bytearray, rng: random.Random) -> str:
    if len(data) < 100:
        return _extend(data, rng)
    offset, size = rng.choice(_HEADER_FIELDS)
    top = (1 << (8 * size)) - 1
    value = rng.choice((0, 1, 2, 3, 4, top, top >> 1, (top >> 1) + 1, rng.randrange(top + 1), 512, 65536 & top))
    data[offset : offset + size] = (value & top).to_bytes(size, "big")
    return f"header@{offset}"


BYTE_MUTATIONS = (_bitflip, _overwrite, _truncate, _extend, _insert, _pages, _header)


# ------------------------------------------------------------------ SQL mutations

_VALID_PATH = "project.name"


def _sql_mutations() -> list[tuple[str, list[str]]]:
    big = "x" * (2 * 1024 * 1024)
    deep = "[" * 5000 + "]" * 5000
    return [
        (
            "view-recursive-cte",
            [
                "DROP TABLE fields",
                "CREATE VIEW fields(path, value) AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                "SELECT x + 1 FROM c) SELECT 'project.name', x FROM c",
            ],
        ),
        (
            "view-zeroblob",
            [
                "DROP TABLE attachments",
                "CREATE VIEW attachments AS SELECT 1 AS id, 0 AS position, 'other' AS kind, 't' AS title, "
                "'a.pdf' AS original_name, 'pdf' AS source_format, 1 AS pages, '' AS sha256, "
                "zeroblob(1000000000) AS pdf, '' AS added",
            ],
        ),
        ("extra-view", ["CREATE VIEW v AS SELECT * FROM fields"]),
        ("trigger", ["CREATE TRIGGER t AFTER INSERT ON fields BEGIN DELETE FROM meta; END"]),
        ("expression-index", ["CREATE INDEX i ON fields(length(value) * 2)"]),
        ("plain-index", ["CREATE INDEX i ON fields(value)"]),
        ("extra-table", ["CREATE TABLE extra(x)", "INSERT INTO extra VALUES (1)"]),
        ("extra-column", ["ALTER TABLE fields ADD COLUMN evil TEXT DEFAULT 'x'"]),
        ("renamed-table", ["ALTER TABLE meta RENAME TO meta2"]),
        ("dropped-table", ["DROP TABLE attachments"]),
        ("unknown-path", ["INSERT INTO fields VALUES ('project.evil', '\"x\"')"]),
        ("bad-path-syntax", ["INSERT INTO fields VALUES ('members..name', '\"x\"')"]),
        ("path-conflict", ["INSERT OR REPLACE INTO fields VALUES ('members.0', '\"x\"')"]),
        ("huge-index", ["INSERT OR REPLACE INTO fields VALUES ('members.99999.name', '\"x\"')"]),
        ("non-json", ["UPDATE fields SET value = 'not json' WHERE path = '" + _VALID_PATH + "'"]),
        ("json-object", ["UPDATE fields SET value = '{\"a\": 1}' WHERE path = '" + _VALID_PATH + "'"]),
        ("json-deep", [f"UPDATE fields SET value = '{deep}' WHERE path = '{_VALID_PATH}'"]),
        ("json-nan", ["UPDATE fields SET value = 'NaN' WHERE path = 'contract.amount_wan'"]),
        (
            "json-huge-number",
            ["UPDATE fields SET value = '1' || printf('%.500c', '0') WHERE path = 'contract.amount_wan'"],
        ),
        ("blob-value", ["UPDATE fields SET value = x'00ff00ff' WHERE path = '" + _VALID_PATH + "'"]),
        ("int-value", ["UPDATE fields SET value = 12345 WHERE path = '" + _VALID_PATH + "'"]),
        ("empty-value", ["UPDATE fields SET value = '' WHERE path = '" + _VALID_PATH + "'"]),
        ("int-path", ["INSERT INTO fields VALUES (42, '\"x\"')"]),
        ("oversized-value", [f"UPDATE fields SET value = '\"{big}\"' WHERE path = '{_VALID_PATH}'"]),
        (
            "lone-surrogate",
            ["UPDATE fields SET value = CAST(x'22eda08022' AS TEXT) WHERE path = '" + _VALID_PATH + "'"],
        ),
        ("wrong-type", ["UPDATE fields SET value = '\"yes\"' WHERE path LIKE 'declarations.%'"]),
        (
            "many-fields",
            [
                "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < 25000) "
                "INSERT OR IGNORE INTO fields SELECT 'members.' || (x / 3) || '.' || "
                "(CASE x % 3 WHEN 0 THEN 'name' WHEN 1 THEN 'unit' ELSE 'major' END), '\"n\"' FROM c"
            ],
        ),
        ("no-pack", ["DELETE FROM meta WHERE key = 'pack'"]),
        ("other-pack", ["UPDATE meta SET value = 'evil-pack' WHERE key = 'pack'"]),
        ("bad-category", ["UPDATE meta SET value = 'nonsense' WHERE key = 'category'"]),
        ("meta-key-unicode", ["INSERT INTO meta VALUES ('键', 'v')"]),
        ("meta-huge", [f"INSERT INTO meta VALUES ('note', '{big[:5000]}')"]),
        (
            "many-meta",
            [
                "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < 300) "
                "INSERT INTO meta SELECT 'k' || x, 'v' FROM c"
            ],
        ),
        ("attachment-not-pdf", ["UPDATE attachments SET pdf = x'ffd8ffe000104a464946'"]),
        ("attachment-text", ["UPDATE attachments SET pdf = '%PDF-1.4 text not blob'"]),
        ("attachment-null", ["UPDATE attachments SET pdf = NULL"]),
        ("attachment-sha-mismatch", ["UPDATE attachments SET sha256 = printf('%064d', 0)"]),
        ("attachment-sha-upper", ["UPDATE attachments SET sha256 = upper(sha256)"]),
        ("attachment-altered", ["UPDATE attachments SET pdf = pdf || x'20'"]),
        ("attachment-pages-negative", ["UPDATE attachments SET pages = -1"]),
        ("attachment-pages-text", ["UPDATE attachments SET pages = 'many'"]),
        ("attachment-kind", ["UPDATE attachments SET kind = 'script'"]),
        ("attachment-position-text", ["UPDATE attachments SET position = 'first'"]),
        ("attachment-title-huge", [f"UPDATE attachments SET title = '{big[:600]}'"]),
        ("attachment-duplicate-position", ["UPDATE attachments SET position = 0"]),
        (
            "many-attachments",
            [
                "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < 600) "
                "INSERT INTO attachments(position, kind, title, original_name, source_format, pages, "
                "sha256, pdf, added) SELECT 10 + x, kind, title, original_name, source_format, pages, "
                "sha256, pdf, added FROM attachments, c WHERE id = (SELECT min(id) FROM attachments)"
            ],
        ),
        ("user-version-0", ["PRAGMA user_version = 0"]),
        ("user-version-newer", ["PRAGMA user_version = 99"]),
        ("user-version-negative", ["PRAGMA user_version = -1"]),
        ("application-id", ["PRAGMA application_id = 1"]),
        ("page-size-512", ["PRAGMA page_size = 512", "VACUUM"]),
        ("page-size-65536", ["PRAGMA page_size = 65536", "VACUUM"]),
        ("wal", ["PRAGMA journal_mode = WAL"]),
        ("auto-vacuum", ["PRAGMA auto_vacuum = FULL", "VACUUM"]),
        ("freelist", ["CREATE TABLE junk(x)", "INSERT INTO junk VALUES (zeroblob(50000))", "DROP TABLE junk"]),
    ]


SQL_MUTATIONS = _sql_mutations()


def _apply_sql(path: Path, name: str, statements: list[str]) -> None:
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def _utf16(src: Path, dest: Path) -> None:
    """The same draft rebuilt with UTF-16 text encoding (SQLite allows it; we never write it)."""
    from forms.draft import schema

    old = sqlite3.connect(str(src))
    new = sqlite3.connect(str(dest), isolation_level=None)
    try:
        new.execute("PRAGMA encoding = 'UTF-16le'")
        new.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        new.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
        schema.build_schema(new, schema.SCHEMA_VERSION)
        for table in ("meta", "fields", "attachments"):
            rows = old.execute(f"SELECT * FROM {table}").fetchall()
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                new.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    finally:
        old.close()
        new.close()


# ------------------------------------------------------------------ running


@dataclass
class MutantReport:
    mutants: int = 0
    imported: int = 0
    refused: Counter = field(default_factory=Counter)  # DraftError code → count
    kinds: Counter = field(default_factory=Counter)
    bugs: list[str] = field(default_factory=list)  # anything but DraftError
    slow: list[str] = field(default_factory=list)  # over TIME_LIMIT_S
    max_s: float = 0.0
    max_label: str = ""
    p95_s: float = 0.0
    peak_rss_mb: float = 0.0
    seconds: float = 0.0

    def line(self) -> str:
        refused = sum(self.refused.values())
        return (
            f"mutated drafts: {self.mutants} through import_foreign — imported {self.imported}, refused "
            f"{refused} with DraftError, other exceptions {len(self.bugs)}, over {TIME_LIMIT_S:.0f} s "
            f"{len(self.slow)}; max {self.max_s:.3f} s ({self.max_label}), p95 {self.p95_s * 1000:.0f} ms, "
            f"harness peak RSS {self.peak_rss_mb:.0f} MB, {self.seconds:.0f} s"
        )


def _base(folder: Path) -> Path:
    live = make_draft(folder / "base-live.cxy", attachments=2, pad_kb=8)
    try:
        live.send_copy(folder / "base.cxy")
    finally:
        live.close()
    return folder / "base.cxy"


def make_mutant(base: Path, out: Path, rng: random.Random) -> str:
    family = rng.choices(("bytes", "sql", "both"), weights=(50, 35, 15))[0]
    label = []
    if family in ("sql", "both"):
        if rng.random() < 0.04:
            _utf16(base, out)
            label.append("utf16")
        else:
            shutil.copyfile(base, out)
            name, statements = rng.choice(SQL_MUTATIONS)
            _apply_sql(out, name, statements)
            label.append(name)
    else:
        shutil.copyfile(base, out)
    if family in ("bytes", "both"):
        data = bytearray(out.read_bytes())
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            if not data:
                break
            label.append(rng.choice(BYTE_MUTATIONS)(data, rng))
        out.write_bytes(bytes(data))
    return f"{family}:{'+'.join(label)}"


def run_mutants(count: int, folder: Path, *, seed: int) -> MutantReport:
    from forms.draft import Draft, DraftError

    folder.mkdir(parents=True, exist_ok=True)
    base = _base(folder)
    rng = random.Random(f"{seed}/mutants")
    report = MutantReport()
    times: list[float] = []
    started = time.monotonic()
    mutant, dest = folder / "mutant.cxy", folder / "imported.cxy"
    for index in range(count):
        for leftover in (mutant, dest):
            leftover.unlink(missing_ok=True)
        label = make_mutant(base, mutant, rng)
        report.kinds[label.split(":")[0]] += 1
        t0 = time.perf_counter()
        try:
            Draft.import_foreign(mutant, dest).close()
            outcome = "imported"
        except DraftError as exc:
            outcome = exc.code
        except Exception as exc:  # the finding this harness exists for
            outcome = f"BUG {type(exc).__name__}"
            report.bugs.append(f"#{index} {label}: {type(exc).__name__}: {exc!s:.200}")
        elapsed = time.perf_counter() - t0
        times.append(elapsed)
        report.mutants += 1
        if outcome == "imported":
            report.imported += 1
        elif not outcome.startswith("BUG"):
            report.refused[outcome] += 1
        if elapsed > report.max_s:
            report.max_s, report.max_label = elapsed, label
        if elapsed > TIME_LIMIT_S:
            report.slow.append(f"#{index} {label}: {elapsed:.2f} s")
    times.sort()
    report.p95_s = times[int(0.95 * (len(times) - 1))] if times else 0.0
    report.seconds = time.monotonic() - started
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for leftover in (mutant, dest):
        leftover.unlink(missing_ok=True)
    return report


def sql_mutation_names() -> list[str]:
    return [name for name, _ in SQL_MUTATIONS]


def run_each_sql_mutation(folder: Path) -> dict[str, str]:
    """Every SQL mutation once, unmixed: name → outcome (an importable or refused code)."""
    from forms.draft import Draft, DraftError

    folder.mkdir(parents=True, exist_ok=True)
    base = _base(folder)
    outcomes: dict[str, str] = {}
    for name, statements in [*SQL_MUTATIONS, ("utf16", None)]:
        mutant, dest = folder / f"{name}.cxy", folder / f"{name}-imported.cxy"
        if statements is None:
            _utf16(base, mutant)
        else:
            shutil.copyfile(base, mutant)
            _apply_sql(mutant, name, statements)
        t0 = time.perf_counter()
        try:
            Draft.import_foreign(mutant, dest).close()
            outcomes[name] = "imported"
        except DraftError as exc:
            outcomes[name] = exc.code
        except Exception as exc:
            outcomes[name] = f"BUG {type(exc).__name__}: {exc!s:.120}"
        outcomes[name] += f" ({time.perf_counter() - t0:.3f} s)"
    return outcomes
