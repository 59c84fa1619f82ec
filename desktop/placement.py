"""Where the main window goes: the remembered place when it still fits on a screen that is there
now, else centred on the screen and no larger than what that screen leaves free (a 1366×768 laptop
with a task bar, or 150 % scaling, leaves about 1366×728 or 911×485)."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect, QSize
from PySide6.QtGui import QGuiApplication

PREFERRED = QSize(1100, 760)
# Title bar and borders before the window manager has drawn them (Windows 10/11 at any scale,
# in logical pixels, is within this; GNOME/KDE/UKUI title bars are smaller).
FRAME_GUESS = QMargins(8, 32, 8, 8)
SLACK = 8  # a snapped window's invisible borders may lie that far outside the free area


def fitted(available: QRect, minimum: QSize, frame: QMargins = FRAME_GUESS, preferred: QSize = PREFERRED) -> QRect:
    """The window's (client) geometry: at most ``preferred``, within ``available`` frame and
    all, never below ``minimum``, centred."""
    room = available.marginsRemoved(frame)
    size = preferred.boundedTo(room.size()).expandedTo(minimum)
    rect = QRect(room.topLeft(), size)
    rect.moveCenter(room.center())
    # Never above or left of the free area: the title bar stays reachable.
    rect.moveLeft(max(rect.left(), room.left()))
    rect.moveTop(max(rect.top(), room.top()))
    return rect


def fits(rect: QRect, available: QRect) -> bool:
    """Does a window whose client area is ``rect`` fit in ``available``, title bar included
    (a title bar above the screen's top could not be grabbed to move the window back)?"""
    area = available.adjusted(-SLACK, 0, SLACK, SLACK)
    return rect.isValid() and area.contains(rect) and rect.top() - FRAME_GUESS.top() >= available.top() - SLACK


def screen_for(rect: QRect | None = None):
    """The screen that holds ``rect`` whole, else the primary screen (None without a screen)."""
    if rect is not None:
        for screen in QGuiApplication.screens():
            if fits(rect, screen.availableGeometry()):
                return screen
    return QGuiApplication.primaryScreen()


def resize_within(widget, preferred: QSize) -> None:
    """A dialog's first size: ``preferred``, but no larger than its screen leaves free (the
    parent's screen, else the primary one)."""
    parent = widget.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    size = preferred
    if screen is not None:
        size = preferred.boundedTo(screen.availableGeometry().marginsRemoved(FRAME_GUESS).size())
    widget.resize(size)
