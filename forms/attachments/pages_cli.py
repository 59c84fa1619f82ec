"""``cxy pages DRAFT N …`` (page fixes on attachment N), ``cxy undo DRAFT`` and ``cxy redo DRAFT``.

Page numbers in one ``pages`` command mean the pages as they are before it: rotations, crops
and straightening first, then the whole-attachment fixes (A4, dpi, grey), then the moves and
deletions as one new page order; a split comes last and counts the pages as they are then. ``register`` is called by
:mod:`forms.package.cli`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from forms.cli_common import numbered_attachment, shown
from forms.cli_common import say_to as _say
from forms.errors import UserError
from forms.text import Text

ACTIONS = {
    "add": Text("添加附件", "adding an attachment"),
    "remove": Text("移除附件", "removing an attachment"),
    "reorder": Text("调整附件顺序", "reordering the attachments"),
    "update": Text("修改附件类别或标题", "changing an attachment's kind or title"),
    "replace": Text("替换附件内容", "replacing an attachment's content"),
    "pages": Text("页面修正", "a page fix"),
    "split": Text("拆分附件", "splitting an attachment"),
}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("pages")
    p.add_argument("draft")
    p.add_argument("number", type=int, metavar="N", help="the attachment, numbered as validate lists them")
    p.add_argument(
        "--rotate", action="append", default=[], metavar="P=DEG", help="turn page P clockwise (90, 180, 270)"
    )
    p.add_argument("--delete", action="append", default=[], metavar="P", help="delete page P")
    p.add_argument("--move", action="append", default=[], metavar="P:Q", help="move page P to place Q")
    p.add_argument("--a4", action="store_true", help="fit pages larger than A4 onto A4 (aspect kept)")
    p.add_argument("--dpi", type=int, choices=(150, 200), help="downsample images to this resolution")
    p.add_argument("--grey", action="store_true", help="convert to grey")
    p.add_argument(
        "--crop",
        action="append",
        default=[],
        metavar="P=L,T,R,B",
        help="keep this rectangle of page P, in mm from its top-left corner as shown",
    )
    p.add_argument(
        "--straighten",
        action="append",
        default=[],
        metavar="P=DEG",
        help="turn page P's content by a small angle (counter-clockwise positive)",
    )
    p.add_argument("--split", type=int, metavar="P", help="pages P… become a new attachment after this one")
    p.set_defaults(func=cmd_pages)

    p = subparsers.add_parser("undo")
    p.add_argument("draft")
    p.set_defaults(func=cmd_undo)

    p = subparsers.add_parser("redo")
    p.add_argument("draft")
    p.set_defaults(func=cmd_redo)


def _syntax(option: str, value: str, form: str) -> UserError:
    return UserError("pages.syntax", f"{option} {value}：格式应为 {form}", f"{option} {value}: expected {form}")


def _int(text: str, option: str, value: str, form: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _syntax(option, value, form) from None


def _float(text: str, option: str, value: str, form: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _syntax(option, value, form) from None


def _pair(value: str, option: str, sep: str, form: str) -> tuple[str, str]:
    left, found, right = value.partition(sep)
    if not found:
        raise _syntax(option, value, form)
    return left.strip(), right.strip()


def ops_from_args(args: argparse.Namespace, pages: int) -> list[dict[str, Any]]:
    from forms.attachments import page_ops

    ops: list[dict[str, Any]] = []
    for value in args.rotate:
        page, degrees = _pair(value, "--rotate", "=", "P=DEG")
        ops.append(page_ops.rotate(_int(page, "--rotate", value, "P=DEG"), _int(degrees, "--rotate", value, "P=DEG")))
    for value in args.crop:
        page, box = _pair(value, "--crop", "=", "P=L,T,R,B")
        numbers = [_float(v, "--crop", value, "P=L,T,R,B") for v in box.split(",")]
        if len(numbers) != 4:
            raise _syntax("--crop", value, "P=L,T,R,B")
        ops.append(page_ops.crop(_int(page, "--crop", value, "P=L,T,R,B"), *numbers))
    for value in args.straighten:
        page, degrees = _pair(value, "--straighten", "=", "P=DEG")
        ops.append(
            page_ops.straighten(
                _int(page, "--straighten", value, "P=DEG"), _float(degrees, "--straighten", value, "P=DEG")
            )
        )
    if args.a4:
        ops.append(page_ops.fit_a4())
    if args.dpi:
        ops.append(page_ops.downsample(args.dpi))
    if args.grey:
        ops.append(page_ops.grey())
    order = list(range(pages))
    for value in args.move:
        moved, to = (_int(v, "--move", value, "P:Q") for v in _pair(value, "--move", ":", "P:Q"))
        if not (1 <= moved <= pages and 1 <= to <= pages):
            raise UserError(
                "pages.invalid",
                f"--move {value}：页码须在 1–{pages} 之间",
                f"--move {value}: pages are numbered 1–{pages}",
            )
        order.insert(to - 1, order.pop(order.index(moved - 1)))
    gone = {_int(v, "--delete", v, "P") - 1 for v in args.delete}
    if any(not 0 <= g < pages for g in gone):
        raise UserError(
            "pages.invalid", f"--delete：页码须在 1–{pages} 之间", f"--delete: pages are numbered 1–{pages}"
        )
    if args.move or gone:
        ops.append(page_ops.arrange([i for i in order if i not in gone]))
    return ops


def cmd_pages(args: argparse.Namespace, pack: Any) -> int:
    from forms.draft import Draft

    draft = Draft.open(Path(args.draft))
    try:
        infos = draft.attachments()
        info = numbered_attachment(infos, args.number, "pages.number")
        ops = ops_from_args(args, info.pages)
        if not ops and not args.split:
            raise UserError(
                "pages.nothing",
                "没有指定任何页面操作（见 cxy pages --help）",
                "No page operation given (see cxy pages --help)",
            )
        if ops:
            pages = draft.edit_pages(info.id, ops)
            print(
                _say(
                    args,
                    Text(
                        f"附件 {args.number}（{shown(info.title)}）已修改，现有 {pages} 页",
                        f"Attachment {args.number} ({shown(info.title)}) changed; it now has {pages} pages",
                    ),
                )
            )
        if args.split:
            draft.split_attachment(info.id, args.split)
            print(
                _say(
                    args,
                    Text(
                        f"附件 {args.number} 已从第 {args.split} 页拆分为两个附件",
                        f"Attachment {args.number} was split into two at page {args.split}",
                    ),
                )
            )
    finally:
        draft.close()
    return 0


def _step(args: argparse.Namespace, redo: bool) -> int:
    from forms.draft import Draft

    draft = Draft.open(Path(args.draft))
    try:
        action = draft.redo() if redo else draft.undo()
    finally:
        draft.close()
    what = ACTIONS.get(action, Text(action, action))
    print(
        _say(args, Text(f"已{'重做' if redo else '撤销'}：{what.zh}", f"{'Redone' if redo else 'Undone'}: {what.en}"))
    )
    return 0


def cmd_undo(args: argparse.Namespace, pack: Any) -> int:
    return _step(args, redo=False)


def cmd_redo(args: argparse.Namespace, pack: Any) -> int:
    return _step(args, redo=True)
