"""The version is declared once, in pyproject.toml, and every place that shows it reads it there."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import forms
from forms.cli import main
from forms.version import _declared, version

REPO = Path(__file__).resolve().parents[2]
DECLARED = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_the_cli_and_the_package_report_the_declared_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code in (0, None)
    assert capsys.readouterr().out.split() == ["cxy", DECLARED]
    assert version() == forms.__version__ == DECLARED


def test_a_changed_declaration_is_what_is_read(tmp_path: Path) -> None:
    ours = tmp_path / "pyproject.toml"
    ours.write_text('[project]\nname = "cxy-apply"\nversion = "9.8.7"\n', encoding="utf-8")
    assert _declared(ours) == "9.8.7"
    ours.write_text('[project]\nname = "someone-else"\nversion = "1.0"\n', encoding="utf-8")
    assert _declared(ours) is None  # another project's file beside an installed copy is not ours
    ours.write_text("[project\n", encoding="utf-8")
    assert _declared(ours) is None
    assert _declared(tmp_path / "missing.toml") is None


def test_no_source_file_writes_its_own_copy_of_the_version() -> None:
    literal = re.compile(rf"(?<![\d.]){re.escape(DECLARED)}(?![\d.])")
    copies = [
        str(path.relative_to(REPO))
        for folder in ("forms", "desktop", "installer", "tools", "bench")
        for path in sorted((REPO / folder).rglob("*"))
        if path.suffix in {".py", ".spec", ".iss", ".toml", ".sh", ".json"}
        and literal.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert copies == []
