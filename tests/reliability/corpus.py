"""The hostile-PDF corpus (``../shared/corpus/pdf``) through ``normalise`` (reliability.md T5/T6).

Every file must be accepted or refused with a ``UserError`` within the intake's time limit;
nothing else may reach the caller. Accepted files are checked again with the independent
scanner (no active content) and pypdf (the page count we report is the page count there is).
Files stored XOR-0xCC obfuscated (anti-virus bait) are decoded in memory.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .common import CORPUS, percentile

SUFFIXES = (".pdf", ".fuzz", ".obfuscated")
P95_LIMIT_S = 2.0
SLACK_S = 5.0  # on top of the intake's own timeout: worker start-up and teardown


@dataclass
class CorpusReport:
    files: int = 0
    imported: int = 0
    refused: Counter = field(default_factory=Counter)
    bugs: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)
    page_mismatch: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    slowest: str = ""
    seconds: float = 0.0

    @property
    def p95_s(self) -> float:
        return percentile(self.times, 95)

    @property
    def max_s(self) -> float:
        return max(self.times, default=0.0)

    def line(self) -> str:
        return (
            f"PDF corpus: {self.files} files — imported {self.imported}, refused {sum(self.refused.values())}, "
            f"other exceptions {len(self.bugs)}, active content in output {len(self.active)}, "
            f"p95 {self.p95_s:.2f} s, max {self.max_s:.1f} s ({self.slowest}), {self.seconds:.0f} s"
        )


def corpus_files(folder: Path = CORPUS) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SUFFIXES)


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".obfuscated":
        data = bytes(b ^ 0xCC for b in data)
    return data


def _one(path: Path) -> tuple[Path, str, float, object]:
    from forms.attachments import normalise
    from forms.errors import UserError

    data = _read(path)
    t0 = time.perf_counter()
    try:
        result = normalise(data, path.name if path.suffix == ".pdf" else path.stem + ".pdf")
        outcome = "imported"
    except UserError as exc:
        result, outcome = None, exc.code
    except Exception as exc:
        result, outcome = exc, "BUG"
    return path, outcome, time.perf_counter() - t0, result


def run_corpus(folder: Path = CORPUS, *, jobs: int = 2, limit_s: float | None = None) -> CorpusReport:
    import pypdf

    from forms.attachments import IntakeLimits
    from forms.attachments.scan import active_content

    limit = (limit_s if limit_s is not None else IntakeLimits().timeout_s) + SLACK_S
    report = CorpusReport()
    files = corpus_files(folder)
    started = time.monotonic()
    with ThreadPoolExecutor(jobs) as pool:
        for path, outcome, elapsed, result in pool.map(_one, files):
            rel = str(path.relative_to(folder))
            report.files += 1
            report.times.append(elapsed)
            if elapsed >= report.max_s:
                report.slowest = rel
            if elapsed > limit:
                report.slow.append(f"{rel}: {elapsed:.1f} s")
            if outcome == "BUG":
                report.bugs.append(f"{rel}: {type(result).__name__}: {result!s:.200}")
            elif outcome == "imported":
                report.imported += 1
                found = active_content(result.pdf)
                if found:
                    report.active.append(f"{rel}: {found[:3]}")
                pages = len(pypdf.PdfReader(io.BytesIO(result.pdf)).pages)
                if pages != result.pages or pages == 0:
                    report.page_mismatch.append(f"{rel}: reported {result.pages} pages, the PDF has {pages}")
            else:
                report.refused[outcome] += 1
    report.seconds = time.monotonic() - started
    return report
