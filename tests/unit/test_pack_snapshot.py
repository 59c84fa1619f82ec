"""Issue 14 §1, the pack from a validated snapshot: a load keeps the checked pack in the user's
cache folder; the next load uses it without reading the TOML, rebuilds it when any file the load
read changes (the pack, its parent, an imported template), and ignores a snapshot that is
corrupt or does not validate."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from forms import pack_load
from forms.pack import load_pack_dir
from forms.pack_snapshot import Snapshot, cache_dir
from forms.paths import packs_dir
from tests.pack_writer import PACK_2025


@pytest.fixture(autouse=True)
def own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("CXY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CXY_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def folder(tmp_path) -> Path:
    copy = tmp_path / "jiangsu-cxy-2025"
    shutil.copytree(PACK_2025, copy)
    return copy


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every pack folder whose TOML a load reads."""
    seen: list[Path] = []
    real = pack_load.read_source

    def counting(folder: Path) -> pack_load.Source:
        seen.append(folder)
        return real(folder)

    monkeypatch.setattr(pack_load, "read_source", counting)
    return seen


def test_the_second_load_comes_from_the_snapshot_and_equals_the_first(folder, reads):
    first = load_pack_dir(folder)
    assert Snapshot(folder).path.is_file() and Snapshot(folder).path.is_relative_to(cache_dir())
    second = load_pack_dir(folder)
    assert reads == [folder]  # the TOML was read once
    assert second == first and second is not first


def test_a_changed_file_rebuilds_it(folder, reads):
    load_pack_dir(folder)
    text = (folder / "pack.toml").read_text("utf-8").replace("year = 2025", "year = 2026  # a new year")
    (folder / "pack.toml").write_text(text, "utf-8")
    assert load_pack_dir(folder).year == 2026
    assert len(reads) == 2


def test_a_file_that_appears_rebuilds_it(folder, reads):
    # first without its fields.toml (and without the form row that prints the fields it declares)
    own_fields = (folder / "fields.toml").read_text("utf-8")
    (folder / "fields.toml").unlink()
    documents = (folder / "documents.toml").read_text("utf-8")
    row = documents.index(
        '[[documents.form_dual_high.rows]]\nunverified = true\nreason = "no official 2025 template: the'
    )
    end = documents.index("[[documents.form_dual_high.rows]]", row + 1)
    (folder / "documents.toml").write_text(documents[:row] + documents[end:], "utf-8")
    assert "dual_high.college" not in load_pack_dir(folder).fields
    parent = (packs_dir() / "jiangsu-cxy-2023" / "fields.toml").read_text("utf-8")
    entry = parent[parent.index('[fields."project.name"]') :]
    entry = entry[: entry.index("\n[", 1)].replace('zh = "项目名称"', 'zh = "课题名称"', 1)
    (folder / "fields.toml").write_text(own_fields + "\n" + entry + "\n", "utf-8")
    loaded = load_pack_dir(folder)
    assert len(reads) == 2
    assert loaded.fields["project.name"].zh == "课题名称" and "dual_high.college" in loaded.fields


def test_an_imported_template_rebuilds_it(folder, reads):
    from forms.template.store import overrides_dir

    load_pack_dir(folder)
    overrides = overrides_dir("jiangsu-cxy-2025")
    overrides.mkdir(parents=True)
    (overrides / "annex-4.json").write_text("{}", "utf-8")  # unusable: skipped with a warning, but read
    load_pack_dir(folder)
    assert len(reads) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: "\x00" * 10,
        lambda text: json.dumps({"code": [], "inputs": [], "pack": "{}"}),
        lambda text: "[]",
    ],
    ids=["truncated", "binary", "foreign", "not-an-object"],
)
def test_a_corrupt_snapshot_is_ignored_and_rebuilt(folder, reads, damage):
    first = load_pack_dir(folder)
    path = Snapshot(folder).path
    path.write_text(damage(path.read_text("utf-8")), "utf-8")
    assert load_pack_dir(folder) == first
    assert len(reads) == 2
    assert json.loads(path.read_text("utf-8"))["pack"]  # written again


def test_a_snapshot_whose_pack_does_not_validate_is_not_trusted(folder, reads):
    first = load_pack_dir(folder)
    path = Snapshot(folder).path
    stored = json.loads(path.read_text("utf-8"))
    pack = json.loads(stored["pack"])
    pack["categories"].append(pack["categories"][0])  # a repeated category id: the schema refuses it
    stored["pack"] = json.dumps(pack, ensure_ascii=False)
    path.write_text(json.dumps(stored, ensure_ascii=False), "utf-8")
    assert load_pack_dir(folder) == first
    assert len(reads) == 2


def test_a_snapshot_with_a_broken_layout_is_not_trusted(folder, reads):
    first = load_pack_dir(folder)
    path = Snapshot(folder).path
    stored = json.loads(path.read_text("utf-8"))
    pack = json.loads(stored["pack"])
    pack["documents"]["documents"]["form_dual_high"]["rows"][0]["cells"][1]["value"] = "project.nonsense"
    stored["pack"] = json.dumps(pack, ensure_ascii=False)
    path.write_text(json.dumps(stored, ensure_ascii=False), "utf-8")
    assert load_pack_dir(folder) == first
    assert len(reads) == 2


def test_an_unwritable_cache_only_costs_the_speed_up(folder, tmp_path, monkeypatch, reads):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", "utf-8")
    monkeypatch.setenv("CXY_CACHE_DIR", str(blocked))
    assert load_pack_dir(folder).id == "jiangsu-cxy-2025"
    assert load_pack_dir(folder).id == "jiangsu-cxy-2025"
    assert len(reads) == 2


