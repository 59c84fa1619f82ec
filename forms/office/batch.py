"""A folder of applications as one batch: one row per draft, JSON application and sealed PDF,
the cross-application rules (G5/G6) over the usable rows.

Files are read, never written: drafts through the read-only path of the draft loader (no lock
file, no journal, mtime unchanged; an older format upgraded on a private copy), JSON under the
limits of :mod:`forms.safe_json`, PDFs with pikepdf. Whatever a file is — cut off, a JPEG
named ``.cxy``, another call's draft, a draft someone is editing — it becomes a row with its
reason, never a stop. Only a row's summary is kept once it is made (500 drafts is an ordinary
folder), plus the few values the cross checks compare.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from forms.checks import check, check_batch
from forms.checks.attachment_state import check_attachment_state, without_state
from forms.checks.issue import Issue
from forms.checks.required_uploads import CODE as REQUIRED_UPLOADS
from forms.derive import money, paid_total
from forms.errors import UserError
from forms.office import packages
from forms.pack import Pack
from forms.text import Text

SUFFIXES = {".cxy": "draft", ".json": "json", ".pdf": "package"}
SEALS = ("verified", "mismatch", "none", "unchecked")
# Lock files, and the "._name" shadows macOS leaves beside every file it copies onto a USB stick:
# no application, and a row for each would hide the real ones.
SKIPPED = (".~lock.", "._")
_NOT_REGULAR = Text("不是普通文件（可能是管道或设备），未读取", "not a regular file (a pipe or device); not read")


@dataclass(frozen=True)
class Row:
    path: Path  # the file in the folder
    file: str  # its name (relative to the folder when recursive)
    source: str  # "draft" | "package" | "json"
    usable: bool
    reason: str | None  # why unusable, in the requested language (one line)
    category: str | None  # pack category id
    category_label: str | None  # the pack's label in the requested language
    project: str | None
    leader: str | None
    university: str | None
    enterprise: str | None
    city: str | None
    contract_wan: Decimal | None
    paid_wan: Decimal | None
    errors: int  # errors among issues and cross
    warnings: int
    final: bool
    seal: str  # "verified" | "mismatch" | "none" | "unchecked" (a package in the folder sealed for this row)
    package: Path | None  # that package, if found
    attachments_complete: bool
    modified: datetime  # file mtime (UTC-aware)
    issues: tuple[Issue, ...]  # the application's own issues
    cross: tuple[Issue, ...]  # G5/G6 across the folder

    @property
    def eligible(self) -> bool:
        return self.usable and self.errors == 0 and not self.cross

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: paths and dates as text, amounts as strings (no float rounding)."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, Decimal):
                value = format(value, "f")
            elif isinstance(value, datetime):
                value = value.isoformat(timespec="seconds")
            elif key in ("issues", "cross"):
                value = [issue.as_dict() for issue in value]
            out[key] = value
        out["eligible"] = self.eligible
        return out


@dataclass(frozen=True)
class Batch:
    folder: Path
    rows: tuple[Row, ...]

    def eligible(self) -> bool:
        """Every row usable, without errors and without a cross-application issue."""
        return all(row.eligible for row in self.rows)

    def exit_code(self) -> int:
        """0 all eligible, 1 any issue (unusable files included). A folder that cannot be read
        never gets here: :func:`scan_folder` raises (the CLI's 2)."""
        return 0 if self.eligible() else 1


def _text(data: dict[str, Any], *path: str) -> str | None:
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, str) and node.strip():
        return node.strip()
    return None


