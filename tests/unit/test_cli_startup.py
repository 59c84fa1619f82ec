"""``cxy`` starts with what the chosen command needs: ``cxy --help`` and ``cxy validate`` import no
PDF, image, spreadsheet, Word or Qt library, and no other command's module. Each start is a fresh
interpreter that reports the modules it imported."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import forms.cli
from forms.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pypdf", "reportlab", "pikepdf", "PIL", "openpyxl", "docx", "PySide6", "shiboken6")


# ``cxy`` as ``python -m forms.cli``, reporting ``sys.modules`` on the way out (``-X importtime``
# would miss a module imported through importlib, as the commands' modules are)
CHILD = (
    "import atexit, json, runpy, sys\n"
    "atexit.register(lambda: sys.stderr.write('MODULES ' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
    "sys.argv[0] = 'cxy'\n"
    "runpy.run_module('forms.cli', run_name='__main__', alter_sys=True)\n"
)


def start(*argv: str, cwd: Path, child: str = CHILD) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``cxy ARGV`` in a new interpreter; its result and the modules it imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", child, *argv],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    reported = [line for line in run.stderr.splitlines() if line.startswith("MODULES ")]
    assert reported, run.stderr[-2000:]
    return run, set(json.loads(reported[-1].removeprefix("MODULES ")))


def heavy_in(imported: set[str]) -> set[str]:
    return {name for name in imported if name.split(".")[0] in HEAVY}


def other_commands_in(imported: set[str], chosen: str) -> set[str]:
    own = COMMANDS.get(chosen, ("forms.cli", ""))[0]
    return {module for module, _ in COMMANDS.values() if module != own and module in imported}


@pytest.fixture(scope="module")
def sample_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "sample.cxy"
    assert main(["sample", "--category", "tech_vp", "-o", str(path)]) == 0
    return path


def test_help_lists_every_command_and_imports_none_of_them(tmp_path: Path) -> None:
    run, imported = start("--help", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    listed = run.stdout
    for name in ["new", "sample", "import", "export", "validate", *COMMANDS]:
        assert f"\n    {name} " in listed, name  # its help line, as argparse indents choices
    assert not heavy_in(imported)
    assert not other_commands_in(imported, "--help")
    # no rule, model or draft code either: the help is argparse alone
    assert not {"pydantic", "forms.pack", "forms.model", "forms.draft"} & imported


def test_validate_checks_the_draft_without_heavy_imports(sample_draft: Path) -> None:
    run, imported = start("--lang", "en", "validate", str(sample_draft), cwd=sample_draft.parent)
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"{sample_draft}: 0 errors, 0 warnings" in run.stdout
    assert "attachment 1:" in run.stdout  # the draft was really opened, attachments listed
    assert not heavy_in(imported), heavy_in(imported)
    assert not other_commands_in(imported, "validate")


# ``cxy`` as CHILD runs it, also reporting which of the pack's models built their validators
BUILT_CHILD = CHILD.replace(
    "import atexit, json, runpy, sys\n",
    "import atexit, json, runpy, sys\n"
    "atexit.register(lambda: sys.stderr.write('BUILT ' + json.dumps(sorted(name for name, c in "
    "vars(sys.modules['forms.pack']).items() if getattr(c, '__pydantic_complete__', False))) + '\\n'))\n",
)


def test_validate_takes_the_pack_from_its_snapshot_without_validating_it(sample_draft: Path) -> None:
    """Issue 14 §1: a start with the pack's snapshot in the cache builds none of the pack's
    validators and reads no printed layout or imported template; the draft is still checked."""
    start("validate", str(sample_draft), cwd=sample_draft.parent)  # the snapshot, if none was kept
    run, imported = start("--lang", "en", "validate", str(sample_draft), cwd=sample_draft.parent, child=BUILT_CHILD)
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"{sample_draft}: 0 errors, 0 warnings" in run.stdout
    built = [line for line in run.stderr.splitlines() if line.startswith("BUILT ")]
    assert built and json.loads(built[-1].removeprefix("BUILT ")) == []
    assert "forms.pack_snapshot" in imported  # the snapshot was what it used
    assert not {"forms.layout", "forms.template.store", "forms.pack_install"} & imported


def test_validate_reports_errors_the_same_way(tmp_path: Path) -> None:
    empty = tmp_path / "empty.cxy"
    assert main(["new", "--category", "tech_vp", "-o", str(empty)]) == 0
    run, imported = start("validate", str(empty), "--json", cwd=tmp_path)
    assert run.returncode == 1  # an empty application has errors
    assert '"severity": "error"' in run.stdout
    assert not heavy_in(imported)


def test_a_chosen_command_loads_its_own_module(tmp_path: Path) -> None:
    run, imported = start("pages", "--help", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "--rotate" in run.stdout  # the real parser, registered by its module
    assert "forms.attachments.pages_cli" in imported
    assert not other_commands_in(imported, "pages")


@pytest.mark.parametrize("module", sorted({module for module, _ in COMMANDS.values()}))
def test_the_table_names_exactly_what_each_module_registers(module: str) -> None:
    """A command missing from the table would be missing from ``cxy --help`` and unreachable;
    one the module does not register would parse into nothing."""
    sub = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(module).register(sub)
    registered = set(sub.choices)
    assert registered == {name for name, (owner, _) in COMMANDS.items() if owner == module}


def test_an_unknown_command_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        forms.cli.main(["bogus"])
    assert exited.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err
