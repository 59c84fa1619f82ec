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
from .factory import ensure_app, make_window
from .main_window import MainWindow, window_editing

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

    def fill() -> None:
        window.load(services, path)
        if sample is not None and window.session is None:
            window.open_sample(sample or None)

    window.after_first_paint(fill)
    window.show()
    return window


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
    from . import failures

    failures.install()
    app = ensure_app(sys.argv[:1])
    lang = i18n.install(args.lang or settings.language())  # a dialog before the window speaks it too
    if args.pack and not _choose_pack(args.pack, lang):
        return 2
    from .single_instance import Instance

    if args.office is not None:
        from .office.desk import open_desk

        desk = open_desk(args.office, lang=lang)  # noqa: F841 - kept alive until the loop ends
        return app.exec()
    instance = Instance()
    if instance.start(args.file):
        return 0  # the running program has the file now
    window = open_window(args.file, lang, args.sample)  # noqa: F841 - kept alive until the loop ends
    instance.requested.connect(lambda path: open_requested(path, i18n.lang()))
    return app.exec()
