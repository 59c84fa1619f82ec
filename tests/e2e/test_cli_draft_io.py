"""The `cxy` read and write paths on a draft file, as real processes (issue 9, items 2, 3, 8):
reads open the draft in place and see the last committed state, writes name whoever holds
the draft, one damaged attachment is isolated and can be removed with `cxy detach`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from forms.draft import Draft

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def cxy(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture
def draft(tmp_path) -> Path:
    """A sample draft with three scanned attachments (contract, two payment proofs)."""
    path = tmp_path / "d.cxy"
    assert cxy("sample", "--category", "tech_vp", "-o", str(path)).returncode == 0
    for _ in range(2):  # the sample's own two scans out: the tests number these three
        assert cxy("detach", str(path), "1").returncode == 0
    for n, colour in enumerate(("white", "gray", "black")):
        Image.new("RGB", (400, 560), colour).save(tmp_path / f"scan{n}.jpg")
    assert (
        cxy("attach", str(path), "--kind", "contract", "--title", "技术合同", str(tmp_path / "scan0.jpg")).returncode
        == 0
    )
    done = cxy(
        "attach",
        str(path),
        "--kind",
        "payment_proof",
        "--title",
        "到账凭证",
        str(tmp_path / "scan1.jpg"),
        str(tmp_path / "scan2.jpg"),
    )
    assert done.returncode == 0, done.stderr
    return path


def flip_one_bit_in_attachment(path: Path, number: int) -> None:
    """Flip one bit inside the stored PDF of attachment ``number`` (1-based), as bit rot would."""
    with Draft.open(path, readonly=True) as d:
        pdf = d.attachment_pdf(d.attachments()[number - 1].id)
    raw = bytearray(path.read_bytes())
    for start in range(len(pdf) // 2, len(pdf) - 48, 16):  # a stretch of this PDF found once in the file
        probe = pdf[start : start + 48]
        at = raw.find(probe)
        if at > 0 and raw.find(probe, at + 1) == -1:
            break
    else:
        raise AssertionError("no unique stretch of the attachment in the file")
    raw[at + 10] ^= 0x04
    path.write_bytes(bytes(raw))


# ------------------------------------------------------------------ one bad attachment (item 8)


def test_a_flipped_bit_marks_one_attachment_and_the_rest_still_works(draft, tmp_path):
    flip_one_bit_in_attachment(draft, 2)

    checked = cxy("validate", str(draft))
    assert checked.returncode == 1, checked.stderr
    assert "attachment.damaged attachments.1" in checked.stdout
    assert "附件 2：到账凭证（1）（到账证明，1 页，已损坏）" in checked.stdout
    assert "附件 1：技术合同" in checked.stdout and "附件 3：到账凭证（2）" in checked.stdout
    issues = json.loads(cxy("validate", "--json", str(draft)).stdout)["issues"]
    assert [(i["field"], i["code"]) for i in issues if i["severity"] == "error"] == [
        ("attachments.1", "attachment.damaged")
    ]

    out = tmp_path / "export" / "app.json"
    out.parent.mkdir()
    exported = cxy("export", str(draft), "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "附件 2（到账凭证（1））已损坏，未导出" in exported.stderr and len(exported.stderr.strip().splitlines()) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [a["title"] for a in data["attachments"]] == ["技术合同", "到账凭证（2）"]
    assert data["project"]["name"]

    built = cxy("build", str(draft), "-o", str(tmp_path / "package.pdf"))
    assert built.returncode == 2 and not (tmp_path / "package.pdf").exists()
    assert "附件 2（到账凭证（1））已损坏" in built.stderr and "detach" in built.stderr
    assert len(built.stderr.strip().splitlines()) == 1 and "Traceback" not in built.stderr
    for args in (("print-set", "--with-attachments"), ("upload-files",)):
        refused = cxy(args[0], str(draft), "-o", str(tmp_path / "out"), *args[1:])
        assert refused.returncode == 2 and "附件 2（到账凭证（1））已损坏" in refused.stderr
    printed = cxy("print-set", str(draft), "-o", str(tmp_path / "print.pdf"))  # needs no attachment
    assert printed.returncode == 0, printed.stderr

    detached = cxy("detach", str(draft), "2")
    assert detached.returncode == 0, detached.stderr
    assert "已移除附件 2：到账凭证（1）" in detached.stdout
    assert cxy("validate", str(draft)).returncode == 0
    built = cxy("build", str(draft), "-o", str(tmp_path / "package.pdf"))
    assert built.returncode == 0, built.stderr


def test_detach_numbers_as_validate_does_and_refuses_a_wrong_number(draft):
    assert cxy("detach", str(draft), "1").returncode == 0
    listed = cxy("--lang", "en", "validate", str(draft)).stdout
    assert "attachment 1: 到账凭证（1）" in listed and "attachment 2: 到账凭证（2）" in listed
    wrong = cxy("detach", str(draft), "3")
    assert wrong.returncode == 2 and "没有附件 3" in wrong.stderr and len(wrong.stderr.splitlines()) == 1


# ------------------------------------------------------------------ one writer (item 2)


HOLDER = """
import sys
from forms.draft import Draft
draft = Draft.open(sys.argv[1])
print("HELD", flush=True)
sys.stdin.readline()
"""


def test_writing_commands_name_who_holds_the_draft(draft, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(draft)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV
    )
    try:
        assert holder.stdout.readline().strip() == "HELD"
        (tmp_path / "app.json").write_text(json.dumps({"pack": "jiangsu-cxy-2023"}), encoding="utf-8")
        for args in (
            ("attach", str(draft), "--kind", "other", str(tmp_path / "scan0.jpg")),
            ("detach", str(draft), "1"),
            ("import", str(tmp_path / "app.json"), "-o", str(draft)),
        ):
            done = cxy(*args)
            assert done.returncode == 2, (args, done.stderr)
            line = done.stderr.strip()
            assert len(line.splitlines()) == 1 and f"进程 {holder.pid}" in line and "cxy-apply" in line, line
        en = cxy("--lang", "en", "detach", str(draft), "1")
        assert f"process {holder.pid}" in en.stderr
        # reads need no lock
        assert cxy("validate", str(draft)).returncode == 0
        assert json.loads(cxy("export", str(draft)).stdout)["project"]["name"]
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdin.close()
        holder.stdout.close()
    with Draft.open(draft, readonly=True) as d:
        assert len(d.attachments()) == 3  # nothing was changed while it was held


# ------------------------------------------------------------------ reads that never lie (item 3)


KILLED_WRITER = """
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA cache_size=10")
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE fields SET value = '\\"UNCOMMITTED\\"' WHERE path = 'project.name'")
for n in range(40):
    con.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (f"filler{n}", "x" * 3000))
