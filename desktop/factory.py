"""The one factory of the app's windows: :func:`ensure_app` and :func:`make_window`, used by the
entry point (:mod:`desktop.app`), the installer's self-test, the office desk and the tests. A
module of its own so that none of those imports the entry point."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from forms.version import version

from . import i18n, input_method, qt_fixes, settings  # noqa: F401 - qt_fixes first (PySide6 6.12 on 3.11)
from .main_window import MainWindow, window_editing

if TYPE_CHECKING:
    from .services import Services


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named for QSettings. Its version is set by :func:`name_version`, which a
    window's maker calls: reading it costs ``cxy-apply``'s shell ~3 ms (an installed app's
    metadata more), so there it is read after the first paint."""
    app = QApplication.instance()
    if app is None:
        input_method.prefer_working_module()  # read by Qt when the QApplication is made
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName(settings.ORG)
    QCoreApplication.setApplicationName(settings.APP)
    return app  # type: ignore[return-value]


def name_version() -> None:
    QCoreApplication.setApplicationVersion(version())


def make_window(path: Path | None = None, lang: str = "zh", services: Services | None = None) -> MainWindow:
    """The main window, showing ``path`` (a draft, or JSON to import) or the start page; the
    window that already edits ``path``, brought forward, when there is one."""
    ensure_app()
    name_version()
    if path is not None:
        editing = window_editing(Path(path))
        if editing is not None:
            editing.bring_forward()
            return editing
    lang = i18n.install(lang)
    return MainWindow(services, lang, Path(path) if path is not None else None)  # Services() when None
