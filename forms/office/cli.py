"""``cxy batch DIR [--json] [--xlsx OUT] [--csv OUT] [--recursive]``: a folder of applications
as one table. Exit 0 all eligible, 1 any issue (an unusable file included), 2 the folder cannot
be read or an output is refused (a UserError, turned into one line by :mod:`forms.cli`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.cli_common import shown
from forms.text import Text

if TYPE_CHECKING:
    from forms.pack import Pack


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("batch")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--json", action="store_true", help='print {"folder", "eligible", "rows": [...]}')
    p.add_argument("--xlsx", metavar="OUT", help="write the summary table as .xlsx")
    p.add_argument("--csv", metavar="OUT", help="write the summary table as CSV (UTF-8 with BOM)")
    p.add_argument("--recursive", action="store_true", help="also read the folder's sub-folders")
    # also after the folder (cxy batch DIR --lang en); when absent, cxy's own --lang stands
    p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="language of the table and messages")
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace, pack: Pack) -> int:
    from forms.office.batch import list_files, scan_folder
    from forms.office.sheet import write_csv, write_xlsx
    from forms.outputs import check_output

    folder = Path(args.folder)
    outputs = [Path(o) for o in (args.xlsx, args.csv) if o]
    if outputs:  # a refused output costs no reading
        inputs = list_files(folder, args.recursive)
        for out in outputs:
            check_output(out, inputs)
    batch = scan_folder(folder, pack, args.lang, recursive=args.recursive)
    if args.xlsx:
        write_xlsx(batch, Path(args.xlsx), args.lang)
    if args.csv:
        write_csv(batch, Path(args.csv), args.lang)
    if args.json:
        payload = {
            "folder": str(batch.folder),
            "eligible": batch.eligible(),
            "rows": [row.as_dict() for row in batch.rows],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_table(batch, args.lang)
        for out in outputs:
            print(Text(f"已写入 {out}", f"Wrote {out}").get(args.lang), file=sys.stderr)
    return batch.exit_code()


def _pad(text: str, width: int) -> str:
    from forms.office.sheet import display_width

    return text + " " * max(0, width - display_width(text))


def _clip(text: str, width: int) -> str:
    from forms.office.sheet import display_width

    if display_width(text) <= width:
        return text
    while text and display_width(text) > width - 1:
        text = text[:-1]
    return text + "…"


_HEAD = (
    Text("序号", "#"),
    Text("文件", "File"),
    Text("类别", "Category"),
    Text("项目名称", "Project"),
    Text("负责人", "Leader"),
    Text("合作企业", "Enterprise"),
    Text("错误/警告", "Err/Warn"),
    Text("状态", "Status"),
)
_ERROR, _WARNING = Text("错误", "error"), Text("警告", "warning")


def _print_table(batch: Any, lang: str) -> None:
    from forms.office.sheet import display_width, status

    en = lang == "en"
    head = [heading.get(lang) for heading in _HEAD]
    limits = [4, 28, 24, 30, 10, 24, 6, 0]  # 0: the last column runs to the end of the line
    # the pack's English labels are long sentences; the category id says as much in a column
    lines = [
        [
            str(n),
            row.file,
            (row.category if en else row.category_label) or "-",
            row.project or "-",
            row.leader or "-",
            row.enterprise or "-",
            f"{row.errors}/{row.warnings}" if row.usable else "-",
            status(row, lang, named=False),
        ]
        for n, row in enumerate(batch.rows, start=1)
    ]
    # names and values come from the files in the folder: one printable line each
    lines = [
        [_clip(shown(cell), limit) if limit else shown(cell) for cell, limit in zip(line, limits)] for line in lines
    ]
    widths = [max([display_width(h)] + [display_width(line[i]) for line in lines]) for i, h in enumerate(head)]
    for line in [head, *lines]:
        print("  ".join(_pad(cell, widths[i]) if i < len(line) - 1 else cell for i, cell in enumerate(line)))
    for row in batch.rows:
        found = [*row.issues, *row.cross]
        if not found:
            continue
        print(f"\n{shown(row.file)}:")
        for issue in found:
            mark = (_ERROR if issue.severity == "error" else _WARNING).get(lang)
            print(f"  [{mark}] {shown(issue.field or '-')}: {shown(issue.message)}")
    eligible = sum(1 for row in batch.rows if row.eligible)
    unusable = sum(1 for row in batch.rows if not row.usable)
    total = len(batch.rows)
    print(
        Text(
            f"\n共 {total} 份，符合条件 {eligible} 份，无法使用 {unusable} 份",
            f"\n{total} file(s): {eligible} eligible, {unusable} unusable",
        ).get(lang)
    )
