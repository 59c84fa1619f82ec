"""Cold start of the real app: ``desktop.app.make_window`` on a draft, shown; prints SHOWN when
the window is first painted (what the user sees) and exits once what the window makes after its
first paint has been made. Mirrors ``desktop.app.main`` (which has no "exit when shown" switch)
step for step: QApplication, window, show, event loop."""

import sys
from pathlib import Path

from launch_bare import FirstPaint
from PySide6.QtCore import QTimer


def main() -> int:
    from desktop.app import ensure_app, make_window

    app = ensure_app(sys.argv[:1])
    window = make_window(Path(sys.argv[1]) if len(sys.argv) > 1 else None, "zh")

    def finish() -> None:
        if not window.is_complete():  # the deferred parts run on this same loop: a turn later
            QTimer.singleShot(0, finish)
            return
        window.close()
        app.quit()

    painted = FirstPaint(finish)
    window.installEventFilter(painted)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
