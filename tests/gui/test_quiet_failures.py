"""Item 11, the desktop side: an exception in a slot, a library warning, a Qt warning or a log
record never shows a traceback or a source path; the user reads one line in the UI language."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop import failures

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import logging, sys, warnings
    from PySide6.QtCore import QTimer, qWarning
    from desktop import failures
    from desktop.factory import make_window

    failures.install()
    window = make_window(lang=sys.argv[1])
    window.show()

    def boom():
        raise RuntimeError("broken in " + failures.__file__)

    def report():
        print("BANNER:" + window.banner.text(), flush=True)
        window.close()

    warnings.warn("a library warning from " + failures.__file__)
    logging.getLogger("PIL.TiffImagePlugin").warning("bad tag in %s", failures.__file__)
    qWarning("a Qt warning")
    QTimer.singleShot(0, boom)
    QTimer.singleShot(50, report)
    from PySide6.QtWidgets import QApplication
    QApplication.instance().exec()
""")


@pytest.mark.parametrize(("lang", "word"), [("zh", "意外错误"), ("en", "unexpected")])
def test_an_exception_in_a_slot_is_one_line_and_logged(tmp_path, lang, word):
    script = tmp_path / "crash_in_slot.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, str(script), lang], env=env, cwd=ROOT, capture_output=True, timeout=120, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and ".py" not in done.stderr, done.stderr
    assert not done.stderr.strip()
    banner = next(line for line in done.stdout.splitlines() if line.startswith("BANNER:"))
    assert word in banner.lower() and ".py" not in banner and "\n" not in banner
    log = (Path(os.environ["CXY_DATA_DIR"]) / failures.LOG_NAME).read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError" in log  # the details are kept for whoever helps
    assert "a library warning" in log and "bad tag" in log and "a Qt warning" in log


def test_a_job_that_fails_unexpectedly_shows_one_line(qtbot, window, prompter):
    window.open_sample("tech_vp")
    page = window.view.output_page
    page._failed(RuntimeError(f"worker could not start: {failures.__file__}"))
    shown = page.result_label.text()
    assert shown == failures.unexpected_text()
    assert prompter.errors[-1][1] == shown and ".py" not in shown
