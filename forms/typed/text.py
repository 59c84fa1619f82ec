"""Full-width forms people type with a Chinese input method, folded to what the contract stores.

In a Chinese sentence only full-width digits and Latin letters become ASCII: its punctuation
（）：，and its ideographic spaces are the sentence's own and stay. A code (USCC, phone, e-mail,
registration number, year, date, amount) is folded whole, by NFKC.
"""

from __future__ import annotations

import unicodedata

FULL_WIDTH_SPACE = "\u3000"
# U+FF01..U+FF5E are the ASCII characters U+0021..U+007E, shifted by 0xFEE0.
_ALNUM = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code - 0xFEE0).isalnum()}
_ASCII_FORMS = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {ord(FULL_WIDTH_SPACE): ord(" ")}


def fold_code(text: str) -> str:
    """Everything NFKC folds (full-width digits, letters, －，．and spaces), ends trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def fold_text(text: str) -> str:
    """Full-width digits and letters → ASCII; a value made only of ASCII forms (a code typed
    into a text field, such as ２０２３ＪＳ００１) is folded whole."""
    whole = text.translate(_ASCII_FORMS)
    if whole == text:
        return text
    if whole.isascii():
        return whole.strip()
    return text.translate(_ALNUM)
