"""The attachments step's preflight findings: listed per attachment, examined on a worker when
a stored attachment has no record yet, each fixable one with a button that applies its fix.
A mixin of :class:`desktop.pages.attachments_page.AttachmentsPage`, which owns the widgets."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QStyle

from forms.attachments.finding_fix import plan
from forms.errors import UserError

from .. import workers
from ..i18n import tr
from .attachment_job import AttachmentJob

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from forms.draft.attachments import AttachmentInfo

    from ..services import Services
    from ..session import Session
    from .attachment_list import AttachmentList
    from .finding_list import FindingList

    class _Page(QWidget):
        """What this mixin uses of AttachmentsPage."""

        session: Session
        services: Services
        examinations: dict[str, object]
        list: AttachmentList
        findings: FindingList
        fix_job: AttachmentJob | None
        preflight_job: workers.Job | None

        def _info(self, attachment_id: int | None) -> AttachmentInfo | None: ...

        def _select(self, row: int) -> None: ...

        def _relabel(self) -> None: ...

        def _show_undo(self) -> None: ...

else:
    _Page = object  # at run time AttachmentsPage itself supplies all of it


def fix_labels() -> dict[str, str]:
    """The page tools' names of the preflight fixes (forms.attachments.preflight.FIXES)."""
    return {
        "rotate": tr("旋转页面"),
        "delete": tr("删除该页"),
        "a4": tr("缩放到 A4"),
        "dpi150": tr("降到 150 dpi"),
        "dpi200": tr("降到 200 dpi"),
        "grey": tr("转为灰度"),
        "split": tr("拆分为两个附件"),
    }


