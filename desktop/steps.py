"""Which wizard step an issue belongs to, and each step's state, from the pack's step list."""

from __future__ import annotations

from forms.checks import Issue
from forms.model import pattern_of
from forms.pack import Pack

ATTACHMENTS = "attachments"
REVIEW = "review"
OUTPUT = "output"


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

    def state(self, key: str, issues: list[Issue], quiet) -> str:
        """"error" | "warning" | "todo" (only untouched required fields left) | "complete"."""
        mine = [i for i in issues if self.step_of(i.field) == key]
        loud = [i for i in mine if not quiet(i)]
        if any(i.severity == "error" for i in loud):
            return "error"
        if any(i.severity == "error" for i in mine):
            return "todo"
        if mine:
            return "warning"
        return "complete"
