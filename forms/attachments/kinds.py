"""Which kind of attachment a file is, when the user chose none: its name decides first, then the
text of its first page (a PDF with text). The words are the pack's ``[[attachment_kinds]]``.

A guess only: the attachments step shows it, and the user changes it in one click.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from forms.pack import Pack

FALLBACK = "other"
_TEXT_CHARS = 4000  # a first page's opening; the title and the parties are at its top


@dataclass(frozen=True)
class Inferred:
    kind: str
    source: str  # "name" | "text" | "none" (nothing matched: FALLBACK)


def infer_kind(pack: Pack, original_name: str, first_page_text: str = "") -> Inferred:
    """The kind whose words occur most often in the file's name, else in its first page's text;
    a tie goes to the kind the pack lists first. Nothing matching gives ``other``."""
    stem = PurePath(original_name.replace("\\", "/")).stem
    kind = _best(pack, _plain(stem), "name_words")
    if kind is not None:
        return Inferred(kind, "name")
    kind = _best(pack, _plain(first_page_text[:_TEXT_CHARS]), "text_words")
    if kind is not None:
        return Inferred(kind, "text")
    return Inferred(FALLBACK, "none")


def _best(pack: Pack, text: str, words_of: str) -> str | None:
    if not text:
        return None
    best, best_score = None, 0
    for spec in pack.attachment_kinds:
        score = sum(text.count(_plain(word)) for word in getattr(spec, words_of) if word)
        if score > best_score:
            best, best_score = spec.id, score
    return best


def _plain(text: str) -> str:
    # Full-width letters, compatibility ideographs and case must not hide a word; text
    # extracted from a PDF also breaks lines (and sometimes characters) with spaces.
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())
