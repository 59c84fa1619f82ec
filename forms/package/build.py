"""The three outputs made from an application and its attachments: the package (one PDF to
keep, send or upload), the print set (three collated paper copies, each with its routing slip)
and the upload files (one PDF per portal slot). All are pure functions of their inputs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pikepdf

from forms.attachments import sanitised
from forms.attachments.scan import active_content, written_findings
from forms.derive import recipients
from forms.errors import UserError
from forms.layout import parse_documents
from forms.pack import Pack
from forms.render import cache as render_cache
from forms.render.documents import document_title, documents_for, render_document
from forms.render.page import CREATOR
from forms.text import Text

from . import assemble as asm
from .budget import fit
from .order import Attachments, kind_of, ordered
from .pages import Entry, cover, footers, slip
from .seal import Marks, add_record, record, seal_of
from .sources import Source, is_file, sha256_of

COVER_TITLE = "封面及目录"
COVER_LINES, COVER_LINES_MORE = 11, 31  # contents lines on the first cover page, on each further one


@dataclass(frozen=True)
class PackageResult:
    pdf: bytes  # empty from write_package (the file is at ``path``)
    pages: int
    outline: list[str]
    notes: list[Text]
    digest: str = ""  # the short content hash printed in every footer
    size: int = 0  # bytes of the PDF
    path: Path | None = None  # where write_package wrote it


def content_hash(data: dict[str, Any], attachments: Attachments) -> str:
    """8 hex digits identifying the content: the data JSON and every attachment's PDF."""
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    )
    for info, pdf in ordered(attachments):
        digest.update(f"\n{kind_of(info)}\t{getattr(info, 'title', '')}\t{sha256_of(pdf)}".encode())
    return digest.hexdigest()[:8]


def attachment_title(info: Any, pack: Pack) -> str:
    """The bookmark and contents line of an attachment: the pack's name of its kind (the
    package is a Chinese document) and its title."""
    label = pack.kind_label(kind_of(info), "zh")
    name = getattr(info, "title", "") or getattr(info, "original_name", "") or "附件"
    return f"{label}：{name}"


def _document_parts(data: dict[str, Any], pack: Pack) -> list[asm.Part]:
    return [
        asm.Part(
            document_title(key, pack).zh,
            render_cache.cached(
                "document", pack, "zh", {"doc": key, "data": data}, partial(render_document, key, data, pack)
            ),
            kind="document",
            extra={"ours": True},
        )
        for key, _title in documents_for(data, pack)
    ]


def _footers(pack: Pack, sizes: list[tuple[float, float]], texts: list[str], marks: Marks) -> bytes:
    inputs = {"sizes": [[float(w), float(h)] for w, h in sizes], "texts": texts, "marks": dataclasses.asdict(marks)}
    return render_cache.cached("footers", pack, "zh", inputs, lambda: footers(sizes, texts, marks))


def checked(attachments: Attachments) -> list[tuple[Any, Source]]:
    """Every attachment's PDF as our own worker made it: a draft's stored digest is no proof
    of that (its sender computed it), so unknown bytes are sanitised again before anything
    here opens them (forms.attachments.sanitised). A file copied out of the draft stays a file
    when this installation's worker made its bytes (its digest was computed as it was copied)."""
    return [(info, _checked(pdf, _name(info))) for info, pdf in attachments]


def _checked(pdf: Source, name: str) -> Source:
    if is_file(pdf):
        from forms.attachments import ledger

        if ledger.known_digest(pdf.sha256):  # type: ignore[union-attr]
            return pdf
        pdf = pdf.read_bytes()  # type: ignore[union-attr]
    return sanitised(pdf, name)  # type: ignore[arg-type]


def _name(info: Any) -> str:
    return str(getattr(info, "title", "") or getattr(info, "original_name", "") or "附件")


def _attachment_parts(attachments: Attachments, pack: Pack) -> list[asm.Part]:
    return [asm.Part(attachment_title(info, pack), pdf, kind=kind_of(info)) for info, pdf in ordered(attachments)]


def _count_pages(parts: list[asm.Part]) -> None:
    for part in parts:
        with asm.open_pdf(part.pdf, part.title) as pdf:
            part.pages = len(pdf.pages)


