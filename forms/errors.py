"""One error type for everything a user can cause: it carries its message in both UI languages,
so the CLI and the desktop app show a sentence, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or environment, explained in Chinese and English.

    ``code`` is a short, stable identifier (``draft.truncated``, ``attach.encrypted``, …) that
    tests and logs can rely on; the messages are what people read.
    """

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:  # the CLI prints zh + en on one line when no language is chosen
        return f"{self.zh} ({self.en})"
