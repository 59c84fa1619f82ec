"""The line under a field (or table) that says what is wrong: red for errors, amber for warnings."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from ..i18n import tr
from .editors import SEVERITY_COLOURS

# Qt style sheet for inputs marked by Binding.mark(): the outline says what the message says.
INPUT_STYLE = "".join(
    f'*[severity="{severity}"] {{ border: 1px solid {colour}; border-radius: 2px; }}'
    for severity, colour in SEVERITY_COLOURS.items()
    if severity != "quiet"
)
SEPARATOR = "　"  # between two messages sharing one line


class MessageLabel(QLabel):
    """``one_line``: the label always takes exactly one line, shown or not, so a message that
    appears while the user types never moves the fields below it (issue 11); a message longer
    than the line is cut with "…" and given whole in the tooltip and to screen readers. Right
    under its field the message's leading “label” says nothing new: it is shown as 此项/This, which
    leaves the line to what is wrong."""

    def __init__(self, *, one_line: bool = False) -> None:
        super().__init__()
        self.one_line = one_line
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.severity: str | None = None
        self.lines: list[str] = []
        self._items: list[tuple[str, str]] = []
        if one_line:
            self.setWordWrap(False)
            policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            policy.setRetainSizeWhenHidden(True)
            self.setSizePolicy(policy)
            self.setFixedHeight(self._line_height())
        else:
            self.setWordWrap(True)
        self.hide()

    def _line_height(self) -> int:
        # The marks may come from a fallback font taller than the label's own.
        self.setText(_html([("error", "✖"), ("warning", "⚠ Ag 字")]))
        height = max(self.sizeHint().height(), self.fontMetrics().lineSpacing())
        self.clear()
        return height

    def show_lines(self, lines: Sequence[tuple[str, str]], subject: str = "") -> None:
        """``[(severity, text)]``; errors first; hidden when empty. ``subject``: the label of the
        field this line is under."""
        lines = sorted(lines, key=lambda line: line[0] != "error")
        self.lines = [text for _, text in lines]
        self.severity = lines[0][0] if lines else None
        self._items = [(sev, _shortened(text, subject)) for sev, text in lines] if self.one_line else lines
        if not lines:
            self.clear()
            self.setToolTip("")
            self.setAccessibleDescription("")
            self.hide()
            return
        if self.one_line:
            whole = "\n".join(f"{_mark(sev)} {text}" for sev, text in lines)
            self.setToolTip(whole)
            self.setAccessibleDescription(whole)
            self._fit()
        else:
            self.setText("<br>".join(_html([line]) for line in lines))
        self.show()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.one_line and self._items:
            self._fit()

    def _fit(self) -> None:
        """The messages on one line, cut to the label's width."""
        parts = [f"{_mark(sev)} {text}" for sev, text in self._items]
        whole = SEPARATOR.join(parts)
        shown = self.fontMetrics().elidedText(whole, Qt.TextElideMode.ElideRight, max(self.width() - 4, 1))
        if shown == whole:
            self.setText(SEPARATOR.join(_html([item]) for item in self._items))
            return
        budget = max(len(shown) - 1, 0)  # elidedText ends with "…"
        pieces = []
        for (sev, _text), part in zip(self._items, parts):
            if budget <= 0:
                break
            cut = part[:budget]
            budget -= len(part) + len(SEPARATOR)
            pieces.append(f'<span style="color:{SEVERITY_COLOURS.get(sev, "#000")}">{html.escape(cut)}</span>')
        self.setText(SEPARATOR.join(pieces) + "…")


def _shortened(text: str, subject: str) -> str:
    quoted = f"“{subject}”"
    if subject and text.startswith(quoted):
        return tr("此项{rest}").format(rest=text[len(quoted) :].lstrip())
    return text


def _mark(severity: str) -> str:
    return "✖" if severity == "error" else "⚠"


def _html(lines: list[tuple[str, str]]) -> str:
    return "".join(
        f'<span style="color:{SEVERITY_COLOURS.get(sev, "#000")}">{_mark(sev)} {html.escape(text)}</span>'
        for sev, text in lines
    )