_Checked = TypeVar("_Checked", bytes, Path)


def _guard(pdf: _Checked) -> _Checked:
    _refuse(active_content(pdf))
    return pdf


def _guard_parts(parts: list[asm.Part]) -> None:
    """Every part not known to be clean is scanned whole before the merge: an attachment whose
    digest the ledger does not hold (its bytes were not made by our intake worker, which scans
    what it makes), rendered documents included when they are not ours (a caller's bytes)."""
    from forms.attachments import ledger

    for part in parts:
        if part.extra.get("ours"):
            continue  # drawn by this program (or read back from its render cache, digest-checked)
        if is_file(part.pdf):
            if not ledger.known_digest(part.pdf.sha256):
                _refuse(active_content(part.pdf.path))
        elif not ledger.known(part.pdf):
            _refuse(active_content(part.pdf))


def _guard_written(pdf: pikepdf.Pdf) -> None:
    """What the build itself writes around the parts (scanned already, :func:`_guard_parts`):
    the catalog, the page tree and page dictionaries, outline and /Info (scan.written_findings)."""
    _refuse(written_findings(pdf))


def _refuse(findings: list[str]) -> None:
    if findings:
        raise UserError(
            "package.active_content",
            f"生成的PDF中发现不允许的活动内容（{'，'.join(findings[:3])}），已停止保存",
            f"The generated PDF contains forbidden active content ({', '.join(findings[:3])}); nothing was saved",
        )


def _info(pdf: pikepdf.Pdf, data: dict[str, Any], pack: Pack, title: str) -> None:
    asm.set_info(
        pdf,
        title=title,
        author=str((data.get("university") or {}).get("name") or ""),
        subject=str((data.get("project") or {}).get("name") or ""),
        creator=CREATOR,
    )


# --------------------------------------------------------------------------------------------
# The package


def build_package(
    data: dict[str, Any], attachments: Attachments, pack: Pack, *, budget_mb: float | None = None, final: bool = False
) -> PackageResult:
    """Cover with contents → the category's 申报书 → the three letters → contracts → payment
    proofs → other attachments. Every page is footed "第 N 页 共 M 页" with the content hash;
    the outline has one entry per part. Over the size budget, scans are downsampled (notes).
    Not ``final``: every page is watermarked as a draft; final: every page is sealed."""
    with tempfile.TemporaryDirectory(prefix="cxy-package-") as folder:
        out = Path(folder) / "package.pdf"
        made = _package(data, attachments, pack, Path(folder), out, budget_mb=budget_mb, final=final)
        return dataclasses.replace(made, pdf=out.read_bytes(), path=None)


def write_package(
    data: dict[str, Any],
    attachments: Attachments,
    pack: Pack,
    dest: Path,
    *,
    budget_mb: float | None = None,
    final: bool = False,
    inputs: Sequence[Path] = (),
) -> PackageResult:
    """:func:`build_package` written to ``dest`` (atomically: the old file stays on failure)
    without the package ever being in memory: attachments given as files (``Draft.attachment_file``)
    are read by qpdf as it writes, once, straight into the temporary file that becomes ``dest``.
    ``inputs``: files ``dest`` must not be. The result's ``pdf`` is empty; ``path`` and ``size``
    say what was written."""
    from forms.atomic import atomic_path

    with (
        tempfile.TemporaryDirectory(prefix="cxy-package-") as folder,
        atomic_path(Path(dest), Text("输出文件", "the output file"), inputs=inputs) as out,
    ):
        made = _package(data, attachments, pack, Path(folder), out, budget_mb=budget_mb, final=final)
    return dataclasses.replace(made, path=Path(dest))


