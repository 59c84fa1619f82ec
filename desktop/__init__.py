"""The Qt desktop wizard of CXY Apply. Holds no rule: labels, steps and checks come from ``forms``."""

from . import qt_fixes  # noqa: F401 - must run before any PySide6 call (see the module)
