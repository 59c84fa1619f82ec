"""Test doubles for the desktop's services: a prompter that answers from a script and records
every message, and an in-memory keyring back end."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend


class FakePrompter:
    """Answers questions from queues; records infos and errors instead of showing them."""

    def __init__(self) -> None:
        self.window = None
        self.paths: deque[Any] = deque()  # answers for open_file/save_file/choose_folder/open_files
        self.confirms: deque[bool] = deque()
        self.texts: deque[str | None] = deque()  # answers for ask_text
        self.suggested: list[Path] = []  # the names save_file suggested
        self.printers: deque[Any] = deque()
        self.infos: list[tuple[str, str]] = []
        self.errors: list[tuple[str, str]] = []
        self.asked: list[tuple[str, str]] = []
        self.copies: list[int] = []

    def _next(self, kind: str, title: str) -> Any:
        self.asked.append((kind, title))
        return self.paths.popleft() if self.paths else None

    def open_file(self, title: str, filters: str, directory: Path | None = None) -> Path | None:
        return self._next("open_file", title)

    def open_files(self, title: str, filters: str) -> list[Path]:
        return self._next("open_files", title) or []

    def save_file(self, title: str, suggested: Path, filters: str) -> Path | None:
        self.suggested.append(Path(suggested))
        return self._next("save_file", title)

    def choose_folder(self, title: str, suggested: Path) -> Path | None:
        return self._next("choose_folder", title)

    def info(self, title: str, text: str) -> None:
        self.infos.append((title, text))

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(("confirm", title))
        return self.confirms.popleft() if self.confirms else False

    def ask_text(self, title: str, label: str) -> str | None:
        self.asked.append(("ask_text", title))
        return self.texts.popleft() if self.texts else None

    def printer(self, copies: int):
        self.copies.append(copies)
        return self.printers.popleft() if self.printers else None


class MemoryKeyring(KeyringBackend):
    """Keeps secrets in a dict: tests never touch the system password store."""

    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)
