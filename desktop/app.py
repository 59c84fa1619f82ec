"""``cxy-apply [FILE] [--lang zh|en] [--pack ID|DIR] [--sample [CATEGORY]] [--office DIR]``: the desktop wizard
(or, with ``--office``, the research office's desk on a folder of applications).

:func:`open_window` is how the entry point opens its window (the shell painted first, the content
loaded into it after); :func:`desktop.factory.make_window` makes a complete window at once (the
tests, a second start handing a file over).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import i18n, settings
from .factory import ensure_app, make_window, name_version
from .main_window import MainWindow, window_editing
from .shell import expect_content

if TYPE_CHECKING:
    from .services import Services


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cxy-apply", description="产学研申报助手 / CXY Apply")
    parser.add_argument("file", nargs="?", type=Path, help="draft (.cxy) or application JSON to open")
    parser.add_argument("--lang", choices=i18n.LANGS, help="UI language (default: the saved setting, else zh)")
    parser.add_argument(
        "--sample",
        nargs="?",
        const="",
        metavar="CATEGORY",
        help="open a copy of the sample application (tech_vp, conference or tech_trade)",
    )
    parser.add_argument(
        "--office", metavar="DIR", type=Path, help="research office: open the desk on a folder of drafts and packages"
    )
    parser.add_argument(
        "--pack", metavar="ID|DIR", help="rule pack for new applications: an id (see cxy packs) or a pack folder"
    )
    parser.add_argument(
        "--selftest",
        metavar="RESULT",
        type=Path,
        help="check the installed program offscreen and write the verdict to RESULT (JSON)",
    )
    return parser.parse_args(argv)


_windows: list[MainWindow] = []  # windows opened for other starts; Qt does not keep them alive


def open_requested(path: str, lang: str) -> None:
    """Another ``cxy-apply`` start handed ``path`` over: bring its window forward or open it."""
    from .main_window import current_window, main_windows

    if not path:
        window = current_window()
        if window is not None:
            window.bring_forward()
        return
    editing = window_editing(Path(path))
    if editing is not None:
        editing.bring_forward()
        return
    idle = next((w for w in main_windows() if w.session is None and w.isVisible()), None)
    if idle is not None:
        idle.open_path(Path(path))
        idle.bring_forward()
        return
    window = make_window(Path(path), i18n.lang())
    _windows[:] = [w for w in _windows if w.isVisible()] + [window]
    window.show()
    window.bring_forward()


def open_window(
    path: Path | None, lang: str, sample: str | None = None, services: Services | None = None
) -> MainWindow:
    """The window as ``cxy-apply`` opens it: its shell shown (and painted by the event loop) before
    the rule pack's code is imported, then the content loaded into that same window from the
    loop: the draft at ``path`` (a JSON file is imported), else the start page, or with ``sample``
    ("" for the first category) a copy of the sample application."""
    window = MainWindow(None, i18n.install(lang), shell=True)
    expect_content(window, path, sample)  # no step column in the shell when the start page comes

    def fill() -> None:
        window.load(services, path)
        if sample is not None and window.session is None:
            window.open_sample(sample or None)

    window.after_first_paint(fill)
    window.show()
    return window


_instance: list[object] = []  # this program's end of the single-instance channel, kept while it runs


def start_window(path: Path | None, lang: str, sample: str | None = None) -> MainWindow | None:
    """What ``cxy-apply`` does after its QApplication: ``path`` handed to a running ``cxy-apply``
    if there is one (None: it took it; no window here), else :func:`open_window`, listening for
    later starts."""
    from .single_instance import Instance

    instance = Instance()
    if instance.start(path):
        return None  # the running program has the file now
    _instance[:] = [instance]
    window = open_window(path, lang, sample)
    window.after_first_paint(_log_failures)
    window.after_first_paint(name_version)
    instance.requested.connect(lambda requested: open_requested(requested, i18n.lang()))
    return window


def _log_failures() -> None:
    """The log file and the hooks that keep a failure the user did not cause from them
    (:func:`desktop.failures.install`), once."""
    from . import failures

    if sys.excepthook is not failures.handle:
        failures.install()


def _first_failure(*exc_info: object) -> None:
    """``sys.excepthook`` until the log is set up: sets it up, then handles the error there."""
    from . import failures

    _log_failures()
    failures.handle(*exc_info)


def catch_failures() -> None:
    """An unexpected error is logged and said in one line from the start; the log itself is set up
    once the window's shell has been painted (desktop.failures and logging's handlers cost the
    shell ~10 ms), or at once by the first error."""
    sys.excepthook = _first_failure


def _choose_pack(ref: str, lang: str) -> bool:
    """``--pack``: a pack that does not load is said in one line, before any window."""
    from forms.errors import UserError

    from .pack_install import choose

    try:
        choose(ref)
    except UserError as exc:
        from PySide6.QtWidgets import QMessageBox

        print(f"cxy-apply: {exc.message(lang)}", file=sys.stderr)
        QMessageBox.warning(None, i18n.tr("规则包"), exc.message(lang))
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.selftest is not None:
        from .selftest import main as selftest_main  # the installer's smoke test

        return selftest_main([str(args.selftest), *(["--lang", args.lang] if args.lang else [])])
    catch_failures()
    app = ensure_app(sys.argv[:1])
    lang = i18n.install(args.lang or settings.language())  # a dialog before the window speaks it too
    if args.pack or args.office is not None:
        _log_failures()  # no shell to paint first
        name_version()
    if args.pack and not _choose_pack(args.pack, lang):
        return 2
    if args.office is not None:
        from .office.desk import open_desk

        desk = open_desk(args.office, lang=lang)  # noqa: F841 - kept alive until the loop ends
        return app.exec()
    window = start_window(args.file, lang, args.sample)
    return 0 if window is None else app.exec()
