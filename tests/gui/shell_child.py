"""Child of test_shell: starts like ``cxy-apply`` (and ``bench/launch_app.py``) in a fresh
process — QApplication, :func:`desktop.app.open_window`, the event loop — and prints one JSON
object: what was imported and shown when the window was first painted, and what the window held
once its content had loaded."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel

HEAVY = ("forms.pack", "pydantic", "forms.checks", "desktop.wizard", "desktop.session")


class FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen: dict | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.seen is None:
            opening = watched.findChild(QLabel, "shell.opening")
            self.seen = {
                "imported": [name for name in HEAVY if name in sys.modules],
                "opening": opening.text() if opening is not None and opening.isVisible() else None,
                "title": watched.windowTitle(),
                "geometry": watched.geometry().getRect(),
            }
        return False


def main() -> int:
    from desktop.app import ensure_app, open_window

    app = ensure_app(sys.argv[:1])
    painted = FirstPaint()
    window = open_window(Path(sys.argv[1]), sys.argv[2])
    window.installEventFilter(painted)

    def finish() -> None:
        if painted.seen is None or not window.is_loaded() or not window.is_complete():
            QTimer.singleShot(10, finish)
            return
        view = window.view
        print(
            json.dumps(
                {
                    "at_paint": painted.seen,
                    "title": window.windowTitle(),
                    "project": window.session.get("project.name") if window.session is not None else None,
                    "steps": view.keys() if view is not None else None,
                    "made": [page.key for page in view.made_pages()] if view is not None else None,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
        window.close()
        app.quit()

    QTimer.singleShot(0, finish)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
