"""Start-up: a window opened on a draft shows the draft and its first page at once, and makes what
that page does not show (the start page) only after its first paint, without the user waiting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop import workers
from desktop.factory import make_window
from desktop.services import Services
from forms.cli import main as cxy

pytestmark = pytest.mark.gui


@pytest.fixture
def sample_draft(isolated: Path) -> Path:
    path = isolated / "data" / "sample.cxy"  # the app's own data folder: opened in place
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cxy(["sample", "--category", "tech_vp", "-o", str(path)]) == 0
    return path


@pytest.fixture
def unshown(qtbot, prompter, sample_draft):
    window = make_window(sample_draft, "zh", Services(prompter=prompter))
    qtbot.addWidget(window, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
    yield window
    workers.wait_all()


def test_the_draft_and_its_first_page_come_with_the_window(unshown) -> None:
    window = unshown
    assert window.session is not None and window.session.path.name == "sample.cxy"
    assert window.stack.currentWidget() is window.view
    first = window.view.keys()[0]
    assert window.view.current_key() == first
    assert window.windowTitle().startswith(window.session.get("project.name"))
    assert not window.is_complete()  # the start page waits for the first paint


def test_the_start_page_arrives_after_the_first_paint(qtbot, unshown) -> None:
    window = unshown
    assert window._start_page is None
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.is_complete, timeout=10000)
    assert window._start_page is not None  # made from the event loop, not when asked
    assert window.stack.currentWidget() is window.view  # still on the draft
    window.menu_actions["close"].trigger()  # 关闭草稿: back to the start page that was made meanwhile
    assert window.session is None and window.stack.currentWidget() is window.start_page


def test_the_draft_can_be_used_before_the_first_paint(qtbot, unshown) -> None:
    """A test (or a second start handing over a file) may use the window before it is painted:
    what is not made yet is made when asked for."""
    window = unshown
    window.close_draft()
    assert window.stack.currentWidget() is window.start_page
    assert window.session is None


def test_typing_reaches_the_first_page_of_a_freshly_opened_window(qtbot, unshown) -> None:
    window = unshown
    window.show()
    qtbot.waitExposed(window)
    page = window.view.pages[0]
    field = page.first_input()
    assert field is not None
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_End)
    QTest.keyClicks(field, "X")
    qtbot.waitUntil(window.is_complete, timeout=10000)
    assert "X" in field.text()
