"""The research office's print queue: the three-copy print sets (each copy with its routing
slip, from :func:`forms.package.build_print_set`) of several final applications, in a stated
order. :func:`plan` builds each set once to count its pages, so the office sees the paper it
needs before printing; :func:`print_set` builds one again when it is printed or written, so
never more than one set is in memory. Drafts are only ever opened read-only."""

from __future__ import annotations

import functools
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from forms.errors import UserError
from forms.pack import Pack
from forms.text import Text

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
OWNER = "print-set"  # the write_owned set of one application's file (see write_sets)
NAME_CHARS = 60  # a project name can be 100 characters; a file name keeps the start


@dataclass(frozen=True)
class Entry:
    """One application in the queue."""

    path: Path
    project: str
    pages: int  # the whole print set: every copy with its slip
    copies: int  # paper copies in the set (pack.copies)

    def sheets(self, duplex: bool = False) -> int:
        """Sheets of paper for the set: each copy is handed in separately, so a two-sided copy
        never shares a sheet with the next."""
        if not duplex:
            return self.pages
        per_copy = self.pages / max(1, self.copies)
        return self.copies * math.ceil(per_copy / 2)


@dataclass(frozen=True)
class Plan:
    """What will be printed, in this order, and what was left out (path, one-line reason)."""

    entries: tuple[Entry, ...]
    skipped: tuple[tuple[Path, str], ...] = ()
    include_attachments: bool = False

    def pages(self) -> int:
        return sum(entry.pages for entry in self.entries)

    def sets(self) -> int:
        return sum(entry.copies for entry in self.entries)

    def sheets(self, duplex: bool = False) -> int:
        return sum(entry.sheets(duplex) for entry in self.entries)

    def summary(self, lang: str = "zh", duplex: bool = False) -> str:
        n, sets, pages, sheets = len(self.entries), self.sets(), self.pages(), self.sheets(duplex)
        return Text(
            f"共 {n} 份申请（{sets} 套纸质材料，{pages} 页），约 {sheets} 张纸{'（双面打印）' if duplex else ''}",
            f"{n} application{'s' if n != 1 else ''} ({sets} paper copies, {pages} pages), "
            f"about {sheets} sheets of paper{' printed on both sides' if duplex else ''}",
        ).get(lang)


def not_printable(why: Text) -> UserError:
    return UserError("office.not_printable", why)


def read_application(path: Path, *, include_attachments: bool) -> tuple[dict[str, Any], list[tuple[Any, bytes]]]:
    """(data, attachments) of a final draft, opened read-only where it lies; anything else is
    refused with its reason (a print set from the queue is always the sealed one)."""
    from forms.cli_common import opened
    from forms.draft.attachments import damaged

    path = Path(path)
    if path.suffix.lower() != ".cxy":
        raise not_printable(
            Text("只有草稿（.cxy）可以打印纸质材料。", "Only drafts (.cxy) can be printed as paper copies.")
        )
    with opened(path) as draft:
        if not draft.final:
            raise not_printable(
                Text(
                    "尚未定稿：定稿后才能打印报送的纸质材料。",
                    "Not final yet: the paper copies to hand in are printed once it is final.",
                ),
            )
        data = draft.data()
        infos = draft.attachments() if include_attachments else []
        for number, info in enumerate(infos, start=1):
            if info.damaged:
                raise damaged(number, info.title)
        attachments = [(info, draft.attachment_pdf(info.id)) for info in infos]
    return data, attachments


def print_set(path: Path, pack: Pack, *, include_attachments: bool = False) -> bytes:
    """The sealed print set of one final draft."""
    from forms.package import build_print_set

    data, attachments = read_application(path, include_attachments=include_attachments)
    return build_print_set(data, pack, include_attachments=include_attachments, attachments=attachments, final=True)


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return len(opened.pages)


def plan(
    paths: Sequence[Path],
    pack: Pack,
    *,
    include_attachments: bool = False,
    lang: str = "zh",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Plan:
    """Each path's print set built once and counted, in the given order. A file that cannot
    be printed (not a draft, not final, damaged) is skipped with its reason, never a stop."""
    entries: list[Entry] = []
    skipped: list[tuple[Path, str]] = []
    for done, path in enumerate(paths):
        if cancel is not None and cancel():
            break
        path = Path(path)
        try:
            data, attachments = read_application(path, include_attachments=include_attachments)
            from forms.package import build_print_set

            pdf = build_print_set(
                data, pack, include_attachments=include_attachments, attachments=attachments, final=True
            )
            pages = page_count(pdf)
        except UserError as exc:
            skipped.append((path, exc.text.get(lang)))
        else:
            project = str((data.get("project") or {}).get("name") or "").strip() or path.stem
            entries.append(Entry(path, project, pages, len(pack.copies)))
        if progress is not None:
            progress(done + 1, len(paths))
    return Plan(tuple(entries), tuple(skipped), include_attachments)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def file_name(number: int, project: str) -> str:
    """``01 项目名称.pdf``: the number keeps the queue's order in a file listing; the name is
    one a Windows, macOS or Linux folder accepts."""
    text = unicodedata.normalize("NFC", project)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    text = _UNSAFE.sub(" ", text)
    text = " ".join(text.split())[:NAME_CHARS].strip(" .")
    return f"{number:02d} {text or '申请'}.pdf"


def write_sets(
    queue: Plan,
    pack: Pack,
    folder: Path,
    *,
    inputs: Iterable[Path] = (),
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> tuple[list[Path], list[Text]]:
    """One print-set PDF per application into ``folder``, named by :func:`file_name`.

    Written through :func:`forms.owned_outputs.write_owned`, one application at a time: never over
    an input (the drafts, ``inputs``) nor over a file this program did not write — that one
    is kept and ours goes beside it under the next free name (the notes say so). Returns
    (files written, notes)."""
    from forms.owned_outputs import write_owned

    protected = [entry.path for entry in queue.entries] + [Path(p) for p in inputs]
    written: list[Path] = []
    notes: list[Text] = []
    for number, entry in enumerate(queue.entries, start=1):
        if cancel is not None and cancel():
            break
        name = file_name(number, entry.project)
        result = write_owned(
            folder,
            {name: functools.partial(print_set, entry.path, pack, include_attachments=queue.include_attachments)},
            owner=f"{OWNER} {name}",
            inputs=protected,
            what=Text("打印稿", "the print set"),
        )
        written.append(result.paths[name])
        notes.extend(result.notes)
        if progress is not None:
            progress(number, len(queue.entries))
    return written, notes