def list_files(folder: Path, recursive: bool = False) -> list[Path]:
    """The folder's application files (by their ending) in name order; lock files and
    sub-folders left out."""
    folder = Path(folder)
    try:
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        walker = folder.rglob("*") if recursive else folder.iterdir()
        found = [
            p for p in walker if p.suffix.lower() in SUFFIXES and not p.name.startswith(SKIPPED) and not _is_dir(p)
        ]
    except OSError as exc:
        raise UserError(
            "batch.folder",
            f"无法读取文件夹 {folder}：{exc.strerror or exc}",
            f"Cannot read the folder {folder}: {exc.strerror or exc}",
        ) from exc
    return sorted(found, key=lambda p: str(p.relative_to(folder)))


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _regular(path: Path) -> bool:
    """A FIFO or device named .pdf would block the reader, forever: it is a row, never opened."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # unreadable: the reader says why


def _mtime(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
    except OSError:
        return datetime.fromtimestamp(0, UTC)


@dataclass
class _Loaded:
    data: dict[str, Any]
    attachments: list[Any]
    final: bool
    read_pdfs: Callable[[], str] | None  # the content hash, reading every attachment: on demand
    role: str | None = None  # a hand-off copy's role: a copy of an application, not one of its own


def _load(path: Path, source: str) -> _Loaded:
    from forms.cli_common import opened
    from forms.transfer import check_shape, read_json

    if source == "json":
        data = read_json(path)
        check_shape(data)
        return _Loaded(data, [], False, None)
    with opened(path) as draft:
        data, infos, final, role = draft.data(), draft.attachments(), draft.final, draft.role

    def content_hash() -> str:
        from forms.package.parts import content_hash as of

        with opened(path) as again:
            return of(again.data(), [(i, again.attachment_pdf(i.id)) for i in again.attachments()])

    return _Loaded(data, infos, final, content_hash, role)


def _unusable(path: Path, name: str, source: str, reason: str, **known: Any) -> Row:
    values: dict[str, Any] = {
        "category": None,
        "category_label": None,
        "project": None,
        "leader": None,
        "university": None,
        "enterprise": None,
        "city": None,
        "contract_wan": None,
        "paid_wan": None,
        "final": False,
        "seal": "none",
        "package": None,
    }
    values.update(known)
    return Row(
        path=path,
        file=name,
        source=source,
        usable=False,
        reason=reason,
        errors=0,
        warnings=0,
        attachments_complete=False,
        modified=_mtime(path),
        issues=(),
        cross=(),
        **values,
    )


def _summary(data: dict[str, Any], pack: Pack, lang: str) -> dict[str, Any]:
    category = pack.category(data.get("category")) if isinstance(data.get("category"), str) else None
    return {
        "category": category.id if category else None,
        "category_label": category.subtitle.get(lang) if category else None,
        "project": _text(data, "project", "name"),
        "leader": _text(data, "leader", "name"),
        "university": _text(data, "university", "name"),
        "enterprise": _text(data, "enterprise", "name"),
        "city": _text(data, "enterprise", "city"),
        "contract_wan": money((data.get("contract") or {}).get("amount_wan"))
        if isinstance(data.get("contract"), dict)
        else None,
        "paid_wan": paid_total(data),
    }


def _cross_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Only what G5/G6 compare and name."""
    return {
        "leader": {k: _text(data, "leader", k) for k in ("name", "unit")},
        "enterprise": {k: _text(data, "enterprise", k) for k in ("name", "uscc")},
    }


def _row(path: Path, name: str, source: str, loaded: _Loaded, pack: Pack, lang: str) -> Row:
    data = loaded.data
    summary = _summary(data, pack, lang)
    if data.get("pack") not in (None, pack.id):
        return _unusable(
            path,
            name,
            source,
            Text(
                f"属于另一申报批次（{data.get('pack')}），不是本批次（{pack.id}）的申报",
                f"made for another call ({data.get('pack')}), not this one ({pack.id})",
            ).get(lang),
            **summary,
            final=loaded.final,
        )
    if loaded.role is not None:  # counted, it made its own original a duplicate (G5/G6)
        spec = pack.role(loaded.role)
        who = spec.label if spec is not None else Text(loaded.role[:40], loaded.role[:40])
        return _unusable(
            path,
            name,
            source,
            Text(
                f"交给“{who.zh}”填写的副本，不是一份单独的申报：请由申报人合并回原始草稿",
                f"a copy handed to the {who.en} to fill, not an application of its own: the applicant merges it "
                "into the original draft",
            ).get(lang),
            **summary,
            final=loaded.final,
        )
    items = [{"kind": a.kind, "title": a.title, "damaged": a.damaged} for a in loaded.attachments]
    if items:
        data = {**data, "attachments": items}
    issues = check(without_state(data), pack, lang) + check_attachment_state(data, lang)
    complete = not any(i.code in (REQUIRED_UPLOADS, "attachment.damaged") for i in issues)
    errors = sum(1 for i in issues if i.severity == "error")
    return Row(
        path=path,
        file=name,
        source=source,
        usable=True,
        reason=None,
        **summary,
        errors=errors,
        warnings=len(issues) - errors,
        final=loaded.final,
        seal="none",
        package=None,
        attachments_complete=complete,
        modified=_mtime(path),
        issues=tuple(issues),
        cross=(),
    )


def _package_row(sealed: packages.Sealed, name: str, pack: Pack, lang: str) -> Row:
    category = pack.category(sealed.category) if sealed.category else None
    known = {
        "category": category.id if category else None,
        "category_label": category.subtitle.get(lang) if category else None,
    }
    if sealed.reason is not None:
        reason = sealed.reason.get(lang)
        return _unusable(sealed.path, name, "package", reason, **known)
    state = (
        Text("页面与封签一致", "pages as sealed").get(lang)
        if sealed.intact
        else Text("页面已被改动", "pages changed since sealing").get(lang)
    )
    reason = Text(
        f"封签 {sealed.seal}（{state}）：文件夹中没有它的草稿，无法检查其内容",
        f"seal {sealed.seal} ({state}): its draft is not in the folder, so its data cannot be checked",
    ).get(lang)
    return _unusable(
        sealed.path,
        name,
        "package",
        reason,
        **known,
        final=True,
        seal="unchecked" if sealed.intact else "mismatch",
        package=sealed.path,
    )


