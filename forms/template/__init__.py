"""导入官方模板: an office's official Word template (.docx) of one of the six attachments becomes
a local, verified override of the rule pack's labels or letter text.

``import_template`` reads and maps a .docx; ``store`` keeps the overrides in the user's data
folder and applies them whenever a pack is loaded (:func:`forms.pack.load_pack_dir`)."""

from __future__ import annotations

from .importer import ImportResult, import_template
from .store import Override, list_overrides, remove_override

__all__ = ["ImportResult", "Override", "import_template", "list_overrides", "remove_override"]
