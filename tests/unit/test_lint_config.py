"""The lint configuration keeps Qt out of ``forms/``: ruff refuses a PySide6 or shiboken6 import
there, at module level or inside a function, and allows it in the desktop and the tests.

(``test_import_structure.test_forms_never_imports_qt`` checks the tree as it is; this checks that
the rule CI runs on every change would catch a new one.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_INSIDE_A_FUNCTION = "def show():\n    from PySide6.QtWidgets import QLabel\n\n    return QLabel\n"
SHIBOKEN_AT_MODULE_LEVEL = "import shiboken6\n\nALIVE = shiboken6.isValid\n"


def _ruff() -> str:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed (bash tools/setup.sh --test installs it)")
    return found


def _banned(source: str, as_path: str) -> list[str]:
    run = subprocess.run(
        [_ruff(), "check", "--select", "TID251", "--output-format", "concise", "--stdin-filename", as_path, "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    return [line for line in run.stdout.splitlines() if "TID251" in line]


@pytest.mark.parametrize("source", [QT_INSIDE_A_FUNCTION, SHIBOKEN_AT_MODULE_LEVEL])
def test_ruff_refuses_qt_in_forms(source):
    found = _banned(source, "forms/checks/new_rule.py")
    assert len(found) == 1
    assert "forms/ never imports Qt" in found[0]


@pytest.mark.parametrize("as_path", ["desktop/pages/new_page.py", "tests/gui/test_new_page.py"])
def test_ruff_allows_qt_outside_forms(as_path):
    assert _banned(QT_INSIDE_A_FUNCTION, as_path) == []
