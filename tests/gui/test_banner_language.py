"""The banner saying why a file did not open follows a language switch (and stays closed once
the user closed it)."""

from __future__ import annotations

import pytest

from .helpers import widget

pytestmark = pytest.mark.gui


def _broken(tmp_path):
    broken = tmp_path / "broken.cxy"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    return broken


def test_the_open_failure_banner_follows_the_language(qtbot, window, tmp_path):
    assert not window.open_path(_broken(tmp_path))
    zh = window.banner.text()
    assert "无法打开“broken.cxy”" in zh
    window.set_language("en")
    en = window.banner.text()
    assert en.startswith("Could not open “broken.cxy”") and "draft" in en.lower()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en)
    assert widget(window, "banner.close").toolTip() == "Dismiss"
    window.set_language("zh")
    assert window.banner.text() == zh


def test_a_closed_banner_stays_closed_after_a_switch(qtbot, window, tmp_path):
    assert not window.open_path(_broken(tmp_path))
    widget(window, "banner.close").click()
    window.set_language("en")
    assert window.banner.isHidden()
