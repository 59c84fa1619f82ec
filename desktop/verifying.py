"""核验: is a package PDF (or a print set, or an upload file) as it was sealed, and does it still
match the open draft? forms.package.verify decides; this runs it off the GUI thread and puts
its verdict in one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from forms.text import Text


def verify_job(pdf: Path, draft: Path | None) -> Callable:
    """For desktop.workers: the Verdict (intact, changed_pages, matches_draft, differing)."""

    def run(progress, cancel):
        from forms.package.verify import verify

        return verify(pdf, draft)

    return run


def verdict_line(verdict: Any, lang: str) -> str:
    """forms' verdict (a line per finding) as one line for the banner."""
    return Text("；", "; ").get(lang).join(line.strip() for line in verdict.message(lang).splitlines() if line.strip())
