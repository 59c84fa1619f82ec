"""The package commands of ``cxy``: attach files to a draft, build the package, the print set
and the upload files. ``register`` is called by :mod:`forms.cli`, which turns a UserError into
one line and exit code 2."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.cli_common import draft_file, numbered_attachment, shown
from forms.cli_common import say_to as _say
from forms.errors import UserError
from forms.text import Text

if TYPE_CHECKING:
    from forms.pack import Pack

KINDS = ("contract", "payment_proof", "other")
MB = 1024 * 1024


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("attach")
    p.add_argument("draft")
    p.add_argument(
        "--kind", choices=KINDS, help="default: inferred from the file name, else from the first page's text"
    )
    p.add_argument("--title", help="title shown in the package (default: the file name)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_attach)

    p = subparsers.add_parser("detach")
    p.add_argument("draft")
    p.add_argument("number", type=int, metavar="N")
    p.set_defaults(func=cmd_detach)

    p = subparsers.add_parser("build")
    p.add_argument("draft")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--budget-mb", type=float, help="size limit (default: the pack's max_package_mb)")
    p.set_defaults(func=cmd_build)

    p = subparsers.add_parser("print-set")
    p.add_argument("draft")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--with-attachments", action="store_true", help="also print the attachments in every copy")
    p.set_defaults(func=cmd_print_set)

    p = subparsers.add_parser("upload-files")
    p.add_argument("draft")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--fix", action="store_true", help="apply the fix that brings an oversize slot under its limit")
    p.set_defaults(func=cmd_upload_files)

    p = subparsers.add_parser("verify")
    p.add_argument("package", metavar="PACKAGE.pdf")
    p.add_argument("draft", nargs="?", metavar="DRAFT.cxy")
    p.set_defaults(func=cmd_verify)


def is_final(draft: Any) -> bool:
    """Whether a draft is finalised: its ``final`` attribute where the draft has one, else its
    meta flag. Anything else (a JSON file) is never final, nor is a hand-off copy: 定稿 is the
    original's, and a copy marked final elsewhere must not print sealed pages."""
    if getattr(draft, "role", None):
        return False
    final = getattr(draft, "final", None)
    if final is not None:
        return bool(final() if callable(final) else final)
    meta = getattr(draft, "meta", None)
    return bool(callable(meta) and meta().get("final") == "1")


@contextmanager
def _application(
    path: Path, *, with_attachments: bool = True
) -> Iterator[tuple[dict[str, Any], list[tuple[Any, Any]], bool]]:
    """(data, attachments, final) of a draft (opened read-only where it lies, read in one snapshot) or
    of a contract JSON. A damaged attachment stops here, named: a package must never silently
    lack a contract or a payment proof. ``with_attachments=False``: the data alone (nothing to
    stop for)."""
    import tempfile

    from forms.cli_common import application_of, opened

    if path.suffix.lower() == ".json":
        yield application_of(path), [], False
        return
    with opened(path) as draft, tempfile.TemporaryDirectory(prefix="cxy-attachments-") as folder:
        infos = draft.attachments(verify=False) if with_attachments else []
        # each PDF streamed to a file of ours, checked on the way (the first damaged one stops
        # here, named); qpdf reads them from there as it writes, so they are never all in memory
        files = [(info, draft.attachment_file(info.id, Path(folder))) for info in infos]
        yield draft.data(), files, is_final(draft)


def _own_pack(data: dict[str, Any], default: Pack) -> Pack:
    """The pack the application was made for: a package is printed with that call's forms and
    rules. A pack this program lacks is named with how to install it (``pack.unknown``), never
    printed under another year's forms (which said "no category chosen")."""
    from forms.pack import load_pack

    pack_id = data.get("pack")
    if isinstance(pack_id, str) and pack_id and pack_id != default.id:
        return load_pack(pack_id)
    return default


def _check_output(args: argparse.Namespace, *, directory: bool = False) -> Path:
    """Refuse a destructive ``-o`` before any work is done (``output.*``, exit 2)."""
    from forms.outputs import check_output

    output = Path(args.output)
    check_output(output, [Path(args.draft)], directory=directory)
    return output


def _write(args: argparse.Namespace, data: bytes) -> None:
    from forms.atomic import write_bytes

    output = _check_output(args)  # again: the build may have taken a while
    write_bytes(output, data, Text("输出文件", "the output file"), inputs=[Path(args.draft)])


