"""The data folder (attachment ledger, new drafts) is where each OS keeps an application's data
and where the desktop app (Qt's GenericDataLocation) looks: one folder for the app and ``cxy``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from forms import paths


@pytest.fixture
def os_default(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CXY_DATA_DIR", raising=False)
    return paths.user_data_dir()


def test_the_data_folder_is_where_qt_puts_application_data_on_this_os(os_default):
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    assert os_default == Path(base) / "cxy-apply"


def test_without_localappdata_windows_falls_back_to_the_profile(monkeypatch):
    monkeypatch.delenv("CXY_DATA_DIR", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    assert paths.user_data_dir() == Path.home() / "AppData" / "Local" / "cxy-apply"


@pytest.mark.windows
def test_windows_keeps_data_in_local_appdata_not_roaming(os_default):
    assert os_default == Path(os.environ["LOCALAPPDATA"]) / "cxy-apply"
    assert "Roaming" not in os_default.parts  # a 9 MiB ledger must not travel with the profile


@pytest.mark.macos
def test_macos_keeps_data_in_application_support(os_default):
    assert os_default == Path.home() / "Library" / "Application Support" / "cxy-apply"
