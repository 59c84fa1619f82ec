"""Which wizard step an issue belongs to, and each step's state, from the pack's step list."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from forms.checks import Issue
from forms.model import pattern_of
from forms.pack import Pack

ATTACHMENTS = "attachments"
REVIEW = "review"
OUTPUT = "output"
PORTAL = "portal"  # 网上填报 (issue 13), after the output step


class StepMap:
    def __init__(self, pack: Pack, category: str | None) -> None:
        own = pack.fields_for(category)
        self.fields = {s.key: [p for p in s.fields if p in own] for s in pack.steps}
        self.fields = {k: v for k, v in self.fields.items() if v}

    def step_of(self, field: str) -> str:
        """The step whose fields hold ``field`` (or lie under it, for "members" or "payments")."""
        if not field:
            return REVIEW
        pattern = pattern_of(field)
        if pattern.split(".")[0] == ATTACHMENTS:
            return ATTACHMENTS
        for key, fields in self.fields.items():
            if pattern in fields:
                return key
        for key, fields in self.fields.items():
            if any(f.startswith(pattern + ".") for f in fields):
                return key
        for key, fields in self.fields.items():  # a deeper path than any field: its parent's step
            if any(pattern.startswith(f + ".") for f in fields):
                return key
        return REVIEW

    def state(self, key: str, issues: list[Issue], quiet, entered: Collection[str] | None = None) -> str:
        """ "error" (✖: something entered is wrong) | "warning" | "complete" (✓: nothing missing or
        wrong) | "todo" (○: not started, or only fields nobody has entered yet still missing).

        ``entered``: the paths that hold a value or that the user touched; an error on a field
        outside it (and under no entered row) is work still to do, not a mistake. None: every
        field counts as entered."""
        mine = [i for i in issues if self.step_of(i.field) == key]
        errors = [i for i in mine if i.severity == "error"]

        def waiting(issue: Issue) -> bool:
            return quiet(issue) or (entered is not None and not is_entered(issue.field, entered))

        if any(not waiting(i) for i in errors):
            return "error"
        if errors:
            return "todo"
        if mine:
            return "warning"
        return "complete"


def entered_paths(values: Mapping[str, Any], touched: Iterable[str]) -> set[str]:
    """The flat paths that hold a value (an explicit "no" counts) and those the user touched."""
    return {path for path, value in values.items() if value is not None and value != ""} | set(touched)


def is_entered(field: str, entered: Collection[str]) -> bool:
    """``field`` or something under it (a table's rows for "members") was entered."""
    if not field:
        return True  # an issue about the whole application is never just "not filled yet"
    prefix = field + "."
    return field in entered or any(path.startswith(prefix) for path in entered)
