"""Failures the user did not cause never reach them as a traceback, a source path or a library's
warning: the details go to a log file in the data folder, the user reads one line in the UI
language (in the window's banner, never a modal box)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

from forms.errors import UserError

from . import i18n, settings
from .i18n import tr

LOG_NAME = "cxy-apply.log"
log = logging.getLogger("cxy-apply")
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def log_path() -> Path:
    return settings.data_dir() / LOG_NAME


def unexpected_text() -> str:
    return tr("出现意外错误，刚才的操作没有完成。详情已记入日志 {log}。").format(log=LOG_NAME)


def user_text(exc: BaseException, lang: str | None = None, *, logged: bool = False) -> str:
    """One line for the user: a UserError's own message, anything else logged and summarised."""
    if isinstance(exc, UserError):
        return exc.message(lang or i18n.lang())
    if not logged:
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return unexpected_text()


def handle(exc_type, exc, tb) -> None:
    """``sys.excepthook``: an exception escaped a slot or an event handler."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if isinstance(exc, UserError):
        text = exc.message(i18n.lang())
    else:
        log.error("unexpected error in the user interface", exc_info=(exc_type, exc, tb))
        text = unexpected_text()
    _show(text)


def _show(text: str) -> None:
    from PySide6.QtWidgets import QApplication

    # the first main window (the one with a banner); found by what it offers, as the window
    # module imports this one
    window = next((w for w in QApplication.topLevelWidgets() if hasattr(w, "show_banner")), None)
    if window is not None:
        window.show_banner(text, "error")
    else:
        sys.stderr.write(text.replace("\n", " ") + "\n")


def _qt_message(mode, context, message) -> None:  # Qt's signature
    logging.getLogger("qt").log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def _thread_hook(args) -> None:
    if args.exc_type is not SystemExit:
        log.error("unexpected error in a thread", exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def install() -> Path | None:
    """Route logging, Python warnings and Qt messages to the log file and install the hooks.
    Returns the log file (None when it cannot be written: then nothing is logged at all)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)  # nothing to stderr, where a user of the console would see it
    path: Path | None
    try:
        path = log_path()
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
        )
    except (OSError, UserError):
        path, handler = None, logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.captureWarnings(True)
    qInstallMessageHandler(_qt_message)
    sys.excepthook = handle
    threading.excepthook = _thread_hook
    return path
