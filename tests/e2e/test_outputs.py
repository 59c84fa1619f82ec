"""No `-o` destroys anything: an output that is an input (by any path or hard link), a folder, a
device, a pipe or a symlink is refused with one line and exit 2, nothing touched; the upload
files and exported attachments replace or remove only what this program wrote there."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from forms.cli import main
from forms.errors import UserError
from forms.files import write_atomically, write_atomically_from
from forms.outputs import check_output
from forms.owned_outputs import MANIFEST, write_owned

# symlinks need privileges on Windows, pipes and /dev/null do not exist there, SIGPIPE neither
posix = pytest.mark.skipif(os.name != "posix", reason="POSIX symlinks, pipes, devices and signals")


@pytest.fixture(scope="module")
def attached(tmp_path_factory) -> Path:
    """A sample draft with one contract, one payment proof and one other attachment."""
    folder = tmp_path_factory.mktemp("attached")
    draft = folder / "d.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(draft)]) == 0
    for _ in range(2):  # the sample's own two scans out: these tests attach their own
        assert main(["detach", str(draft), "1"]) == 0
    for kind, colour in (("contract", "white"), ("payment_proof", "lightgrey"), ("other", "beige")):
        image = folder / f"{kind}.png"
        Image.new("RGB", (600, 840), colour).save(image)
        assert main(["attach", str(draft), "--kind", kind, str(image)]) == 0
    return draft


@pytest.fixture
def draft(attached, tmp_path) -> Path:
    path = tmp_path / "d.cxy"
    shutil.copyfile(attached, path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("cxy: ") and "internal error" not in err
    return err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ -o names an input


@pytest.mark.parametrize("command", ["build", "print-set", "export"])
@pytest.mark.parametrize("how", ["same path", "other path", "hard link"])
def test_output_that_is_the_input_is_refused_and_the_draft_survives(command, how, draft, tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    target = {"same path": draft, "other path": tmp_path / "sub" / ".." / "d.cxy", "hard link": tmp_path / "link.cxy"}[
        how
    ]
    if how == "hard link":
        os.link(draft, target)
    before = digest(draft)
    err = refused(capsys, command, str(draft), "-o", str(target))
    assert "is the input" in err
    assert digest(draft) == before and draft.read_bytes().startswith(b"SQLite format 3")
    assert not (tmp_path / "d_attachments").exists() and not (tmp_path / "link_attachments").exists()


def test_import_onto_its_own_json_or_attachment_is_refused(tmp_path, capsys):
    Image.new("RGB", (300, 400), "white").save(tmp_path / "scan.png")
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps({"category": "tech_vp", "attachments": [{"kind": "contract", "file": "scan.png"}]}), "utf-8"
    )
    before = source.read_bytes(), digest(tmp_path / "scan.png")
    assert "is the input" in refused(capsys, "import", str(source), "-o", str(source))
    assert "is the input" in refused(capsys, "import", str(source), "-o", str(tmp_path / "scan.png"))
    assert (source.read_bytes(), digest(tmp_path / "scan.png")) == before


# ------------------------------------------------------------------ folders, devices, pipes, symlinks

FILE_OUTPUTS = [
    ("build", True),
    ("print-set", True),
    ("export", True),
    ("new", False),
    ("sample", False),
    ("import", False),
]


def argv_for(command: str, draft: Path, output: Path, tmp_path: Path) -> list[str]:
    if command in ("new", "sample"):
        return [command, "--category", "tech_vp", "-o", str(output)]
    if command == "import":
        source = tmp_path / "plain.json"
        source.write_text('{"category": "tech_vp"}', "utf-8")
        return [command, str(source), "-o", str(output)]
    return [command, str(draft), "-o", str(output)]


@pytest.mark.parametrize(("command", "_"), FILE_OUTPUTS, ids=[c for c, _ in FILE_OUTPUTS])
def test_a_folder_where_a_file_is_expected_is_refused(command, _, draft, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", "utf-8")
    assert "is a folder" in refused(capsys, *argv_for(command, draft, folder, tmp_path))
    assert listing(folder) == ["keep.txt"]


@posix
@pytest.mark.parametrize(("command", "_"), FILE_OUTPUTS, ids=[c for c, _ in FILE_OUTPUTS])
def test_a_symlink_output_is_refused_and_its_target_untouched(command, _, draft, tmp_path, capsys):
    target = tmp_path / "precious.txt"
    target.write_text("my thesis", "utf-8")
    link = tmp_path / "out.pdf"
    link.symlink_to(target)
    assert "symbolic link" in refused(capsys, *argv_for(command, draft, link, tmp_path))
    assert link.is_symlink() and target.read_text("utf-8") == "my thesis"
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "nowhere" / "x")
    assert "symbolic link" in refused(capsys, *argv_for(command, draft, dangling, tmp_path))
    assert not (tmp_path / "nowhere").exists()


@posix
@pytest.mark.parametrize(("command", "_"), FILE_OUTPUTS, ids=[c for c, _ in FILE_OUTPUTS])
def test_a_device_or_pipe_output_is_refused(command, _, draft, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "not a regular file" in refused(capsys, *argv_for(command, draft, fifo, tmp_path))
    if Path("/dev/null").exists():
        assert "not a regular file" in refused(capsys, *argv_for(command, draft, Path("/dev/null"), tmp_path))
        assert Path("/dev/null").is_char_device()


@posix
def test_upload_files_refuses_a_file_a_symlinked_folder_or_an_input_as_its_folder(draft, tmp_path, capsys):
    assert "not a folder" in refused(capsys, "upload-files", str(draft), "-o", str(draft))
    real = tmp_path / "elsewhere"
    real.mkdir()
    (tmp_path / "up").symlink_to(real, target_is_directory=True)
    assert "symbolic link" in refused(capsys, "upload-files", str(draft), "-o", str(tmp_path / "up"))
    assert listing(real) == []


# ------------------------------------------------------------------ folders shared with the user


def test_upload_files_never_replace_or_remove_files_it_did_not_write(draft, tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    mine = {name: f"the user's own {name}".encode() for name in ("contract.pdf", "payment_proofs.pdf", "other.pdf")}
    for name, data in mine.items():
        (docs / name).write_bytes(data)

    code, out, _ = run(capsys, "upload-files", str(draft), "-o", str(docs))
    assert code == 0
    assert {name: (docs / name).read_bytes() for name in mine} == mine
    assert "contract.pdf was not written by this program" in out and "contract-2.pdf" in out
    ours = ["contract-2.pdf", "other-2.pdf", "payment_proofs-2.pdf"]
    assert listing(docs) == sorted([MANIFEST, *mine, *ours])
    assert all((docs / name).read_bytes().startswith(b"%PDF") for name in ours)

    # a second run replaces its own files (no -3), the user's stay
    assert run(capsys, "upload-files", str(draft), "-o", str(docs))[0] == 0
    assert listing(docs) == sorted([MANIFEST, *mine, *ours])
    assert {name: (docs / name).read_bytes() for name in mine} == mine


def test_stale_upload_files_are_removed_only_when_ours_and_unchanged(tmp_path, capsys):
    from forms.draft import Draft

    docs = tmp_path / "docs"
    write_owned(
        docs,
        {"contract.pdf": b"%PDF ours 1", "other.pdf": b"%PDF ours 2", "payment_proofs.pdf": b"%PDF 3"},
        owner="upload-files",
    )
    (docs / "other.pdf").write_bytes(b"%PDF the user annotated ours")  # changed: now the user's
    draft = tmp_path / "only-contract.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(draft)]) == 0
    for _ in range(2):  # the sample's own two scans out: these tests attach their own
        assert main(["detach", str(draft), "1"]) == 0
    Image.new("RGB", (600, 840), "white").save(tmp_path / "c.png")
    assert main(["attach", str(draft), "--kind", "contract", str(tmp_path / "c.png")]) == 0
    with Draft.open(draft) as opened:
        assert [a.kind for a in opened.attachments()] == ["contract"]
    assert run(capsys, "upload-files", str(draft), "-o", str(docs))[0] == 0
    assert listing(docs) == [MANIFEST, "contract.pdf", "other.pdf"]  # payment_proofs.pdf (ours) is gone
    assert (docs / "other.pdf").read_bytes() == b"%PDF the user annotated ours"
    assert (docs / "contract.pdf").read_bytes() != b"%PDF ours 1"


@posix
def test_a_symlink_among_the_upload_files_is_refused_before_anything_is_written(draft, tmp_path, capsys):
    docs, target = tmp_path / "docs", tmp_path / "target.pdf"
    docs.mkdir()
    target.write_bytes(b"keep me")
    (docs / "payment_proofs.pdf").symlink_to(target)
    assert "symbolic link" in refused(capsys, "upload-files", str(draft), "-o", str(docs))
    assert listing(docs) == ["payment_proofs.pdf"] and target.read_bytes() == b"keep me"


@posix
def test_export_never_writes_through_a_symlinked_attachments_folder(draft, tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "data_attachments").symlink_to(real, target_is_directory=True)
    assert "symbolic link" in refused(capsys, "export", str(draft), "-o", str(tmp_path / "data.json"))
    assert listing(real) == [] and not (tmp_path / "data.json").exists()


def test_export_keeps_the_users_files_in_its_attachments_folder(draft, tmp_path, capsys):
    folder = tmp_path / "data_attachments"
    folder.mkdir()
    (folder / "01-contract.pdf").write_bytes(b"the user's signed contract")
    (folder / "notes.txt").write_text("mine", "utf-8")
    code, out, _ = run(capsys, "export", str(draft), "-o", str(tmp_path / "data.json"))
    assert code == 0 and "01-contract.pdf was not written by this program" in out
    assert (folder / "01-contract.pdf").read_bytes() == b"the user's signed contract"
    assert (folder / "notes.txt").read_text("utf-8") == "mine"
    files = [item["file"] for item in json.loads((tmp_path / "data.json").read_text("utf-8"))["attachments"]]
    assert files == [
        "data_attachments/01-contract-2.pdf",
        "data_attachments/02-payment_proof.pdf",
        "data_attachments/03-other.pdf",
    ]
    assert all((tmp_path / f).read_bytes().startswith(b"%PDF") for f in files)
    # exported again: the same names, the user's files untouched
    assert run(capsys, "export", str(draft), "-o", str(tmp_path / "data.json"))[0] == 0
    assert listing(folder) == sorted(
        [MANIFEST, "01-contract.pdf", "01-contract-2.pdf", "02-payment_proof.pdf", "03-other.pdf", "notes.txt"]
    )


# ------------------------------------------------------------------ the writers themselves


@posix
def test_write_atomically_refuses_what_it_would_destroy(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "target").write_bytes(b"keep")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    os.mkfifo(tmp_path / "fifo")
    for name, code in (("folder", "output.directory"), ("link", "output.symlink"), ("fifo", "output.not_regular")):
        with pytest.raises(UserError) as caught:
            write_atomically(tmp_path / name, b"new")
        assert caught.value.code == code
        with pytest.raises(UserError):
            write_atomically_from(tmp_path / name, io.BytesIO(b"new"))
    assert (tmp_path / "target").read_bytes() == b"keep"
    assert listing(tmp_path) == ["fifo", "folder", "link", "target"]  # no temporary file left


def test_write_atomically_from_streams_a_file_or_a_file_object(tmp_path):
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 << 20))
    write_atomically_from(tmp_path / "a.bin", source)
    write_atomically_from(tmp_path / "b.bin", io.BytesIO(source.read_bytes()))
    assert (tmp_path / "a.bin").read_bytes() == (tmp_path / "b.bin").read_bytes() == source.read_bytes()

    class Failing(io.RawIOBase):
        def readinto(self, buffer):
            raise OSError(5, "Input/output error")

    (tmp_path / "c.bin").write_bytes(b"old")
    with pytest.raises(UserError):
        write_atomically_from(tmp_path / "c.bin", Failing())
    assert (tmp_path / "c.bin").read_bytes() == b"old"
    assert listing(tmp_path) == ["a.bin", "b.bin", "big.bin", "c.bin"]


def test_check_output_compares_files_not_names(tmp_path):
    source = tmp_path / "in.cxy"
    source.write_bytes(b"x")
    os.link(source, tmp_path / "alias.cxy")
    with pytest.raises(UserError) as caught:
        check_output(tmp_path / "alias.cxy", [tmp_path / "other.json", source])
    assert caught.value.code == "output.is_input"
    check_output(tmp_path / "new.pdf", [source])  # not there yet: fine
    check_output(tmp_path / "new-folder", [source], directory=True)
    with pytest.raises(UserError) as caught:
        check_output(source, [], directory=True)
    assert caught.value.code == "output.not_directory"


# ------------------------------------------------------------------ where the report goes


def _cxy(*argv: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **kwargs.pop("env", {})}
    return subprocess.Popen([sys.executable, "-m", "forms.cli", *argv], env=env, **kwargs)


def _large_draft(tmp_path: Path) -> Path:
    """A draft whose exported JSON is far larger than a pipe's buffer (every field at its limit)."""
    from forms.draft import Draft
    from forms.samples import at_limits

    path = tmp_path / "large.cxy"
    with Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp") as draft:
        draft.replace_data(at_limits("tech_vp"))
    return path


