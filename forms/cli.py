"""``cxy``: the headless command line. Errors are one readable line (exit 2), never a traceback.

Start-up: this module imports nothing of its own at module level. The commands of other modules
are known by name (:data:`COMMANDS`) and a module is imported only when one of its commands is
chosen; every command imports what it needs inside its function."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .cli_common import EXIT_ISSUES, EXIT_OK, EXIT_UNUSABLE
from .errors import UserError
from .text import Text

if TYPE_CHECKING:
    from .pack import Pack

# Every command defined outside this module: name -> (the module whose ``register(subparsers)``
# adds it, its line in ``cxy --help``). The line lives here so that the help lists every command
# without importing any of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "handoff": ("forms.workflow.cli", "write a copy of a draft for one role (e.g. the enterprise) to fill"),
    "diff": ("forms.workflow.cli", "compare two drafts (exit 0 same, 1 different, 2 unusable)"),
    "merge": ("forms.workflow.cli", "take a returned copy's changes (exit 0 merged, 1 conflicts left)"),
    "finalise": ("forms.workflow.cli", "mark a draft final (定稿); refused while it has errors"),
    "unfinalise": ("forms.workflow.cli", "reopen a final draft for editing (a reason is required)"),
    "history": ("forms.workflow.cli", "the draft's change history (变更记录)"),
    "template": ("forms.template.cli", "official Word templates imported as verified pack text (导入官方模板)"),
    "batch": (
        "forms.office.cli",
        (
            "check a folder of drafts, JSON files and packages as one batch "
            "(exit 0 all eligible, 1 issues, 2 unreadable folder)"
        ),
    ),
    "portal": ("forms.portal.cli", "the portal's fields in the order of the printed form, and the upload files"),
    "attach": ("forms.package.cli", "add scans or PDFs to a draft (sanitised on intake)"),
    "detach": ("forms.package.cli", "remove attachment N (as numbered by validate) from a draft"),
    "build": ("forms.package.cli", "draft → one PDF package (cover, forms, letters, attachments)"),
    "print-set": ("forms.package.cli", "draft → three collated paper copies with routing slips"),
    "upload-files": (
        "forms.package.cli",
        "draft → one PDF per portal upload slot (exit 1: a slot is over its limit)",
    ),
    "verify": ("forms.package.cli", "is a sealed (final) PDF intact, and does it match the draft?"),
    "pages": (
        "forms.attachments.pages_cli",
        "fix pages of attachment N: rotate, delete, move, A4, dpi, grey, crop, split",
    ),
    "undo": ("forms.attachments.pages_cli", "undo the last attachment operation of a draft"),
    "redo": ("forms.attachments.pages_cli", "redo the last undone attachment operation of a draft"),
    "migrate": ("forms.migrate.cli", "carry a draft over into a new draft of another year's pack"),
    "packs": ("forms.pack_cli", "list the rule packs (bundled and installed), or install one"),
    "preflight": (
        "forms.attachments.preflight_cli",
        "check every attachment: size, A4, resolution, rotation, blank pages, colour",
    ),
}


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The subcommands. A command of :data:`COMMANDS` is a placeholder (its name and help line)
    until it is chosen; then its module is imported and registers the real parser."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._modules: dict[str, str] = {}

    def add_placeholders(self, commands: dict[str, tuple[str, str]]) -> None:
        for name, (module, line) in commands.items():
            super().add_parser(name, help=line)
            self._modules[name] = module

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if self._modules.pop(name, None) is not None:  # the real parser replaces the placeholder
            del self._name_parser_map[name]
            kwargs.pop("help", None)  # the help line is the table's
        parser: argparse.ArgumentParser = super().add_parser(name, **kwargs)
        return parser

    def load(self, name: str) -> None:
        module = self._modules.get(name)
        if module is not None:
            importlib.import_module(module).register(self)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *args: Any) -> None:
        name = args[0][0]
        self.load(name)
        chosen = self._name_parser_map.get(name)
        # ``--lang`` and ``--pack`` after the command too (cxy merge a.cxy b.cxy --lang en was
        # "unrecognized arguments"); absent there, the values before the command hold
        for option, extra in (("--lang", {"choices": ["zh", "en"]}), ("--pack", {"metavar": "PACK"})):
            if chosen is not None and option not in chosen._option_string_actions:
                chosen.add_argument(option, default=argparse.SUPPRESS, help=f"as cxy {option}", **extra)
        super().__call__(parser, namespace, *args)


def cmd_new(args: argparse.Namespace, pack: Pack) -> int:
    from .transfer import create_draft

    _require_category(args.category, pack)
    create_draft(Path(args.output), pack=pack.id, category=args.category)
    print(Text(f"已新建草稿 {args.output}", f"Created draft {args.output}").get(args.lang))
    return EXIT_OK


def cmd_sample(args: argparse.Namespace, pack: Pack) -> int:
    from .samples import fill_sample
    from .transfer import create_draft

    _require_category(args.category, pack)
    create_draft(
        Path(args.output),
        pack=pack.id,
        category=args.category,
        fill=lambda draft: fill_sample(draft, args.category, pack),
    )
    print(Text(f"已生成示例草稿 {args.output}", f"Wrote sample draft {args.output}").get(args.lang))
    return EXIT_OK


def cmd_import(args: argparse.Namespace, pack: Pack) -> int:
    from .transfer import import_json_file

    _refuse_if_locked(Path(args.output))
    notes: list[Text] = []
    import_json_file(Path(args.json), Path(args.output), default_pack=pack.id, notes=notes)
    for note in notes:  # values converted on the way in (123456元 → 12.3456 万元)
        print(note.get(args.lang))
    print(Text(f"已导入到 {args.output}", f"Imported into {args.output}").get(args.lang))
    return EXIT_OK


class _Intact:
    """A draft as export sees it: damaged attachments left out, each with a note, so that
    everything else can still be rescued."""

    def __init__(self, draft: Any, lang: str) -> None:
        self._draft, self._lang = draft, lang

    def __getattr__(self, name: str) -> Any:
        return getattr(self._draft, name)

    def attachments(self) -> list[Any]:
        kept = []
        for number, info in enumerate(self._draft.attachments(), start=1):
            if info.damaged:
                print(
                    Text(
                        f"cxy: 附件 {number}（{info.title}）已损坏，未导出（可用 cxy detach 移除）",
                        f"cxy: attachment {number} ({info.title}) is damaged and was not exported "
                        "(remove it with cxy detach)",
                    ).get(self._lang),
                    file=sys.stderr,
                )
            else:
                kept.append(info)
        return kept


def _refuse_if_locked(path: Path) -> None:
    """A write onto a draft someone is editing names them, before any other refusal."""
    from .draft import lock

    holder = lock.holder(path)
    if holder is not None:
        raise lock.locked_error(holder)


def cmd_export(args: argparse.Namespace, pack: Pack) -> int:
    from .cli_common import opened
    from .outputs import check_output
    from .transfer import export_json

    draft_path = Path(args.draft)
    output = Path(args.output) if args.output else None
    notes: list[Text] = []
    if output is not None:  # before the draft is read: a refused output costs nothing
        check_output(output, [draft_path])
        if not output.parent.is_dir():  # the attachments folder beside it made the whole path
            raise UserError(
                "output.no_folder",
                f"找不到输出文件所在的文件夹：{output.parent}，未做任何改动",
                f"The folder of the output was not found: {output.parent}; nothing was written",
            )
        check_output(output.with_name(output.stem + "_attachments"), [draft_path], directory=True)
    with opened(draft_path) as draft:
        text = export_json(_Intact(draft, args.lang), output, inputs=[draft_path], notes=notes)
    for note in notes:
        print(note.get(args.lang))
    if args.output:
        print(Text(f"已导出到 {args.output}", f"Exported to {args.output}").get(args.lang))
    else:
        sys.stdout.write(text + "\n")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, pack: Pack) -> int:
    from .checks import check, check_batch
    from .checks.attachment_state import check_attachment_state, without_state
    from .checks.issue import is_rule_id
    from .cli_common import application_and_attachments, pack_of, shown

    loaded = {name: application_and_attachments(Path(name)) for name in args.files}
    named = [(name, loaded[name][0]) for name in args.files]
    batch = check_batch(named, pack, args.lang) if len(named) > 1 else {}
    report: dict[str, list[dict[str, str]]] = {}
    for name, data in named:
        items = [{"kind": a.kind, "title": a.title, "damaged": a.damaged} for a in loaded[name][1]]
        if items:
            data = {**data, "attachments": items}
        issues = check(without_state(data), pack_of(data, pack), args.lang) + batch.get(name, [])
        issues += check_attachment_state(data, args.lang)
        report[name] = [issue.as_dict() for issue in issues]
    has_errors = any(i["severity"] == "error" for listed in report.values() for i in listed)
    if args.json:
        payload: Any = {"issues": report[named[0][0]]} if len(named) == 1 else {"files": report}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for name, listed in report.items():
            errs = sum(1 for i in listed if i["severity"] == "error")
            warns = len(listed) - errs
            print(
                Text(f"{name}：{errs} 个错误，{warns} 个警告", f"{name}: {errs} errors, {warns} warnings").get(
                    args.lang
                )
            )
            for i in listed:
                mark = (
                    Text("错误", "error").get(args.lang)
                    if i["severity"] == "error"
                    else Text("警告", "warning").get(args.lang)
                )
                # a notice rule id (G3) is for --json only; other codes name the problem for scripts
                code = "" if is_rule_id(i["code"]) else f"{i['code']} "
                print(f"  [{mark}] {code}{i['field'] or '-'}: {i['message']}")
            names = pack_of(loaded[name][0], pack)  # the kind as the draft's call names it; --json keeps ids
            for number, a in enumerate(loaded[name][1], start=1):  # the N of `cxy detach DRAFT N`
                state = Text("，已损坏", ", DAMAGED").get(args.lang) if a.damaged else ""
                label = names.kind_label(a.kind, args.lang)
                title = shown(a.title)  # from the file, maybe a received one
                print(
                    Text(
                        f"  附件 {number}：{title}（{label}，{a.pages} 页{state}）",
                        f"  attachment {number}: {title} ({label}, {a.pages} page{'' if a.pages == 1 else 's'}{state})",
                    ).get(args.lang)
                )
    return EXIT_ISSUES if has_errors else EXIT_OK


def _require_category(category: str, pack: Pack) -> None:
    if pack.category(category) is None:
        names = ", ".join(c.id for c in pack.categories)
        raise UserError(
            "cli.category",
            f"未知类别“{category}”，可选：{names}",
            f"Unknown category '{category}'; choose one of: {names}",
        )


class _PrintVersion(argparse.Action):
    """``--version``: the version is looked up only when asked (other commands start without it)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from .version import version

        print(f"{parser.prog} {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxy", description="产学研申报助手（命令行） / CXY Apply, headless")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of messages (default zh)")
    parser.add_argument(
        "--pack",
        help="rule pack: an id (see cxy packs) or a pack folder (default: the built-in pack of the current call)",
    )
    parser.add_argument("--version", action=_PrintVersion)
    sub = cast(_Commands, parser.add_subparsers(dest="command", required=True, action=_Commands))

    p = sub.add_parser("new", help="create an empty draft")
    p.add_argument("--category", required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("sample", help="write a complete, eligible sample draft")
    p.add_argument("--category", required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("import", help="JSON (data contract) → draft")
    p.add_argument("json")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="draft → JSON")
    p.add_argument("draft")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("validate", help="check drafts or JSON files (exit 0 ok, 1 errors, 2 unusable)")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true", help='print {"issues": [...]}')
    p.set_defaults(func=cmd_validate)

    sub.add_placeholders(COMMANDS)
    return parser


EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for `cxy … | head`


def _tolerant_streams() -> None:
    """A console or pipe that cannot show Chinese (an ASCII or legacy code page) gets escapes,
    not a crash half-way through a report."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")


def _pipe_closed() -> int:
    """The reader of our output went away (``| head``): nothing is wrong with the input, and
    Python must not complain again when it flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_PIPE_CLOSED


def main(argv: list[str] | None = None) -> int:
    _tolerant_streams()
    # pydantic looks for plugins of other installed packages (reading every package's metadata,
    # ~12 ms) before it builds its first validator; this program uses none (issue 14 §1)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = build_parser()
    args = parser.parse_args(argv)
    from .draft import lock

    lock.PROGRAM = "cxy"  # named to whoever finds a draft in use
    try:
        from .pack import DEFAULT_PACK, resolve_pack

        pack = resolve_pack(args.pack or DEFAULT_PACK)
        code = int(args.func(args, pack))
        sys.stdout.flush()  # a closed pipe shows here, inside the guard
        return code
    except UserError as exc:
        print(f"cxy: {exc.message(args.lang)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _pipe_closed()
    except Exception as exc:  # the last guard: one line, never a traceback
        print(
            Text(
                f"cxy: 内部错误：{type(exc).__name__}: {exc}", f"cxy: internal error: {type(exc).__name__}: {exc}"
            ).get(args.lang),
            file=sys.stderr,
        )
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
