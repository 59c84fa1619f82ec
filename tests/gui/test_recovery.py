"""Never lose work: an app killed with SIGKILL between edits loses nothing it had committed, and
the window reopened on the draft shows every acknowledged edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop import opening
from forms.draft import Draft
from forms.pack import load_pack

from .crash_child import EDITS
from .helpers import shown_value

pytestmark = pytest.mark.gui
CHILD = Path(__file__).with_name("crash_child.py")


@pytest.mark.parametrize("kill_after", [1, 5])
def test_kill_between_edits_keeps_every_acknowledged_edit(qtbot, open_window, tmp_path, kill_after):
    path = tmp_path / "work.cxy"
    opening.create(path, load_pack(), "tech_vp").close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    log = tmp_path / "child.log"
    acked: list[int] = []
    with (
        log.open("w") as errors,
        subprocess.Popen(
            [sys.executable, str(CHILD), str(path)], stdout=subprocess.PIPE, stderr=errors, text=True, env=env
        ) as child,
    ):
        watchdog = threading.Timer(120, child.kill)  # only if the child hangs: the test then fails
        watchdog.start()
        try:
            for line in child.stdout:
                if line.startswith("ACK "):
                    acked.append(int(line.split()[1]))
                    if len(acked) == kill_after:
                        os.kill(child.pid, signal.SIGKILL)
                        break
        finally:
            watchdog.cancel()
            child.wait()
    assert acked == list(range(1, kill_after + 1)), log.read_text()
    assert child.returncode == -signal.SIGKILL

    with Draft.open(path) as draft:
        for path_, value in EDITS[:kill_after]:
            assert draft.get(path_) == value

    window = open_window(path)
    for path_, value in EDITS[:kill_after]:
        assert shown_value(window, path_) == value
