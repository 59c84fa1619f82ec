"""The upload files: one PDF per portal slot, each within the portal's limit; a slot still over
it is named with its size and the fix that brings it under."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from forms.errors import UserError
from forms.layout import parse_documents
from forms.pack import Pack
from forms.text import Text

from . import assemble as asm
from .budget import fit
from .guard import checked, guard
from .order import Attachments, kind_of, ordered
from .pages import footers
from .parts import attachment_parts, content_hash, marks_of, sealed, set_info


@dataclass(frozen=True)
class SlotOver:
    """An upload slot still over its limit after the size budget: not written."""

    file: str  # the slot's file name, e.g. contract.pdf
    name: Text  # the slot's name
    size: int  # bytes of the smallest file the budget made
    fix: str | None  # the fix id that brings it under ("grey"), None when none does
    fixed_size: int | None  # bytes with that fix
    message: Text  # one line naming the slot, its size and the fix, for the command line
    plain: Text  # the same for the app (no command-line hints)
    attachments: tuple[int, ...] = ()  # the draft's attachments in this slot (1-based, as validate numbers them)


def upload_files(
    data: dict[str, Any],
    attachments: Attachments,
    pack: Pack,
    out_dir: Path,
    *,
    inputs: Sequence[Path] = (),
    notes: list[Text] | None = None,
    final: bool = False,
    fix: bool = False,
    over: list[SlotOver] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[Path]:
    """One PDF per portal slot (documents.toml ``uploads``) that has attachments, each within
    pack.upload.max_file_mb (scans downsampled when needed, images on oversize pages first).

    Every slot that fits is written. A slot that does not is named, with its size and the fix
    that would bring it under (``SlotOver``): appended to ``over`` when given, else raised as one
    ``package.file_too_large`` UserError after the others are written. ``fix``: apply that fix
    to the upload file (the draft is not changed) and write it too.

    Slot files this program wrote in an earlier run whose slot is now empty (or over) are
    removed, so a stale file is never uploaded; a file someone else put there is never replaced
    or removed (ours goes beside it under a free name, and a line saying so is appended
    to ``notes``, as are the budget's lines about what it reduced). ``inputs``: files the output
    folder must not be (see :func:`forms.outputs.check_output`).

    ``progress(done, total)`` is called per slot; ``cancel()`` is asked before each build of a
    slot (the size budget builds several) and before anything is written: True stops with
    ``package.cancelled`` and nothing written."""
    from forms.outputs import check_output
    from forms.owned_outputs import write_owned

    def stop_if_asked() -> None:
        if cancel is not None and cancel():
            raise UserError(
                "package.cancelled", "已取消：没有写出任何上传文件", "Cancelled: no upload file was written"
            )

    out_dir = Path(out_dir)
    check_output(out_dir, inputs, directory=True)
    stored = attachments
    digest = content_hash(data, attachments)
    marks = marks_of(data, pack, digest, final)
    attachments = checked(attachments)
    made: dict[str, bytes] = {}
    too_big: list[SlotOver] = []
    said: list[Text] = []
    slots = parse_documents(pack).uploads
    for done, slot in enumerate(slots):
        if progress is not None:
            progress(done, len(slots))
        items = [(info, pdf) for info, pdf in ordered(attachments) if kind_of(info) in slot.kinds]
        numbers = tuple(n for n, (info, _) in enumerate(stored, start=1) if kind_of(info) in slot.kinds)
        name = slot_names(slot, pack)
        if not items:
            continue
        parts = attachment_parts(items, pack)
        overlay: dict[str, bytes] = {}

        def build(parts: list[asm.Part] = parts, name: Text = name, overlay: dict[str, bytes] = overlay) -> pikepdf.Pdf:
            stop_if_asked()
            pdf = asm.assemble(parts)
            if "pdf" not in overlay:
                sizes = [asm.visible_size(page)[:2] for page in pdf.pages]
                overlay["pdf"] = footers(sizes, [""] * len(sizes), marks)
            asm.stamp(pdf, overlay["pdf"])
            asm.outline(pdf, [(part.title, part.start) for part in parts])
            set_info(pdf, data, pack, f"{name.zh}：{(data.get('project') or {}).get('name') or ''}")
            return pdf

        limit = pack.upload.max_file_mb
        fitted = fit(build, limit, pack.upload.downsample_dpi, name)
        if fitted.over:
            fixed = fit(build, limit, pack.upload.downsample_dpi, name, prepare=_grey)
            slot_over = _slot_over(slot.file, name, limit, len(fitted.pdf), None if fixed.over else fixed, numbers)
            if fix and not fixed.over:
                fitted = fixed
                said.append(_fixed_note(slot_over))
            else:
                too_big.append(slot_over)
                continue
        said.extend(fitted.notes)
        made[slot.file] = guard(sealed(fitted.pdf, marks, data, stored, digest))
    stop_if_asked()
    if progress is not None:
        progress(len(slots), len(slots))
    written_paths: list[Path] = []
    if made or out_dir.exists():  # also when every slot is over: stale files of ours must go
        written = write_owned(
            out_dir, made, owner="upload-files", inputs=inputs, what=Text("上传文件", "the upload file")
        )
        said.extend(written.notes)
        written_paths = list(written.paths.values())
    if notes is not None:
        notes.extend(said)
    if over is not None:
        over.extend(too_big)
    elif too_big:
        raise UserError(
            "package.file_too_large",
            Text("；".join(s.plain.zh for s in too_big), "; ".join(s.plain.en for s in too_big)),
        )
    return written_paths


def _grey(pdf: pikepdf.Pdf) -> None:
    from forms.attachments.greyscale import grey_document

    grey_document(pdf)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def slot_names(slot: Any, pack: Pack) -> Text:
    """The name of an upload slot in messages: the pack's names of the kinds it holds."""
    return Text(
        "、".join(pack.kind_label(kind, "zh") for kind in slot.kinds),
        ", ".join(pack.kind_label(kind, "en") for kind in slot.kinds),
    )


def _slot_over(
    file: str, name: Text, limit_mb: float, size: int, fixed: Any, numbers: tuple[int, ...] = ()
) -> SlotOver:
    head = Text(
        f"上传文件“{name.zh}”（{file}）有 {_mb(size)}，超过 {limit_mb:g} MB 的限制，未写出",
        f"The upload file “{name.en}” ({file}) is {_mb(size)}, over the {limit_mb:g} MB limit; not written",
    )
    first = numbers[0] if numbers else "N"  # the command names a real attachment of the slot
    if fixed is None:
        return SlotOver(
            file,
            name,
            size,
            None,
            None,
            Text(
                f"{head.zh}。转为灰度也不够：请删除不需要的页面（cxy pages {first} --delete P）或把附件拆分后分别上传",
                f"{head.en}. Grey is not enough either: delete pages you do not need (cxy pages {first} --delete P) or "
                "split the attachment and upload the parts",
            ),
            Text(
                f"{head.zh}。转为灰度也不够：请在附件的页面视图中删除不需要的页面，或把附件拆分后分别上传",
                f"{head.en}. Grey is not enough either: delete pages you do not need in the attachment's page view, or "
                "split the attachment and upload the parts",
            ),
            numbers,
        )
    grey = _mb(len(fixed.pdf))
    each = [f"cxy pages {n} --grey" for n in numbers[:3]]
    commands = Text("；".join(each) or "cxy pages N --grey", "; ".join(each) or "cxy pages N --grey")
    return SlotOver(
        file,
        name,
        size,
        "grey",
        len(fixed.pdf),
        Text(
            f"{head.zh}。修正：转为灰度后为 {grey}（加 --fix 应用；或用 {commands.zh} 修改草稿中的附件）",
            f"{head.en}. Fix: in grey it is {grey} (add --fix to apply it, or change the attachment in the draft with "
            f"{commands.en})",
        ),
        Text(
            f"{head.zh}。修正：转为灰度后为 {grey}（点“应用修正并保存”写出灰度的上传文件，草稿不变；"
            "或在附件的页面视图中点“转为灰度”）",
            f"{head.en}. Fix: in grey it is {grey} (click “Apply the fix and save” to write the upload file in grey, "
            "the draft unchanged; or click “Convert to grey” in the attachment's page view)",
        ),
        numbers,
    )


def _fixed_note(slot: SlotOver) -> Text:
    return Text(
        f"上传文件“{slot.name.zh}”已转为灰度：{_mb(slot.size)} → {_mb(slot.fixed_size or 0)}",
        f"The upload file “{slot.name.en}” was converted to grey: {_mb(slot.size)} → {_mb(slot.fixed_size or 0)}",
    )
