"""A JSON file from anyone is refused quickly and cheaply when it is out of bounds: `cxy validate`
and `cxy import` run as real processes on the issue's inputs exit 2 with one readable line,
within 2 s of CPU and under 300 MB, and an import leaves nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forms.errors import UserError
from forms.safe_json import MAX_BYTES, MAX_DEPTH, MAX_ITEMS, MAX_NUMBER_CHARS, MAX_STRING_CHARS, MAX_VALUES
from forms.transfer import read_json

try:
    import resource
except ImportError:  # Windows: no rlimits, no wait4
    resource = None

REPO = Path(__file__).resolve().parents[2]
measured = pytest.mark.skipif(
    resource is None or not hasattr(os, "wait4"), reason="measures the child with POSIX rlimits and wait4"
)
CPU_SECONDS = 2.0  # the bound, measured as the child's CPU time: a busy machine cannot fake it
PEAK_MB = 300


# A child forked from pytest starts with pytest's peak RSS in its own ru_maxrss (Linux keeps the
# high-water mark across exec), which grows with every test run before. So a small launcher forks
# the measured process from itself and reports that grandchild's usage.
_MEASURE = """
import json, os, resource, sys
pid = os.fork()
if pid == 0:  # the limits are a safety net: a regression fails the test instead of eating the machine
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (30, 30))
    os.execv(sys.executable, [sys.executable, "-m", "forms.cli", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss], report)