def _package(
    data: dict[str, Any],
    attachments: Attachments,
    pack: Pack,
    folder: Path,
    out: Path,
    *,
    budget_mb: float | None,
    final: bool,
) -> PackageResult:
    """The package saved once, to ``out``: merged, stamped, outlined, sealed and guarded as one
    object graph whose scans stay in their files until that save."""
    # The check code is of the draft as stored, so every machine prints the same one for it
    # (re-sanitising is deterministic, so the stored bytes identify the printed ones).
    digest = content_hash(data, attachments)
    stored = attachments
    marks = _marks(data, pack, digest, final)
    attachments = checked(attachments)
    parts = _document_parts(data, pack) + _attachment_parts(attachments, pack)
    _guard_parts(parts)  # before anything here opens them
    _count_pages(parts)
    cover_pdf, cover_pages = _cover(data, pack, parts, digest)
    parts.insert(0, asm.Part(COVER_TITLE, cover_pdf, kind="cover", pages=cover_pages, extra={"ours": True}))
    total = sum(part.pages for part in parts)
    texts = [f"第 {n} 页 共 {total} 页　校验码 {digest}" for n in range(1, total + 1)]
    overlay: dict[str, bytes] = {}
    budget = budget_mb if budget_mb is not None else pack.upload.max_package_mb

    def build() -> pikepdf.Pdf:
        pdf = asm.merge(parts, folder)
        if "pdf" not in overlay:
            overlay["pdf"] = _footers(pack, [asm.visible_size(page)[:2] for page in pdf.pages], texts, marks)
        asm.stamp(pdf, overlay["pdf"])
        asm.outline(pdf, [(part.title, part.start) for part in parts])
        _info(pdf, data, pack, f"{pack.title.zh}申报材料：{(data.get('project') or {}).get('name') or ''}")
        asm.set_id(pdf, _made_of(parts, overlay["pdf"], pdf, (budget, final)))
        return pdf

    def finish(pdf: pikepdf.Pdf) -> None:
        if marks.final:  # the seal record (page digests) once the pages are as they will stay
            add_record(pdf, marks, data, stored, digest)
        _guard_written(pdf)

    fitted = fit(
        build, budget, pack.upload.downsample_dpi, ("申报材料", "The package"), finish=finish, folder=folder, dest=out
    )
    return PackageResult(
        pdf=b"",
        pages=total,
        outline=[part.title for part in parts],
        notes=fitted.notes,
        digest=digest,
        size=fitted.size,
        path=out,
    )


def _made_of(parts: list[asm.Part], overlay: bytes, pdf: pikepdf.Pdf, settings: tuple[Any, ...]) -> bytes:
    """What the package file is made of, for its /ID: every part's PDF (by digest), the footers,
    outline, /Info and the settings that change what is written (the size budget, final)."""
    made = {
        "parts": [(part.title, part.kind, part.start, sha256_of(part.pdf)) for part in parts],
        "footers": hashlib.sha256(overlay).hexdigest(),
        "info": {str(key): str(value) for key, value in pdf.docinfo.items()},
        "settings": [str(value) for value in settings],
    }
    return json.dumps(made, sort_keys=True, ensure_ascii=False).encode()


def _marks(data: dict[str, Any], pack: Pack, digest: str, final: bool) -> Marks:
    return Marks(final=final, seal=seal_of(digest), pack_id=pack.id, category=str(data.get("category") or ""))


def _sealed(pdf: bytes, marks: Marks, data: dict[str, Any], attachments: Attachments, digest: str) -> bytes:
    """A final file gets its seal record (page digests) once its pages are as they will stay."""
    return record(pdf, marks, data, attachments, digest) if marks.final else pdf


def _cover(data: dict[str, Any], pack: Pack, parts: list[asm.Part], digest: str) -> tuple[bytes, int]:
    """The cover's own length shifts every page number after it: settle it (1 page, or more
    with many attachments) before writing the numbers."""
    pages = 1 + max(0, len(parts) - COVER_LINES + COVER_LINES_MORE - 1) // COVER_LINES_MORE  # a first guess
    for _ in range(5):
        entries, page = [], pages + 1
        for part in parts:
            entries.append(Entry(part.title, page, part.pages))
            page += part.pages
        inputs = {"data": data, "entries": [dataclasses.astuple(entry) for entry in entries], "digest": digest}
        pdf = render_cache.cached("cover", pack, "zh", inputs, partial(cover, data, pack, entries, digest))
        with asm.open_pdf(pdf, COVER_TITLE) as opened:
            actual = len(opened.pages)
        if actual == pages:
            return pdf, pages
        pages = actual
    raise AssertionError("cover length does not settle")  # pragma: no cover - cannot happen: monotone


