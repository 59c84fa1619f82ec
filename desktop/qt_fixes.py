"""Work around PySide6 6.12.0 on CPython 3.11: Qt calls that return nothing (setText,
processEvents, …) drop one reference to ``None`` that they never took, and so does a signal's
``emit()`` to ``True``. These singletons start with a few hundred to a few thousand references,
so after that many calls CPython aborts with "none_dealloc: deallocating None" (or
"bool_dealloc"). PySide6 6.11.3 does not do this, and from Python 3.12 the singletons are
immortal, so the bug is then harmless.

The singletons are static objects that are never freed, so giving them a huge reference count
is safe; 2**60 calls will not happen. Imported first by ``desktop/__init__.py`` and ``app.py``.
"""

from __future__ import annotations

import ctypes
import sys

_BUMP = 1 << 60


def needed(
    python: tuple[int, ...] | None = None, pyside: tuple[int, ...] | None = None, implementation: str | None = None
) -> bool:
    """Only CPython before 3.12 (mortal singletons) with PySide6 6.12 or later (6.11.3 is
    measured free of the bug; no later release is known to have fixed it)."""
    if python is None:
        python = tuple(sys.version_info[:2])
    if pyside is None:
        import PySide6

        pyside = tuple(PySide6.__version_info__[:2])
    implementation = implementation or sys.implementation.name
    return implementation == "cpython" and python < (3, 12) and pyside >= (6, 12)


def keep_singletons_alive() -> None:
    if not needed():
        return
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt: PyObject's first field
        if refcount.value < _BUMP // 2:
            refcount.value += _BUMP


keep_singletons_alive()
