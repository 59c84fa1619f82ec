"""Single-instance hand-over on each OS: the server name is valid where Qt puts it (a named
pipe on Windows, a Unix socket in the temp folder elsewhere, whose path macOS limits to 104
bytes), and a second start hands a path with Chinese characters and spaces to the first."""

from __future__ import annotations

import os
import re
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
START_S = 120  # generous: tests share two cores
SUN_PATH_MAX = 104  # macOS's sockaddr_un.sun_path (Linux: 108)


def test_the_server_name_is_valid_as_a_pipe_and_a_socket_path(qtbot):
    name = server_name()
    assert re.fullmatch(r"[a-z0-9-]+", name)  # no separator, nothing a pipe name cannot hold
    assert len(rf"\\.\pipe\{name}") < 256  # Windows: the pipe namespace's limit
    if os.name == "posix":  # QLocalServer listens on <temp folder>/<name>
        assert len(os.fsencode(Path(QDir.tempPath()) / name)) < SUN_PATH_MAX


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("PYTHONIOENCODING", None)
    return env


def _listening() -> bool:
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    connected = socket.waitForConnected(200)
    socket.abort()
    return connected


def _recent() -> str:
    ini = Path(settings.settings().fileName())
    return ini.read_text(encoding="utf-8", errors="replace") if ini.exists() else ""


@pytest.mark.slow
def test_a_second_start_hands_over_a_draft_in_a_chinese_folder(qtbot, tmp_path):
    draft = tmp_path / "申报 材料" / "handed-over-zh.cxy"
    draft.parent.mkdir()
    Draft.create(draft, pack="jiangsu-cxy-2023", category="tech_vp").close()
    command = [sys.executable, "-m", "desktop"]
    first = subprocess.Popen(command, env=_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        qtbot.waitUntil(lambda: _listening() or first.poll() is not None, timeout=START_S * 1000)
        assert first.poll() is None, first.stderr.read().decode(errors="replace")
        second = subprocess.run(
            [*command, str(draft)], env=_env(), cwd=draft.parent, capture_output=True, timeout=START_S, check=False
        )
        assert second.returncode == 0, second.stderr.decode(errors="replace")
        # the first program opened it: only an intact path could have been opened
        qtbot.waitUntil(lambda: draft.name in _recent(), timeout=START_S * 1000)
        assert first.poll() is None
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate(timeout=30)


SENDER = """
import json, sys
from pathlib import Path
from desktop.single_instance import hand_over
print(hand_over(Path(json.loads(sys.stdin.read()))), flush=True)
"""


@pytest.mark.parametrize(
    "name",
    [
        "申报 材料/草稿 一号.cxy",
        "OneDrive - 公司/年度 申报（终稿）.cxy",
        "bad\udcff-byte.cxy",  # a POSIX name that is not UTF-8, as Python decodes it
        "lone\ud800-surrogate.cxy",  # a Windows name with an unpaired UTF-16 surrogate
    ],
)
def test_the_handed_over_path_arrives_unchanged(qtbot, tmp_path, name):
    """The listening end in this process, the second start's end in another (its path sent as
    JSON, so that even a name no OS encoding can carry reaches it)."""
    import json

    from desktop.single_instance import Instance

    instance = Instance()
    assert instance.start(None) is False  # nobody else listens: this one does
    path = tmp_path / name
    sender = subprocess.Popen(
        [sys.executable, "-c", SENDER], env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        with qtbot.waitSignal(instance.requested, timeout=START_S * 1000) as received:
            sender.stdin.write(json.dumps(str(path)))
            sender.stdin.close()
        assert received.args == [str(path.absolute())]
        qtbot.waitUntil(lambda: sender.poll() is not None, timeout=START_S * 1000)
        assert sender.stdout.read().strip() == "True"  # it was told the path was taken
    finally:
        if sender.poll() is None:
            sender.kill()
        sender.wait(timeout=30)
        sender.stdout.close()
        instance.close()
