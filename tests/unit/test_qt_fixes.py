"""The reference-count work-around is applied only where it is needed: CPython before 3.12 with
PySide6 6.12 or later (issue 14)."""

from __future__ import annotations

import pytest

from desktop import qt_fixes


@pytest.mark.parametrize(
    ("python", "pyside", "implementation", "expected"),
    [
        ((3, 11), (6, 12), "cpython", True),
        ((3, 11), (6, 13), "cpython", True),
        ((3, 11), (6, 11), "cpython", False),  # 6.11.3 measured free of the bug
        ((3, 12), (6, 12), "cpython", False),  # immortal singletons from 3.12
        ((3, 13), (6, 12), "cpython", False),
        ((3, 11), (6, 12), "pypy", False),
    ],
)
def test_the_work_around_is_applied_only_where_needed(python, pyside, implementation, expected):
    assert qt_fixes.needed(python, pyside, implementation) is expected


def test_on_this_machine_the_singletons_are_protected_when_needed():
    import sys

    if qt_fixes.needed():
        assert sys.getrefcount(None) > 1 << 59
