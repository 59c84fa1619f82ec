"""The installed program checks itself: ``cxy-apply --selftest RESULT`` (or, from a source tree,
``python -m desktop.selftest RESULT``).

Offscreen and in a throw-away folder, it opens the main window on a sample draft, takes in one
generated scan through the attachment worker process, builds the application package the way
the output page does, and reads the PDF back with pypdf: pages present, every font embedded,
the sample's Chinese text extractable. A windowed program has no console on Windows, so the
verdict goes to the JSON file RESULT (``ok``, ``pages``, ``bytes``, ``seconds``, ``versions``,
and ``reason`` when it failed); the exit status is 0 only when ``ok`` is true.

The user's settings, data folder, recent files and password store are never touched.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from forms.version import version

SAMPLE_TEXT = "高性能复合材料智能成型"  # from forms.samples: must come back out of the PDF as text
_ISOLATED_ENV = ("CXY_CONFIG_DIR", "CXY_DATA_DIR")


class SelftestFailed(Exception):
    """A check did not hold; the message is the ``reason`` written to the result file."""


def run_selftest(result_path: Path, category: str = "tech_vp", lang: str = "zh") -> int:
    """Run every check, write the verdict to ``result_path`` as JSON, return the exit status."""
    started = time.perf_counter()
    result: dict[str, Any] = {"ok": False, "category": category, "lang": lang, "phases": {}}
    try:
        with _isolated() as tmp:
            result.update(_run(Path(tmp), category, lang, result["phases"]))
        result["ok"] = True
    except SelftestFailed as exc:
        result["reason"] = str(exc)
    except BaseException as exc:  # whatever breaks, the result file must say so
        result["reason"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc(limit=12)
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["versions"] = _versions()
    try:
        Path(result_path).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        print(f"selftest: cannot write {result_path}: {exc}", file=sys.stderr)
        return 2
    return 0 if result["ok"] else 1


@contextmanager
def _isolated() -> Iterator[str]:
    """Offscreen Qt (unless a QApplication already runs), and settings plus working drafts in a
    temporary folder, restored afterwards so that tests can call this in-process."""
    saved = {name: os.environ.get(name) for name in (*_ISOLATED_ENV, "QT_QPA_PLATFORM")}
    with tempfile.TemporaryDirectory(prefix="cxy-selftest-", ignore_cleanup_errors=True) as tmp:
        try:
            if not _qapp_running():  # the platform is chosen when the QApplication is made
                os.environ["QT_QPA_PLATFORM"] = "offscreen"
            os.environ["CXY_CONFIG_DIR"] = str(Path(tmp, "config"))
            os.environ["CXY_DATA_DIR"] = str(Path(tmp, "data"))
            yield tmp
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _qapp_running() -> bool:
    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets is not None and widgets.QApplication.instance() is not None


def _run(tmp: Path, category: str, lang: str, phases: dict[str, float]) -> dict[str, Any]:
    clock = _Clock(phases)
    from PySide6.QtWidgets import QApplication

    from desktop.factory import ensure_app, make_window
    from desktop.services import Services
    from forms.draft import Draft
    from forms.pack import load_pack
    from forms.samples import sample

    app = ensure_app()
    from desktop.single_instance import server_name  # the hand-over needs QtNetwork in the bundle

    server_name()
    clock.lap("qt")

    pack = load_pack()
    draft_path = tmp / "data" / f"selftest-{category}.cxy"
    draft_path.parent.mkdir(parents=True, exist_ok=True)
    draft = Draft.create(draft_path, pack=pack.id, category=category)
    try:
        draft.replace_data(sample(category, pack))
    finally:
        draft.close()
    clock.lap("sample")

    prompter = _silent_prompter()
    window = make_window(draft_path, lang, Services(prompter=prompter))
    try:
        window.show()
        app.processEvents()
        shown_at = time.time()
        clock.lap("window")
        session = window.session
        if session is None:
            said = prompter.said or window.banner.text() or "no message"
            raise SelftestFailed(f"the window did not open the sample draft ({said})")

        scan = _attachment(session)
        clock.lap("attachment")

        pdf = _package(session)
        clock.lap("package")
        checked = _verify(pdf, expected_min_pages=scan.pages + 1)
        clock.lap("verify")
        if prompter.said:
            raise SelftestFailed(f"the app reported a problem: {prompter.said}")
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return {"window_shown_at": shown_at, "bytes": len(pdf), **checked}


class _Clock:
    def __init__(self, phases: dict[str, float]) -> None:
        self.phases = phases
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(now - self.last, 3)
        self.last = now


def _silent_prompter():
    from desktop.prompter import Prompter

    class SilentPrompter(Prompter):
        """Never opens a dialog: questions get "no", messages are kept as the failure reason."""

        said = ""

        def _note(self, title: str, text: str) -> None:
            self.said = f"{self.said}; {title}: {text}" if self.said else f"{title}: {text}"

        def info(self, title: str, text: str) -> None:
            self._note(title, text)

        def error(self, title: str, text: str) -> None:
            self._note(title, text)

        def confirm(self, title: str, text: str) -> bool:
            self._note(title, text)
            return False

        def open_file(self, *args: Any, **kwargs: Any) -> None:
            return None

        def open_files(self, *args: Any, **kwargs: Any) -> list[Path]:
            return []

        def save_file(self, *args: Any, **kwargs: Any) -> None:
            return None

        def choose_folder(self, *args: Any, **kwargs: Any) -> None:
            return None

        def printer(self, copies: int) -> None:
            return None

    return SilentPrompter()


def _attachment(session):
    """A small generated scan through the real intake: sniffing, the worker process (in a frozen
    build, this program again with the worker flag), the rebuilt PDF, stored in the draft."""
    from PIL import Image

    from forms.attachments import normalise

    image = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi, with a dark "stamp" block
    image.paste((40, 40, 40), (120, 160, 1120, 420))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, dpi=(150, 150))
    scan = normalise(buffer.getvalue(), "selftest-contract.jpg")
    if scan.pages < 1:
        raise SelftestFailed("the attachment intake returned no page")
    if session.add_attachment(scan, "contract", "技术合同（自检）") is None:
        raise SelftestFailed("the draft refused the attachment")
    return scan


def _package(session) -> bytes:
    """The package, built exactly as the output page's background job builds it."""
    from desktop.output_jobs import build_inputs, package_job

    session.flush()
    built = package_job(*build_inputs(session))(progress=lambda done, total: None, cancel=lambda: False)
    pdf = built if isinstance(built, (bytes, bytearray)) else getattr(built, "pdf", None)
    if not isinstance(pdf, (bytes, bytearray)) or not pdf:
        raise SelftestFailed(f"the package builder returned no PDF ({type(built).__name__})")
    return bytes(pdf)


