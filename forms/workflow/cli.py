"""The workflow commands of ``cxy``: handoff, diff, merge, finalise, unfinalise, history.
``register`` is called by :mod:`forms.cli`, which turns a UserError into one line, exit 2."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.cli_common import EXIT_OK, draft_file, shown
from forms.cli_common import say_to as _say
from forms.text import Text

if TYPE_CHECKING:
    from forms.pack import Pack

EXIT_DIFFERENT = 1  # diff/merge: the drafts differ (or a merge left conflicts)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("handoff")
    p.add_argument("draft")
    p.add_argument("--role", required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_handoff)

    p = subparsers.add_parser("diff")
    p.add_argument("ours")
    p.add_argument("theirs")
    p.add_argument("--json", action="store_true", help="print a list of {path, ours, theirs, conflict}")
    p.set_defaults(func=cmd_diff)

    p = subparsers.add_parser("merge")
    p.add_argument("draft")
    p.add_argument("returned")
    p.add_argument("--take", choices=["theirs", "ours"], help="resolve every difference of the role one way")
    p.add_argument(
        "--pick",
        action="append",
        default=[],
        metavar="PATH=SIDE",
        help="resolve one difference (a field path or attachment:<sha256>, as cxy diff --json names it): "
        "theirs or ours; repeatable, before --take",
    )
    p.set_defaults(func=cmd_merge)

    p = subparsers.add_parser("finalise")
    p.add_argument("draft")
    p.set_defaults(func=cmd_finalise)

    p = subparsers.add_parser("unfinalise")
    p.add_argument("draft")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_unfinalise)

    p = subparsers.add_parser("history")
    p.add_argument("draft")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)


def _pack_of(draft: Any, fallback: Pack) -> Pack:
    """The draft's own pack when this program has it; otherwise ``fallback``, whose checks report
    the mismatch (as every other command does: :func:`forms.cli_common.pack_of`)."""
    from forms.pack import pack_named

    return pack_named(draft.meta().get("pack"), fallback)


def cmd_handoff(args: argparse.Namespace, pack: Pack) -> int:
    from forms.cli_common import opened
    from forms.errors import UserError
    from forms.workflow import handoff

    if Path(args.output).exists():  # no dialog asks here: never replace a file we did not write
        raise UserError(
            "workflow.output_exists",
            f"{args.output} 已存在，未做任何改动。请另选一个文件名。",
            f"{args.output} already exists; nothing was changed. Choose another file name.",
        )
    handoff(draft_file(args.draft), args.role, Path(args.output), lang=args.lang)
    with opened(Path(args.output)) as copy:
        spec = _pack_of(copy, pack).role(args.role)
    assert spec is not None  # handoff() above refused a role the pack does not have
    print(
        _say(
            args,
            Text(
                f"已写出交给“{spec.label.zh}”填写的副本 {args.output}",
                f"Wrote the copy for {spec.label.en} to fill: {args.output}",
            ),
        )
    )
    print(spec.instructions.get(args.lang))
    return EXIT_OK


def _show(value: Any) -> str:
    return "（空）" if value is None else shown(value)


def cmd_diff(args: argparse.Namespace, pack: Pack) -> int:
    from forms.cli_common import opened
    from forms.workflow import diff

    with opened(draft_file(args.ours)) as ours, opened(draft_file(args.theirs)) as theirs:
        d = diff(ours, theirs, _pack_of(ours, pack))
    if args.json:
        print(json.dumps(d.as_json(), ensure_ascii=False, indent=2))
    else:
        for f in d.fields:
            mark = _say(args, Text("【冲突】", "[conflict] ")) if f.conflict else ""
            print(f"{mark}{f.label.get(args.lang)} ({f.path}): {_show(f.ours)} → {_show(f.theirs)}")
        for a in d.attachments:
            mark = _say(args, Text("【冲突】", "[conflict] ")) if a.conflict else ""
            info = a.theirs or a.ours
            assert info is not None  # a diff of an attachment has it on at least one side
            change = {
                "added": Text("新增", "added"),
                "removed": Text("删除", "removed"),
                "changed": Text("修改", "changed"),
            }[a.change]
            print(
                f"{mark}{_say(args, Text('附件', 'attachment'))} {_say(args, change)}: {shown(info.title)} "
                f"({shown(info.kind)})"
            )
        if d.same:
            print(_say(args, Text("两份草稿内容相同", "The drafts are the same")))
    return EXIT_OK if d.same else EXIT_DIFFERENT


def cmd_merge(args: argparse.Namespace, pack: Pack) -> int:
    from forms.draft import Draft
    from forms.workflow import merge
    from forms.workflow.handoff import role_label

    returned = draft_file(args.returned)
    choices = _picks(args.pick)
    with Draft.open(draft_file(args.draft)) as draft:
        result = merge(draft, returned, take=args.take, choices=choices)
        own = _pack_of(draft, pack)
    who = _say(args, role_label(own, result.role) if result.role else Text("（未注明角色）", "(no role)"))
    print(
        _say(
            args,
            Text(
                f"已合并“{who}”返回的文件：采用对方 {len(result.taken)} 处，保留本方 {len(result.kept)} 处",
                f"Merged the file returned by {who}: took {len(result.taken)} change(s), kept ours in {len(result.kept)}",
            ),
        )
    )
    if result.skipped:
        print(
            _say(
                args,
                Text(
                    f"不属于该角色、未采用：{', '.join(result.skipped)}",
                    f"Outside that role, not taken: {', '.join(result.skipped)}",
                ),
            )
        )
    if result.conflicts_left:
        print(
            _say(
                args,
                Text(
                    f"未解决的冲突（未合并）：{', '.join(result.conflicts_left)}；"
                    "用 --pick 路径=theirs 或 --pick 路径=ours 逐项解决，或用 --take theirs / --take ours 全部解决",
                    f"Conflicts left unmerged: {', '.join(result.conflicts_left)}; resolve each with --pick PATH=theirs "
                    "or --pick PATH=ours, or all with --take theirs / --take ours",
                ),
            )
        )
        return EXIT_DIFFERENT
    return EXIT_OK


def _picks(picks: list[str]) -> dict[str, str]:
    from forms.errors import UserError

    out: dict[str, str] = {}
    for pick in picks:
        path, sep, side = pick.rpartition("=")
        if not sep or not path or side not in ("theirs", "ours"):
            raise UserError(
                "workflow.bad_pick",
                f"--pick {pick}：格式应为 路径=theirs 或 路径=ours（路径见 cxy diff --json）",
                f"--pick {pick}: use PATH=theirs or PATH=ours (the paths are those of cxy diff --json)",
            )
        out[path] = side
    return out


def cmd_finalise(args: argparse.Namespace, pack: Pack) -> int:
    from forms.draft import Draft
    from forms.workflow import finalise

    with Draft.open(draft_file(args.draft)) as draft:
        finalise(draft, _pack_of(draft, pack), lang=args.lang)
    print(_say(args, Text(f"已定稿：{args.draft}", f"Marked final: {args.draft}")))
    return EXIT_OK


def cmd_unfinalise(args: argparse.Namespace, pack: Pack) -> int:
    from forms.draft import Draft
    from forms.workflow import unfinalise

    with Draft.open(draft_file(args.draft)) as draft:
        unfinalise(draft, args.reason)
    print(_say(args, Text(f"已解除定稿：{args.draft}", f"Reopened for editing: {args.draft}")))
    return EXIT_OK


def cmd_history(args: argparse.Namespace, pack: Pack) -> int:
    from forms.cli_common import opened

    with opened(draft_file(args.draft)) as draft:
        entries = draft.history()
    if args.json:
        print(json.dumps([e.__dict__ for e in entries], ensure_ascii=False, indent=2))
        return EXIT_OK
    for e in entries:  # a received copy's rows too: each shown as one printable line
        change = f" {shown(e.path)}: {_show(e.old)} → {_show(e.new)}" if e.path else ""
        note = f" ({shown(e.note)})" if e.note else ""
        print(f"{shown(e.at)} [{shown(e.role or '-')}] {e.action}{change}{note}")
    return EXIT_OK
