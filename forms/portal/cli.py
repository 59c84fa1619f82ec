"""``cxy portal DRAFT``: what to type into 技联在线, in the order of the 申报书, and the upload
files per slot with their sizes against the limit. Exit 0, or 1 when an upload slot is over
its limit (as ``cxy upload-files``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.cli_common import say_to as _say
from forms.text import Text

if TYPE_CHECKING:
    from forms.pack import Pack


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("portal")
    p.add_argument("draft", metavar="DRAFT")
    p.add_argument("--json", action="store_true", help='print {"items": [...], "slots": [...]}')
    # also after the command (cxy portal x.cxy --lang en); absent, the global --lang holds
    p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="language of the labels")
    p.set_defaults(func=cmd_portal)


def cmd_portal(args: argparse.Namespace, pack: Pack) -> int:
    from forms.cli_common import application_of, opened, pack_of

    from . import portal_items, upload_slots

    path = Path(args.draft)
    if path.suffix.lower() == ".json":  # its attachments are files beside it, not taken in: no slots
        data = application_of(path)
        pack = pack_of(data, pack)
        items = portal_items(data, pack, args.lang)
        slots = None
    else:
        with opened(path) as draft:
            data = draft.data()
            pack = pack_of(data, pack)
            items = portal_items(data, pack, args.lang)
            slots = upload_slots(draft, pack, lang=args.lang)
    if args.json:
        print(
            json.dumps(
                {"items": [i.as_dict() for i in items], "slots": [s.as_dict() for s in slots or []]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_text(args, items, slots)
    return 1 if any(s.over for s in slots or []) else 0


def _print_text(args: argparse.Namespace, items: list[Any], slots: list[Any] | None) -> None:
    from . import size_text

    width = len(str(len(items)))
    for number, item in enumerate(items, start=1):
        value = (
            item.value.replace("\n", "\n" + " " * (width + 2))
            if item.value
            else _say(args, Text("（未填写）", "(not entered)"))
        )
        print(f"{number:>{width}}. {item.label}{_say(args, Text('：', ': '))}{value}")
    print()
    if slots is None:
        print(
            _say(
                args,
                Text(
                    "上传文件：JSON 文件不含附件，请对草稿运行 cxy portal 或 cxy upload-files",
                    "Upload files: a JSON file holds no attachments; run cxy portal or cxy upload-files on the draft",
                ),
            )
        )
        return
    print(_say(args, Text("上传文件：", "Upload files:")))
    for slot in slots:
        limit = size_text(slot.limit)
        if slot.size is None:
            line = _say(
                args, Text(f"{slot.label}（{slot.file}）：没有附件", f"{slot.label} ({slot.file}): no attachments")
            )
        else:
            size = size_text(slot.size)
            line = _say(
                args,
                Text(
                    f"{slot.label}（{slot.file}）：{slot.attachments} 个附件，{size} / 限 {limit}",
                    f"{slot.label} ({slot.file}): {slot.attachments} attachment(s), {size} of {limit}",
                ),
            )
            if slot.over:
                line += "  " + slot.note
        print("  " + line)