def cmd_attach(args: argparse.Namespace, pack: Pack) -> int:
    """Each file: intake, preflight, the kind (``--kind``, else inferred), then stored, or refused
    as a duplicate of an attachment already there (exit 1 when any file was refused)."""
    import hashlib
    import sys

    from forms.attachments import normalise
    from forms.attachments.intake_record import encode, known_keys, records
    from forms.attachments.kinds import infer_kind
    from forms.attachments.preflight import examine, findings
    from forms.draft import Draft
    from forms.draft.attachments import entry_key

    files = [Path(name) for name in args.files]
    for file in files:
        if not file.is_file():
            raise UserError("attach.not_found", f"找不到文件：{file}", f"File not found: {file}")
    lang = getattr(args, "lang", "zh")
    draft = Draft.open(draft_file(args.draft))
    refused = 0
    try:
        keys = known_keys(records(draft))
        for number, file in enumerate(files, start=1):
            result = normalise(file, file.name)
            try:
                examination = examine(result.pdf)
            except UserError as exc:  # the file itself was accepted: it is added, unexamined
                print(
                    f"cxy: {file.name}: {_say(args, Text('未能预检', 'not preflighted'))}: {exc.message(lang)}",
                    file=sys.stderr,
                )
                examination = None
            title = args.title or file.stem
            if args.title and len(files) > 1:
                title = f"{args.title}（{number}）"
            guess = None if args.kind else infer_kind(pack, file.name, examination.text if examination else "")
            kind = guess.kind if guess is not None else args.kind
            sha = hashlib.sha256(result.pdf).hexdigest()
            entry = encode(sha, examination) if examination else None
            try:
                draft.add_attachment(
                    kind=kind,
                    title=title,
                    original_name=result.original_name,
                    source_format=result.source_format,
                    pages=result.pages,
                    sha256=sha,
                    pdf=result.pdf,
                    known_keys=keys,
                    content_key=examination.key if examination else None,
                    entries={entry_key(sha): entry} if entry else None,
                )
            except UserError as exc:
                if exc.code != "attach.duplicate":
                    raise
                print(f"cxy: {file.name}: {exc.message(lang)}", file=sys.stderr)
                refused += 1
                continue
            if examination is not None:
                keys[sha] = examination.key
            label = pack.kind_label(kind, lang)
            how = (
                {
                    "name": _say(args, Text("，按文件名判断", ", from its name")),
                    "text": _say(args, Text("，按首页文字判断", ", from its first page")),
                }.get(guess.source, "")
                if guess
                else ""
            )
            print(
                _say(
                    args,
                    Text(
                        f"已添加：{title}（{result.pages} 页，{label}{how}）",
                        f"Added: {title} ({result.pages} pages, {label}{how})",
                    ),
                )
            )
            found = findings(examination, len(result.pdf), int(pack.upload.max_file_mb * MB)) if examination else []
            if found:
                print(
                    _say(
                        args,
                        Text(
                            f"  预检发现 {len(found)} 项问题（cxy preflight 查看）：",
                            f"  preflight found {len(found)} issues (see cxy preflight):",
                        ),
                    )
                )
                for finding in found:
                    print(f"  - {finding.message(lang)}")
    finally:
        draft.close()
    return 1 if refused else 0


def cmd_detach(args: argparse.Namespace, pack: Pack) -> int:
    from forms.draft import Draft

    draft = Draft.open(draft_file(args.draft))
    try:
        infos = draft.attachments()
        info = numbered_attachment(infos, args.number, "detach.number")
        draft.remove_attachment(info.id)
    finally:
        draft.close()
    print(
        _say(
            args,
            Text(
                f"已移除附件 {args.number}：{shown(info.title)}",
                f"Removed attachment {args.number}: {shown(info.title)}",
            ),
        )
    )
    return 0


def cmd_build(args: argparse.Namespace, pack: Pack) -> int:
    from forms.package import write_package

    output = _check_output(args)
    with _application(Path(args.draft)) as (data, attachments, final):
        _check_output(args)  # again: reading the draft may have taken a while
        pack = _own_pack(data, pack)
        result = write_package(
            data, attachments, pack, output, budget_mb=args.budget_mb, final=final, inputs=[Path(args.draft)]
        )
    for note in result.notes:
        print(_say(args, note))
    size = f"{result.size / MB:.1f} MB"
    print(
        _say(
            args,
            Text(
                f"已生成 {args.output}：{result.pages} 页，{size}，校验码 {result.digest}",
                f"Wrote {args.output}: {result.pages} pages, {size}, check code {result.digest}",
            ),
        )
    )
    return 0


def cmd_print_set(args: argparse.Namespace, pack: Pack) -> int:
    from forms.package import build_print_set

    _check_output(args)
    with _application(Path(args.draft), with_attachments=args.with_attachments) as (data, attachments, final):
        pack = _own_pack(data, pack)
        pdf = build_print_set(
            data, pack, include_attachments=args.with_attachments, attachments=attachments, final=final
        )
    _write(args, pdf)
    print(
        _say(
            args,
            Text(
                f"已生成打印文件 {args.output}（{len(pack.copies)} 份）",
                f"Wrote the print set {args.output} ({len(pack.copies)} copies)",
            ),
        )
    )
    return 0


def cmd_upload_files(args: argparse.Namespace, pack: Pack) -> int:
    """Exit 0: every slot written within its limit; 1: some slot was not (each named, with its fix)."""
    from forms.package import upload_files

    out_dir = _check_output(args, directory=True)
    notes: list[Text] = []
    over: list[Any] = []
    with _application(Path(args.draft)) as (data, attachments, final):
        pack = _own_pack(data, pack)
        paths = upload_files(
            data,
            attachments,
            pack,
            out_dir,
            inputs=[Path(args.draft)],
            notes=notes,
            final=final,
            fix=args.fix,
            over=over,
        )
    for note in notes:
        print(_say(args, note))
    if not paths and not over:
        print(
            _say(
                args, Text("草稿中没有附件，未生成上传文件", "The draft has no attachments; no upload file was written")
            )
        )
    limit = pack.upload.max_file_mb
    for path in paths:
        size = f"{path.stat().st_size / MB:.1f} MB"
        print(
            _say(
                args, Text(f"已写出 {path}：{size}（限制 {limit:g} MB）", f"Wrote {path}: {size} (limit {limit:g} MB)")
            )
        )
    for slot in over:
        print(_say(args, slot.message))
    return 1 if over else 0


def cmd_verify(args: argparse.Namespace, pack: Pack) -> int:
    """Exit 0 intact (and matching the draft when given), 1 changed pages or differing fields;
    an unusable input is a UserError (exit 2)."""
    from forms.package.verify import verify

    verdict = verify(Path(args.package), Path(args.draft) if args.draft else None)
    print(verdict.message(getattr(args, "lang", "zh")))
    return 0 if verdict.ok else 1
