"""Start-up (issue 14): ``cxy-apply`` paints its window — at its remembered place, with its title,
an empty step column and 正在打开… — before the rule pack's code is imported, then the draft
arrives in that same window; its steps' pages are made when the user first goes to them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QWidget

from desktop import settings, workers
from desktop.app import open_window
from desktop.main_window import MainWindow
from desktop.services import Services
from forms.cli import main as cxy

pytestmark = pytest.mark.gui
CHILD = Path(__file__).with_name("shell_child.py")


@pytest.fixture
def sample_draft(isolated: Path) -> Path:
    path = isolated / "data" / "sample.cxy"  # the app's own data folder: opened in place
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cxy(["sample", "--category", "tech_vp", "-o", str(path)]) == 0
    return path


def run_child(draft: Path, lang: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, str(CHILD), str(draft), lang],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("lang", "opening", "title"), [("zh", "正在打开…", "产学研申报助手"), ("en", "Opening…", "CXY Apply")]
)
def test_the_shell_is_painted_before_the_pack_is_imported(sample_draft, lang, opening, title) -> None:
    settings.set_window_geometry((30, 40, 700, 500), False)  # where the user left the window last time
    seen = run_child(sample_draft, lang)
    at_paint = seen["at_paint"]
    assert at_paint["imported"] == []  # neither pydantic nor the pack, the checks or the wizard yet
    assert at_paint["opening"] == opening
    assert at_paint["title"] == title
    assert at_paint["geometry"] == [30, 40, 700, 500]
    # ...and then the draft, in that same window
    assert seen["project"] and seen["title"].startswith(seen["project"])
    assert seen["steps"][0] == "project" and seen["made"] == ["project"]


@pytest.fixture
def shell_window(qtbot, prompter, sample_draft):
    window = open_window(sample_draft, "zh", services=Services(prompter=prompter))
    qtbot.addWidget(window, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
    yield window
    workers.wait_all()


def visible_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and isinstance(w, MainWindow)]


def test_the_draft_arrives_in_the_shell(qtbot, shell_window) -> None:
    window = shell_window
    assert not window.is_loaded() and window.session is None
    assert window.findChild(QLabel, "shell.opening").text() == "正在打开…"
    assert visible_windows() == [window]
    qtbot.waitUntil(window.is_loaded, timeout=10000)
    assert window.session is not None and window.session.path.name == "sample.cxy"
    assert window.windowTitle().startswith(window.session.get("project.name"))
    assert window.findChild(QLabel, "shell.opening") is None  # the placeholder went with the shell
    assert window.stack.currentWidget() is window.view
    assert visible_windows() == [window]  # the same window: none flashed, none stacked on it
    assert window.menu_actions["close"].isEnabled()


def test_a_step_not_shown_yet_is_made_when_clicked(qtbot, shell_window) -> None:
    window = shell_window
    qtbot.waitUntil(window.is_loaded, timeout=10000)
    view = window.view
    assert [p.key for p in view.made_pages()] == [view.keys()[0]]
    row = view.keys().index("portal")
    assert view.step_list.item(row).data(Qt.ItemDataRole.UserRole + 1) == "todo"  # its state without its page
    rect = view.step_list.visualItemRect(view.step_list.item(row))
    qtbot.mouseClick(view.step_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.current_key() == "portal"
    page = view.stack.currentWidget()
    assert page is view.portal_page and page.isVisible()
    assert page.findChild(QWidget, "portal.copy.project.name") is not None
    assert [p.key for p in view.made_pages()] == [view.keys()[0], "portal"]


def test_next_makes_the_following_step(qtbot, shell_window) -> None:
    window = shell_window
    qtbot.waitUntil(window.is_loaded, timeout=10000)
    view = window.view
    second = view.keys()[1]
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.current_key() == second
    page = view.stack.currentWidget()
    assert page is view.page(second) and page.isVisible()
    focused = QApplication.focusWidget()
    assert focused is not None and page.isAncestorOf(focused)  # the new page's first field, ready to type


def click_step(qtbot, view, key: str) -> None:
    item = view.step_list.item(view.keys().index(key))
    qtbot.mouseClick(
        view.step_list.viewport(), Qt.MouseButton.LeftButton, pos=view.step_list.visualItemRect(item).center()
    )


def test_a_final_application_locks_each_step_when_it_is_made(qtbot, shell_window) -> None:
    window = shell_window
    qtbot.waitUntil(window.is_loaded, timeout=10000)
    session = window.session
    qtbot.waitUntil(lambda: not session.errors())
    click_step(qtbot, window.view, "review")
    qtbot.mouseClick(window.view.review_page.final_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.final)
    view = window.view  # built again, locked, its pages made on demand as before
    later = view.keys()[2]
    assert later not in [p.key for p in view.made_pages()]
    click_step(qtbot, view, later)
    edits = view.page(later).findChildren(QLineEdit)
    assert edits and all(edit.isReadOnly() for edit in edits)


def test_switching_the_language_keeps_the_step(qtbot, shell_window) -> None:
    window = shell_window
    qtbot.waitUntil(window.is_loaded, timeout=10000)
    third = window.view.keys()[2]
    click_step(qtbot, window.view, third)
    window.findChild(QAction, "action.lang.en").trigger()
    view = window.view
    assert view.current_key() == third and view.stack.currentWidget() is view.page(third)
    assert [p.key for p in view.made_pages()] == [third]  # the new view makes only the page it shows
    assert view.back_button.text() == "&Back"


def visible_steps(window: MainWindow) -> tuple[int, int, int, int] | None:
    """Where the step column is in the window, as painted; None when none is shown."""
    shown = [
        w
        for w in window.findChildren(QListWidget)
        if w.isVisible() and w.objectName() in ("shell.steps", "wizard.steps")
    ]
    if not shown:
        return None
    (steps,) = shown
    return (*steps.mapTo(window, steps.rect().topLeft()).toTuple(), steps.width(), steps.height())


def central_area(window: MainWindow) -> tuple[int, int, int, int]:
    return window.stack.mapTo(window, window.stack.rect().topLeft()).toTuple() + window.stack.size().toTuple()


@pytest.mark.parametrize("start", ["no file", "sample", "draft"])
def test_nothing_painted_at_first_moves_when_the_content_arrives(qtbot, prompter, sample_draft, tmp_path, start):
    """The shell shows the step column only where the content keeps it (a draft, the sample),
    at the place the wizard's column takes; with no file the start page comes, and no column
    is shown that it would take away."""
    path, sample = {"no file": (None, None), "sample": (None, ""), "draft": (sample_draft, None)}[start]
    window = open_window(path, "zh", sample, services=Services(prompter=prompter))
    qtbot.addWidget(window, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
    assert not window.is_loaded()  # what the first paint shows: nothing of the content yet
    at_paint = visible_steps(window), central_area(window)
    window.grab().save(str(tmp_path / f"{start}-first-paint.png"))

    qtbot.waitUntil(lambda: window.is_loaded() and window.is_complete(), timeout=20000)
    if start == "no file":
        assert window.session is None and window.stack.currentWidget() is window.start_page
    else:
        qtbot.waitUntil(lambda: window.view is not None and window.view.isVisible(), timeout=20000)
    window.grab().save(str(tmp_path / f"{start}-loaded.png"))
    assert (visible_steps(window), central_area(window)) == at_paint
    assert (at_paint[0] is None) == (start == "no file")
    workers.wait_all()