# --------------------------------------------------------------------------------------------
# The print set


def build_print_set(
    data: dict[str, Any],
    pack: Pack,
    *,
    include_attachments: bool = False,
    attachments: Attachments = (),
    final: bool = False,
) -> bytes:
    """One collated paper copy per recipient (pack.copies): a routing slip naming the
    recipient and the sign/seal checklist, then the 申报书 and the three letters (and the
    attachments when asked). The documents are rendered once and shared by the copies."""
    stored = attachments if include_attachments else ()
    digest = content_hash(data, stored)
    marks = _marks(data, pack, digest, final)
    attachments = checked(attachments) if include_attachments else ()
    documents = _document_parts(data, pack) + (_attachment_parts(attachments, pack) if include_attachments else [])
    _count_pages(documents)
    bureaus = recipients(data)
    parts: list[asm.Part] = []
    copies: list[tuple[str, int]] = []  # (outline title, index of its slip in parts)
    total = len(pack.copies)
    for number, copy in enumerate(pack.copies, start=1):
        bureau = bureaus.get(copy.key)
        page, entries = 1, []
        for part in documents:
            entries.append(Entry(part.title, page, part.pages))
            page += part.pages
        slip_pdf = slip(data, pack, number=number, total=total, recipient=copy.zh, bureau=bureau, entries=entries)
        copies.append((f"第{number}份：{bureau or copy.zh}", len(parts)))
        parts.append(asm.Part(f"报送清单 第{number}份", slip_pdf, kind="slip"))
        parts.extend(asm.Part(p.title, p.pdf, kind=p.kind, pages=p.pages) for p in documents)

    pdf = asm.assemble(parts)
    texts: list[str] = []
    per_copy = sum(p.pages for p in documents)
    for number in range(1, total + 1):
        slip_part = parts[copies[number - 1][1]]
        texts += [f"第{number}份　报送清单（递交前取下）"] * slip_part.pages
        texts += [f"第{number}份　第 {n} 页 共 {per_copy} 页　校验码 {digest}" for n in range(1, per_copy + 1)]
    asm.stamp(pdf, footers([asm.visible_size(page)[:2] for page in pdf.pages], texts, marks))
    with pdf.open_outline() as tree:
        for (title, index), next_index in zip(copies, [i for _, i in copies[1:]] + [len(parts)]):
            item = pikepdf.OutlineItem(title, parts[index].start)
            item.children.extend(pikepdf.OutlineItem(p.title, p.start) for p in parts[index + 1 : next_index])
            tree.root.append(item)
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
    _info(pdf, data, pack, f"{pack.title.zh}纸质材料（{total}份）：{(data.get('project') or {}).get('name') or ''}")
    return _guard(_sealed(asm.save(pdf), marks, data, stored, digest))


# --------------------------------------------------------------------------------------------
# Upload files


@dataclass(frozen=True)
class SlotOver:
    """An upload slot still over its limit after the size budget: not written."""

    file: str  # the slot's file name, e.g. contract.pdf
    zh: str  # the slot's name
    en: str
    size: int  # bytes of the smallest file the budget made
    fix: str | None  # the fix id that brings it under ("grey"), None when none does
    fixed_size: int | None  # bytes with that fix
    message: tuple[str, str]  # one line (zh, en) naming the slot, its size and the fix, for the command line
    plain: tuple[str, str] = ("", "")  # the same for the app (no command-line hints)
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
    marks = _marks(data, pack, digest, final)
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
        names = slot_names(slot, pack)
        if not items:
            continue
        parts = _attachment_parts(items, pack)
        overlay: dict[str, bytes] = {}

        def build(
            parts: list[asm.Part] = parts, names: tuple[str, str] = names, overlay: dict[str, bytes] = overlay
        ) -> pikepdf.Pdf:
            stop_if_asked()
            pdf = asm.assemble(parts)
            if "pdf" not in overlay:
                sizes = [asm.visible_size(page)[:2] for page in pdf.pages]
                overlay["pdf"] = footers(sizes, [""] * len(sizes), marks)
            asm.stamp(pdf, overlay["pdf"])
            asm.outline(pdf, [(part.title, part.start) for part in parts])
            _info(pdf, data, pack, f"{names[0]}：{(data.get('project') or {}).get('name') or ''}")
            return pdf

        limit = pack.upload.max_file_mb
        fitted = fit(build, limit, pack.upload.downsample_dpi, names)
        if fitted.over:
            fixed = fit(build, limit, pack.upload.downsample_dpi, names, prepare=_grey)
            slot_over = _slot_over(slot.file, names, limit, len(fitted.pdf), None if fixed.over else fixed, numbers)
            if fix and not fixed.over:
                fitted = fixed
                said.append(_fixed_note(slot_over))
            else:
                too_big.append(slot_over)
                continue
        said.extend(fitted.notes)
        made[slot.file] = _guard(_sealed(fitted.pdf, marks, data, stored, digest))
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
            "package.file_too_large", "；".join(s.plain[0] for s in too_big), "; ".join(s.plain[1] for s in too_big)
        )
    return written_paths