class FindingsMixin(_Page):
    def _findings_of(self, info) -> list:
        from forms.attachments.preflight import Examination, findings

        examination = self.examinations.get(info.sha256)
        if not isinstance(examination, Examination):
            return []
        limit = int(self.session.pack.upload.max_file_mb * 1024 * 1024)
        return findings(examination, info.size, limit)

    def _show_findings(self, info) -> None:
        from forms.attachments.preflight import Examination

        self.findings.clear()
        if info is None:
            return
        lang_ = self.session.lang
        examination = self.examinations.get(info.sha256)
        if isinstance(examination, UserError):
            self.findings.addItem(tr("无法预检：{message}").format(message=examination.message(lang_)))
            return
        if not isinstance(examination, Examination):
            self.findings.addItem(tr("正在预检…"))
            return
        found = self._findings_of(info)
        if not found:
            self.findings.addItem(tr("未发现问题：页面尺寸、分辨率、方向、空白页和颜色都正常。"))
            return
        fixes = fix_labels()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for row, finding in enumerate(found):
            advice = (
                tr("建议：{fix}").format(fix=fixes.get(finding.fix, finding.fix))
                if finding.fix
                else tr("建议：重新扫描")
            )
            button = (
                self._fix_button(row, info, finding, fixes[finding.fix])
                if plan(finding, info.pages) is not None
                else None
            )
            self.findings.add_row(
                f"{finding.message(lang_)}\n{advice}", (finding.page, finding.code, finding.fix), warning, button
            )

    def _fix_button(self, row: int, info, finding, label: str) -> QPushButton:
        """One click applies the finding's fix."""
        button = QPushButton(tr("修正"))
        button.setObjectName(f"attachments.fix.{row}")
        button.setToolTip(tr("一键修正：{fix}").format(fix=label))
        button.setAccessibleName(tr("一键修正：{fix}").format(fix=label))
        button.setEnabled(self.session.editable and self.fix_job is None and self.session.page_job is None)
        button.clicked.connect(lambda _checked=False: self.apply_fix(info.id, finding, info.sha256))
        return button

    def apply_fix(self, attachment_id: int, finding, sha256: str | None = None):
        """Apply a finding's fix to the attachment on a worker (progress and Cancel after half a
        second); when stored, the list refreshes and the new pages are examined again, so the
        finding goes once it is cured. ``sha256``: the pages the finding was found on (a finding
        of pages since changed is not applied). Returns the AttachmentJob, or None."""
        info = self._info(attachment_id)
        if info is None or not self.session.editable or self.fix_job is not None or self.session.page_job is not None:
            return None
        if sha256 is not None and info.sha256 != sha256:
            return None
        fix = plan(finding, info.pages)
        if fix is None:
            return None
        draft = self.session.draft
        if fix.split_at is not None:

            def work(progress, cancel):
                return draft.split_attachment(attachment_id, fix.split_at, progress=progress, cancel=cancel)
        else:

            def work(progress, cancel):
                return draft.edit_pages(attachment_id, list(fix.ops), progress=progress, cancel=cancel)

        self.fix_job = AttachmentJob(self, self.session, self.services, work)
        self.fix_job.ended.connect(self._fix_ended)
        self._fixing_enabled()
        return self.fix_job

    def _fix_ended(self) -> None:
        self.fix_job = None
        if not self.session.closed:
            self._fixing_enabled()

    def _fixing_enabled(self) -> None:
        idle = self.fix_job is None and self.session.page_job is None
        for button in self.findings.findChildren(QPushButton):
            button.setEnabled(idle and self.session.editable)
        self._show_undo()

    def _examine_missing(self) -> None:
        """Find the examination of every attachment that has none yet: the draft's record when
        ours, else examined again on a worker (and the record stored, when the draft is ours to
        write)."""
        if self.preflight_job is not None or getattr(self.session, "closed", False):
            return
        known = len(self.examinations)
        missing = self._unexamined()
        if len(self.examinations) != known:  # records read from the draft: show them
            self._relabel()
            self._select(self.list.currentRow())
        if not missing:
            return

        self.preflight_job = workers.start(lambda progress, cancel: examine_stored_items(missing, cancel))
        self.preflight_job.succeeded.connect(self._examined)
        self.preflight_job.ended.connect(self._preflight_ended)

    def _unexamined(self) -> list[tuple[str, str, bytes]]:
        """(digest, title, PDF) of each attachment with no examination yet and no record of ours
        in the draft (those with one are taken from it here)."""
        from forms.attachments.intake_record import decode
        from forms.draft.attachments import entry_key

        infos = [a for a in self.session.attachments() if not a.damaged and a.sha256 not in self.examinations]
        if not infos:
            return []
        try:
            meta = self.session.draft.meta()
        except UserError:
            meta = {}
        missing: list[tuple[str, str, bytes]] = []
        for info in infos:
            if info.sha256 in self.examinations or any(sha == info.sha256 for sha, _t, _p in missing):
                continue  # the same content is examined once
            examination = decode(info.sha256, meta.get(entry_key(info.sha256)))
            if examination is not None:
                self.examinations[info.sha256] = examination
                continue
            try:
                missing.append((info.sha256, info.title, self.session.attachment_pdf(info.id)))
            except UserError as exc:
                self.examinations[info.sha256] = exc
        return missing

    def _examined(self, results) -> None:
        if getattr(self.session, "closed", False):
            return
        self._keep(results)
        self._relabel()
        self._select(self.list.currentRow())

    def _preflight_ended(self) -> None:
        job, self.preflight_job = self.preflight_job, None
        if job is not None and job.cancelled():  # stopped on purpose: not started again behind the user's back
            return
        if not getattr(self.session, "closed", False):
            self._examine_missing()  # attachments added or replaced meanwhile

    def _keep(self, results) -> None:
        """Remember examinations, and store the records of ours in the draft (a cache: a write
        that fails only means they are examined again next time)."""
        from forms.attachments.intake_record import encode
        from forms.draft.attachments import entry_key

        records = {}
        for sha, examination in results:
            self.examinations[sha] = examination
            if not isinstance(examination, UserError):
                value = encode(sha, examination)
                if value is not None:
                    records[entry_key(sha)] = value
        if records and self.session.editable:
            with contextlib.suppress(UserError):
                self.session.draft.store_attachment_entries(records)


def examine_stored_items(items: list[tuple[str, str, bytes]], cancel) -> list[tuple[str, object]]:
    """(digest, Examination or the UserError that stopped it) of stored attachments; on a worker."""
    from forms.attachments.intake_record import examine_stored

    out: list[tuple[str, object]] = []
    for sha, title, pdf in items:
        if cancel():
            break
        try:
            out.append((sha, examine_stored(pdf, title, cancel=cancel)))
        except UserError as exc:
            out.append((sha, exc))
    return out
