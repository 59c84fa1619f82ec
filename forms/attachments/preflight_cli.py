"""``cxy preflight DRAFT [--json]``: what an office would send back about each attachment.

Exit 0: no findings; 1: findings; 2: unusable (the draft, or an attachment that cannot be read).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.cli_common import shown
from forms.text import Text

if TYPE_CHECKING:
    from forms.pack import Pack


MB = 1024 * 1024


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("preflight")
    p.add_argument("draft")
    p.add_argument("--json", action="store_true", help="{findings: [{attachment, page, code, message, fix}], ...}")
    p.set_defaults(func=cmd_preflight)


def report(draft: Any, pack: Pack, lang: str, *, params: bool = False) -> dict[str, Any]:
    """Findings and unusable attachments of a draft, as the JSON of ``cxy preflight --json``
    (``params``: each finding also carries its parameters, for the text printout's fixes)."""
    from forms.attachments.intake_record import records
    from forms.attachments.preflight import findings

    limit = int(pack.upload.max_file_mb * MB)
    out: dict[str, Any] = {"attachments": [], "findings": [], "unusable": []}
    for record in records(draft):
        info = record.info
        out["attachments"].append(
            {
                "attachment": record.number,
                "title": info.title,
                "kind": info.kind,
                "pages": info.pages,
                "bytes": info.size,
            }
        )
        if record.examination is None:
            assert record.error is not None  # a record has its examination or the reason it has none
            out["unusable"].append(
                {"attachment": record.number, "code": record.error.code, "message": record.error.message(lang)}
            )
            continue
        for finding in findings(record.examination, info.size, limit):
            out["findings"].append(
                {
                    "attachment": record.number,
                    "page": finding.page,
                    "code": finding.code,
                    "message": finding.message(lang),
                    "fix": finding.fix,
                    **({"params": finding.params} if params else {}),
                }
            )
    return out


def cmd_preflight(args: argparse.Namespace, pack: Pack) -> int:
    lang = getattr(args, "lang", "zh")
    with _draft(Path(args.draft)) as draft:
        result = report(draft, pack, lang, params=not args.json)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print(result, pack, lang)
    if result["unusable"]:
        return 2
    return 1 if result["findings"] else 0


def _print(result: dict[str, Any], pack: Pack, lang: str) -> None:
    for item in result["attachments"]:
        number, size = item["attachment"], f"{item['bytes'] / MB:.1f} MB"
        kind = pack.kind_label(item["kind"], lang)
        pages = f"{item['pages']} page" + ("s" if item["pages"] != 1 else "")
        print(
            Text(
                f"附件 {number}：{shown(item['title'])}（{kind}，{item['pages']} 页，{size}）",
                f"Attachment {number}: {shown(item['title'])} ({kind}, {pages}, {size})",
            ).get(lang)
        )
        for bad in (u for u in result["unusable"] if u["attachment"] == number):
            print(f"  {bad['message']}")
        for finding in (f for f in result["findings"] if f["attachment"] == number):
            fix = fix_text(finding, item["pages"], lang)
            print(f"  {finding['message']}{Text(f'（修正：{fix}）', f' (fix: {fix})').get(lang) if fix else ''}")
    count = len(result["findings"])
    if not result["attachments"]:
        print(Text("草稿中没有附件", "The draft has no attachments").get(lang))
    elif not count and not result["unusable"]:
        print(Text("预检通过：没有发现问题", "Preflight passed: nothing found").get(lang))
    else:
        print(Text(f"共 {count} 项预检问题", f"{count} preflight findings").get(lang))


# fix id (forms.attachments.preflight.FIXES) -> (its wording, the cxy pages options that apply it)
FIX_TEXTS = {
    "rotate": (Text("顺时针旋转 {degrees}°", "turn it {degrees}° clockwise"), "--rotate {page}={degrees}"),
    "delete": (Text("删除该页", "delete the page"), "--delete {page}"),
    "a4": (Text("缩放到 A4", "fit it onto A4"), "--a4"),
    "dpi150": (Text("图像降到 150 dpi", "downsample its images to 150 dpi"), "--dpi 150"),
    "dpi200": (Text("图像降到 200 dpi", "downsample its images to 200 dpi"), "--dpi 200"),
    "grey": (Text("转为灰度", "convert it to grey"), "--grey"),
    "split": (Text("拆分为两个附件", "split it into two attachments"), "--split {middle}"),
}


def fix_text(finding: dict[str, Any], pages: int, lang: str) -> str:
    """A finding's fix in words, with the command that applies it (``cxy pages N …``); "" for
    none. The JSON keeps the fix id for scripts."""
    fix = finding.get("fix")
    if fix not in FIX_TEXTS:
        return ""
    text, options = FIX_TEXTS[fix]
    page = finding.get("page") or 1
    angle = (finding.get("params") or {}).get("angle")  # rotated_text: the text runs this far counter-clockwise
    values = {"page": page, "degrees": angle if angle in (90, 180, 270) else 90, "middle": pages // 2 + 1}
    words = text.get(lang).format(**values)
    if fix == "split" and pages < 2:
        return words
    command = f"cxy pages {finding['attachment']} {options.format(**values)}"
    return Text(f"{words}，命令 {command}", f"{words}, command: {command}").get(lang)


@contextmanager
def _draft(path: Path) -> Iterator[Any]:
    """Read-only, where it lies; not inside one long snapshot (examining may take a while, and
    a snapshot held that long would make the app's saves wait). An older format is read
    through ``opened``'s private upgraded copy."""
    from forms.cli_common import opened
    from forms.draft import Draft, DraftError

    try:
        draft = Draft.open(path, readonly=True)
    except DraftError as exc:
        if exc.code != "draft.needs_upgrade":
            raise
        with opened(path) as copy:
            yield copy
        return
    try:
        yield draft
    finally:
        draft.close()