def _grey(pdf: pikepdf.Pdf) -> None:
    from forms.attachments.greyscale import grey_document

    grey_document(pdf)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def slot_names(slot: Any, pack: Pack) -> tuple[str, str]:
    """(zh, en) name of an upload slot in messages: the pack's names of the kinds it holds."""
    return (
        "、".join(pack.kind_label(kind, "zh") for kind in slot.kinds),
        ", ".join(pack.kind_label(kind, "en") for kind in slot.kinds),
    )


def _slot_over(
    file: str, names: tuple[str, str], limit_mb: float, size: int, fixed: Any, numbers: tuple[int, ...] = ()
) -> SlotOver:
    head_zh = f"上传文件“{names[0]}”（{file}）有 {_mb(size)}，超过 {limit_mb:g} MB 的限制，未写出"
    head_en = f"The upload file “{names[1]}” ({file}) is {_mb(size)}, over the {limit_mb:g} MB limit; not written"
    first = numbers[0] if numbers else "N"  # the command names a real attachment of the slot
    if fixed is None:
        return SlotOver(
            file,
            *names,
            size,
            None,
            None,
            (
                f"{head_zh}。转为灰度也不够：请删除不需要的页面（cxy pages {first} --delete P）或把附件拆分后分别上传",
                f"{head_en}. Grey is not enough either: delete pages you do not need (cxy pages {first} --delete P) or "
                "split the attachment and upload the parts",
            ),
            (
                f"{head_zh}。转为灰度也不够：请在附件的页面视图中删除不需要的页面，或把附件拆分后分别上传",
                f"{head_en}. Grey is not enough either: delete pages you do not need in the attachment's page view, or "
                "split the attachment and upload the parts",
            ),
            numbers,
        )
    grey = _mb(len(fixed.pdf))
    commands = "；".join(f"cxy pages {n} --grey" for n in numbers[:3]) or "cxy pages N --grey"
    commands_en = "; ".join(f"cxy pages {n} --grey" for n in numbers[:3]) or "cxy pages N --grey"
    return SlotOver(
        file,
        *names,
        size,
        "grey",
        len(fixed.pdf),
        (
            f"{head_zh}。修正：转为灰度后为 {grey}（加 --fix 应用；或用 {commands} 修改草稿中的附件）",
            f"{head_en}. Fix: in grey it is {grey} (add --fix to apply it, or change the attachment in the draft with "
            f"{commands_en})",
        ),
        (
            f"{head_zh}。修正：转为灰度后为 {grey}（点“应用修正并保存”写出灰度的上传文件，草稿不变；"
            "或在附件的页面视图中点“转为灰度”）",
            f"{head_en}. Fix: in grey it is {grey} (click “Apply the fix and save” to write the upload file in grey, "
            "the draft unchanged; or click “Convert to grey” in the attachment's page view)",
        ),
        numbers,
    )


def _fixed_note(slot: SlotOver) -> Text:
    return Text(
        f"上传文件“{slot.zh}”已转为灰度：{_mb(slot.size)} → {_mb(slot.fixed_size or 0)}",
        f"The upload file “{slot.en}” was converted to grey: {_mb(slot.size)} → {_mb(slot.fixed_size or 0)}",
    )
