"""Tests of the code paths only Windows or macOS take. A test marked ``windows`` or ``macos``
runs on that OS only: the runners of .github/workflows/release.yml run them; everywhere else
they are skipped with the reason below. Unmarked tests here run on every OS, this one included."""

from __future__ import annotations

import sys

import pytest

ONLY = {
    "windows": ("win32", "runs on the Windows runner of .github/workflows/release.yml"),
    "macos": ("darwin", "runs on the macOS runner of .github/workflows/release.yml"),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        wanted = [ONLY[name] for name in ONLY if item.get_closest_marker(name) is not None]
        if wanted and not any(sys.platform == platform for platform, _ in wanted):
            item.add_marker(pytest.mark.skip(reason="; ".join(reason for _, reason in wanted)))
