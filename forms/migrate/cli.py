"""``cxy migrate DRAFT --to PACK -o NEW [--json]``: a new draft of another year's pack, with the
report of what changed. Exit 0 when the new draft was written (its issues are the report's)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from forms.cli_common import EXIT_OK, draft_file, say_to
from forms.pack import Pack
from forms.text import Text


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("migrate", help="carry a draft over into a new draft of another year's pack")
    p.add_argument("draft", metavar="DRAFT")
    p.add_argument("--to", required=True, metavar="PACK", help="the new pack: a bundled id or a pack folder")
    p.add_argument("-o", "--output", required=True, help="the new draft (must not exist)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="language of the report")
    p.set_defaults(func=cmd_migrate)


def cmd_migrate(args: argparse.Namespace, pack: Pack) -> int:
    from . import as_text, migrate_draft, resolve_pack

    report = migrate_draft(draft_file(args.draft), resolve_pack(args.to), Path(args.output), args.lang)
    report.output = str(args.output)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(as_text(report, args.lang))
        print(
            say_to(
                args,
                Text(
                    f"新草稿：{args.output}（原草稿未改动）", f"New draft: {args.output} (the old draft is unchanged)"
                ),
            )
        )
    return EXIT_OK