def _verify(pdf: bytes, expected_min_pages: int) -> dict[str, Any]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    if pages < expected_min_pages:
        raise SelftestFailed(f"the package has {pages} pages, expected at least {expected_min_pages}")
    fonts: dict[str, bool] = {}
    seen: set[int] = set()
    for page in reader.pages:
        _collect_fonts(page.get("/Resources"), fonts, seen)
    if not fonts:
        raise SelftestFailed("the package uses no font at all")
    missing = sorted(name for name, embedded in fonts.items() if not embedded)
    if missing:
        raise SelftestFailed(f"fonts not embedded: {', '.join(missing)}")
    text = "".join("".join((page.extract_text() or "").split()) for page in reader.pages[:3])
    if SAMPLE_TEXT not in text:
        raise SelftestFailed(f"the sample's text «{SAMPLE_TEXT}» cannot be read back from the first pages")
    return {"pages": pages, "fonts": sorted(fonts)}


def _collect_fonts(resources, fonts: dict[str, bool], seen: set[int]) -> None:
    """BaseFont -> embedded?, for the fonts of ``resources`` and of the forms it draws."""
    resources = _resolve(resources)
    if not hasattr(resources, "get"):
        return
    for font in (_resolve(resources.get("/Font")) or {}).values():
        font = _resolve(font)
        name = str(font.get("/BaseFont", font.get("/Name", "?")))
        fonts[name] = fonts.get(name, True) and _embedded(font)
    for xobject in (_resolve(resources.get("/XObject")) or {}).values():
        ref = getattr(xobject, "idnum", None)
        xobject = _resolve(xobject)
        if ref in seen or xobject.get("/Subtype") != "/Form":
            continue
        if ref is not None:
            seen.add(ref)
        _collect_fonts(xobject.get("/Resources"), fonts, seen)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by the font's own content streams
    if font.get("/Subtype") == "/Type0":
        font = _resolve(_resolve(font["/DescendantFonts"])[0])
    descriptor = _resolve(font.get("/FontDescriptor"))
    return bool(descriptor) and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _versions() -> dict[str, Any]:
    versions: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
    }
    probes: dict[str, Callable[[], object]] = {
        "cxy-apply": version,
        "qt": lambda: __import__("PySide6.QtCore").QtCore.qVersion(),  # noqa: PLW0108 - Qt is imported when probed
        "pyside6": lambda: __import__("PySide6").__version__,
        "reportlab": lambda: __import__("reportlab").Version,
        "pypdf": lambda: __import__("pypdf").__version__,
        "pikepdf": lambda: __import__("pikepdf").__version__,
        "pillow": lambda: __import__("PIL").__version__,
        "pydantic": lambda: __import__("pydantic").VERSION,
        "sqlite": lambda: __import__("sqlite3").sqlite_version,
        "keyring_backend": _keyring_backend,
    }
    for name, probe in probes.items():
        try:
            versions[name] = str(probe())
        except Exception as exc:  # a missing version is reported, not fatal
            versions[name] = f"unavailable ({type(exc).__name__})"
    return versions


def _keyring_backend() -> str:
    """Which password store keyring would use (discovery only: nothing is read or written).
    In a frozen build this shows that keyring's back ends were bundled."""
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cxy-apply --selftest", description=__doc__.split("\n\n")[0])
    parser.add_argument("result", type=Path, help="where to write the JSON verdict")
    parser.add_argument("--category", default="tech_vp", help="sample category (default %(default)s)")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    args = parser.parse_args(argv)
    return run_selftest(args.result, args.category, args.lang)


if __name__ == "__main__":
    sys.exit(main())
