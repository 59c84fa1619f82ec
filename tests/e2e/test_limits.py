"""Issue 9 §6, symmetric limits: whatever can be written can be read. The largest draft the
writer accepts (every table full, every field at its max length in 4-byte characters, the
maximum number of attachments) is read back by ``Draft.open``, by the hardened loader
(``Draft.import_foreign``) and by the ``cxy`` read commands; one more of anything is refused
where it enters, with the limit in the message."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forms import limits
from forms.attachments import ledger
from forms.draft import Draft, DraftError
from forms.model import flatten
from forms.pack import load_pack
from forms.samples import at_limits, put

REPO = Path(__file__).resolve().parents[2]
PACK = load_pack()
WIDE = "\U00020000"  # 𠀀: four bytes in UTF-8, the most any stored character takes


def cxy(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def largest_data() -> dict:
    """Every field of every category at its max_chars, every table at its max_rows."""
    data = at_limits("tech_vp", PACK, char=WIDE, valid=False)
    for path, spec in PACK.fields.items():
        if spec.max_chars is None:
            continue
        text = WIDE * spec.max_chars
        put(data, path, text)
    return data


def tiny_pdf(number: int) -> bytes:
    return b"%PDF-1.4\n% " + str(number).encode() + b"\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def add(draft: Draft, number: int) -> None:
    pdf = tiny_pdf(number)
    # These stand for attachments our own intake made (the ledger says so), so export writes them
    # as they are; re-checking received attachments is tests/package/test_recheck.py's subject.
    ledger.record(pdf)
    draft.add_attachment(
        kind=("contract", "payment_proof", "other")[number % 3],
        title="题" * 500,
        # export names its files after this: 60 hanzi and its temporary name keep within 255 bytes
        original_name="名" * 60 + ".pdf",
        source_format="pdf",
        pages=1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
    )


@pytest.fixture(scope="module")
def largest(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("largest") / "largest.cxy"
    data = largest_data()
    with Draft.create(path, pack=PACK.id, category="tech_vp") as draft:
        draft.replace_data(data)
        for number in range(PACK.limits.max_attachments):
            add(draft, number)
    return path, data


def test_the_largest_draft_is_as_large_as_the_limits_say(largest):
    _, data = largest
    assert len(data["members"]) == 20 and len(data["payments"]) == 100
    assert len(flatten(data)) == limits.max_field_rows(PACK) + 2  # + pack and category
    assert len(data["project"]["summary"]) == 3000


def test_the_largest_draft_opens(largest):
    path, data = largest
    with Draft.open(path) as draft:
        assert draft.data() == data
        assert len(draft.attachments()) == 100


def test_the_largest_draft_is_read_by_the_hardened_loader(largest, tmp_path):
    path, data = largest
    with Draft.import_foreign(path, tmp_path / "received.cxy") as received:
        assert received.data() == data
        assert len(received.attachments()) == 100
        received.send_copy(tmp_path / "copy.cxy")
    with Draft.import_foreign(tmp_path / "copy.cxy", tmp_path / "again.cxy") as again:
        assert again.data() == data


def test_the_largest_draft_is_read_by_validate_and_export(largest, tmp_path):
    path, data = largest
    checked = cxy("validate", str(path), "--json", cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr  # judged (a team of 20), not refused
    assert "team.size" in {i["code"] for i in json.loads(checked.stdout)["issues"]}
    exported = cxy("export", str(path), "-o", str(tmp_path / "out.json"), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    back = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(back.pop("attachments")) == 100
    assert back == data


@pytest.mark.parametrize(
    ("table", "count", "limit"),
    [
        ("payments", 9999, None),
        ("members", 5000, None),
        ("attachments", 501, "100"),
        ("payments", 101, "100"),
        ("members", 21, "20"),
    ],
)
def test_cli_import_refuses_the_counts_from_the_issue(tmp_path, table, count, limit):
    """The issue's counts are refused at entry, in one line naming a limit: the JSON reader's own
    cap on a list (1000 items) stops 9999 payments before any row is built; one row over the
    pack's limit names the pack's limit and the count."""
    data = at_limits("tech_vp", PACK)
    data[table] = [
        dict(data[table][0]) if table != "attachments" else {"kind": "other", "title": "x"} for _ in range(count)
    ]
    source = tmp_path / "big.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cxy("import", str(source), "-o", str(tmp_path / "big.cxy"), cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    if limit is not None:
        assert limit in result.stderr and str(count) in result.stderr
    else:
        assert any(cap in result.stderr for cap in ("1000", "4 MB")), result.stderr
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "big.cxy").exists()


def test_cli_validate_refuses_an_over_long_value_with_the_limit(tmp_path):
    data = at_limits("tech_vp", PACK)
    data["project"]["name"] += "国"
    source = tmp_path / "long.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cxy("--lang", "en", "validate", str(source), cwd=tmp_path)
    assert result.returncode == 2
    assert "project.name" in result.stderr and "200" in result.stderr and "201" in result.stderr


def test_one_more_of_anything_is_refused_by_the_draft(largest, tmp_path):
    path, _ = largest
    work = tmp_path / "work.cxy"
    work.write_bytes(path.read_bytes())
    with Draft.open(work) as draft:
        for change in ({"project.name": WIDE * 201}, {"members.20.name": "甲"}, {"payments.100.amount_wan": "1"}):
            with pytest.raises(DraftError) as caught:
                draft.set_many(change)
            assert caught.value.code == "draft.too_large"
        assert draft.get("project.name") == WIDE * 200


@pytest.mark.parametrize(("length", "named"), [(2_000_000, ("4 MB", "100000")), (3001, ("3000", "3001"))])
def test_building_a_json_with_an_over_long_summary_is_refused_at_once(tmp_path, length, named):
    """The issue's 2 M-character summary (was > 120 s) is stopped by the JSON reader's caps; one
    character over the field's own limit is stopped by the pack's limit, named with the field."""
    data = at_limits("tech_vp", PACK)
    data["project"]["summary"] = "摘" * length
    source = tmp_path / "summary.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cxy("build", str(source), "-o", str(tmp_path / "out.pdf"), cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert any(word in result.stderr for word in named), result.stderr
    if length < 10_000:
        assert "project.summary" in result.stderr
    assert not (tmp_path / "out.pdf").exists()
