"""What a check returns: ``{field, severity, code, message}`` as in the spec README."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]
# The notice numbers its rules G1…G9, K1…K6, D1…, T1…, U2…: such a code is kept in the data
# (--json, the Issue) for the office that knows the notice, never put in a sentence.
_RULE_ID = re.compile(r"[A-Z]{1,2}[0-9]{1,2}")


def is_rule_id(code: str) -> bool:
    """Whether an issue's ``code`` is one of the notice's rule ids (G3, K5 …)."""
    return bool(_RULE_ID.fullmatch(code))


@dataclass(frozen=True)
class Issue:
    field: str
    severity: Severity
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class Collector:
    """Gathers issues with the message already in the UI language."""

    def __init__(self, lang: str) -> None:
        from .messages import say

        self.lang = lang
        self._say = say
        self.issues: list[Issue] = []

    def add(self, field: str, severity: Severity, code: str, message_key: str, **values: object) -> None:
        self.issues.append(Issue(field, severity, code, self._say(message_key, self.lang, **values)))

    def error(self, field: str, code: str, message_key: str | None = None, **values: object) -> None:
        self.add(field, "error", code, message_key or code, **values)

    def warning(self, field: str, code: str, message_key: str | None = None, **values: object) -> None:
        self.add(field, "warning", code, message_key or code, **values)
