"""Every modal question the app asks, in one small service. GUI tests replace it with a fake
that answers from a script, so no test ever blocks on a dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Prompter(QObject):
    """Opens real dialogs, parented to ``parent`` (the main window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window = parent

    def open_file(self, title: str, filters: str, directory: Path | None = None) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.window, title, str(directory or ""), filters)
        return Path(name) if name else None

    def open_files(self, title: str, filters: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self.window, title, "", filters)
        return [Path(n) for n in names]

    def save_file(self, title: str, suggested: Path, filters: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.window, title, str(suggested), filters)
        return Path(name) if name else None

    def choose_folder(self, title: str, suggested: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(self.window, title, str(suggested))
        return Path(name) if name else None

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.window, title, text)

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.window, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str) -> str | None:
        """One line of text (a reason, say); None when the user cancels."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self.window, title, label)
        return text if ok else None

    def printer(self, copies: int):
        """A configured QPrinter, or None when the user cancels the print dialog."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setCopyCount(copies)
        printer.setCollateCopies(True)
        dialog = QPrintDialog(printer, self.window)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        return printer
