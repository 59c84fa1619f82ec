"""One sentence or label in both UI languages: the pack's labels, the checks' messages, errors
and the package builder's notes all carry a :class:`Text`, and every reader asks it for a
language with :meth:`Text.get` rather than choosing between two fields itself.

This module is on the start-up path (errors import it): it imports only the standard library.
Pydantic finds :meth:`Text.__get_pydantic_core_schema__` when a pack model declares a ``Text``
field, by which time pydantic is loaded anyway."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

LANGS = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang``; Chinese, the notice's language, for any language we lack."""
        return self.en if lang == "en" else self.zh

    @classmethod
    def of(cls, value: Text | Mapping[str, str]) -> Text:
        """A ``Text`` from a ``{"zh": …, "en": …}`` table as data brings it (a catalogue entry
        read from TOML), or the Text itself."""
        if isinstance(value, Text):
            return value
        return cls(value["zh"], value["en"])

    def __str__(self) -> str:  # where no language was chosen (a log, the CLI before --lang): both
        return f"{self.zh} ({self.en})"

    @classmethod
    def listing(cls, items: Sequence[str]) -> Text:
        """``items`` listed as each language lists them: "2024、2025" / "2024, 2025"."""
        return cls("、".join(items), ", ".join(items))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Validated like a strict pack entry: a table with exactly ``zh`` and ``en`` (an unknown
        key is refused, as ``extra="forbid"`` refuses it elsewhere in the pack), or a Text."""
        from pydantic_core import core_schema as cs

        table = cs.typed_dict_schema(
            {"zh": cs.typed_dict_field(cs.str_schema()), "en": cs.typed_dict_field(cs.str_schema())},
            extra_behavior="forbid",
        )
        from_table = cs.no_info_after_validator_function(lambda d: cls(d["zh"], d["en"]), table)
        # a Text already made (a pack rebuilt from its models) goes through as its table, so that a
        # wrong value is reported once, at its key, not also as "not a Text"
        return cs.no_info_before_validator_function(
            lambda v: {"zh": v.zh, "en": v.en} if isinstance(v, cls) else v,
            from_table,
            serialization=cs.plain_serializer_function_ser_schema(lambda t: {"zh": t.zh, "en": t.en}),
        )


def printable(value: object, limit: int = 80) -> str:
    """Text from someone else's file (a pack id, a category, a role) cut to ``limit`` characters
    with every character that is not printable left out, so that it fits into one line of ours."""
    return "".join(ch for ch in str(value)[:limit] if ch.isprintable())


class _ZhEn(Protocol):
    @property
    def zh(self) -> str: ...
    @property
    def en(self) -> str: ...


class Bilingual:
    """The two members of :class:`Text` for a pack entry that keeps its ``zh``/``en`` beside other
    keys in the TOML (``{ id = "K2", zh = …, en = … }``): mixed into such a model, so that its
    readers ask ``.get(lang)`` as they do of any Text. It declares no field, so a model's fields and
    their order are its own."""

    __slots__ = ()

    @property
    def text(self: _ZhEn) -> Text:
        return Text(self.zh, self.en)

    def get(self: _ZhEn, lang: str) -> str:
        return Text(self.zh, self.en).get(lang)
