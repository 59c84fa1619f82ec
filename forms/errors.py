"""One error type for everything a user can cause: it carries its message in both UI languages,
so the CLI and the desktop app show a sentence, never a traceback."""

from __future__ import annotations

from .text import Text


class UserError(Exception):
    """A problem with the user's input or environment, explained in Chinese and English.

    ``code`` is a short, stable identifier (``draft.truncated``, ``attach.encrypted``, …) that
    tests and logs can rely on; ``text`` is what people read. Raised as ``UserError(code, zh, en)``
    or ``UserError(code, text)``.
    """

    def __init__(self, code: str, zh: str | Text, en: str | None = None) -> None:
        text = zh if isinstance(zh, Text) else Text(zh, en if en is not None else zh)
        super().__init__(text.en)
        self.code = code
        self.text = text

    @property
    def zh(self) -> str:
        return self.text.zh

    @property
    def en(self) -> str:
        return self.text.en

    def message(self, lang: str = "zh") -> str:
        return self.text.get(lang)

    def __str__(self) -> str:  # the CLI prints zh + en on one line when no language is chosen
        return str(self.text)
