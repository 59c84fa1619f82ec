"""Autosave figures: one field edit on a draft with 50 MB attached, against one without."""

from __future__ import annotations

import hashlib
import shutil
import time

from . import timing
from .figures import CATEGORY, MB, Figure
from .prepare import Prepared


def autosave_figures(prepared: Prepared, edits: int, attached_mb: float = 50.0) -> list[Figure]:
    from forms.draft import Draft
    from forms.samples import sample

    folder = prepared.workdir / "autosave"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    data = sample(CATEGORY)
    heavy = Draft.create(folder / "heavy.cxy", pack=data["pack"], category=CATEGORY)
    light = Draft.create(folder / "light.cxy", pack=data["pack"], category=CATEGORY)
    try:
        for draft in (heavy, light):
            draft.replace_data(data)
        total, index = 0, 0
        while total < attached_mb * MB:
            info, pdf = prepared.normalised[index % len(prepared.normalised)]
            # The draft keys an attachment by the digest of the stored PDF (as the app stores it).
            heavy.add_attachment(
                kind=info["kind"],
                title=f"{info['title']}-{index}",
                original_name=info["original_name"],
                source_format=info["source_format"],
                pages=info["pages"],
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
            )
            total += len(pdf)
            index += 1
        size_mb = (folder / "heavy.cxy").stat().st_size / MB
        times = {"heavy": [], "light": []}
        for i in range(edits):  # interleaved, so both see the same disk and load
            for name, draft in (("heavy", heavy), ("light", light)):
                value = f"高性能复合材料智能成型关键技术研发及产业化（第{i}稿）"
                t0 = time.perf_counter()
                draft.set("project.name", value)
                times[name].append(time.perf_counter() - t0)
    finally:
        heavy.close()
        light.close()
    p50 = timing.percentile(times["heavy"], 50) * 1000
    p99 = timing.percentile(times["heavy"], 99) * 1000
    l50 = timing.percentile(times["light"], 50) * 1000
    l99 = timing.percentile(times["light"], 99) * 1000
    return [
        Figure(f"autosave p50, one field edit, {total / MB:.0f} MB attached ({edits} edits)", f"{p50:.2f} ms"),
        Figure(
            f"autosave p99, one field edit, {total / MB:.0f} MB attached ({edits} edits)",
            f"{p99:.2f} ms",
            "≤ 5 ms",
            p99 <= 5.0,
            [
                f"draft file {size_mb:.0f} MB; the same edits on a draft without attachments, interleaved: "
                f"p50 {l50:.2f} ms, p99 {l99:.2f} ms (p50 ratio {p50 / l50:.2f}×); max {max(times['heavy']) * 1000:.1f} ms"
            ],
        ),
    ]