def _seal_issue(lang: str, sealed: packages.Sealed, name: str) -> Issue:
    why = (
        Text("页面已被改动", "its pages were changed").get(lang)
        if not sealed.intact
        else Text("与草稿现在的内容不一致", "it no longer matches the draft").get(lang)
    )
    return Issue(
        "package",
        "error",
        "batch.seal_mismatch",
        Text(
            f"{name}（封签 {sealed.seal}）{why}：请重新生成并打印",
            f"{name} (seal {sealed.seal}): {why}; build and print it again",
        ).get(lang),
    )


def scan_folder(
    folder: Path,
    pack: Pack,
    lang: str = "zh",
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    recursive: bool = False,
) -> Batch:
    """The batch of ``folder``. ``progress(done, total)`` after each file; ``cancel()`` asked
    before each file, True raises ``UserError`` ``batch.cancelled``. A folder that cannot be
    listed raises ``UserError`` ``batch.folder``."""
    folder = Path(folder)
    files = list_files(folder, recursive)
    total = len(files)
    rows: list[Row] = []
    cross_keys: list[tuple[str, dict[str, Any]]] = []
    sealed_pdfs: list[tuple[str, packages.Sealed]] = []
    pdfs = [p for p in files if SUFFIXES[p.suffix.lower()] == "package"]
    done = 0

    def step() -> None:
        nonlocal done
        if cancel is not None and cancel():
            raise UserError("batch.cancelled", "已取消读取文件夹", "Reading the folder was cancelled")
        done += 1

    # PDFs first, so that each draft can be compared while its data is at hand.
    for path in pdfs:
        step()
        sealed = packages.read_sealed(path) if _regular(path) else packages.Sealed(path, _NOT_REGULAR)
        sealed_pdfs.append((str(path.relative_to(folder)), sealed))
        if progress is not None:
            progress(done, total)

    loaded: _Loaded | None = None
    for path in files:
        source = SUFFIXES[path.suffix.lower()]
        if source == "package":
            continue
        step()
        name = str(path.relative_to(folder))
        try:
            if not _regular(path):
                raise UserError("batch.not_regular", _NOT_REGULAR)
            loaded = _load(path, source)
            row = _row(path, name, source, loaded, pack, lang)
            if row.usable and sealed_pdfs and loaded.read_pdfs is not None:
                _offer(sealed_pdfs, len(rows), loaded)
        except UserError as exc:
            row = _unusable(path, name, source, exc.message(lang))
        except Exception as exc:  # one file never stops the batch
            row = _unusable(
                path,
                name,
                source,
                Text(f"无法读取（{type(exc).__name__}）", f"cannot be read ({type(exc).__name__})").get(lang),
            )
        else:
            if row.usable:
                cross_keys.append((name, _cross_keys(loaded.data)))
        rows.append(row)
        loaded = None  # this file's data is not kept past its row
        if progress is not None:
            progress(done, total)
    rows = _with_packages(rows, sealed_pdfs, lang)
    cross = check_batch(cross_keys, pack, lang, every=True) if len(cross_keys) > 1 else {}
    index_of = {row.file: index for index, row in enumerate(rows)}
    for name, found in cross.items():
        if found:
            index = index_of[name]
            row = rows[index]
            errors = sum(1 for i in found if i.severity == "error")
            rows[index] = replace(
                row, cross=tuple(found), errors=row.errors + errors, warnings=row.warnings + len(found) - errors
            )
    rows += [_package_row(s, name, pack, lang) for name, s in sealed_pdfs if s.best is None]
    rows.sort(key=lambda row: row.file)
    return Batch(folder, tuple(rows))


def _offer(sealed_pdfs: list[tuple[str, packages.Sealed]], index: int, loaded: _Loaded) -> None:
    from forms.package.seal import field_digests

    digests = field_digests(loaded.data)
    memo: dict[str, str] = {}

    def content_hash() -> str:
        if "hash" not in memo:
            memo["hash"] = loaded.read_pdfs()  # type: ignore[misc]
        return memo["hash"]

    def data_hash() -> str:
        from forms.package.parts import content_hash as of

        return of(loaded.data, [])

    for _, sealed in sealed_pdfs:
        packages.offer(sealed, index, digests, content_hash, data_hash)


def _with_packages(rows: list[Row], sealed_pdfs: list[tuple[str, packages.Sealed]], lang: str) -> list[Row]:
    claimed: dict[int, list[tuple[str, packages.Sealed]]] = {}
    for name, sealed in sealed_pdfs:
        if sealed.best is not None:
            claimed.setdefault(sealed.best[1], []).append((name, sealed))
    out = list(rows)
    for index, found in claimed.items():
        bad = [(n, s) for n, s in found if not (s.intact and s.hash_equal)]
        row = out[index]
        if bad:
            issues = row.issues + tuple(_seal_issue(lang, s, n) for n, s in bad)
            out[index] = replace(
                row, seal="mismatch", package=bad[0][1].path, issues=issues, errors=row.errors + len(bad)
            )
        else:
            out[index] = replace(row, seal="verified", package=found[0][1].path)
    return out