class _ClosedPipe(io.StringIO):
    """stdout whose reader went away (`cxy export d.cxy | head -c 100`): every write fails. (A
    real pipe is not used: whether the reader is gone before the write is a race, and some
    sandboxes buffer a whole report.)"""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("fileno")


def test_a_reader_that_stops_early_is_not_an_internal_error(tmp_path, monkeypatch, capsys):
    draft = _large_draft(tmp_path)
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["export", str(draft)]) == 141
    assert capsys.readouterr().err == ""


def test_a_console_that_cannot_show_chinese_gets_escapes_not_a_crash(tmp_path):
    source = tmp_path / "x.json"
    source.write_text(json.dumps({"category": "tech_vp", "project": {"name": "镕喆"}}, ensure_ascii=False), "utf-8")
    proc = _cxy(
        "validate", str(source), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"PYTHONIOENCODING": "ascii"}
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and b"\\u" in out and err == b""


def test_a_file_of_ours_that_became_an_input_is_never_replaced(tmp_path):
    first = write_owned(tmp_path / "up", {"contract.pdf": b"%PDF ours"}, owner="upload-files")
    source = first.paths["contract.pdf"]
    again = write_owned(tmp_path / "up", {"contract.pdf": b"%PDF new"}, owner="upload-files", inputs=[source])
    assert source.read_bytes() == b"%PDF ours" and again.paths["contract.pdf"].name == "contract-2.pdf"
    # once left alone, it is the user's: later runs keep replacing their own -2
    third = write_owned(tmp_path / "up", {"contract.pdf": b"%PDF newer"}, owner="upload-files")
    assert third.paths["contract.pdf"].name == "contract-2.pdf"
    assert source.read_bytes() == b"%PDF ours" and third.paths["contract.pdf"].read_bytes() == b"%PDF newer"
    assert listing(tmp_path / "up") == [MANIFEST, "contract-2.pdf", "contract.pdf"]


def test_an_attachment_with_a_500_character_name_exports(tmp_path, capsys):
    draft = tmp_path / "d.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(draft)]) == 0
    for _ in range(2):  # the sample's own two scans out: these tests attach their own
        assert main(["detach", str(draft), "1"]) == 0
    scan = tmp_path / (("合同扫描件" * 20)[:80] + ".png")  # 244 bytes: as long as a name may be
    Image.new("RGB", (300, 400), "white").save(scan)
    assert main(["attach", str(draft), "--kind", "contract", "--title", "题" * 500, str(scan)]) == 0
    code, _, err = run(capsys, "export", str(draft), "-o", str(tmp_path / "data.json"))
    assert code == 0, err
    (item,) = json.loads((tmp_path / "data.json").read_text("utf-8"))["attachments"]
    assert len(Path(item["file"]).name.encode()) < 255 and (tmp_path / item["file"]).is_file()
