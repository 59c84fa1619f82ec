"""Cold start of the real app: ``desktop.app.open_window`` on a draft, as ``desktop.app.main``
opens it (QApplication, the window's shell shown, the event loop; the content loaded into the
window after the shell's first paint). Prints SHOWN when the window is first painted (what the
user sees first), then ``USABLE <s>``: seconds from that paint until the content (the draft's
first page) is in the window and painted, and exits once what the window makes after that has
been made."""

import sys
import time
from pathlib import Path

from launch_bare import FirstPaint
from PySide6.QtCore import QTimer


def main() -> int:
    from desktop.app import ensure_app, open_window

    app = ensure_app(sys.argv[:1])
    shown = [0.0]

    def usable() -> None:
        if not window.is_loaded():  # loaded from the same loop, a turn after the first paint
            QTimer.singleShot(0, usable)
            return
        window.repaint()  # the content painted now, not whenever the loop gets to it
        print(f"USABLE {time.perf_counter() - shown[0]:.4f}", flush=True)
        finish()

    def finish() -> None:
        if not window.is_complete():  # the deferred parts run on this same loop: a turn later
            QTimer.singleShot(0, finish)
            return
        window.close()
        app.quit()

    painted = FirstPaint(usable, on_paint=lambda: shown.__setitem__(0, time.perf_counter()))
    window = open_window(Path(sys.argv[1]) if len(sys.argv) > 1 else None, "zh")
    window.installEventFilter(painted)  # before the loop runs: the first paint is still to come
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
