"""JSON in and out of a draft, attachments included (``file`` is a path on import)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import UserError
from .files import write_atomically
from .model import normalise


def read_json(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError("json.read", f"无法读取文件 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError("json.syntax", f"{path.name} 不是有效的 UTF-8 JSON：{exc}", f"{path.name} is not valid UTF-8 JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UserError("json.shape", f"{path.name} 的顶层应为对象", f"The top level of {path.name} must be an object")
    return data


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


def import_attachments(draft: Any, attachments: list[dict[str, Any]], base: Path) -> None:
    from .attachments import normalise as intake

    for item in attachments:
        file = item.get("file")
        if not file:
            continue
        path = (base / file) if not Path(file).is_absolute() else Path(file)
        if not path.is_file():
            raise UserError("json.attachment", f"找不到附件文件：{path}", f"Attachment file not found: {path}")
        result = intake(path, path.name)
        store_attachment(draft, result, kind=item.get("kind") or "other", title=item.get("title") or path.stem)


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


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip() or "attachment"


def export_json(draft: Any, output: Path | None) -> str:
    """The contract JSON of a draft; with an output path, attachments are written beside it."""
    data = normalise(draft.data())
    items = []
    folder = output.with_name(output.stem + "_attachments") if output else None
    for index, info in enumerate(draft.attachments(), start=1):
        entry: dict[str, Any] = {"kind": info.kind, "title": info.title}
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UserError("json.write", f"无法创建文件夹 {folder}：{exc.strerror}", f"Cannot create {folder}: {exc.strerror}") from None
            name = f"{index:02d}-{_safe_name(Path(info.original_name).stem)}.pdf"
            write_atomically(folder / name, draft.attachment_pdf(info.id), "附件文件", "the attachment file")
            entry["file"] = f"{folder.name}/{name}"
        items.append(entry)
    if items:
        data["attachments"] = items
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is not None:
        write_atomically(output, (text + "\n").encode("utf-8"), "导出的 JSON 文件", "the exported JSON file")
    return text