os.kill(os.getpid(), 9)
"""

WAL_WRITER = """
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("UPDATE fields SET value = '\\"IN THE WAL\\"' WHERE path = 'project.name'")
os._exit(0)
"""


def _name_exported(path: Path) -> str:
    done = cxy("export", str(path))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["project"]["name"]


def test_export_and_validate_after_a_writer_was_killed_show_the_committed_state(draft, tmp_path):
    committed = _name_exported(draft)
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(draft)], env=ENV, timeout=60, check=False)
    assert Path(f"{draft}-journal").exists()
    assert cxy("validate", str(draft)).returncode == 0
    assert _name_exported(draft) == committed
    assert cxy("build", str(draft), "-o", str(tmp_path / "p.pdf")).returncode == 0


def test_a_wal_drafts_committed_content_is_read(draft):
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(draft)], env=ENV, timeout=60, check=False)
    assert Path(f"{draft}-wal").exists()
    assert _name_exported(draft) == "IN THE WAL"


COMMITTER = """
import sys, time
from forms.draft import Draft
draft = Draft.open(sys.argv[1])
print("READY", flush=True)
n = 0
while True:
    n += 1
    draft.set_many({"project.name": f"联合攻关项目第{n}版", "project.summary": "合作内容" * (n % 40 + 1)})
    time.sleep(0.02)
"""


def test_25_of_25_validate_runs_are_right_while_another_process_commits_every_20_ms(draft):
    writer = subprocess.Popen([sys.executable, "-c", COMMITTER, str(draft)], stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert writer.stdout.readline().strip() == "READY"
        with ThreadPoolExecutor(max_workers=3) as pool:
            runs = list(pool.map(lambda _: cxy("validate", str(draft)), range(25)))
        assert writer.poll() is None  # the writer really was committing all along
    finally:
        writer.kill()
        writer.wait(timeout=30)
        writer.stdout.close()
    wrong = [(r.returncode, r.stderr.strip()) for r in runs if r.returncode != 0 or "0 个错误" not in r.stdout]
    assert wrong == [], f"{25 - len(wrong)}/25 right: {wrong[:3]}"
