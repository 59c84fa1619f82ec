"""Issue 15 §1, packs from anywhere: ``cxy packs`` lists the bundled and installed packs;
``cxy packs install FOLDER|ZIP`` installs one into the user's data folder, treating it as hostile
(zip-slip, links, huge files, non-TOML files) and checking it before anything is copied in; a
draft records its pack id and is found again by it."""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from forms.cli import main
from forms.errors import UserError
from forms.pack import load_pack
from forms.pack_install import install, list_packs
from forms.pack_registry import installed_dir
from tests.pack_writer import PACK_2025


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CXY_DATA_DIR", str(tmp_path / "data"))
    load_pack.cache_clear()
    yield
    load_pack.cache_clear()


def installed() -> list[str]:
    root = installed_dir()
    return sorted(os.listdir(root)) if root.exists() else []


def cxy(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def zipped(path: Path, members: dict[str, bytes], wrap: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(wrap + name, data)
    return path


def pack_files(without: str = "") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in PACK_2025.iterdir() if p.name != without}


# --- listing and installing --------------------------------------------------------------------


def test_cxy_packs_lists_the_bundled_pack_as_verified(capsys):
    code, out, _ = cxy(capsys, "packs", "--json")
    (bundled,) = json.loads(out)["packs"]
    assert code == 0
    assert bundled["id"] == "jiangsu-cxy-2023" and bundled["where"] == "bundled" and bundled["verified"]
    assert bundled["year"] == 2023 and bundled["categories"] == ["tech_vp", "conference", "tech_trade"]


def test_a_folder_is_installed_listed_and_loaded_by_id(capsys):
    code, out, err = cxy(capsys, "packs", "install", str(PACK_2025))
    assert code == 0, err
    assert "jiangsu-cxy-2025" in out and "dual_high" in out
    assert installed() == ["jiangsu-cxy-2025"]  # no staging folder left behind
    assert sorted(os.listdir(installed_dir() / "jiangsu-cxy-2025")) == [
        "documents.toml",
        "fields.toml",
        "letters.toml",
        "pack.toml",
    ]
    listed = {p["id"]: p for p in json.loads(cxy(capsys, "packs", "--json")[1])["packs"]}
    assert listed["jiangsu-cxy-2025"]["where"] == "installed" and listed["jiangsu-cxy-2025"]["verified"]
    assert listed["jiangsu-cxy-2025"]["categories"][-1] == "dual_high"
    assert load_pack("jiangsu-cxy-2025").year == 2025


def test_a_zip_of_the_folder_installs(tmp_path):
    info = install(zipped(tmp_path / "p.zip", pack_files(), wrap="jiangsu-cxy-2025/"))
    assert info.id == "jiangsu-cxy-2025" and info.verified and installed() == ["jiangsu-cxy-2025"]


def test_a_bundled_id_is_not_installed_over(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(PACK_2025.parent.parent.parent.parent / "forms" / "packs" / "jiangsu-cxy-2023", folder)
    with pytest.raises(UserError) as caught:
        install(folder)
    assert caught.value.code == "pack.install.bundled" and installed() == []


def test_an_installed_pack_is_replaced_only_when_asked(tmp_path):
    install(PACK_2025)
    with pytest.raises(UserError) as caught:
        install(PACK_2025)
    assert caught.value.code == "pack.install.exists" and "--replace" in caught.value.en
    changed = tmp_path / "jiangsu-cxy-2025"
    shutil.copytree(PACK_2025, changed)
    text = (
        (changed / "pack.toml").read_text("utf-8").replace("unclosed_since_year = 2022", "unclosed_since_year = 2021")
    )
    (changed / "pack.toml").write_text(text, "utf-8")
    install(changed, replace=True)
    assert load_pack("jiangsu-cxy-2025").rules.unclosed_since_year == 2021
    assert installed() == ["jiangsu-cxy-2025"]


def test_a_broken_pack_is_refused_naming_file_and_line_and_nothing_is_installed(tmp_path, capsys):
    broken = tmp_path / "jiangsu-cxy-2025"
    shutil.copytree(PACK_2025, broken)
    text = (broken / "pack.toml").read_text("utf-8").replace('wan = "10"', 'wan = "ten"')
    (broken / "pack.toml").write_text(text, "utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if 'wan = "ten"' in s)
    code, _, err = cxy(capsys, "packs", "install", str(broken))
    assert code == 2 and err.count("\n") == 1
    assert f"jiangsu-cxy-2025/pack.toml:{line}" in err and "categories.dual_high.min_paid" in err
    assert os.listdir(installed_dir()) == []  # the staging folder is gone too


def test_a_toml_syntax_error_is_refused_with_its_line(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(PACK_2025, broken)
    with (broken / "documents.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[documents.form_x\n")
    with pytest.raises(UserError) as caught:
        install(broken)
    assert caught.value.code == "pack.syntax" and "broken/documents.toml" in caught.value.en
    assert "line" in caught.value.en
    assert os.listdir(installed_dir()) == []


# --- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../evil.toml", "/etc/evil.toml", "a/../../evil.toml", "C:/evil.toml", "..\\evil.toml"]
)
def test_zip_slip_is_refused(tmp_path, name):
    archive = zipped(tmp_path / "slip.zip", {**pack_files(), name: b"x = 1\n"})
    with pytest.raises(UserError) as caught:
        install(archive)
    assert caught.value.code in ("pack.install.path", "pack.install.file")
    assert not (tmp_path / "evil.toml").exists() and not (tmp_path.parent / "evil.toml").exists()
    assert installed() == []


def test_a_link_in_the_folder_is_refused(tmp_path):
    folder = tmp_path / "linked"
    shutil.copytree(PACK_2025, folder)
    (folder / "fields.toml").unlink()
    (folder / "fields.toml").symlink_to("/etc/passwd")
    with pytest.raises(UserError) as caught:
        install(folder)
    assert caught.value.code == "pack.install.link" and "fields.toml" in caught.value.en


def test_a_link_in_the_zip_is_refused(tmp_path):
    path = zipped(tmp_path / "link.zip", pack_files(without="fields.toml"))
    with zipfile.ZipFile(path, "a") as archive:
        member = zipfile.ZipInfo("fields.toml")
        member.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(member, "/etc/passwd")
    with pytest.raises(UserError) as caught:
        install(path)
    assert caught.value.code == "pack.install.link"


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path):
    folder = tmp_path / "huge"
    shutil.copytree(PACK_2025, folder)
    with (folder / "fields.toml").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB declared, nothing written
    with pytest.raises(UserError) as caught:
        install(folder)
    assert caught.value.code == "pack.install.size" and "fields.toml" in caught.value.en


def test_a_zip_bomb_member_is_refused(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in pack_files(without="fields.toml").items():
            archive.writestr(name, data)
        archive.writestr("fields.toml", b"#" * (20 * 1024 * 1024))
    with pytest.raises(UserError) as caught:
        install(path)
    assert caught.value.code == "pack.install.size"


@pytest.mark.parametrize("name", ["README.md", "run.py", ".hidden.toml"])
def test_a_file_that_is_not_toml_is_refused(tmp_path, name):
    folder = tmp_path / "extra"
    shutil.copytree(PACK_2025, folder)
    (folder / name).write_text("print('hi')\n", "utf-8")
    with pytest.raises(UserError) as caught:
        install(folder)
    assert caught.value.code == "pack.install.file" and name in caught.value.en


def test_a_subfolder_is_refused(tmp_path):
    folder = tmp_path / "nested"
    shutil.copytree(PACK_2025, folder)
    (folder / "more").mkdir()
    with pytest.raises(UserError) as caught:
        install(folder)
    assert caught.value.code == "pack.install.file"


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "pack.zip"
    path.write_bytes(b"PK not really")
    with pytest.raises(UserError) as caught:
        install(path)
    assert caught.value.code == "pack.install.zip"


# --- drafts find their pack ----------------------------------------------------------------------


def test_a_draft_made_with_a_pack_folder_is_checked_against_it_once_installed(tmp_path, capsys):
    draft = tmp_path / "dual.cxy"
    assert cxy(capsys, "--pack", str(PACK_2025), "sample", "--category", "dual_high", "-o", str(draft))[0] == 0
    install(PACK_2025)
    load_pack.cache_clear()
    code, out, err = cxy(capsys, "validate", "--json", str(draft))  # no --pack: the draft names it
    assert code == 0, err
    assert json.loads(out)["issues"] == []


def test_an_unknown_folder_is_one_line(capsys, tmp_path):
    code, _, err = cxy(capsys, "--pack", str(tmp_path / "nowhere"), "packs")
    assert code == 2 and err.startswith("cxy: Unknown rule pack") and err.count("\n") == 1


def test_list_packs_marks_a_broken_installed_pack_unverified(tmp_path):
    install(PACK_2025)
    (installed_dir() / "jiangsu-cxy-2025" / "documents.toml").write_text("[documents.form_dual_high]\n", "utf-8")
    load_pack.cache_clear()
    listed = {p.id: p for p in list_packs()}
    assert not listed["jiangsu-cxy-2025"].verified and listed["jiangsu-cxy-2025"].year == 2025
    assert listed["jiangsu-cxy-2025"].problem is not None


def test_a_plain_name_is_an_id_first_then_a_folder_of_that_name(tmp_path, monkeypatch, capsys):
    shutil.copytree(PACK_2025, tmp_path / "call2025")
    monkeypatch.chdir(tmp_path)
    code, _, err = cxy(capsys, "--pack", "call2025", "packs")
    assert code == 0, err
    from forms.pack import resolve_pack

    assert resolve_pack("call2025").id == "jiangsu-cxy-2025"
    assert resolve_pack("jiangsu-cxy-2023").id == "jiangsu-cxy-2023"
