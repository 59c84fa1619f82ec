"""The benchmark figures' shared row type and constants; each family of figures has its own module.

Methods follow research/performance.md: whole-process rows time a command from spawn to exit
and compare it with a yardstick run in the same session, interleaved (A B A B …) after one
warm-up each, taking the ratio pair by pair and then the median; in-process rows loop with
``time.perf_counter`` with everything already imported. The families: :mod:`bench.package_figures`
(package assembly and its memory), :mod:`bench.autosave_figures` (draft edits),
:mod:`bench.render_figures`, :mod:`bench.check_figures` and :mod:`bench.startup_figures`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024
CATEGORY = "tech_vp"


@dataclass
class Figure:
    name: str
    value: str
    target: str | None = None  # None: context only, not counted
    ok: bool | None = None
    notes: list[str] = field(default_factory=list)


def python_info() -> str:
    import platform

    return f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, workdir {tempfile.gettempdir()}"
