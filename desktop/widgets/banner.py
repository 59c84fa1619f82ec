"""The bar at the top of the window that says something about the whole draft (read-only, could
not be opened, an unexpected error): never modal, the user reads it and carries on."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from ..i18n import tr

COLOURS = {"info": ("#e8f0fe", "#1a3d7c"), "warning": ("#fff4d6", "#6b4a00"), "error": ("#fde7e7", "#8a1c1c")}


class Banner(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.severity = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setObjectName("banner.text")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.action_button = QPushButton()
        self.action_button.setObjectName("banner.action")
        self.action_button.clicked.connect(self._act)
        self.action_button.hide()
        self._action: Callable[[], object] | None = None
        self._remake: Callable[[], str] | None = None
        layout.addWidget(self.action_button)
        self.close_button = QToolButton()
        self.close_button.setObjectName("banner.close")
        self.close_button.setText("✕")
        self.close_button.clicked.connect(self.clear)
        layout.addWidget(self.close_button)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        """The banner outlives a language switch; its message is set again by its owner, or
        made again here by the ``remake`` it was shown with."""
        self.close_button.setAccessibleName(tr("关闭提示"))
        self.close_button.setToolTip(tr("关闭提示"))
        if self._remake is not None and not self.isHidden():
            text = self._remake()
            self.label.setText(text)
            self.setAccessibleName(text)

    def show_message(
        self,
        text: str,
        severity: str = "info",
        closable: bool = True,
        action: tuple[str, Callable[[], object]] | None = None,
        remake: Callable[[], str] | None = None,
    ) -> None:
        """``action``: (button text, what it does), e.g. try editing a read-only draft again;
        ``remake``: the text again, in the language of the moment (after a switch)."""
        self._remake = remake
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setVisible(action is not None)
        background, foreground = COLOURS.get(severity, COLOURS["info"])
        self.severity = severity
        self.setStyleSheet(
            f"#banner {{ background: {background}; border-bottom: 1px solid {foreground}; }}"
            f"#banner QLabel {{ color: {foreground}; }}"
        )
        self.label.setText(text)
        self.setAccessibleName(text)
        self.close_button.setVisible(closable)
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def _act(self) -> None:
        if self._action is not None:
            self._action()

    def clear(self) -> None:
        self._remake = None
        self._action = None
        self.action_button.hide()
        self.severity = ""
        self.label.clear()
        self.hide()
