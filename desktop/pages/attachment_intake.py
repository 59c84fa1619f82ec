"""The attachments step's intake: chosen or dropped files become checked PDFs on a worker.

Each file is repaired, sanitised and turned into PDF (forms.attachments.normalise) under a
cancellable progress dialog, examined (preflight), checked for duplicates and added to the draft,
or takes the place of one attachment. A mixin of
:class:`desktop.pages.attachments_page.AttachmentsPage`, which owns the widgets and sets ``job``,
``progress``, ``_meta`` and ``_replacing``."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QProgressDialog

from forms.errors import UserError
from forms.limits import check_attachment_count

from .. import workers
from ..failures import user_text
from ..i18n import tr
from ..pdf_images import thumbnail
from .attachment_findings import examine_stored_items
from .attachment_list import local_files

if TYPE_CHECKING:
    import builtins

    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

    from forms.draft.attachments import AttachmentInfo

    from ..services import Services
    from ..session import Session
    from .attachment_list import AttachmentList

    class _Page(QWidget):
        """What this mixin uses of AttachmentsPage."""

        session: Session
        services: Services
        thumbs: dict[str, QPixmap | None]
        examinations: dict[str, object]
        inferred: dict[int, str]
        job: workers.Job | None
        progress: QProgressDialog | None
        _meta: dict[Path, tuple[str, str]]
        _replacing: int | None
        list: AttachmentList
        add_kind: QComboBox
        add_button: QPushButton

        def refresh(self) -> None: ...

        def _current_id(self) -> int | None: ...

        def _info(self, attachment_id: int | None) -> AttachmentInfo | None: ...

        def _unexamined(self) -> builtins.list[tuple[str, str, bytes]]: ...  # `list` is the widget here

        def _keep(self, results: Any) -> None: ...

else:
    _Page = object  # at run time AttachmentsPage itself supplies all of it

FILE_FILTER = "PDF / JPEG / PNG / TIFF / BMP / WebP (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"


class IntakeMixin(_Page):
    def choose_replacement(self) -> workers.Job | None:
        info = self._info(self._current_id())
        if info is None or not self.session.editable:
            return None
        path = self.services.prompter.open_file(tr("选择替换“{title}”的文件").format(title=info.title), FILE_FILTER)
        return self.import_files([path], replace=info.id) if path is not None else None

    def choose_files(self) -> None:
        paths = self.services.prompter.open_files(tr("选择附件文件"), FILE_FILTER)
        if paths:
            self.import_files(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    def import_files(
        self, paths: list[Path], meta: dict[Path, tuple[str, str]] | None = None, replace: int | None = None
    ) -> workers.Job | None:
        """Intake ``paths`` on a worker; ``meta`` gives (kind, title) per path (JSON import);
        ``replace``: the one file takes the place of that attachment."""
        if self.job is not None or not self.session.editable:
            return None
        self._replacing = replace
        from forms.attachments import normalise

        paths = [Path(p) for p in paths]
        if replace is None:
            try:  # refused before any intake work, in one line naming the pack's limit
                check_attachment_count(len(self.session.attachments()), self.session.pack, len(paths))
            except UserError as exc:
                self.services.prompter.error(tr("无法添加附件"), exc.message(self.session.lang))
                return None
        self._meta = dict(meta or {})
        pack = self.session.pack
        # Attachments not examined yet are examined first: a duplicate of one must be caught.
        unexamined = self._unexamined() if replace is None else []

        def intake(progress, cancel):
            from forms.attachments.kinds import infer_kind
            from forms.attachments.preflight import Examination, examine

            done, refused = [], []
            for number, path in enumerate(paths):
                if cancel():
                    break
                try:
                    result = normalise(
                        path,
                        path.name,
                        cancel=cancel,
                        progress=functools.partial(_overall, progress, number, len(paths)),
                    )
                except UserError as exc:
                    if cancel():
                        break
                    refused.append((path.name, exc))
                    continue
                try:  # preflight and the first page's text, in the worker like the intake
                    examination: Examination | UserError = examine(result.pdf, cancel=cancel)
                except UserError as exc:
                    if cancel():
                        break
                    examination = exc
                text = examination.text if not isinstance(examination, UserError) else ""
                done.append(
                    (
                        path,
                        result,
                        thumbnail(result.pdf),
                        hashlib.sha256(result.pdf).hexdigest(),
                        examination,
                        infer_kind(pack, path.name, text),
                    )
                )
                progress((number + 1) * 100, len(paths) * 100)
            return done, refused, examine_stored_items(unexamined, cancel)

        self.progress = QProgressDialog(tr("正在导入附件…"), tr("取消"), 0, len(paths) * 100, self)
        self.progress.setWindowTitle(tr("导入附件"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.job = workers.start(intake)
        self.progress.canceled.connect(self.job.cancel)
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._imported)
        self.job.failed.connect(self._failed)
        self.job.ended.connect(self._ended)
        self.add_button.setEnabled(False)
        return self.job

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(min(done, total))

    def _imported(self, outcome: Any) -> None:
        done, refused, examined = outcome
        self._keep(examined)
        replacing, self._replacing = self._replacing, None
        if replacing is not None and done:
            _path, result, image, digest, examination, _guess = done[0]
            if image is not None:  # before the list shows it: it is not drawn twice
                self.thumbs[digest] = QPixmap.fromImage(image)
            attachment_id = self.session.replace_attachment(replacing, result, pdf_sha256=digest)
            if attachment_id is not None:
                self._keep([(digest, examination)])  # its record, now that it is in the draft
            self.refresh()
            done = []
        # the added files' records are written with them (Draft.add_attachment)
        self.examinations.update((item[3], item[4]) for item in done)
        chosen = self.add_kind.currentData()
        refused = list(refused)
        for path, result, image, digest, examination, guess in done:
            given, title = self._meta.get(path, (None, Path(result.original_name).stem))
            kind = given or chosen or guess.kind
            duplicate = self._duplicate(examination)
            if duplicate is not None:  # listed with the other files not imported (the draft refuses it too)
                refused.append((path.name, duplicate))
                continue
            if image is not None:  # before the list shows it: it is not drawn twice
                self.thumbs[digest] = QPixmap.fromImage(image)
            attachment_id = self.session.add_attachment(
                result, kind=kind, title=title, pdf_sha256=digest, **self._duplicate_check(digest, examination)
            )
            if attachment_id is not None and not given and not chosen:
                self.inferred[attachment_id] = guess.source
        if done:
            self.refresh()
            self.list.setCurrentRow(self.list.count() - 1)
        if refused:
            lang = self.session.lang
            self.services.prompter.error(
                tr("有文件未能导入"),
                "\n\n".join(
                    tr("{name}：{message}").format(name=name, message=exc.message(lang)) for name, exc in refused
                ),
            )

    def _duplicate(self, examination: object) -> UserError | None:
        from forms.attachments.preflight import Examination
        from forms.draft.attachments import duplicate, first_duplicate

        if not isinstance(examination, Examination):
            return None
        keys = {sha: found.key for sha, found in self.examinations.items() if isinstance(found, Examination)}
        rows = [(info.title, info.sha256) for info in self.session.attachments()]
        found = first_duplicate(rows, examination.key, keys)
        return duplicate(*found) if found is not None else None

    def _duplicate_check(self, digest: str, examination: object) -> dict[str, Any]:
        """What the draft needs to refuse a duplicate and to keep the intake record with the
        attachment (the content keys of what is attached, from their examinations)."""
        from forms.attachments.intake_record import encode
        from forms.attachments.preflight import Examination
        from forms.draft.attachments import entry_key

        if not isinstance(examination, Examination):
            return {}
        keys = {sha: found.key for sha, found in self.examinations.items() if isinstance(found, Examination)}
        record = encode(digest, examination)
        return {
            "content_key": examination.key,
            "known_keys": keys,
            "entries": {entry_key(digest): record} if record else None,
        }

    def _failed(self, exc: Exception) -> None:
        text = user_text(exc, self.session.lang, logged=True)  # the worker logged it
        self.services.prompter.error(tr("导入失败"), text)

    def _ended(self) -> None:
        self.job = None
        self._replacing = None
        self.add_button.setEnabled(True)
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None


def _overall(progress: Callable[[int, int], None], number: int, count: int, done: int, total: int) -> None:
    """One file's intake progress as part of the whole batch (100 steps a file, 90 for its intake)."""
    progress(number * 100 + 90 * done // max(total, 1), count * 100)
