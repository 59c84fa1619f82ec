"""Yardstick for cold start: a bare PySide6 QMainWindow, shown; prints SHOWN and exits."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1100, 760)
    window.show()

    def shown() -> None:
        print("SHOWN", flush=True)
        with open("/proc/self/status", encoding="ascii") as status:
            print(next((line for line in status if line.startswith("VmHWM:")), "VmHWM: 0 kB").strip(), flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
