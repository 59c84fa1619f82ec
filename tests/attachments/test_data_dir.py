"""forms.paths.user_data_dir: the folder of the attachment ledger, shared with the desktop app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from forms import paths


def test_cxy_data_dir_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("CXY_DATA_DIR", str(tmp_path))
    assert paths.user_data_dir() == tmp_path


def test_tests_never_use_the_real_data_folder():
    assert "pytest" in paths.user_data_dir().as_posix() or "cxy-data" in paths.user_data_dir().as_posix()


@pytest.mark.parametrize(
    "platform, env, expected",
    [
        ("win32", {"LOCALAPPDATA": r"C:\Users\a\AppData\Local"}, Path(r"C:\Users\a\AppData\Local") / "cxy-apply"),
        ("darwin", {}, Path.home() / "Library" / "Application Support" / "cxy-apply"),
        ("linux", {"XDG_DATA_HOME": "/data/xdg"}, Path("/data/xdg/cxy-apply")),
        ("linux", {"XDG_DATA_HOME": "relative/ignored"}, Path.home() / ".local" / "share" / "cxy-apply"),
        ("linux", {}, Path.home() / ".local" / "share" / "cxy-apply"),
    ],
)
def test_the_platform_default_matches_the_desktop_app(monkeypatch, platform, env, expected):
    monkeypatch.delenv("CXY_DATA_DIR", raising=False)
    for name in ("LOCALAPPDATA", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert paths.user_data_dir() == expected
