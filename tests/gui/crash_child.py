"""Child of test_recovery: opens DRAFT in the real main window, types the edits of EDITS
through the widgets (without leaving the field, so the session's timed commit does the saving),
prints ``ACK <n>`` once each edit is committed, then waits to be killed with SIGKILL."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import desktop  # noqa: F401 - qt_fixes first

EDITS = [
    ("project.name", "断电也不丢的项目名称"),
    ("contract.name", "技术开发合同（第一期）"),
    ("leader.phone", "13912345678"),
    ("members.0.name", "王小明"),
    ("project.summary", "项目主要内容：在线检测与工艺优化。"),
    ("enterprise.county", "宿豫区"),
    ("contract.amount_wan", "88.5"),
    ("leader.email", "wang@example.edu.cn"),
]


class Bot:
    keyClick = staticmethod(QTest.keyClick)
    keyClicks = staticmethod(QTest.keyClicks)


def main() -> None:
    from desktop.factory import make_window
    from desktop.services import Services
    from gui.fakes import FakePrompter
    from gui.helpers import type_text, widget

    window = make_window(Path(sys.argv[1]), "zh", Services(prompter=FakePrompter()))
    window.show()
    session = window.session
    for number, (path, value) in enumerate(EDITS, start=1):
        window.view.jump_to_field(path)
        type_text(Bot, widget(window, path), value)
        if session.save_state != "saved":
            loop = QEventLoop()
            session.committed.connect(loop.quit)
            QTimer.singleShot(10000, loop.quit)  # a guard only: the commit comes within COMMIT_MS
            loop.exec()
            session.committed.disconnect(loop.quit)
        assert session.save_state == "saved", session.save_state
        print(f"ACK {number}", flush=True)
    print("DONE", flush=True)
    QApplication.instance().exec()


if __name__ == "__main__":
    main()
