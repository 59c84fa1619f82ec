"""Work around PySide6 6.12.0 on CPython 3.11: every Qt method that returns nothing (setText,
processEvents, …) drops one reference to ``None`` that it never took. ``None`` starts with a few
thousand references, so after a few thousand such calls CPython aborts with "none_dealloc:
deallocating None". From Python 3.12 ``None`` is immortal and the bug is harmless.

``None`` is a static object that is never freed, so giving it a huge reference count is safe;
2**60 calls will not happen. Imported first by ``desktop/__init__.py``.
"""

from __future__ import annotations

import ctypes
import sys

_BUMP = 1 << 60


def keep_none_alive() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if refcount.value < _BUMP // 2:
        refcount.value += _BUMP


keep_none_alive()
