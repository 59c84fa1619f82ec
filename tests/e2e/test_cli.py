"""The `cxy` command as a user runs it: samples validate clean, one changed fact gives exactly its
rule id, bad input is one readable line with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from forms.cli import main

CATEGORIES = ["tech_vp", "conference", "tech_trade"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def export_json(capsys, tmp_path, draft):
    target = tmp_path / "data.json"
    assert run(capsys, "export", str(draft), "-o", str(target))[0] == 0
    return json.loads(target.read_text(encoding="utf-8"))


def issues_of(capsys, path):
    code, out, _ = run(capsys, "validate", str(path), "--json")
    return code, json.loads(out)["issues"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_sample_validates_with_zero_errors(category, tmp_path, capsys):
    draft = tmp_path / f"{category}.cxy"
    assert run(capsys, "sample", "--category", category, "-o", str(draft))[0] == 0
    code, issues = issues_of(capsys, draft)
    assert code == 0
    assert [i for i in issues if i["severity"] == "error"] == []


CHANGES = [
    ("tech_vp", lambda d: d["contract"].__setitem__("start", "2022-05-31"), "K6"),
    ("conference", lambda d: d["contract"].__setitem__("start", "2023-10-01"), "D6"),
    ("tech_trade", lambda d: d["contract"].__setitem__("end", "2024-05-31"), "T6"),
    (
        "tech_vp",
        lambda d: (
            d["enterprise"].__setitem__("city", "南京市"),
            d.__setitem__("payments", [dict(d["payments"][0], amount_wan="29.9999")]),
        ),
        "K5",
    ),
    ("tech_vp", lambda d: d["members"].extend(dict(d["members"][0], name=f"新成员{i}") for i in range(2)), "team.size"),
    ("conference", lambda d: [m.__setitem__("is_enterprise", True) for m in d["members"]], "team.enterprise"),
    ("tech_trade", lambda d: d["project"].__setitem__("summary", "项" * 301), "length.summary"),
    ("tech_vp", lambda d: d["university"].__setitem__("uscc", d["university"]["uscc"][:17] + "X"), "format.uscc"),
    ("conference", lambda d: d["contract"].__setitem__("type", "purchase"), "G1"),
]


@pytest.mark.parametrize(("category", "change", "expected"), CHANGES, ids=[c[2] for c in CHANGES])
def test_one_changed_fact_gives_its_code(category, change, expected, tmp_path, capsys):
    draft = tmp_path / "s.cxy"
    run(capsys, "sample", "--category", category, "-o", str(draft))
    data = export_json(capsys, tmp_path, draft)
    change(data)
    source = tmp_path / "changed.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    changed = tmp_path / "changed.cxy"
    assert run(capsys, "import", str(source), "-o", str(changed))[0] == 0
    code, issues = issues_of(capsys, changed)
    assert code == 1
    assert sorted({i["code"] for i in issues if i["severity"] == "error"}) == [expected]


def test_json_round_trip_through_a_draft(tmp_path, capsys):
    draft = tmp_path / "s.cxy"
    run(capsys, "sample", "--category", "tech_trade", "-o", str(draft))
    first = export_json(capsys, tmp_path, draft)
    (tmp_path / "a.json").write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    scans = [(tmp_path / a["file"]).read_bytes() for a in first["attachments"]]
    run(capsys, "import", str(tmp_path / "a.json"), "-o", str(tmp_path / "b.cxy"))
    second = export_json(capsys, tmp_path, tmp_path / "b.cxy")
    # the sample's scans come back by kind, title and content; their file names beside the
    # JSON are the exporter's choice (it numbers them again)
    assert [(tmp_path / a.pop("file")).read_bytes() for a in second["attachments"]] == scans
    for item in first["attachments"]:
        item.pop("file")
    assert second == first and len(first["attachments"]) == 2
    assert "镕喆" in first["leader"]["name"] and first["project"]["summary"]


def test_validate_json_file_directly_and_in_english(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"category": "tech_vp", "leader": {"phone": "123"}}), encoding="utf-8")
    code, out, _ = run(capsys, "--lang", "en", "validate", str(path))
    assert code == 1 and "mobile" in out and "errors" in out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "SQLite"),
        (b"\x00" * 4096, "SQLite"),
        (b"not a draft at all" * 100, "SQLite"),
    ],
)
def test_unusable_draft_is_one_line_exit_2(content, needle, tmp_path, capsys):
    bad = tmp_path / "bad.cxy"
    bad.write_bytes(content)
    code, out, err = run(capsys, "--lang", "en", "validate", str(bad))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unknown_keys_in_json_are_refused(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"category": "tech_vp", "projekt": {}}), encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "-o", str(tmp_path / "x.cxy"))
    assert code == 2 and "projekt" in err
    assert not (tmp_path / "x.cxy").exists()


def test_installed_command_prints_no_traceback(tmp_path):
    bad = tmp_path / "truncated.cxy"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x10" * 50)
    proc = subprocess.run(
        [sys.executable, "-m", "forms.cli", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("cxy: ")


def test_json_import_brings_its_attachment_files(tmp_path, capsys):
    from PIL import Image

    from forms.samples import sample

    Image.new("RGB", (800, 1100), "white").save(tmp_path / "contract.jpg", quality=80)
    data = sample("tech_vp")
    data["attachments"] = [{"kind": "contract", "title": "技术开发合同", "file": "contract.jpg"}]
    (tmp_path / "in.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "import", str(tmp_path / "in.json"), "-o", str(tmp_path / "a.cxy"))[0] == 0
    out = export_json(capsys, tmp_path, tmp_path / "a.cxy")
    (item,) = out["attachments"]
    assert (item["kind"], item["title"]) == ("contract", "技术开发合同")
    assert (tmp_path / item["file"]).read_bytes().startswith(b"%PDF")
    # and the exported JSON imports again, attachments included
    assert run(capsys, "import", str(tmp_path / "data.json"), "-o", str(tmp_path / "b.cxy"))[0] == 0
    assert export_json(capsys, tmp_path, tmp_path / "b.cxy")["attachments"][0]["title"] == "技术开发合同"


def test_build_and_print_set_from_the_command_line(tmp_path, capsys):
    from pypdf import PdfReader

    draft = tmp_path / "s.cxy"
    run(capsys, "sample", "--category", "conference", "-o", str(draft))
    assert run(capsys, "build", str(draft), "-o", str(tmp_path / "p.pdf"))[0] == 0
    reader = PdfReader(tmp_path / "p.pdf")
    titles = [item.title for item in reader.outline]
    assert any("附件2" in t for t in titles) and any("附件6" in t for t in titles)
    assert run(capsys, "print-set", str(draft), "-o", str(tmp_path / "print.pdf"))[0] == 0
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "print.pdf").pages)
    assert text.count("省科技厅") >= 1 and "设区市科技局" in text


def test_unknown_pack_is_reported_not_crashed_on(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"pack": "jiangsu-cxy-2031", "category": "tech_vp"}), encoding="utf-8")
    code, issues = issues_of(capsys, path)
    assert code == 1 and any(i["code"] == "pack" and "jiangsu-cxy-2031" in i["message"] for i in issues)