"""


def cxy(tmp_path: Path, *argv: str) -> tuple[int, str, str, float, float]:
    """(exit code, stdout, stderr, CPU seconds, peak MB) of ``python -m forms.cli argv``."""
    out, err, report = tmp_path / "stdout.txt", tmp_path / "stderr.txt", tmp_path.parent / f"{tmp_path.name}.usage"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(out, "wb") as fout, open(err, "wb") as ferr:
        subprocess.run(
            [sys.executable, "-c", _MEASURE, str(report), *argv],
            stdout=fout,
            stderr=ferr,
            env=env,
            cwd=tmp_path,
            check=True,
        )
    code, cpu, maxrss_kb = json.loads(report.read_text())
    return code, out.read_text("utf-8"), err.read_text("utf-8"), cpu, maxrss_kb / 1024


def members_file(path: Path, count: int, separator: str) -> Path:
    path.write_text('{"members":[' + separator.join(["{}"] * count) + "]}", encoding="utf-8")
    return path


def with_payment_amount(literal: str) -> str:
    return '{"category":"tech_vp","payments":[{"amount_wan":' + literal + "}]}"


# (id, file content, a word of the expected message); the concrete inputs first
CASES = [
    ("2M-empty-members-8MB", None, f"{MAX_BYTES // (1024 * 1024)} MB"),
    ("1M-empty-members-3MB", None, str(MAX_ITEMS)),
    ("nested-100000-lists", "[" * 100_000 + "]" * 100_000, str(MAX_DEPTH)),
    ("nested-100000-objects", '{"a":' * 100_000 + "1" + "}" * 100_000, str(MAX_DEPTH)),
    ("5000-digit-integer", with_payment_amount("9" * 5000), str(MAX_NUMBER_CHARS)),
    ("3000-digit-amount", with_payment_amount("1" + "0" * 2999), str(MAX_NUMBER_CHARS)),
    ("lone-surrogate-name", '{"category":"tech_vp","leader":{"name":"\\ud800"}}', "\\ud800"),
    ("control-character", '{"category":"tech_vp","leader":{"name":"A\\u001bB"}}', "U+001B"),
    ("200k-char-summary", '{"project":{"summary":"' + "项" * 200_000 + '"}}', str(MAX_STRING_CHARS)),
    ("2M-char-summary", '{"project":{"summary":"' + "项" * 2_000_000 + '"}}', f"{MAX_BYTES // (1024 * 1024)} MB"),
    ("60k-values", '{"x":[' + ",".join(["[" + ",".join(["0"] * 600) + "]"] * 100) + "]}", str(MAX_VALUES)),
    ("NaN", '{"category": NaN}', "JSON"),
    ("not-utf8", None, "UTF-8"),
]


def write_case(tmp_path: Path, case_id: str, content: str | None) -> Path:
    path = tmp_path / "in" / f"{case_id}.json"
    path.parent.mkdir(exist_ok=True)
    if case_id == "2M-empty-members-8MB":
        members_file(path, 2_000_000, ", ")
        assert 7_900_000 < path.stat().st_size < 8_100_000
    elif case_id == "1M-empty-members-3MB":
        members_file(path, 1_000_000, ",")
        assert path.stat().st_size < MAX_BYTES  # under the size cap: refused while parsing
    elif case_id == "not-utf8":
        path.write_bytes(b'{"category":"tech_vp","leader":{"name":"\xb3\xc2"}}')
    else:
        path.write_text(content, encoding="utf-8")
    return path


@measured
@pytest.mark.parametrize("command", ["validate", "import"])
@pytest.mark.parametrize(("case_id", "content", "needle"), CASES, ids=[c[0] for c in CASES])
def test_hostile_json_is_one_line_exit_2_fast_and_small(command, case_id, content, needle, tmp_path):
    source = write_case(tmp_path, case_id, content)
    argv = (
        ["--lang", "en", "validate", str(source)]
        if command == "validate"
        else ["--lang", "en", "import", str(source), "-o", str(tmp_path / "out" / "d.cxy")]
    )
    (tmp_path / "out").mkdir()
    started = time.monotonic()
    code, out, err, cpu, peak = cxy(tmp_path, *argv)
    wall = time.monotonic() - started
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cxy: "), err
    assert needle in err
    for bad in ("Traceback", "internal error", "内部错误"):
        assert bad not in err
    assert cpu < CPU_SECONDS, f"{case_id}: {cpu:.2f} s CPU"
    assert peak < PEAK_MB, f"{case_id}: {peak:.0f} MB"
    assert list((tmp_path / "out").iterdir()) == []  # import: no draft, no temporary file
    print(f"{command} {case_id}: {cpu:.2f} s CPU, {wall:.2f} s wall, {peak:.0f} MB peak")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (json.dumps({"members": [{}] * (MAX_ITEMS + 1)}), "json.too_many_items"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "json.too_deep"),
        ('{"a":' + "1" * (MAX_NUMBER_CHARS + 1) + "}", "json.number_too_long"),
        ('{"a":"' + "x" * (MAX_STRING_CHARS + 1) + '"}', "json.string_too_long"),
        ('{"a":"' + "\\u0078" * (MAX_STRING_CHARS + 1) + '"}', "json.string_too_long"),
        ('{"a":"\\udc00x"}', "json.surrogate"),
        ('{"\\ud83d":"key too"}', "json.surrogate"),
        ('{"a":"\\u0000"}', "json.control_character"),
        ('{"a":"\\u007f"}', "json.control_character"),
        ('{"a": Infinity}', "json.syntax"),
        ('{"a": 1} x', "json.syntax"),
        ("[1, 2]", "json.shape"),
        ("{" + '"":' * (3 * MAX_VALUES) + "}", "json.too_many_values"),
        ("{" + "]" * (3 * MAX_VALUES + 1), "json.too_many_values"),
    ],
)
def test_each_limit_has_its_own_code(text, code, tmp_path):
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_json(path)
    assert caught.value.code == code


def test_what_a_real_application_needs_is_well_inside_the_limits(tmp_path):
    from forms.samples import sample

    data = sample("tech_vp")
    data["project"]["summary"] = "第一行\n第二行\t制表符" + "项" * 5000
    data["members"] = [dict(data["members"][0], name=f"成员{i}") for i in range(MAX_ITEMS)]
    data["extra_numbers"] = [123456789.123456789, -1e-300, 0]
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")  # \uXXXX escapes too
    assert read_json(path)["project"]["summary"].startswith("第一行\n第二行\t")
