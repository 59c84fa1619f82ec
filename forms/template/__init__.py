"""导入官方模板: an office's official Word template (.docx) of one of the six attachments becomes
a local, verified override of the rule pack's labels or letter text.

``import_template`` reads and maps a .docx; ``store`` keeps the overrides in the user's data
folder and applies them whenever a pack is loaded (:func:`forms.pack.load_pack_dir`).

The names below are imported when first asked for: every pack load imports ``store``, and only
an import of a template needs the .docx reader and the mapping (start-up, issue 14)."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ImportResult": "importer",
    "import_template": "importer",
    "Override": "store",
    "list_overrides": "store",
    "remove_override": "store",
}

__all__ = ["ImportResult", "Override", "import_template", "list_overrides", "remove_override"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
