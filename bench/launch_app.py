"""Cold start of the real app on a draft, step for step as ``desktop.app.main`` (which has no
"exit when shown" switch): the log set up, QApplication, the UI language, the single-instance
check, the window's shell shown, the event loop (the content loaded into the window after the
shell's first paint). Prints SHOWN when the window is first painted (what the
user sees first), then ``USABLE <s>``: seconds from that paint until the content (the draft's
first page) is in the window and painted, and exits once what the window makes after that has
been made."""

import sys
import time
from pathlib import Path

from launch_bare import FirstPaint
from PySide6.QtCore import QTimer


def main() -> int:
    from desktop import i18n
    from desktop.app import catch_failures, ensure_app, start_window

    catch_failures()
    app = ensure_app(sys.argv[:1])
    lang = i18n.install("zh")
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
    opened = start_window(Path(sys.argv[1]) if len(sys.argv) > 1 else None, lang)
    if opened is None:
        raise SystemExit("launch_app: another cxy-apply took the file")
    window = opened
    window.installEventFilter(painted)  # before the loop runs: the first paint is still to come
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
