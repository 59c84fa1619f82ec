"""The ``.cxy`` draft file: SQLite as the application file format, a hardened loader for drafts
received from others, and send-a-copy. See ``docs`` in :mod:`forms.draft.draft`."""

from forms.draft.attachments import AttachmentInfo
from forms.draft.draft import Draft
from forms.draft.errors import DraftError
from forms.draft.foreign import ForeignLimits
from forms.draft.history import HistoryEntry
from forms.draft.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AttachmentInfo",
    "Draft",
    "DraftError",
    "ForeignLimits",
    "HistoryEntry",
]
