"""Child of test_small_screen: started with the screen (and QT_SCALE_FACTOR) in its environment,
before any QApplication exists. Shows the real main window, visits the start page and every step
of each category given, and prints one JSON object: the screen's free area, the window's frame
and, per step, where the navigation buttons are on the screen and whether they are whole, and which
scroll areas scroll sideways.
``--shots DIR`` also saves a picture of the window (and of the whole screen) per step."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

import desktop  # noqa: F401 - qt_fixes first


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def placed(button: QWidget) -> dict:
    """Where ``button`` is on the screen, and whether nothing (scroll area, window edge) cuts it."""
    top_left = button.mapToGlobal(button.rect().topLeft())
    whole = button.isVisible() and button.visibleRegion().boundingRect() == button.rect()
    return {"rect": [top_left.x(), top_left.y(), button.width(), button.height()], "whole": whole}


def sideways(page: QWidget) -> list[str]:
    """The scroll areas of ``page`` (its content, not a list's items) that show a sideways scroll
    bar: each cuts every line of what it holds."""
    return [
        area.objectName() or type(area).__name__
        for area in page.findChildren(QScrollArea)
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


def settle(window) -> None:
    from desktop import workers

    for _ in range(5):
        QApplication.processEvents()
    while workers.busy():  # an output page's preview: let it end before the next draft opens
        QTest.qWait(20)
    QApplication.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("categories", nargs="*")
    parser.add_argument("--shots", type=Path)
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args()

    from desktop.factory import make_window
    from desktop.services import Services
    from gui.fakes import FakePrompter

    window = make_window(None, args.lang, Services(prompter=FakePrompter()))
    window.show()
    QTest.qWaitForWindowExposed(window)
    settle(window)
    screen = window.screen()
    out = {
        "available": rect(screen.availableGeometry()),
        "ratio": screen.devicePixelRatio(),
        "frame": rect(window.frameGeometry()),
        "geometry": rect(window.geometry()),
        "minimum": list(window.minimumSizeHint().toTuple()),
        "steps": {},
    }

    def shoot(name: str) -> None:
        if args.shots is not None:
            args.shots.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(args.shots / f"{name}.png"))
            screen.grabWindow(0).save(str(args.shots / f"{name}.screen.png"))

    start = window.start_page
    out["steps"]["start"] = {
        name: placed(start.findChild(QWidget, f"start.{name}")) for name in ("new", "sample", "open")
    }
    shoot("start")
    for category in args.categories:
        window.open_sample(category)
        settle(window)
        view = window.view
        for key in view.keys():  # noqa: SIM118 - a WizardView, not a dict
            view.go_to_key(key)
            settle(window)
            out["steps"][f"{category}/{key}"] = {
                "next": placed(view.next_button),
                "back": placed(view.back_button),
                "frame": rect(window.frameGeometry()),
                "sideways": sideways(view.page(key)),
            }
            shoot(f"{category}-{key}")
    print(json.dumps(out), flush=True)
    window.close()


if __name__ == "__main__":
    main()
