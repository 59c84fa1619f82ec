"""What pages need from outside the draft, in one object tests can swap parts of."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .prompter import Prompter
from .secrets import SecretStore


class Opener:
    """Shows a folder in the system's file manager."""

    def open_folder(self, folder: Path) -> bool:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


@dataclass
class Services:
    prompter: Prompter = field(default_factory=Prompter)
    secrets: SecretStore = field(default_factory=SecretStore)
    opener: Opener = field(default_factory=Opener)
