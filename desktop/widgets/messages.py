"""The line under a field (or table) that says what is wrong: red for errors, amber for warnings."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from .editors import SEVERITY_COLOURS

# Qt style sheet for inputs marked by Binding.mark(): the outline says what the message says.
INPUT_STYLE = "".join(
    f'*[severity="{severity}"] {{ border: 1px solid {colour}; border-radius: 2px; }}'
    for severity, colour in SEVERITY_COLOURS.items() if severity != "quiet"
)


class MessageLabel(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.severity: str | None = None
        self.lines: list[str] = []
        self.hide()

    def show_lines(self, lines: list[tuple[str, str]]) -> None:
        """``[(severity, text)]``; errors first; hidden when empty."""
        lines = sorted(lines, key=lambda line: line[0] != "error")
        self.lines = [text for _, text in lines]
        self.severity = lines[0][0] if lines else None
        if not lines:
            self.clear()
            self.hide()
            return
        self.setText("<br>".join(
            f'<span style="color:{SEVERITY_COLOURS.get(sev, "#000")}">{"✖" if sev == "error" else "⚠"} '
            f"{html.escape(text)}</span>" for sev, text in lines
        ))
        self.show()
