"""The README's start command (tools/run.sh → tools/setup.sh) installs on the first run and when
pyproject.toml changes, and otherwise starts without pip, apt-get or the network.

The scripts run for real on a copy of the project whose ``.venv``, pip, apt-get, dpkg and python3
are stand-ins that log each call; the stand-ins for pip and apt-get fail once the network is "off".
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("sha256sum") is None,
    reason="tools/setup.sh needs bash and sha256sum (Debian)",
)

# Every stand-in appends its name and arguments to $CALLS; pip and apt-get fail when $OFFLINE is 1,
# as they would with the network off.
_LOGGING = 'echo "{name} $*" >> "$CALLS"\n'
_NETWORK = 'if [ "${{OFFLINE:-0}}" = 1 ]; then echo "{name}: network unreachable" >&2; exit 1; fi\n'
_VENV_TOOLS = {
    "pip": _LOGGING + _NETWORK,
    "cxy-apply": _LOGGING,
    "python": _LOGGING,
}


def _script(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name
    path.write_text("#!/bin/sh\n" + body.format(name=name), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "tools").mkdir(parents=True)
    for name in ("setup.sh", "run.sh"):
        shutil.copy2(REPO / "tools" / name, root / "tools" / name)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    fake = tmp_path / "bin"
    # python3 -m venv .venv makes the environment's own stand-ins
    venv = "".join(
        f"cat > .venv/bin/{tool} <<'END'\n#!/bin/sh\n{body.format(name=tool)}END\nchmod +x .venv/bin/{tool}\n"
        for tool, body in _VENV_TOOLS.items()
    )
    _script(fake / "python3", _LOGGING + "mkdir -p .venv/bin\n" + venv.replace("{", "{{").replace("}", "}}"))
    _script(fake / "apt-get", _LOGGING + _NETWORK)
    _script(fake / "sudo", _LOGGING + 'exec "$@"\n')
    # dpkg -s PKG: only the packages named in $MISSING are not installed
    _script(fake / "dpkg", 'case " $MISSING " in *" $2 "*) exit 1;; esac\nexit 0\n')
    return root


def _run(
    project: Path, *args: str, offline: bool = False, missing: str = ""
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = project.parent / "calls.log"
    calls.write_text("", encoding="utf-8")
    env = dict(os.environ)
    env.update(
        PATH=f"{project.parent / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        CALLS=str(calls),
        MISSING=missing,
        OFFLINE="1" if offline else "0",
    )
    if offline:  # and were the real pip reached, it could not download anything either
        env.update(PIP_NO_INDEX="1", PIP_INDEX_URL="http://127.0.0.1:9/")
    done = subprocess.run(
        ["bash", *args], cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return done, calls.read_text(encoding="utf-8").splitlines()


def _called(calls: list[str], tool: str) -> list[str]:
    return [call for call in calls if call.split()[0] == tool]


def test_first_start_installs_then_the_second_starts_offline_without_pip(project: Path) -> None:
    first, calls = _run(project, "tools/run.sh", missing="qpdf")
    assert first.returncode == 0, first.stderr
    assert "python3 -m venv .venv" in calls
    assert any("install" in call and "qpdf" in call for call in _called(calls, "apt-get"))
    assert "pip install -q -e ." in calls
    assert _called(calls, "cxy-apply") == ["cxy-apply --sample"]

    second, calls = _run(project, "tools/run.sh", "mine.cxy", offline=True, missing="qpdf")
    assert second.returncode == 0, second.stderr
    assert _called(calls, "pip") == [] and _called(calls, "apt-get") == [] and _called(calls, "python3") == []
    assert "nothing to install" in second.stdout
    assert _called(calls, "cxy-apply") == ["cxy-apply mine.cxy"]


def test_a_changed_pyproject_installs_again(project: Path) -> None:
    assert _run(project, "tools/run.sh")[0].returncode == 0
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n# a new dependency\n", encoding="utf-8")

    again, calls = _run(project, "tools/run.sh")
    assert again.returncode == 0, again.stderr
    assert "pip install -q -e ." in calls

    offline, calls = _run(project, "tools/run.sh", offline=True)
    assert offline.returncode == 0 and _called(calls, "pip") == []


def test_an_install_cut_off_by_the_network_is_retried_not_trusted(project: Path) -> None:
    failed, calls = _run(project, "tools/run.sh", offline=True)
    assert failed.returncode != 0
    assert _called(calls, "pip") and _called(calls, "cxy-apply") == []  # it tried, and did not start

    retried, calls = _run(project, "tools/run.sh")
    assert retried.returncode == 0, retried.stderr
    assert "pip install -q -e ." in calls


def test_the_test_tools_are_installed_once_and_serve_the_app_too(project: Path) -> None:
    assert _run(project, "tools/run.sh")[0].returncode == 0
    tests, calls = _run(project, "tools/setup.sh", "--test")  # the app install lacks pytest
    assert tests.returncode == 0, tests.stderr
    assert "pip install -q -e .[test]" in calls

    for args in (("tools/setup.sh", "--test"), ("tools/run.sh",)):
        done, calls = _run(project, *args, offline=True)
        assert done.returncode == 0, done.stderr
        assert _called(calls, "pip") == []
