"""The main window's size and place: fitted to the screen people have (a 1366×768 laptop,
150 % scaling), remembered, fitted again on another screen. A mixin of
:class:`desktop.main_window.MainWindow`, which sets ``_placed`` and calls :meth:`remember_geometry`
when it closes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QRect, QTimer

from . import placement, settings

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMainWindow as _Window
else:
    _Window = object  # at run time MainWindow supplies the QMainWindow


def _qt() -> type[Qt]:
    """PySide6's ``Qt`` namespace, made when first used: making it costs ~13 ms (all its enums),
    which the window's shell, placed before its first paint, does without (issue 14)."""
    from PySide6.QtCore import Qt

    return Qt


class WindowPlacement(_Window):
    _placed: bool  # set by MainWindow: False until it has been fitted with its real frame

    def fit_to(self, available: QRect) -> QRect:
        """Centre the window in ``available`` (a screen's free area), no larger than it leaves,
        title bar and borders included; returns the new client geometry."""
        frame = self._frame_margins()
        rect = placement.fitted(available, self.minimumSizeHint(), frame)
        if self.isMaximized():
            self.setWindowState(self.windowState() & ~_qt().WindowState.WindowMaximized)  # (showNormal would show it)
        self.setGeometry(rect)
        return rect

    def restore_or_fit(self) -> None:
        """The remembered place if it fits on a screen there is now, else fitted to the screen."""
        saved = settings.window_geometry()
        if saved is not None:
            rect, maximized = QRect(*saved[0]), saved[1]
            screen = placement.screen_for(rect)
            if (
                screen is not None
                and placement.fits(rect, screen.availableGeometry())
                and rect.width() >= self.minimumSizeHint().width()
                and rect.height() >= self.minimumSizeHint().height()
            ):
                self.setGeometry(rect)
                if maximized:
                    self.setWindowState(self.windowState() | _qt().WindowState.WindowMaximized)
                return
        screen = self.screen() or placement.screen_for()
        if screen is not None:
            self.fit_to(screen.availableGeometry())

    def _frame_margins(self) -> QMargins:
        frame, inner = self.frameGeometry(), self.geometry()
        margins = QMargins(
            inner.left() - frame.left(),
            inner.top() - frame.top(),
            frame.right() - inner.right(),
            frame.bottom() - inner.bottom(),
        )
        # Before the window manager draws the frame there is none (or a token one): guess.
        return margins if self.isVisible() and margins.top() > 8 else placement.FRAME_GUESS

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._placed:
            self._placed = True
            QTimer.singleShot(0, self, self._refit_if_outside)
            # A monitor unplugged, or the window dragged to a smaller screen: fitted again there.
            self.windowHandle().screenChanged.connect(
                lambda _screen: QTimer.singleShot(0, self, self._refit_if_outside)
            )

    def _refit_if_outside(self) -> None:
        """Once shown, the real frame is known: a window that does not fit after all is fitted."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        if not placement.fits(self.geometry(), screen.availableGeometry()):
            self.fit_to(screen.availableGeometry())

    def remember_geometry(self) -> None:
        r = self.normalGeometry() if self.isMaximized() else self.geometry()
        settings.set_window_geometry((r.x(), r.y(), r.width(), r.height()), self.isMaximized())
