"""A 1366×768 laptop (about 1366×728 free beside the task bar), also at 150 % scaling: the whole
window, 上一步/下一步 included, is on the screen at every step; the window comes back where it
was when that still fits; a message appearing under a field never moves the fields below."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from desktop import placement, settings

from .helpers import sample_for, type_text, widget

pytestmark = pytest.mark.gui
CATEGORIES = ["tech_vp", "conference", "tech_trade"]
LAPTOP = QRect(0, 0, 1366, 728)
CHILD = Path(__file__).with_name("screen_child.py")


def whole_inside(button: QWidget, area: QRect) -> bool:
    """``button`` is shown whole (no scroll area or window edge cuts it) and lies in ``area``."""
    top_left = button.mapToGlobal(button.rect().topLeft())
    on_screen = QRect(top_left, button.size())
    return button.isVisible() and button.visibleRegion().boundingRect() == button.rect() and area.contains(on_screen)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("category", CATEGORIES)
def test_next_is_on_a_1366x728_screen_at_every_step(qtbot, window, category):
    start = window.fit_to(LAPTOP)
    assert LAPTOP.contains(start) and start.size().width() <= 1366 and start.height() < 728
    settle()
    assert whole_inside(widget(window, "start.new"), LAPTOP)
    window.open_sample(category)
    window.fit_to(LAPTOP)
    view = window.view
    for key in view.keys():  # noqa: SIM118 - a WizardView, not a dict
        view.go_to_key(key)
        settle()
        frame = window.geometry().marginsAdded(placement.FRAME_GUESS)
        assert LAPTOP.contains(frame), (key, frame)
        assert whole_inside(view.next_button, LAPTOP), key
        assert whole_inside(view.back_button, LAPTOP), key
        # Even squeezed to its minimum the window fits there: nothing forces it taller.
        assert window.minimumSizeHint().height() + placement.FRAME_GUESS.top() + placement.FRAME_GUESS.bottom() < 485, (
            key
        )


def run_child(tmp_path: Path, scale: str, categories: list[str], lang: str) -> dict:
    screen = tmp_path / "screen.json"
    screen.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "laptop",
                        "x": 0,
                        "y": 0,
                        "width": 1366,
                        "height": 728,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
        "QT_SCALE_FACTOR": scale,
        "CXY_CONFIG_DIR": str(tmp_path / "child-config"),
        "CXY_DATA_DIR": str(tmp_path / "child-data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = subprocess.run(
        [sys.executable, str(CHILD), *categories, "--lang", lang],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("scale", "size"), [("1", (1366, 728)), ("1.5", (911, 485))])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_real_window_fits_the_laptop_screen(tmp_path, scale, size, lang):
    """A fresh process whose only screen is 1366×728 (at 150 %: 911×485 logical pixels)."""
    found = run_child(tmp_path, scale, ["tech_vp"] if scale == "1" else CATEGORIES, lang)
    available = QRect(*found["available"])
    assert available.size().toTuple() == size
    assert available.contains(QRect(*found["frame"]))
    assert found["minimum"][1] < size[1]
    steps = found["steps"]
    assert len(steps) > 10
    for name, buttons in steps.items():
        for button, where in buttons.items():
            if button == "frame":
                assert available.contains(QRect(*where)), name
                continue
            if button == "sideways":
                assert where == [], name  # a sideways scroll bar would cut every line of the page
                continue
            assert where["whole"] and available.contains(QRect(*where["rect"])), (name, button, where)


def test_size_and_place_are_remembered(qtbot, open_window):
    window = open_window()
    place = QRect(40, 50, 700, 600)
    window.setGeometry(place)
    qtbot.waitUntil(lambda: window.geometry() == place)
    window.close()
    assert settings.window_geometry() == ((40, 50, 700, 600), False)
    again = open_window()
    assert again.geometry() == place


@pytest.mark.parametrize("saved", [(2600, 100, 900, 700), (0, 0, 1900, 1100), (-900, -40, 700, 600), (60, 2, 600, 500)])
def test_a_place_that_no_longer_fits_is_centred_and_fitted(qtbot, open_window, saved):
    """Saved on a monitor that is gone, on a bigger one, or with the title bar above the screen."""
    settings.set_window_geometry(saved, False)
    window = open_window()
    available = window.screen().availableGeometry()
    frame = window.geometry().marginsAdded(placement.FRAME_GUESS)
    assert available.contains(frame)
    assert abs(window.geometry().center().x() - available.center().x()) <= 8


def test_a_damaged_remembered_place_is_ignored(qtbot, open_window):
    store = settings.settings()
    store.setValue("window/geometry", ["a", "b"])
    store.sync()
    assert settings.window_geometry() is None
    window = open_window()
    assert window.screen().availableGeometry().contains(window.geometry())


def test_a_message_under_a_field_does_not_move_the_fields_below(qtbot, window):
    window.open_sample("tech_vp")
    window.view.go_to_key("parties")
    page = window.view.page("parties")
    body = page.findChild(QScrollArea).widget()
    paths = list(page.bindings)
    below = page.bindings[paths[paths.index("university.uscc") + 1]].widget
    settle()
    before = below.mapTo(body, below.rect().topLeft()).y()
    message = widget(window, "university.uscc.message")
    assert not message.isVisible()

    type_text(qtbot, widget(window, "university.uscc"), "91320000MA1XXXXXX1")  # a wrong check digit
    qtbot.waitUntil(lambda: message.isVisible() and message.severity == "error", timeout=10000)
    settle()
    assert below.mapTo(body, below.rect().topLeft()).y() == before
    assert "统一社会信用代码" in message.toolTip()  # whole, even when the line is too short for it
    # Right under the field its quoted label says nothing new: the line starts with what is wrong.
    assert "“申报单位统一社会信用代码”" in message.toolTip() and "此项不是有效的统一社会信用代码" in message.text()

    type_text(qtbot, widget(window, "university.uscc"), sample_for("tech_vp")["university"]["uscc"])
    qtbot.waitUntil(lambda: not message.isVisible(), timeout=10000)
    settle()
    assert below.mapTo(body, below.rect().topLeft()).y() == before


def test_a_long_message_keeps_to_its_line(qtbot, window):
    window.open_sample("tech_vp")
    window.view.go_to_key("parties")
    message = widget(window, "university.uscc.message")
    height = message.height()
    long = "统一社会信用代码不正确，" * 40
    message.show_lines([("error", long), ("warning", "另一条提醒")])
    settle()
    assert message.height() == height
    assert message.text().endswith("…") and long in message.toolTip() and "另一条提醒" in message.toolTip()


def test_a_maximised_window_comes_back_maximised(qtbot, open_window):
    settings.set_window_geometry((30, 40, 640, 500), True)
    window = open_window()
    assert window.isMaximized()
    window.close()
    assert settings.window_geometry() == ((30, 40, 640, 500), True)  # its normal place is kept


def test_a_dialog_opens_no_larger_than_the_screen_leaves(qtbot, window):
    from desktop.widgets.history_view import HistoryDialog

    window.open_sample("tech_vp")
    dialog = HistoryDialog(window.session, [], window)
    qtbot.addWidget(dialog)
    room = window.screen().availableGeometry().marginsRemoved(placement.FRAME_GUESS)
    assert room.width() < 860  # the offscreen test screen is narrower than the dialog would like
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
