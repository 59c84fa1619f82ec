"""``cxy batch DIR``: the office's folder through the command line, as a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import make_draft, snapshot

REPO = Path(__file__).resolve().parents[2]


def cxy(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )


def test_json_rows_and_cross_checks(office_folder):
    before = snapshot(office_folder)
    done = cxy("batch", str(office_folder), "--json")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    payload = json.loads(done.stdout)
    assert payload["eligible"] is False
    found = {row["file"]: row for row in payload["rows"]}
    assert found["01_valid_final.cxy"]["eligible"] is True and found["01_valid_final.cxy"]["seal"] == "verified"
    assert found["01_valid_final.cxy"]["contract_wan"] == "80" and found["01_valid_final.cxy"]["final"] is True
    assert [i["code"] for i in found["02_invalid.cxy"]["issues"]] == ["format.email"]
    assert [i["code"] for i in found["03_dup_a.cxy"]["cross"]] == ["G5"]
    assert [i["code"] for i in found["04_dup_b.cxy"]["cross"]] == ["G5"]
    assert found["05_not_final.cxy"]["eligible"] is True and found["05_not_final.cxy"]["final"] is False
    assert found["06_changed_after_build.cxy"]["seal"] == "mismatch"
    for name in ("07_truncated.cxy", "08_photo.cxy", "09_broken.pdf", "12_other_call.cxy"):
        assert found[name]["usable"] is False and found[name]["reason"]
    assert snapshot(office_folder) == before


def test_text_table_names_every_file_and_each_problem(office_folder):
    done = cxy("batch", str(office_folder))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["序号", "文件", "类别"]
    for name in ("01_valid_final.cxy", "07_truncated.cxy", "10_lone_package.pdf", "11_application.json"):
        assert any(name in line for line in lines[1:13])
    assert "同一项目负责人限报一项" in done.stdout and "已定稿" in done.stdout and "未定稿" in done.stdout
    assert "无法使用" in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert "  [错误] " in done.stdout and "[error]" not in done.stdout
    for english in (cxy("--lang", "en", "batch", str(office_folder)), cxy("batch", str(office_folder), "--lang", "en")):
        assert english.stdout.splitlines()[0].split()[:3] == ["#", "File", "Category"]
        assert "One application per project leader" in english.stdout and "Unusable" in english.stdout
        assert "  [error] " in english.stdout and "[错误]" not in english.stdout


def test_exit_0_when_all_are_eligible_and_2_for_an_unreadable_folder(tmp_path, pack):
    folder = tmp_path / "clean"
    folder.mkdir()
    make_draft(folder / "a.cxy", pack, leader="甲", uscc17="91320100MA1DDDD01")
    assert cxy("batch", str(folder)).returncode == 0
    missing = cxy("batch", str(tmp_path / "missing"))
    assert missing.returncode == 2 and missing.stderr.startswith("cxy: ") and len(missing.stderr.splitlines()) == 1


def test_outputs_are_written_and_never_over_an_input(office_folder, tmp_path):
    xlsx, csv_path = tmp_path / "汇总.xlsx", tmp_path / "汇总.csv"
    done = cxy("batch", str(office_folder), "--xlsx", str(xlsx), "--csv", str(csv_path))
    assert done.returncode == 1 and xlsx.stat().st_size > 0 and csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    before = snapshot(office_folder)
    refused = cxy("batch", str(office_folder), "--csv", str(office_folder / "05_not_final.cxy"))
    assert refused.returncode == 2 and "cxy: " in refused.stderr
    assert snapshot(office_folder) == before
