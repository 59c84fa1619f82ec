"""What a migration did, for a person (text) and for a script (JSON). The sentences are built in
the language the migration ran in; the codes (``reason``, ``change``) stay the same in both."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from forms.text import Text


@dataclass(frozen=True)
class Dropped:
    """A value not carried over. ``reason``: absent | kind | choice | wording | limit | damaged."""

    path: str
    label: str
    value: str
    reason: str
    message: str


@dataclass(frozen=True)
class NewRequired:
    """A required field the new draft leaves empty. ``reason``: new | now_required | refill | rows."""

    path: str
    label: str
    reason: str
    message: str


@dataclass(frozen=True)
class Judged:
    """A rule's verdict that differs. ``change``: new (now reported), changed (reported
    differently: ``old_message`` is the old wording) or gone (no longer reported)."""

    field: str
    label: str
    code: str
    severity: str
    change: str
    message: str | None
    old_message: str | None


@dataclass
class MigrationReport:
    source_pack: str
    source_year: int
    target_pack: str
    target_year: int
    category: str | None
    copied: list[str]
    dropped: list[Dropped]
    new_required: list[NewRequired]
    judged: list[Judged]
    attachments: int = 0  # carried over into the new draft
    output: str | None = None
    # What the journey needs, beside the values (issue 15): whose hands the draft is in (carried
    # over), its 定稿 (never carried: the new pack's checks were not passed), its records (carried)
    # and its undo history (not carried; said only where there was any).
    role: str | None = None
    role_label: str | None = None
    was_final: bool = False
    history: int = 0  # change history entries carried over
    handoffs: int = 0  # hand-off snapshots carried over
    undo_dropped: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        return data


def summary(report: MigrationReport, lang: str = "zh") -> str:
    """One line: from which pack to which, and how much was carried over."""
    return Text(
        f"已从{report.source_year}年规则包（{report.source_pack}）迁移到{report.target_year}年规则包"
        f"（{report.target_pack}）：沿用 {len(report.copied)} 项内容、{report.attachments} 个附件；"
        f"未沿用 {len(report.dropped)} 项，新增必填 {len(report.new_required)} 项，判定有变化 {len(report.judged)} 项。",
        f"Migrated from the {report.source_year} pack ({report.source_pack}) to the {report.target_year} pack "
        f"({report.target_pack}): {len(report.copied)} values and {report.attachments} attachments carried over; "
        f"{len(report.dropped)} not carried over, {len(report.new_required)} newly required, "
        f"{len(report.judged)} judged differently.",
    ).get(lang)


def final_note(report: MigrationReport, lang: str = "zh") -> str | None:
    """For a draft that was 定稿: the new one is not, and what to do about it; None otherwise."""
    if not report.was_final:
        return None
    return Text(
        f"原草稿已定稿，新草稿不是定稿：它还没有通过{report.target_year}年规则包的检查。"
        "请重新检查，改正报告的错误后再次定稿。",
        f"The old draft was final (定稿); the new draft is not: it has not passed the {report.target_year} "
        "pack's checks yet. Check it again, correct what the check reports, then mark it final again.",
    ).get(lang)


def notes(report: MigrationReport, lang: str = "zh") -> list[str]:
    """What else became of the draft's state (role, records, undo), one sentence each; a state
    the old draft did not have is not mentioned."""
    out = []
    if report.role:
        who = report.role_label or report.role
        out.append(
            Text(
                f"角色沿用：这份副本仍交由“{who}”填写，仍可与原始草稿比较合并。",
                f"Role carried over: this copy is still for '{who}' to fill in, and can still be merged into the original.",
            ).get(lang)
        )
    carried = [
        part
        for count, part in (
            (report.history, Text(f"变更记录（{report.history} 条）", f"the change history ({report.history})")),
            (report.handoffs, Text(f"交接记录（{report.handoffs} 份）", f"the hand-off records ({report.handoffs})")),
        )
        if count
    ]
    if carried:
        zh, en = "和".join(t.zh for t in carried), " and ".join(t.en for t in carried)
        out.append(Text(f"已沿用{zh}。", f"Carried over: {en}.").get(lang))
    if report.undo_dropped:
        out.append(
            Text(
                "原草稿的撤销记录没有带到新草稿：新草稿从迁移后的内容开始。",
                "The old draft's undo history was not carried over: the new draft starts from what was migrated.",
            ).get(lang)
        )
    return out


def sections(report: MigrationReport, lang: str = "zh", *, paths: bool = True) -> list[tuple[str, list[str]]]:
    """The three lists as (heading, lines), in the order a reader acts on them. ``paths``: name
    each field's contract path too (the command line, as ``cxy validate`` does); the app shows
    labels only."""
    colon = Text("：", ": ").get(lang)

    def name(label: str, path: str) -> str:
        return Text(f"{label}（{path}）", f"{label} ({path})").get(lang) if paths else label

    dropped = [f"{name(d.label, d.path)}{colon}{d.value} — {d.message}" for d in report.dropped]
    required = [f"{name(r.label, r.path)}{colon}{r.message}" for r in report.new_required]
    judged = [_judged_line(j, lang, paths) for j in report.judged]
    return [
        (Text(f"未沿用（{len(dropped)}）", f"Not carried over ({len(dropped)})").get(lang), dropped),
        (Text(f"新增且必填（{len(required)}）", f"New and required ({len(required)})").get(lang), required),
        (Text(f"判定有变化（{len(judged)}）", f"Judged differently ({len(judged)})").get(lang), judged),
    ]


def _judged_line(item: Judged, lang: str, paths: bool) -> str:
    """The rule's own message names the field; the path is added for the command line."""
    where = f"{item.field or '-'}{Text('：', ': ').get(lang)}" if paths else ""
    if item.change == "gone":
        return Text(f"[不再报告] {where}{item.old_message}", f"[no longer reported] {where}{item.old_message}").get(
            lang
        )
    mark = Text("错误", "error").get(lang) if item.severity == "error" else Text("警告", "warning").get(lang)
    line = f"[{mark}] {where}{item.message}"
    if item.old_message:
        line += Text(f"（原为：{item.old_message}）", f" (was: {item.old_message})").get(lang)
    return line


def as_text(report: MigrationReport, lang: str = "zh") -> str:
    final = final_note(report, lang)
    lines = [summary(report, lang), *([final] if final else []), *notes(report, lang)]
    none = Text("  （无）", "  (none)").get(lang)
    for heading, items in sections(report, lang):
        lines.append(heading + Text("：", ":").get(lang))
        lines.extend(f"  - {item}" for item in items) if items else lines.append(none)
    return "\n".join(lines)
