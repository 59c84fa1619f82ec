"""Check figures: checking a whole application, in-process."""

from __future__ import annotations

import time

from . import timing
from .figures import Figure


def check_figures(runs: int) -> list[Figure]:
    from forms.checks import check
    from forms.pack import load_pack
    from forms.samples import sample

    pack = load_pack()
    apps = [sample(c.id) for c in pack.categories]
    for data in apps:
        check(data, pack)
    times = []
    for i in range(runs):
        data = apps[i % len(apps)]
        t0 = time.perf_counter()
        check(data, pack)
        times.append(time.perf_counter() - t0)
    value = timing.median(times) * 1000
    return [
        Figure(
            f"check a whole application, in-process (median of {runs}, {len(apps)} categories)",
            f"{value:.2f} ms",
            "≤ 2 ms",
            value <= 2.0,
            [f"p95 {timing.percentile(times, 95) * 1000:.2f} ms"],
        )
    ]
