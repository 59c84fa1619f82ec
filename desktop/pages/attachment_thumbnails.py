"""Page 1 of each attachment for the attachments step's list, drawn on a worker.

The pictures are kept by the PDF's digest. A mixin of
:class:`desktop.pages.attachments_page.AttachmentsPage`, which sets ``thumbs`` and ``_drawing``
and shows the pictures in :meth:`refresh`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QImage, QPixmap

from forms.errors import UserError

from .. import workers
from ..pdf_images import thumbnail

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ..session import Session

    class _Page(QWidget):
        """What this mixin uses of AttachmentsPage."""

        session: Session
        thumbs: dict[str, QPixmap | None]
        _drawing: set[str]

        def refresh(self) -> None: ...

else:
    _Page = object  # at run time AttachmentsPage itself supplies all of it

THUMBS_KEPT = 64  # pictures cached beyond those of the attachments in the list (undo shows them at once)


class ThumbnailsMixin(_Page):
    def _load_thumbnails(self) -> None:
        """Draw page 1 of every attachment whose digest has no picture yet, on a worker."""
        if getattr(self.session, "closed", False):
            return
        missing: list[tuple[str, bytes]] = []
        for info in self.session.attachments():
            if info.damaged or info.sha256 in self.thumbs or info.sha256 in self._drawing:
                continue
            if any(sha == info.sha256 for sha, _pdf in missing):  # the same content is drawn once
                continue
            try:
                missing.append((info.sha256, self.session.attachment_pdf(info.id)))
            except UserError:
                continue  # shown as damaged in the list; the rest still get their pictures
        if not missing:
            return
        self._drawing.update(sha for sha, _pdf in missing)

        def render(progress, cancel):
            return [(sha, thumbnail(pdf) if not cancel() else None) for sha, pdf in missing]

        job = workers.start(render)
        job.succeeded.connect(self._thumbnails_ready)

    def _thumbnails_ready(self, images: list[tuple[str, QImage | None]]) -> None:
        for sha, _image in images:
            self._drawing.discard(sha)
        if self.session.closed:  # the draft was closed while its pictures were drawn
            return
        current = {info.sha256 for info in self.session.attachments()}
        if len(self.thumbs) > THUMBS_KEPT:  # pages undone long ago are drawn again if needed
            for sha in [sha for sha in self.thumbs if sha not in current]:
                del self.thumbs[sha]
        for sha, image in images:  # the same pages always look the same: a picture is never redrawn
            if self.thumbs.get(sha) is None:
                self.thumbs[sha] = QPixmap.fromImage(image) if image is not None else None  # None: not drawable
        self.refresh()