def test_a_pack_being_installed_leaves_no_snapshot(folder):
    load_pack_dir(folder, snapshot=False)
    assert not (cache_dir() / "packs").exists() or os.listdir(cache_dir() / "packs") == []


def _same(a: object, b: object, where: str = "pack", *, set_keys: bool = True) -> None:
    """``a`` and ``b`` are equal and of the same types all the way down (``==`` alone would take
    ``Decimal("5")`` for ``5`` and a list for a tuple's equal)."""
    from pydantic import BaseModel

    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert isinstance(b, BaseModel)
        assert not set_keys or a.model_fields_set == b.model_fields_set, where
        for name in type(a).model_fields:
            _same(getattr(a, name), getattr(b, name), f"{where}.{name}", set_keys=set_keys)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for key in a:
            _same(a[key], b[key], f"{where}[{key!r}]", set_keys=set_keys)
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]", set_keys=set_keys)
    else:
        assert a == b, where


@pytest.mark.parametrize("name", ["jiangsu-cxy-2023", "jiangsu-cxy-2025"])
def test_the_pack_from_a_snapshot_is_the_validated_pack(name, tmp_path, reads):
    """A snapshot is taken without validating it again: what it rebuilds must be exactly what
    validating the same JSON gives (the types of every value too)."""
    from forms.pack import Pack

    folder = packs_dir() / name if name == "jiangsu-cxy-2023" else PACK_2025
    written = load_pack_dir(folder)
    from_snapshot = load_pack_dir(folder)
    assert len(reads) == 1  # the second came from the snapshot
    validated = Pack.model_validate_json(json.loads(Snapshot(folder).path.read_text("utf-8"))["pack"])
    _same(from_snapshot, validated)
    _same(from_snapshot, written, set_keys=False)  # the files leave defaults unset; the JSON sets all


def _edited(path: Path, edit) -> None:
    """The snapshot at ``path`` with its pack edited and its digest made to match again."""
    import hashlib

    stored = json.loads(path.read_text("utf-8"))
    pack = json.loads(stored["pack"])
    edit(pack)
    stored["pack"] = json.dumps(pack, ensure_ascii=False)
    stored["digest"] = hashlib.sha256(stored["pack"].encode("utf-8")).hexdigest()
    path.write_text(json.dumps(stored, ensure_ascii=False), "utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda pack: pack.update(year="2025"),  # a string where the schema has a number
        lambda pack: pack.update(unknown=1),  # a key the schema does not have
        lambda pack: pack.pop("title"),  # a required key missing
        lambda pack: pack["filing"].update(opens="not a date"),
        lambda pack: pack["categories"][0].update(title="标题"),  # a Text that is not {zh, en}
        lambda pack: pack["rules"]["summary"].update(counting="words"),  # not one of a Literal's
    ],
    ids=["type", "unknown-key", "missing-key", "date", "text", "literal"],
)
def test_a_snapshot_of_another_shape_is_rebuilt_even_with_its_digest_matching(folder, reads, edit):
    first = load_pack_dir(folder)
    _edited(Snapshot(folder).path, edit)
    assert load_pack_dir(folder) == first
    assert len(reads) == 2


def test_a_snapshot_without_its_digest_is_not_used(folder, reads):
    first = load_pack_dir(folder)
    path = Snapshot(folder).path
    stored = json.loads(path.read_text("utf-8"))
    del stored["digest"]
    path.write_text(json.dumps(stored, ensure_ascii=False), "utf-8")
    assert load_pack_dir(folder) == first
    assert len(reads) == 2


@pytest.mark.parametrize(
    ("model", "data"),
    [
        ("FieldSpec", {"zh": "年份", "en": "Year", "kind": "year", "range": ["2019", "2024.5"], "max_chars": 4}),
        ("FieldSpec", {"zh": "是", "en": "Yes", "kind": "bool", "sample": True, "help": {"zh": "帮", "en": "help"}}),
        ("FieldSpec", {"zh": "数", "en": "Number", "kind": "text", "sample": 3, "max_chars": 9}),
        ("DateRule", {"rule": "C1", "from": "2022-01-01", "to": "2023-06-30"}),
        ("Upload", {"max_file_mb": 10, "max_package_mb": 20.5, "downsample_dpi": 150}),
    ],
)
def test_the_values_a_pack_can_hold_are_rebuilt_as_validated(model, data):
    """What the bundled packs leave out (a range, a bool or number sample, an aliased key, a
    whole-number float) comes back from its JSON as validation makes it."""
    import forms.pack
    from forms.pack_snapshot import rebuilt

    cls = getattr(forms.pack, model)
    validated = cls.model_validate(data)
    text = validated.model_dump_json(by_alias=True)
    _same(rebuilt(cls, json.loads(text)), cls.model_validate_json(text))
    _same(rebuilt(cls, json.loads(text)), validated, set_keys=False)


def test_a_template_store_imported_after_a_load_still_makes_the_next_load_read_again(tmp_path):
    """A start that takes the pack from its snapshot does not import the template store; when the
    store comes later (a template imported in the same run), its change still drops the loaded
    pack, so the next load applies the template."""
    import subprocess
    import sys

    child = (
        "import sys\n"
        "from forms.pack import load_pack\n"
        "load_pack()\n"
        "assert 'forms.template.store' not in sys.modules\n"
        "assert load_pack.cache_info().currsize == 1\n"
        "from forms.template import store\n"
        "store.forget_loaded_packs()  # what saving or removing a template calls\n"
        "print(load_pack.cache_info().currsize)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    first = [sys.executable, "-c", "from forms.pack import load_pack; load_pack()"]  # keeps the snapshot
    subprocess.run(first, check=True, env=env, capture_output=True, timeout=120)
    run = subprocess.run(
        [sys.executable, "-c", child], check=False, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["0"]
