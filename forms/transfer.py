"""JSON in and out of a draft, attachments included (``file`` is a path on import)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .attachments.model import Normalised
    from .attachments.preflight import Examination
    from .draft import Draft

from pydantic import ValidationError

from .atomic import write_text
from .errors import UserError
from .model import normalise
from .text import Text


def read_json(path: Path) -> dict[str, Any]:
    """The contract JSON's top-level object, read under the limits of :mod:`forms.safe_json`."""
    from .safe_json import read_json_object

    return read_json_object(path)


def check_shape(data: dict[str, Any]) -> None:
    """Unknown keys and wrong types are errors (the contract is strict about shape)."""
    from .limits import parse_application

    try:
        parse_application(data)
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5])
        raise UserError(
            "json.contract", f"数据不符合申报数据格式：{where}", f"The data does not fit the contract: {where}"
        ) from None


def _outside(file: str, base: Path) -> UserError:
    return UserError(
        "json.attachment_path",
        f"附件路径 {file} 指向 JSON 文件所在文件夹 {base} 之外（不允许绝对路径、“..”或指向外部的符号链接），未导入",
        f"The attachment path {file} leads outside the JSON file's folder {base} (no absolute path, "
        f"'..' or symbolic link leading out is allowed); nothing was imported",
    )


def resolve_attachment_files(
    items: list[dict[str, Any]], base: Path, default_kind: str | None = "other"
) -> list[tuple[Path, str | None, str]]:
    """(path, kind, title) of each attachment that names a ``file`` (``default_kind`` for one
    that names no kind; None: inferred later, as ``cxy attach`` does). A path resolves only inside
    ``base`` (the JSON's own folder): a JSON may come from anyone, and an absolute path, a ``..``
    or a symlink leading out would pull any file of the user's into the draft and the package.
    Checked for every item before any is read."""
    base_real = Path(base).resolve()
    files = []
    for item in items:
        file = item.get("file") if isinstance(item, dict) else None
        if not file:
            continue
        if not isinstance(file, str) or "\x00" in file:
            raise _outside(repr(file), base_real)
        # judged both ways: a JSON made on Windows may use either separator
        for flavour in (PurePosixPath(file), PureWindowsPath(file)):
            if flavour.anchor or ".." in flavour.parts:
                raise _outside(file, base_real)
        path = base_real / file
        try:
            real = path.resolve(strict=True)
        except FileNotFoundError:
            raise UserError(
                "json.attachment", f"找不到附件文件：{path}", f"Attachment file not found: {path}"
            ) from None
        except RuntimeError:  # a symlink loop (Python < 3.13)
            raise _outside(file, base_real) from None
        except OSError as exc:  # a loop (ELOOP), a name too long, a folder we may not read
            raise UserError(
                "json.attachment",
                f"无法读取附件文件 {path}：{exc.strerror or exc}",
                f"Cannot read the attachment file {path}: {exc.strerror or exc}",
            ) from None
        if not real.is_relative_to(base_real):
            raise _outside(file, base_real)
        if not real.is_file():
            raise UserError(
                "json.attachment", f"附件不是普通文件：{path}", f"The attachment is not a regular file: {path}"
            )
        kind = item.get("kind") or default_kind
        title = item.get("title") or Path(file).stem
        files.append((real, kind, title))
    return files


def create_draft(
    dest: Path,
    *,
    pack: str,
    category: str | None,
    fill: Callable[[Any], None] | None = None,
    inputs: Sequence[Path] = (),
) -> None:
    """A complete new draft at ``dest``, or nothing: it is built and filled (``fill(draft)``)
    under a hidden name beside ``dest`` and moved into place only at the end, so a failure (a bad
    value or attachment, a full disk, Ctrl+C) leaves neither a half-made draft nor a temporary
    file, and a rerun works. ``dest`` must not exist; ``inputs`` are files it must not be."""
    from .atomic import publish_new_durably, remove_quietly, temp_path
    from .draft import Draft
    from .draft.errors import from_os_error
    from .draft.lock import lock_path
    from .outputs import check_output

    dest = Path(dest)
    check_output(dest, inputs)
    if os.path.lexists(dest):
        raise from_os_error(FileExistsError(errno.EEXIST, "exists", str(dest)), Text("草稿文件", "the draft file"))
    tmp = temp_path(dest)
    try:
        draft = Draft.create(tmp, pack=pack, category=category)
        try:
            if fill is not None:
                fill(draft)
        finally:
            draft.close()
        if fill is not None:
            # a new draft starts without undo history (as a migrated draft and a sent copy do):
            # its first Undo must not take away an attachment it was made or received with
            from .draft.send_copy import _without_undo

            _without_undo(tmp)
        try:
            publish_new_durably(tmp, dest)
        except OSError as exc:
            raise from_os_error(exc, Text("草稿文件", "the draft file")) from None
    finally:
        # The lock file too: an interrupt between taking the lock and ``draft`` being bound
        # leaves it with nobody to release it, and the hidden name is ours alone.
        remove_quietly(tmp, Path(f"{tmp}-journal"), lock_path(tmp.resolve()))


