"""``cxy portal DRAFT``: what to type into 技联在线, in the order of the 申报书, and the upload
files per slot with their sizes against the limit. Exit 0, or 1 when an upload slot is over
its limit (as ``cxy upload-files``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.cli_common import say_to as _say
from forms.cli_common import shown
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
    warning: Text | None = None
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
            warning = _not_final(draft, pack)
    if warning is not None:
        print(_say(args, warning), file=sys.stderr)
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


def _not_final(draft: Any, pack: Pack) -> Text | None:
    """What is typed into the portal must be what was printed, sealed and stamped: a copy or a
    draft not yet final is said to be one (on stderr: stdout stays the list)."""
    from forms.package.cli import is_final
    from forms.workflow.handoff import role_label

    if draft.role is not None:
        who = role_label(pack, draft.role)
        return Text(
            f"注意：这是交给“{who.zh}”填写的副本；网上填报请以申报人定稿的原始草稿为准",
            f"Note: this is the copy handed to the {who.en}; type into the portal from the applicant's final draft",
        )
    if not is_final(draft):
        return Text(
            "注意：这份草稿尚未定稿；网上填报的内容应与定稿后打印、盖章的申报书一致",
            "Note: this draft is not final; what is typed into the portal should match the final, printed and "
            "stamped application",
        )
    return None


def _print_text(args: argparse.Namespace, items: list[Any], slots: list[Any] | None) -> None:
    from . import size_text

    width = len(str(len(items)))
    for number, item in enumerate(items, start=1):
        value = (
            item.value.replace("\n", "\n" + " " * (width + 2))
            if item.value
            else _say(args, Text("（未填写）", "(not entered)"))
        )
        print(f"{number:>{width}}. {item.label}{_say(args, Text('：', ': '))}{shown(value)}")
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
