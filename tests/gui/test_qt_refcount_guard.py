"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every Qt call that returns
nothing, and to True on every emit(); without desktop.qt_fixes the app aborts after a few
thousand edits ("none_dealloc"). The guard must hold for far more calls than a long session."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import desktop  # applies the guard
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
class Emitter(QObject):
    fired = Signal(bool)
emitter = Emitter()
emitter.fired.connect(lambda value: None)
for _ in range(50_000):
    label.setText("x")
    emitter.fired.emit(True)
print("alive")
"""


@pytest.mark.gui
def test_many_qt_calls_do_not_free_none_or_true():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.strip() == "alive"
