"""Cold start of the real app: ``desktop.app.make_window`` on a draft, shown; prints SHOWN from
the first event-loop turn after ``show()`` and exits. Mirrors ``desktop.app.main`` (which has no
"exit when shown" switch) step for step: QApplication, window, show, event loop."""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer


def main() -> int:
    from desktop.app import ensure_app, make_window

    app = ensure_app(sys.argv[:1])
    window = make_window(Path(sys.argv[1]) if len(sys.argv) > 1 else None, "zh")
    window.show()

    def shown() -> None:
        print("SHOWN", flush=True)
        with open("/proc/self/status", encoding="ascii") as status:
            print(next((line for line in status if line.startswith("VmHWM:")), "VmHWM: 0 kB").strip(), flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
