"""The order of the attachments in a package: contracts, then payment proofs, then the rest.
Shared by the build and the seal (which digests the attachments in the order they are bound)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sources import Source

KIND_ORDER = ("contract", "payment_proof", "other")  # the notice's order; their names are the pack's

# (info, pdf): info is forms.draft.AttachmentInfo or anything with .kind and .title (and
# optionally .position and .original_name); pdf the attachment's PDF, as bytes or as a file
# copied out of the draft (forms.package.sources).
Attachments = Sequence[tuple[Any, "Source"]]


def kind_of(info: Any) -> str:
    kind = getattr(info, "kind", "other")
    return kind if kind in KIND_ORDER else "other"


def ordered(attachments: Attachments) -> list[tuple[Any, Source]]:
    """Contracts, then payment proofs, then the rest; the user's order within each kind."""
    indexed = list(enumerate(attachments))
    indexed.sort(
        key=lambda item: (KIND_ORDER.index(kind_of(item[1][0])), getattr(item[1][0], "position", item[0]), item[0])
    )
    return [item for _, item in indexed]
