"""JSON in and out of a draft, attachments included (``file`` is a path on import)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from pydantic import ValidationError

from .errors import UserError
from .files import write_atomically
from .model import normalise


def read_json(path: Path) -> dict[str, Any]:
    """The contract JSON's top-level object, read under the limits of :mod:`forms.safe_json`."""
    from .safe_json import read_json_object

    return read_json_object(path)


def check_shape(data: dict[str, Any]) -> None:
    """Unknown keys and wrong types are errors (the contract is strict about shape)."""
    from .model import parse_application

    try:
        parse_application(data)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise UserError("json.contract", f"数据不符合申报数据格式：{where}", f"The data does not fit the contract: {where}") from None


def _outside(file: str, base: Path) -> UserError:
    return UserError(
        "json.attachment_path",
        f"附件路径 {file} 指向 JSON 文件所在文件夹 {base} 之外（不允许绝对路径、“..”或指向外部的符号链接），未导入",
        f"The attachment path {file} leads outside the JSON file's folder {base} (no absolute path, "
        f"'..' or symbolic link leading out is allowed); nothing was imported",
    )


def resolve_attachment_files(items: list[dict[str, Any]], base: Path) -> list[tuple[Path, str, str]]:
    """(path, kind, title) of each attachment that names a ``file``. A path resolves only inside
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
            raise UserError("json.attachment", f"找不到附件文件：{path}", f"Attachment file not found: {path}") from None
        except RuntimeError:  # a symlink loop (Python < 3.13)
            raise _outside(file, base_real) from None
        except OSError as exc:  # a loop (ELOOP), a name too long, a folder we may not read
            raise UserError("json.attachment", f"无法读取附件文件 {path}：{exc.strerror or exc}",
                            f"Cannot read the attachment file {path}: {exc.strerror or exc}") from None
        if not real.is_relative_to(base_real):
            raise _outside(file, base_real)
        if not real.is_file():
            raise UserError("json.attachment", f"附件不是普通文件：{path}", f"The attachment is not a regular file: {path}")
        kind = item.get("kind") or "other"
        title = item.get("title") or Path(file).stem
        files.append((real, kind, title))
    return files


def create_draft(dest: Path, *, pack: str, category: str | None, fill: Callable[[Any], None] | None = None,
                 inputs: Sequence[Path] = ()) -> None:
    """A complete new draft at ``dest``, or nothing: it is built and filled (``fill(draft)``)
    under a hidden name beside ``dest`` and moved into place only at the end, so a failure (a bad
    value or attachment, a full disk, Ctrl+C) leaves neither a half-made draft nor a temporary
    file, and a rerun works. ``dest`` must not exist; ``inputs`` are files it must not be."""
    from .draft import Draft
    from .draft.errors import from_os_error
    from .draft.safe_write import publish_new_durably, remove_quietly, temp_path
    from .outputs import check_output

    dest = Path(dest)
    check_output(dest, inputs)
    if os.path.lexists(dest):
        raise from_os_error(FileExistsError(errno.EEXIST, "exists", str(dest)), "草稿文件", "the draft file")
    tmp = temp_path(dest)
    try:
        draft = Draft.create(tmp, pack=pack, category=category)
        try:
            if fill is not None:
                fill(draft)
        finally:
            draft.close()
        try:
            publish_new_durably(tmp, dest)
        except OSError as exc:
            raise from_os_error(exc, "草稿文件", "the draft file") from None
    finally:
        remove_quietly(tmp, Path(f"{tmp}-journal"))


def import_json_file(source: Path, dest: Path, *, default_pack: str,
                     notes: list[tuple[str, str]] | None = None) -> None:
    """``cxy import``: the contract JSON ``source`` (read under limits, shape-checked, values
    typed as people type them made what the contract stores, every attachment path checked
    before any work) into a new draft at ``dest``, all or nothing. A (zh, en) line per converted
    value (123456元 → 12.3456 万元) is appended to ``notes``."""
    from .attachments import normalise as intake
    from .limits import pack_for
    from .typed import type_received

    source = Path(source)
    data = read_json(source)
    check_shape(data)
    converted = type_received(data, pack_for(data))
    check_shape(data)  # the limits hold for what is stored
    files = resolve_attachment_files(data.pop("attachments", []), source.parent)

    def fill(draft: Any) -> None:
        draft.replace_data(data)
        for path, kind, title in files:
            store_attachment(draft, intake(path, path.name), kind=kind, title=title)

    create_draft(dest, pack=data.get("pack") or default_pack, category=data.get("category"), fill=fill,
                 inputs=[source, *(path for path, _, _ in files)])
    if notes is not None:
        notes.extend(converted)


def store_attachment(draft: Any, result: Any, *, kind: str, title: str) -> int:
    """Put an intake result into a draft. The draft keys attachments by the digest of the PDF it
    stores (it can verify that one); ``Normalised.sha256`` is the original file's."""
    return draft.add_attachment(
        kind=kind,
        title=title,
        original_name=result.original_name,
        source_format=result.source_format,
        pages=result.pages,
        sha256=hashlib.sha256(result.pdf).hexdigest(),
        pdf=result.pdf,
    )


NAME_CHARS = 60  # file systems allow 255 bytes per name; Chinese takes 3 bytes a character


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", text)[:NAME_CHARS].strip(" .") or "attachment"


def export_json(draft: Any, output: Path | None, *, inputs: Sequence[Path] = (),
                notes: list[tuple[str, str]] | None = None) -> str:
    """The contract JSON of a draft; with an output path, attachments are written beside it into
    ``<stem>_attachments/``, where only files an earlier export wrote (and nobody changed) are
    replaced or removed (see :func:`forms.outputs.write_owned`); a line per file of someone
    else's that was kept is appended to ``notes``. ``inputs``: files no output may be."""
    from .outputs import check_output, write_owned

    data = normalise(draft.data())
    infos = list(draft.attachments())
    folder = output.with_name(output.stem + "_attachments") if output else None
    if output is not None:
        check_output(output, inputs)
        check_output(folder, inputs, directory=True)
    items: list[dict[str, Any]] = [{"kind": info.kind, "title": info.title} for info in infos]
    if folder is not None and (infos or folder.exists()):
        from .attachments import sanitised

        # A received draft's blob matches its stored digest whatever it holds: only what this
        # installation's intake made (or re-checked) leaves the program as it is.
        wanted = {
            f"{index:02d}-{_safe_name(Path(info.original_name).stem)}.pdf":
                (lambda info=info: sanitised(draft.attachment_pdf(info.id), info.original_name))
            for index, info in enumerate(infos, start=1)
        }
        written = write_owned(folder, wanted, owner=f"export:{output.name}", inputs=inputs,
                              what=("附件文件", "the attachment file"))
        for entry, path in zip(items, written.paths.values()):
            entry["file"] = f"{folder.name}/{path.name}"
        if notes is not None:
            notes.extend(written.notes)
    if items:
        data["attachments"] = items
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is not None:
        write_atomically(output, (text + "\n").encode("utf-8"), "导出的 JSON 文件", "the exported JSON file")
    return text
