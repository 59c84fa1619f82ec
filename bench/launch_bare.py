"""Yardstick for cold start: a bare PySide6 QMainWindow, shown; prints SHOWN when it is first
painted and exits. ``launch_bare.py MODULE…`` imports those modules first (a floor: the bare
window plus what the app cannot start without)."""

import importlib
import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    """SHOWN and the peak memory at the window's first paint (an event filter sees it before the
    window does), then ``then`` from the event loop."""

    def __init__(self, then: Callable[[], object], on_paint: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.then, self.on_paint, self.seen = then, on_paint, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            if self.on_paint is not None:
                self.on_paint()
            print("SHOWN", flush=True)
            with open("/proc/self/status", encoding="ascii") as status:
                print(next((line for line in status if line.startswith("VmHWM:")), "VmHWM: 0 kB").strip(), flush=True)
            QTimer.singleShot(0, self.then)
        return False


def main() -> int:
    for name in sys.argv[1:]:
        importlib.import_module(name)
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1100, 760)
    painted = FirstPaint(app.quit)
    window.installEventFilter(painted)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
