"""One program per user: a second ``cxy-apply FILE`` hands FILE to the running one and exits 0,
and a crashed instance's server name does not block the next start. Real processes, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalSocket

from desktop import settings
from desktop.single_instance import server_name
from forms.draft import Draft

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]
START_S = 120  # generous: five test runs share two cores


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args], env=_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        timeout=START_S,
        check=False,
    )


def listening() -> bool:
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    connected = socket.waitForConnected(200)
    socket.abort()
    return connected


def recent_names() -> str:
    ini = Path(settings.settings().fileName())
    return ini.read_text(encoding="utf-8", errors="replace") if ini.exists() else ""


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)


@pytest.fixture
def draft(tmp_path) -> Path:
    path = tmp_path / "docs" / "handed-over.cxy"
    path.parent.mkdir()
    Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp").close()
    return path


def test_a_second_start_hands_the_file_to_the_running_program(qtbot, draft):
    first = start()
    try:
        qtbot.waitUntil(lambda: listening() or first.poll() is not None, timeout=START_S * 1000)
        assert first.poll() is None, first.stderr.read().decode(errors="replace")
        second = run(str(draft))
        assert second.returncode == 0, second.stderr.decode(errors="replace")
        qtbot.waitUntil(lambda: draft.name in recent_names(), timeout=START_S * 1000)
        again = run(str(draft))  # already open there: brought forward, still one program
        assert again.returncode == 0
        assert first.poll() is None
        assert not again.stderr.strip() and not second.stderr.strip()
    finally:
        stop(first)


def test_a_crashed_instance_does_not_block_the_next_start(qtbot, draft):
    crashed = start()
    try:
        qtbot.waitUntil(lambda: listening() or crashed.poll() is not None, timeout=START_S * 1000)
        assert crashed.poll() is None
    finally:
        stop(crashed)  # SIGKILL: no chance to remove its server name
    stale = Path(QDir.tempPath()) / server_name()
    if sys.platform.startswith("linux"):
        assert stale.exists()  # the dead name is really there
    assert not listening()
    fresh = start(str(draft))
    try:
        qtbot.waitUntil(lambda: listening() or fresh.poll() is not None, timeout=START_S * 1000)
        assert fresh.poll() is None, fresh.stderr.read().decode(errors="replace")
        qtbot.waitUntil(lambda: draft.name in recent_names(), timeout=START_S * 1000)
        assert run(str(draft)).returncode == 0
    finally:
        stop(fresh)
