"""``cxy template import FILE.docx | list | remove ID``: the official templates an office has
imported. ``register`` is called by :mod:`forms.cli`, which turns a UserError into one line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.cli_common import EXIT_OK
from forms.cli_common import say_to as _say
from forms.text import Text

if TYPE_CHECKING:
    from forms.pack import Pack


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("template")
    sub = p.add_subparsers(dest="template_command", required=True)
    q = sub.add_parser("import", help="read an official .docx of 附件1–6 and use its text")
    q.add_argument("file", metavar="FILE.docx")
    q.add_argument("--json", action="store_true", help="print what was imported as JSON")
    q.set_defaults(func=cmd_import)
    q = sub.add_parser("list", help="the imported templates of the rule pack")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)
    q = sub.add_parser("remove", help="forget an imported template (annex-4, 4 or 附件4): the pack's text prints again")
    q.add_argument("id")
    q.set_defaults(func=cmd_remove)


def cmd_import(args: argparse.Namespace, pack: Pack) -> int:
    from . import import_template

    result = import_template(Path(args.file), pack)
    if args.json:
        payload = {**result.override.model_dump(), "stored": str(result.path), "replaced": result.replaced}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(result.summary(args.lang))
        if result.replaced:
            print(_say(args, Text("（已替换先前导入的同一附件）", "(replaced the earlier import of this attachment)")))
    return EXIT_OK


def cmd_list(args: argparse.Namespace, pack: Pack) -> int:
    from .store import Override, scan

    found = scan(pack.id)
    if args.json:
        items = [
            {**item.model_dump(exclude={"letter", "labels"}), "file": str(path), "usable": True}
            if isinstance(item, Override)
            else {"file": str(path), "usable": False, "problem": item}
            for path, item in found
        ]
        print(json.dumps({"pack": pack.id, "templates": items}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        print(
            _say(
                args,
                Text(f"规则包 {pack.id} 没有导入的官方模板", f"No official templates imported for rule pack {pack.id}"),
            )
        )
        return EXIT_OK
    for path, item in found:
        if isinstance(item, str):
            print(_say(args, Text(f"{path.stem}  已损坏，被忽略：{item}", f"{path.stem}  damaged, ignored: {item}")))
            continue
        what = (
            _say(args, Text(f"{len(item.letter.points)} 条承诺", f"{len(item.letter.points)} points"))
            if item.letter
            else _say(
                args,
                Text(
                    f"{len(item.labels)} 个栏目，未匹配 {len(item.unmatched)} 个",
                    f"{len(item.labels)} labels, {len(item.unmatched)} unmatched",
                ),
            )
        )
        title = Text(item.title, f"Annex {item.annex} ({'letter' if item.letter else 'form'})").get(args.lang)
        print(f"{item.id}  {title}  {what}  {item.source.name}  {item.source.imported}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace, pack: Pack) -> int:
    from .store import remove_override

    path = remove_override(pack.id, args.id)
    print(
        _say(
            args,
            Text(
                f"已删除导入的模板 {path.stem}，将使用规则包自带的文本",
                f"Removed the imported template {path.stem}; the rule pack's own text is used again",
            ),
        )
    )
    return EXIT_OK
