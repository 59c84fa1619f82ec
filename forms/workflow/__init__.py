"""The workflow between the three roles of an application (issue 10): hand a copy to a role,
compare and merge what comes back, keep a history, and mark the application final (定稿).

Qt-free; the desktop and ``cxy`` both call these functions. Who fills what is pack data
(``pack.roles``), never code.
"""

from forms.draft.history import HistoryEntry
from forms.workflow.diff import AttachmentDiff, Diff, FieldDiff, diff
from forms.workflow.finalise import finalise, unfinalise
from forms.workflow.handoff import handoff
from forms.workflow.merge import MergeResult, merge

__all__ = [
    "AttachmentDiff",
    "Diff",
    "FieldDiff",
    "HistoryEntry",
    "MergeResult",
    "diff",
    "finalise",
    "handoff",
    "merge",
    "unfinalise",
]
