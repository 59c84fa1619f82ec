"""The benchmarks' intake: every workload attachment normalised as the app does on import."""

from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .figures import CATEGORY
from .workload import Workload


@dataclass
class Prepared:
    workdir: Path
    manifest: Path  # normalised attachments, for the package child
    normalised: list[tuple[dict, bytes]]
    normalise_s: float
    pages: int


def _kind(path: Path, workload: Workload) -> str:
    if path in workload.scans:
        return "payment_proof" if workload.scans.index(path) % 5 == 4 else "contract"
    return "other" if path == workload.big else "contract"


def prepare(workload: Workload, workdir: Path, jobs: int = 2) -> Prepared:
    """Normalise every attachment as the app does on import (a capped worker per file)."""
    from forms.attachments import normalise

    folder = workdir / "normalised"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda p: normalise(p, p.name), workload.attachments))
    elapsed = time.perf_counter() - t0
    items, normalised = [], []
    for position, (path, result) in enumerate(zip(workload.attachments, results)):
        name = f"{position:02d}.pdf"
        (folder / name).write_bytes(result.pdf)
        info = {
            "id": position + 1,
            "position": position,
            "kind": _kind(path, workload),
            "title": path.stem,
            "original_name": result.original_name,
            "source_format": result.source_format,
            "pages": result.pages,
            "sha256": result.sha256,
        }
        items.append({"info": info, "pdf": f"normalised/{name}"})
        normalised.append((info, result.pdf))
    manifest = workdir / "package-inputs.json"
    manifest.write_text(json.dumps({"category": CATEGORY, "attachments": items}, ensure_ascii=False), encoding="utf-8")
    return Prepared(workdir, manifest, normalised, elapsed, sum(r.pages for r in results))
