"""What a check returns: ``{field, severity, code, message}`` as in the spec README."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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
