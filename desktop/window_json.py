"""JSON in and out from the main window: 导入 JSON (a new draft on a worker) and 导出 JSON.

An import is all or nothing and opens the new draft when it is complete; 导出 JSON is the output
page's. A mixin of :class:`desktop.main_window.MainWindow`, which sets ``import_job``,
``_importing`` and ``import_progress``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QProgressDialog

from forms.errors import UserError

from . import settings, workers
from .i18n import tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from forms.pack import Pack
    from forms.text import Text

    from .services import Services
    from .session import Session
    from .widgets.banner import Banner
    from .wizard import WizardView

    class _Window(QMainWindow):
        """What this mixin uses of MainWindow."""

        services: Services
        pack: Pack
        lang: str
        session: Session | None
        view: WizardView | None
        banner: Banner
        import_job: workers.Job | None
        _importing: tuple[Path, Path]
        import_progress: QProgressDialog | None

        def _error(self, title: str, exc: Exception) -> None: ...

        def _refuse_open_file(self, path: Path) -> None: ...

        def open_path(self, path: Path) -> bool: ...

else:
    _Window = object  # at run time MainWindow itself supplies all of it


class JsonTransfer(_Window):
    def choose_and_import(self) -> bool:
        path = self.services.prompter.open_file(tr("导入 JSON"), "JSON (*.json)")
        return self.import_json(path) is not None if path is not None else False

    def import_json(self, source: Path) -> workers.Job | None:
        """The JSON and its attachment files become a new draft on a worker, all or nothing
        (forms.transfer.import_json_file); the draft opens when it is complete. A failure leaves
        no file and is reported in one line; a rerun starts afresh."""
        from . import opening

        source = Path(source)
        if self.import_job is not None:
            return None
        dest = self.services.prompter.save_file(
            tr("导入的申请保存为"), opening.unique_path(settings.data_dir(), source.stem), tr("申报草稿 (*.cxy)")
        )
        if dest is None:
            return None
        dest = Path(dest)
        if dest.suffix.lower() != ".cxy":
            dest = dest.with_name(dest.name + ".cxy")
        try:
            self._refuse_open_file(dest)
        except UserError as exc:
            self._error(tr("无法导入“{name}”").format(name=source.name), exc)
            return None
        self.import_progress = QProgressDialog(tr("正在导入“{name}”及其附件…").format(name=source.name), "", 0, 0, self)
        self.import_progress.setCancelButton(None)  # one transaction: it finishes or leaves nothing
        self.import_progress.setWindowTitle(tr("导入 JSON"))
        from PySide6.QtCore import Qt  # not at import: the shell paints without the Qt namespace (~13 ms)

        self.import_progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.import_progress.setMinimumDuration(400)
        self._importing = (source, dest)
        job = self.import_job = workers.start(opening.import_json_job(source, dest, self.pack.id))
        # Bound slots: queued to the GUI thread (and dropped with the window).
        job.succeeded.connect(self._import_done)
        job.failed.connect(self._import_failed)
        job.ended.connect(self._import_ended)
        return job

    def _export_json(self) -> None:
        # through self.view each time: it is another page view once another draft is opened
        if self.view is not None:
            self.view.output_page.export_json()

    def _import_done(self, result: list[Text] | None) -> None:
        if not self.isVisible():
            return  # closed meanwhile: the new draft is on disk, no window comes back to hold it
        self.open_path(self._importing[1])
        if result and self.session is not None:  # what the import converted (forms.typed notes)
            notes = result

            def text() -> str:  # again in the new language after a switch
                from forms.text import Text

                joined = Text("；", "; ").get(self.lang).join(note.get(self.lang) for note in notes)
                return tr("导入时已换算：{notes}").format(notes=joined)

            self.banner.show_message(text(), "info", remake=text)

    def _import_failed(self, exc: Exception) -> None:
        self._error(tr("无法导入“{name}”").format(name=self._importing[0].name), exc)

    def _import_ended(self) -> None:
        self.import_job = None
        if self.import_progress is not None:
            self.import_progress.close()
            self.import_progress.deleteLater()
            self.import_progress = None
