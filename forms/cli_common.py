"""What every ``cxy`` subcommand module shares: exit codes, a message in the command's language, and reading
a draft or contract JSON where it lies. A leaf below :mod:`forms.cli` and the subcommand modules
it registers, so that none of them imports the command itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UserError
from .text import Text

if TYPE_CHECKING:
    from .pack import Pack

EXIT_OK, EXIT_ISSUES, EXIT_UNUSABLE = 0, 1, 2


def say_to(args: Any, text: Text) -> str:
    """``text`` in the language a command was given (``--lang``); Chinese for a command without one."""
    return text.get(getattr(args, "lang", "zh"))


def shown(value: object) -> str:
    """Text from a received file (an attachment's title, a history row) as one printable line:
    a control character is written as its escape, so a file cannot clear the terminal, retitle
    the window or forge a line of our report ("\n[错误] …")."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def numbered_attachment(infos: list[Any], number: int, code: str) -> Any:
    """Attachment ``number`` (1-based, as ``cxy validate`` lists them) of ``infos``."""
    if not 1 <= number <= len(infos):
        raise UserError(
            code,
            f"没有附件 {number}：草稿有 {len(infos)} 个附件（编号见 cxy validate）",
            f"There is no attachment {number}: the draft has {len(infos)} (numbered by cxy validate)",
        )
    return infos[number - 1]


def draft_file(name: str) -> Path:
    """A command that works on a draft (.cxy) only, given a contract JSON (a copy sent back as
    ``cxy export``'s JSON, say): told how to make it a draft, not "not a draft file"."""
    path = Path(name)
    if path.suffix.lower() == ".json":
        raise UserError(
            "cli.json_not_draft",
            f"{name} 是 JSON 文件，不是草稿（.cxy）；请先用 cxy import {name} -o 新草稿.cxy 把它转成草稿",
            f"{name} is a JSON file, not a draft (.cxy); make it a draft first: cxy import {name} -o NEW.cxy",
        )
    return path


@contextmanager
def opened(path: Path) -> Iterator[Any]:
    """A draft for reading, opened where it lies (read-only, with the checks of a received file)
    and read inside one snapshot: it shows exactly the last committed state."""
    from .draft import Draft, DraftError

    try:
        draft = Draft.open(path, readonly=True)
    except DraftError as exc:
        if exc.code != "draft.needs_upgrade":
            raise
        # An older format is upgraded on a private copy; the user's file is not touched.
        import tempfile

        with (
            tempfile.TemporaryDirectory(prefix="cxy-") as tmp,
            Draft.import_foreign(path, Path(tmp) / "work.cxy") as copy,
        ):
            yield copy
        return
    try:
        with draft.snapshot():
            yield draft
    finally:
        draft.close()


def application_of(path: Path) -> dict[str, Any]:
    return application_and_attachments(path)[0]


def application_and_attachments(path: Path) -> tuple[dict[str, Any], list[Any]]:
    """The data and (for a draft) its attachments' descriptions, ``damaged`` included, read in
    one snapshot."""
    if path.suffix.lower() == ".json":
        from .transfer import check_shape, read_json

        data = read_json(path)
        check_shape(data)
        return data, []
    with opened(path) as draft:
        return draft.data(), draft.attachments()


def pack_of(data: dict[str, Any], default: Pack) -> Pack:
    """A draft is checked against the call it was made for, when this program knows that call
    (bundled, installed, or loaded with ``--pack FOLDER``); otherwise against the default pack,
    whose check then reports the mismatch."""
    from .pack import pack_named

    return pack_named(data.get("pack"), default)