def import_json_file(source: Path, dest: Path, *, default_pack: str, notes: list[Text] | None = None) -> None:
    """``cxy import``: the contract JSON ``source`` (read under limits, shape-checked, values
    typed as people type them made what the contract stores, every attachment path checked
    before any work) into a new draft at ``dest``, all or nothing. A line (Text) per converted
    value (123456元 → 12.3456 万元) is appended to ``notes``.

    Each attachment goes through intake and preflight as with ``cxy attach``: a kind the JSON
    leaves out is inferred, the preflight record is stored with it, and two attachments with the
    same content refuse the whole import, naming both (see :func:`import_attachments`)."""
    from .limits import pack_for
    from .pack import load_pack
    from .typed import type_received

    source = Path(source)
    data = read_json(source)
    check_shape(data)
    converted = type_received(data, pack_for(data))
    check_shape(data)  # the limits hold for what is stored
    files = resolve_attachment_files(data.pop("attachments", []), source.parent, default_kind=None)
    pack_id = data.get("pack") or default_pack

    def fill(draft: Any) -> None:
        draft.replace_data(data)
        import_attachments(draft, files, _pack_or_none(pack_id) or load_pack(default_pack))

    create_draft(
        dest, pack=pack_id, category=data.get("category"), fill=fill, inputs=[source, *(path for path, _, _ in files)]
    )
    if notes is not None:
        notes.extend(converted)


def _pack_or_none(pack_id: str) -> Any:
    from .pack import load_pack

    try:
        return load_pack(pack_id)
    except UserError:
        return None  # Draft.create refuses an unknown pack with its own message


def import_attachments(draft: Any, files: Sequence[tuple[Path, str | None, str]], pack: Any) -> None:
    """Intake, preflight and store each ``(path, kind, title)`` in order, as ``cxy attach`` does.

    A duplicate (same content key as an earlier attachment of the JSON) refuses the whole import
    rather than skipping the file: the JSON is one application someone prepared, an import that
    silently left one of its files out would be a different application, and the draft it was
    going to create does not exist yet, so nothing is lost by stopping. The message names both
    attachments (place in the JSON, title, file) so the sender can correct the list."""
    from .attachments import normalise as intake
    from .attachments.kinds import infer_kind
    from .attachments.preflight import examine

    seen: dict[str, tuple[int, str, str]] = {}  # content key -> (number, title, file name)
    for number, (path, kind, title) in enumerate(files, start=1):
        result = intake(path, path.name)
        try:
            examination = examine(result.pdf)
        except UserError:  # the file itself was accepted: it is stored unexamined (cxy preflight retries)
            examination = None
        if examination is not None:
            first = seen.get(examination.key)
            if first is not None:
                raise duplicate_in_json(first, (number, title, path.name))
            seen[examination.key] = (number, title, path.name)
        if kind is None:
            kind = infer_kind(pack, path.name, examination.text if examination else "").kind
        store_attachment(draft, result, kind=kind, title=title, examination=examination)


def duplicate_in_json(first: tuple[int, str, str], second: tuple[int, str, str]) -> UserError:
    (n1, t1, f1), (n2, t2, f2) = first, second
    return UserError(
        "json.duplicate_attachment",
        f"附件 {n2}（{t2:.80}，{f2}）与附件 {n1}（{t1:.80}，{f1}）内容相同；请从 JSON 中删去其中一个。未导入任何内容",
        f"Attachment {n2} ({t2:.80}, {f2}) has the same content as attachment {n1} ({t1:.80}, {f1}); remove one "
        "of them from the JSON. Nothing was imported",
    )


def store_attachment(
    draft: Draft, result: Normalised, *, kind: str, title: str, examination: Examination | None = None
) -> int:
    """Put an intake result into a draft. The draft keys attachments by the digest of the PDF it
    stores (it can verify that one); ``Normalised.sha256`` is the original file's. With
    ``examination`` (its preflight), the intake record is stored in the same transaction."""
    from .attachments.intake_record import encode
    from .draft.attachments import entry_key

    sha = hashlib.sha256(result.pdf).hexdigest()
    entry = encode(sha, examination) if examination is not None else None
    return draft.add_attachment(
        kind=kind,
        title=title,
        original_name=result.original_name,
        source_format=result.source_format,
        pages=result.pages,
        sha256=sha,
        pdf=result.pdf,
        entries={entry_key(sha): entry} if entry else None,
    )


NAME_CHARS = 60  # file systems allow 255 bytes per name; Chinese takes 3 bytes a character


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", text)[:NAME_CHARS].strip(" .") or "attachment"


def export_json(
    draft: Any, output: Path | None, *, inputs: Sequence[Path] = (), notes: list[Text] | None = None
) -> str:
    """The contract JSON of a draft; with an output path, attachments are written beside it into
    ``<stem>_attachments/``, where only files an earlier export wrote (and nobody changed) are
    replaced or removed (see :func:`forms.owned_outputs.write_owned`); a line per file of someone
    else's that was kept is appended to ``notes``. ``inputs``: files no output may be."""
    from .outputs import check_output
    from .owned_outputs import write_owned

    data = normalise(draft.data())
    infos = list(draft.attachments())
    folder = None
    if output is not None:
        folder = output.with_name(output.stem + "_attachments")
        check_output(output, inputs)
        check_output(folder, inputs, directory=True)
    items: list[dict[str, Any]] = [{"kind": info.kind, "title": info.title} for info in infos]
    if output is not None and folder is not None and (infos or folder.exists()):
        from .attachments import sanitised

        # A received draft's blob matches its stored digest whatever it holds: only what this
        # installation's intake made (or re-checked) leaves the program as it is.
        wanted = {
            f"{index:02d}-{_safe_name(Path(info.original_name).stem)}.pdf": (
                lambda info=info: sanitised(draft.attachment_pdf(info.id), info.original_name)
            )
            for index, info in enumerate(infos, start=1)
        }
        written = write_owned(
            folder, wanted, owner=f"export:{output.name}", inputs=inputs, what=Text("附件文件", "the attachment file")
        )
        for entry, path in zip(items, written.paths.values()):
            entry["file"] = f"{folder.name}/{path.name}"
        if notes is not None:
            notes.extend(written.notes)
    if items:
        data["attachments"] = items
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is not None:
        write_text(output, text + "\n", Text("导出的 JSON 文件", "the exported JSON file"), inputs=inputs)
    return text
