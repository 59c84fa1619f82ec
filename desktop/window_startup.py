"""The main window's start-up (issue 14): its shell painted first, then :meth:`load`.

A mixin of :class:`desktop.main_window.MainWindow`, which sets ``_loaded``, ``_painted`` and
``_after_paint`` before anything else. ``cxy-apply`` paints the window's shell (made with Qt alone)
before the rule pack's code is imported: this module imports what needs the pack inside
:meth:`load`. A window that opens a draft makes the draft's first page before its first paint;
what that page does not show (the start page, the other steps) waits for the first paint
(:meth:`after_first_paint`), or is made at once when asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QVBoxLayout

    from forms.pack import Pack

    from .migrate_bar import MigrateBar
    from .services import Services

    class _Window(QMainWindow):
        """What this mixin uses of MainWindow."""

        services: Services
        pack: Pack
        migrate_bar: MigrateBar
        _column: QVBoxLayout
        _placed: bool
        _loaded: bool
        _painted: bool
        _after_paint: list[Callable[[], object]]

        def _build(self, step: str | None = None) -> None: ...

        def open_path(self, path: Path) -> bool: ...

        def _refit_if_outside(self) -> None: ...

else:
    _Window = object  # at run time MainWindow itself supplies all of it


class WindowStartup(_Window):
    def load(self, services: Services | None = None, path: Path | None = None) -> None:
        """The window's content in place of its shell: the draft at ``path`` (its first page made
        now, the rest when first shown) or the start page; the menus; the pack's styles."""
        from . import pack_install
        from .migrate_bar import MigrateBar
        from .services import Services
        from .widgets.messages import INPUT_STYLE

        if self._loaded:
            return
        self._loaded = True
        self.services = services or Services()
        self.services.prompter.window = self
        self.pack = pack_install.current_pack()
        self.setStyleSheet(INPUT_STYLE)
        self.migrate_bar = MigrateBar(self)  # issue 15: a draft of an older year's pack may migrate
        self._column.insertWidget(1, self.migrate_bar)
        # A draft opens straight into its wizard (the start page is not made first, only to be
        # replaced); JSON is imported from the start page, as a file chosen there would be.
        is_json = path is not None and path.suffix.lower() == ".json"
        if not (path is not None and not is_json and self.open_path(path)):
            self._build()
            if path is not None and is_json:
                self.open_path(path)
        if self._placed:  # the shell was shown: the content may ask for more room than it did
            QTimer.singleShot(0, self, self._refit_if_outside)

    def is_loaded(self) -> bool:
        """The content is in the window (not only its shell)."""
        return self._loaded

    def after_first_paint(self, work: Callable[[], object]) -> None:
        """Run ``work`` from the event loop once the window has been painted (at once from the
        loop when it has been already): the user sees the window before it."""
        if self._painted:
            QTimer.singleShot(0, self, work)
        else:
            self._after_paint.append(work)

    def is_complete(self) -> bool:
        """Nothing is waiting for the first paint any more."""
        return not self._after_paint

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._run_after_paint)
        return handled

    def _run_after_paint(self) -> None:
        while self._after_paint:
            self._after_paint.pop(0)()
