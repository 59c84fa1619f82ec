"""`cxy import` is all or nothing: whatever fails (a bad attachment, a bad value, the disk,
Ctrl+C) leaves no draft and no temporary file at the destination, and a rerun works. Attachment
paths in a JSON resolve only inside the JSON's own folder."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from forms.cli import main
from forms.errors import UserError
from forms.pack import DEFAULT_PACK
from forms.samples import sample
from forms.text import Text
from forms.transfer import resolve_attachment_files


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def source(tmp_path) -> Path:
    """A sample application with two attachment files beside it, the second not an image."""
    folder = tmp_path / "from"
    folder.mkdir()
    Image.new("RGB", (600, 840), "white").save(folder / "contract.png")
    (folder / "proof.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG" + b"\x00" * 200)
    data = sample("tech_vp")
    data["attachments"] = [
        {"kind": "contract", "title": "合同", "file": "contract.png"},
        {"kind": "payment_proof", "title": "到账", "file": "proof.jpg"},
    ]
    path = folder / "app.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def fix_proof(source: Path) -> None:
    Image.new("RGB", (600, 840), "lightgrey").save(source.parent / "proof.jpg", format="JPEG")


def test_a_bad_second_attachment_leaves_nothing_and_a_rerun_works(source, out, capsys):
    dest = out / "d.cxy"
    code, _, err = run(capsys, "import", str(source), "-o", str(dest))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "internal error" not in err
    assert listing(out) == []
    fix_proof(source)
    assert run(capsys, "import", str(source), "-o", str(dest))[0] == 0
    assert listing(out) == ["d.cxy"]
    code, out_text, _ = run(capsys, "export", str(dest))
    assert [a["title"] for a in json.loads(out_text)["attachments"]] == ["合同", "到账"]


@pytest.mark.parametrize("failure", ["bad value", "disk full", "ctrl-c"])
def test_any_failure_while_filling_leaves_nothing(failure, source, out, capsys, monkeypatch):
    import forms.atomic
    import forms.attachments
    from forms.draft import Draft
    from forms.draft.errors import invalid

    fix_proof(source)
    if failure == "bad value":

        def refuse(self, nested):
            raise invalid(Text("成员过多", "too many members"))

        monkeypatch.setattr(Draft, "replace_data", refuse)
    elif failure == "disk full":

        def full(src, dest):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(forms.atomic, "publish_new_durably", full)
    else:
        real = forms.attachments.normalise
        calls = []

        def interrupted(path, name, **kwargs):
            calls.append(path)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real(path, name, **kwargs)

        monkeypatch.setattr(forms.attachments, "normalise", interrupted)

    code, _, err = run(capsys, "import", str(source), "-o", str(out / "d.cxy"))
    if failure == "ctrl-c":
        assert code == 130
    else:
        assert code == 2 and ("too many members" in err or "disk is full" in err)
    assert listing(out) == []
    monkeypatch.undo()
    assert run(capsys, "import", str(source), "-o", str(out / "d.cxy"))[0] == 0


def test_an_existing_destination_is_refused_before_any_work(source, out, capsys):
    fix_proof(source)
    (out / "d.cxy").write_bytes(b"someone's file")
    code, _, err = run(capsys, "import", str(source), "-o", str(out / "d.cxy"))
    assert code == 2 and "already exists" in err
    assert (out / "d.cxy").read_bytes() == b"someone's file" and listing(out) == ["d.cxy"]


# ------------------------------------------------------------------ where attachment files may be

posix = pytest.mark.skipif(os.name != "posix", reason="creating symlinks needs privileges on Windows")


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret" / "id-card.png"
    path.parent.mkdir()
    Image.new("RGB", (300, 200), "red").save(path)
    return path


def _escapes(source: Path, secret: Path) -> dict[str, str]:
    folder = source.parent
    (folder / "link.png").symlink_to(secret)
    (folder / "linked-folder").symlink_to(secret.parent, target_is_directory=True)
    return {
        "dot-dot": "../secret/id-card.png",
        "dot-dot-inside": "sub/../../secret/id-card.png",
        "absolute": str(secret),
        "windows-dot-dot": "..\\secret\\id-card.png",
        "windows-drive": "C:\\Users\\me\\id-card.png",
        "unc": "\\\\server\\share\\id-card.png",
        "symlinked-file": "link.png",
        "symlinked-folder": "linked-folder/id-card.png",
    }


@posix
@pytest.mark.parametrize(
    "case",
    [
        "dot-dot",
        "dot-dot-inside",
        "absolute",
        "windows-dot-dot",
        "windows-drive",
        "unc",
        "symlinked-file",
        "symlinked-folder",
    ],
)
def test_attachment_paths_leading_out_of_the_json_folder_are_refused(case, source, secret, out, capsys):
    file = _escapes(source, secret)[case]
    data = json.loads(source.read_text("utf-8"))
    data["attachments"] = [{"kind": "contract", "file": "contract.png"}, {"kind": "other", "file": file}]
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    code, _, err = run(capsys, "import", str(source), "-o", str(out / "d.cxy"))
    assert code == 2 and file in err and "leads outside" in err
    assert listing(out) == []
    with pytest.raises(UserError) as caught:
        resolve_attachment_files(data["attachments"], source.parent)
    assert caught.value.code == "json.attachment_path"


@posix
def test_paths_inside_the_json_folder_resolve_symlinks_included(source, tmp_path):
    folder = source.parent
    (folder / "scans").mkdir()
    Image.new("RGB", (300, 200), "blue").save(folder / "scans" / "a.png")
    (folder / "alias.png").symlink_to(folder / "scans" / "a.png")
    items = [{"kind": "contract", "file": "scans/a.png", "title": "甲"}, {"file": "alias.png"}, {"kind": "other"}]
    got = resolve_attachment_files(items, folder)
    real = (folder / "scans" / "a.png").resolve()
    assert got == [(real, "contract", "甲"), (real, "other", "alias")]
    with pytest.raises(UserError) as caught:
        resolve_attachment_files([{"file": "missing.png"}], folder)
    assert caught.value.code == "json.attachment" and "missing.png" in caught.value.en


@posix
def test_the_desktop_uses_the_same_rule(source, secret):
    pytest.importorskip("PySide6")
    from desktop import opening

    _escapes(source, secret)
    data = json.loads(source.read_text("utf-8"))
    dest = source.parent / "from-app.cxy"
    for file in ("link.png", "../secret/id-card.png"):
        data["attachments"] = [{"kind": "other", "file": file}]
        source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        with pytest.raises(UserError) as caught:  # the app's import job is the CLI's import
            opening.import_json_job(source, dest, DEFAULT_PACK)(progress=lambda *_: None, cancel=lambda: False)
        assert caught.value.code == "json.attachment_path"
        assert not dest.exists()
    assert os.path.exists(secret)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_in_a_real_import_leaves_nothing_and_a_rerun_works(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "from"
    folder.mkdir()
    data = sample("tech_vp")
    data["attachments"] = []
    for i in range(12):  # enough intake work that the interrupt lands in the middle of it
        Image.new("RGB", (1600, 2200), (i * 20, 200, 100)).save(folder / f"s{i}.png")
        data["attachments"].append({"kind": "other", "file": f"s{i}.png"})
    (folder / "in.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    argv = [sys.executable, "-m", "forms.cli", "import", str(folder / "in.json"), "-o", str(out / "d.cxy")]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        deadline = time.monotonic() + 60
        while not any(p.name.endswith(".cxytmp") for p in out.iterdir()):  # the draft is being built
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"Traceback" not in err
    assert listing(out) == []
    assert subprocess.run(argv, env=env, capture_output=True, timeout=120, check=False).returncode == 0
    assert listing(out) == ["d.cxy"]
