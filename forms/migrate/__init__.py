"""Year migration: a draft of one pack carried into a new draft of another, with a report of what
was dropped, what is newly required and which rules now judge it differently."""

from __future__ import annotations

from forms.pack import resolve_pack

from .migrate import known_packs, migrate_draft, newer_pack, plan
from .report import Dropped, Judged, MigrationReport, NewRequired, as_text, final_note, notes, sections, summary

__all__ = [
    "Dropped",
    "Judged",
    "MigrationReport",
    "NewRequired",
    "as_text",
    "final_note",
    "known_packs",
    "migrate_draft",
    "newer_pack",
    "notes",
    "plan",
    "resolve_pack",
    "sections",
    "summary",
]
