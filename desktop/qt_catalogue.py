"""Qt's own Chinese: the file, print and message-box dialogs and the text-field context menu read
``qtbase_zh_CN.qm`` from Qt's translations (the PySide6 wheel ships it; the bundle keeps it).

Qt 6 moved a few strings that the zh_CN catalogue still carries under their Qt 5 form (a mnemonic
added to "Look in:", the file-type names moved to QAbstractFileIconProvider), so the dialogs
would show them in English. :class:`CatalogueGaps` answers those from the same catalogue."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTranslator

log = logging.getLogger("cxy-apply")
CATALOGUE = "qtbase_zh_CN"
# Contexts Qt 6 introduced for strings the zh_CN catalogue still files under their old context.
OLD_CONTEXTS = {"QAbstractFileIconProvider": ("QFileIconProvider", "QFileDialog")}
_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")
_TRAILING_COLON = re.compile(r"[:：]$")


def translation_dirs() -> list[Path]:
    """Where ``qtbase_zh_CN.qm`` may be: Qt's own path, then the PySide6 package's folders (a
    PyInstaller bundle keeps them as ``PySide6/Qt/translations`` or ``PySide6/translations``),
    then a copy vendored under ``resources/translations``."""
    import PySide6

    from forms.paths import resource

    package = Path(PySide6.__file__).resolve().parent
    found: list[Path] = []
    for folder in (
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        package / "Qt" / "translations",
        package / "translations",
        resource("translations"),
    ):
        if folder not in found:
            found.append(folder)
    return found


def load_qtbase_zh(parent=None) -> QTranslator | None:
    """Qt's Chinese catalogue, loaded; None (and a log line) when no folder has it."""
    translator = QTranslator(parent)
    for folder in translation_dirs():
        if translator.load(CATALOGUE, str(folder)):
            log.info("Qt dialogs in Chinese: %s from %s", CATALOGUE, folder)
            return translator
    log.warning("Qt dialogs stay in English: %s not found in %s", CATALOGUE, [str(f) for f in translation_dirs()])
    return None


class CatalogueGaps(QTranslator):
    """Strings the catalogue has under another form: "&Look in:" from "Look in:" (the mnemonic
    put back as Chinese menus write it, "查找范围(&L)："), or under the context Qt 5 used."""

    def __init__(self, catalogue: QTranslator, parent=None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue

    def translate(self, context, source_text, disambiguation=None, n=-1):  # Qt signature
        if not context or not source_text:
            return None
        for where in (context, *OLD_CONTEXTS.get(context, ())):
            found = self._catalogue.translate(where, source_text, disambiguation, n)
            if found:
                return found
            keys = _MNEMONIC.findall(source_text)
            if len(keys) == 1:
                bare = self._catalogue.translate(where, source_text.replace("&", "", 1), disambiguation, n)
                if bare and "&" not in bare:
                    return _with_mnemonic(bare, keys[0].upper())
        return None

    def isEmpty(self) -> bool:
        return self._catalogue.isEmpty()


def _with_mnemonic(text: str, key: str) -> str:
    colon = _TRAILING_COLON.search(text)
    if colon:
        return f"{text[: colon.start()]}(&{key}){text[colon.start() :]}"
    return f"{text}(&{key})"
