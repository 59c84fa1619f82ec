"""The UI language. Source strings are Chinese (the default language) wrapped in ``tr()``; English
comes from a dict-backed QTranslator, so no .qm build step is needed and a missing translation
is caught by a test that reads every ``tr("…")`` literal in ``desktop/``."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QTranslator

from .qt_catalogue import CatalogueGaps, load_qtbase_zh
from .strings_en import EN

LANGS = ("zh", "en")


@dataclass
class _State:
    lang: str = "zh"
    installed: list[QTranslator] = field(default_factory=list)


_state = _State()


class DictTranslator(QTranslator):
    """Looks a source string up in a dict; None lets Qt fall back to the source text."""

    def __init__(self, table: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self._table = table

    def translate(self, context, source_text, disambiguation=None, n=-1):  # Qt signature
        return self._table.get(source_text)

    def isEmpty(self) -> bool:
        return False


def install(lang: str) -> str:
    """Make ``lang`` the language of every later ``tr()``; returns the language actually used."""
    lang = lang if lang in LANGS else "zh"
    app = QCoreApplication.instance()
    assert app is not None  # a language is installed into the running application
    for old in _state.installed:
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    if lang == "zh":
        # Qt's own dialogs (file, print, message box buttons, the text-field menu) in Chinese
        # too; the gaps translator is installed first, so Qt asks it only after the catalogue.
        qt_zh = load_qtbase_zh(app)
        if qt_zh is not None:
            for translator in (CatalogueGaps(qt_zh, app), qt_zh):
                app.installTranslator(translator)
                installed.append(translator)
    else:
        english = DictTranslator(EN, app)
        app.installTranslator(english)
        installed.append(english)
    _state.installed = installed
    _state.lang = lang
    return lang


def lang() -> str:
    return _state.lang


def tr(text: str) -> str:
    """``tr()`` for code that is not a QObject (the dict translator ignores the context)."""
    return QCoreApplication.translate("cxy", text)


def literal(text: str) -> str:
    """Pack text shown on a button or a buddied label: "S&T" must not become a mnemonic."""
    return text.replace("&", "&&")


def N_(text: str) -> str:
    """Marks a literal for translation where it is defined; ``tr()`` translates it where shown."""
    return text


def kind_labels(pack=None) -> dict[str, str]:
    """The pack's names of the attachment kinds, in the UI language (capitalised as a label)."""
    from forms.pack import load_pack

    pack = pack if pack is not None else load_pack()
    language = lang()
    labels = {spec.id: spec.label.get(language) for spec in pack.attachment_kinds}
    return {kind: text[:1].upper() + text[1:] for kind, text in labels.items()}
