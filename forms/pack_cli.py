"""``cxy packs [--json]`` lists the bundled and installed rule packs; ``cxy packs install
FOLDER|ZIP [--replace]`` installs one into the user's data folder (checked before it is copied)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .cli_common import EXIT_ISSUES, EXIT_OK, say_to
from .text import Text


def cmd_packs(args: argparse.Namespace, pack: Any) -> int:
    from .pack_install import list_packs

    found = list_packs()
    if args.json:
        print(json.dumps({"packs": [info.as_json(args.lang) for info in found]}, ensure_ascii=False, indent=1))
        return EXIT_OK if all(info.verified for info in found) else EXIT_ISSUES
    for info in found:
        where = (
            say_to(args, Text("自带", "bundled"))
            if info.where == "bundled"
            else say_to(args, Text("已安装", "installed"))
        )
        state = (
            say_to(args, Text("已验证", "verified"))
            if info.verified
            else say_to(args, Text("无法载入", "does not load"))
        )
        print(f"{info.id}\t{info.year or '?'}\t{','.join(info.categories)}\t{where}\t{state}")
        if info.problem is not None:
            print(f"  {info.problem.message(args.lang)}")
    return EXIT_OK if all(info.verified for info in found) else EXIT_ISSUES


def cmd_install(args: argparse.Namespace, pack: Any) -> int:
    from .pack_install import install

    info = install(Path(args.source), replace=args.replace)
    print(
        say_to(
            args,
            Text(
                f"已安装规则包 {info.id}（{info.year}，类别：{'、'.join(info.categories)}）：{info.folder}",
                f"Installed the rule pack {info.id} ({info.year}, categories: {', '.join(info.categories)}): {info.folder}",
            ),
        )
    )
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("packs", help="list the rule packs (bundled and installed), or install one")
    p.add_argument("--json", action="store_true", help='print {"packs": [...]}')
    p.set_defaults(func=cmd_packs)
    actions = p.add_subparsers(dest="packs_action")
    q = actions.add_parser("install", help="install a pack folder or .zip into the user's data folder")
    q.add_argument("source", help="a pack folder (with pack.toml) or a .zip of one")
    q.add_argument("--replace", action="store_true", help="replace an installed pack of the same id")
    q.set_defaults(func=cmd_install)
