"""A draft of one year's pack carried into a new draft of another: every value whose meaning is
unchanged is copied, the rest is reported (see :class:`forms.migrate.report.MigrationReport`).

"Meaning unchanged" is judged over the generic field paths of the data contract, never per
category: the same path is declared by the new pack for the draft's category, with the same kind,
a choice's value is still one of its options, the value fits the new pack's limits, and a
declaration still says the same words (signing one text is not signing another). The old draft
is only read; the new one is built under a hidden name and appears complete or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.errors import UserError
from forms.model import flatten, normalise, pattern_of, unflatten
from forms.pack import FieldSpec, Pack, RoleSpec, load_pack
from forms.text import Text

from .report import Dropped, Judged, MigrationReport, NewRequired

if TYPE_CHECKING:
    from forms.draft.history import HistoryEntry

META_KEYS = ("pack", "category", "attachments")


def family(pack_id: str) -> str:
    """``jiangsu-cxy-2023`` → ``jiangsu-cxy``: packs of one call across the years."""
    return re.sub(r"[-_]?\d{4}$", "", pack_id)


def known_packs() -> list[Pack]:
    """The packs this program ships or the user installed, each that loads."""
    from forms.pack_install import list_packs

    return [load_pack(info.id) for info in list_packs() if info.verified]


def newer_pack(current: Pack, candidates: Iterable[Pack]) -> Pack | None:
    """The latest pack of ``current``'s call that is of a later year, if any."""
    later = [p for p in candidates if family(p.id) == family(current.id) and p.year > current.year]
    return max(later, key=lambda p: p.year, default=None)


def _shown(value: Any, lang: str = "zh") -> str:
    if isinstance(value, bool):
        return Text("是" if value else "否", "yes" if value else "no").get(lang)
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _label(spec: FieldSpec | None, path: str, lang: str) -> str:
    return spec.label(lang) if spec is not None else path


def _declaration_words(pack: Pack) -> dict[str, str]:
    return {f"declarations.{d.key}": "".join(d.zh.split()) for d in pack.declarations}


def _why_not(path: str, value: Any, old: Pack, new: Pack, category: str | None, lang: str) -> tuple[str, str] | None:
    """Why the value at ``path`` does not carry over: (reason code, sentence); None if it does."""
    from forms.limits import LimitError, check_value

    pattern = pattern_of(path)
    old_spec = old.fields.get(pattern)
    new_spec = new.fields_for(category).get(pattern)
    if new_spec is None:
        return "absent", Text("新规则包没有这一项", "the new pack has no such field").get(lang)
    if old_spec is None:
        return "absent", Text("原规则包没有这一项", "the old pack had no such field").get(lang)
    if old_spec.kind != new_spec.kind:
        return "kind", Text(
            f"填写方式已改变（{old_spec.kind} → {new_spec.kind}）",
            f"its kind changed ({old_spec.kind} → {new_spec.kind})",
        ).get(lang)
    if new_spec.kind == "choice" and new_spec.choices:
        options = new.choice_labels(new_spec.choices, lang, category)
        if value not in options:
            return "choice", Text(
                f"已不是可选项（可选：{'、'.join(options.values())}）",
                f"no longer an option (options: {', '.join(options.values())})",
            ).get(lang)
    old_words, new_words = _declaration_words(old).get(path), _declaration_words(new).get(path)
    if old_words is not None and old_words != new_words:
        return "wording", Text("声明的措辞已改变", "the declaration's wording changed").get(lang)
    try:
        check_value(path, value, new)
    except LimitError as exc:
        return "limit", exc.message(lang)
    return None


def plan(data: dict[str, Any], old: Pack, new: Pack, lang: str = "zh") -> tuple[dict[str, Any], MigrationReport]:
    """The new draft's data (contract JSON, ``attachments`` left as given) and the report.
    Pure: reads nothing, writes nothing."""
    category = data.get("category") if isinstance(data.get("category"), str) else None
    if category is not None and new.category(category) is None:
        names = ", ".join(c.id for c in new.categories)
        raise UserError(
            "migrate.category",
            f"新规则包“{new.id}”没有类别“{category}”（有：{names}），无法迁移",
            f"The new pack '{new.id}' has no category '{category}' (it has: {names}); nothing was migrated",
        )
    fields = {k: v for k, v in data.items() if k not in META_KEYS}
    kept: dict[str, Any] = {}
    dropped: list[Dropped] = []
    for path, value in flatten(normalise(fields)).items():
        why = _why_not(path, value, old, new, category, lang)
        if why is None:
            kept[path] = value
        else:
            spec = old.fields.get(pattern_of(path))
            if spec is not None and spec.kind == "choice" and spec.choices:  # as the user chose it
                value = old.choice_labels(spec.choices, lang, category).get(value, value)
            dropped.append(Dropped(path, _label(spec, path, lang), _shown(value, lang), why[0], why[1]))
    new_data: dict[str, Any] = {"pack": new.id, **({"category": category} if category else {}), **unflatten(kept)}
    if data.get("attachments"):
        new_data["attachments"] = data["attachments"]
    required = _new_required(new_data, kept, {d.path for d in dropped}, old, new, category, lang)
    judged = _judged(data, new_data, old, new, lang, skip={d.path for d in dropped} | {r.path for r in required})
    report = MigrationReport(
        source_pack=old.id,
        source_year=old.year,
        target_pack=new.id,
        target_year=new.year,
        category=category,
        copied=sorted(kept),
        dropped=dropped,
        new_required=required,
        judged=judged,
    )
    return new_data, report


def _rows(data: dict[str, Any], table: str) -> int:
    items = data.get(table)
    return len(items) if isinstance(items, list) else 0


def _new_required(
    new_data: dict[str, Any],
    kept: dict[str, Any],
    dropped: set[str],
    old: Pack,
    new: Pack,
    category: str | None,
    lang: str,
) -> list[NewRequired]:
    """Required fields of the new pack left empty because of the change of pack: new to it, now
    required where they were not, or their old value not carried over. A field that was required
    and empty before is not news."""
    before = old.fields_for(category)
    out: list[NewRequired] = []
    for pattern, spec in new.fields_for(category).items():
        if not spec.required:
            continue
        if "*" in pattern:
            table, column = pattern.split(".*.", 1)
            paths = [f"{table}.{row}.{column}" for row in range(_rows(new_data, table))]
        else:
            paths = [pattern]
        old_spec = before.get(pattern)
        for path in paths:
            if path in kept:
                continue
            if old_spec is None:
                reason = "new", Text("新规则包新增的必填项", "new in this pack, and required").get(lang)
            elif not old_spec.required:
                reason = "now_required", Text("原为选填，现为必填", "was optional, now required").get(lang)
            elif path in dropped:
                reason = (
                    "refill",
                    Text("原内容未沿用，须重新填写", "the old value was not carried over; fill it in again").get(lang),
                )
            else:
                continue
            out.append(NewRequired(path, spec.label(lang), reason[0], reason[1]))
    for table, spec_t in new.tables.items():
        rows, was = _rows(new_data, table), old.tables.get(table)
        if rows < spec_t.min_rows and (was is None or rows >= was.min_rows):
            out.append(
                NewRequired(
                    table,
                    spec_t.get(lang),
                    "rows",
                    Text(f"现至少需要 {spec_t.min_rows} 行", f"now needs at least {spec_t.min_rows} rows").get(lang),
                )
            )
    return out


def _judged(
    old_data: dict[str, Any], new_data: dict[str, Any], old: Pack, new: Pack, lang: str, skip: set[str]
) -> list[Judged]:
    """The rules' verdicts under the old pack and under the new, compared by rule and field:
    what is now reported (new, or said differently) and what no longer is. Fields already in
    the dropped and new-and-required lists are left out (those lists say it)."""
    from forms.checks import check

    def by_key(issues: list[Any]) -> dict[tuple[str, str], list[Any]]:
        grouped: dict[tuple[str, str], list[Any]] = {}
        for issue in issues:
            if issue.field not in skip:
                grouped.setdefault((issue.code, issue.field), []).append(issue)
        return grouped

    def label(path: str) -> str:
        spec = new.fields.get(pattern_of(path)) or old.fields.get(pattern_of(path))
        return _label(spec, path, lang) if path else ""

    before = by_key(check({**old_data, "pack": old.id}, old, lang))
    after = by_key(check(new_data, new, lang))
    out: list[Judged] = []
    for key, issues in after.items():
        old_messages = [i.message for i in before.get(key, [])]
        for issue in issues:
            if issue.message in old_messages:
                continue
            gone = [m for m in old_messages if m not in {i.message for i in issues}]
            out.append(
                Judged(
                    issue.field,
                    label(issue.field),
                    issue.code,
                    issue.severity,
                    "changed" if gone else "new",
                    issue.message,
                    gone[0] if gone else None,
                )
            )
    for key, issues in before.items():
        if key not in after:
            out.extend(Judged(i.field, label(i.field), i.code, i.severity, "gone", None, i.message) for i in issues)
    return out


def migrate_draft(
    source: Path,
    target: Pack,
    output: Path,
    lang: str = "zh",
    *,
    source_pack: Callable[[str], Pack] = load_pack,
) -> MigrationReport:
    """``cxy migrate``: a new draft at ``output`` (which must not exist) of ``target`` from the
    draft at ``source`` (read only, never changed), attachments included."""
    from forms.cli_common import opened
    from forms.draft.attachments import entry_key
    from forms.outputs import check_output
    from forms.transfer import create_draft

    source, output = Path(source), Path(output)
    check_output(output, [source])  # before the draft is read: a refused output costs nothing
    with opened(source) as draft:
        data = draft.data()
        infos = draft.attachments()
        meta = draft.meta()
        pack_id = data.get("pack")
        try:
            old = source_pack(str(pack_id))
        except UserError:
            raise UserError(
                "migrate.unknown_pack",
                f"草稿按规则包“{_shown(pack_id)}”填写，本机没有这个规则包，无法迁移；"
                "请向发来文件的人索取该规则包，用 cxy packs install 安装后再迁移",
                f"The draft was made for the rule pack '{_shown(pack_id)}', which is not installed here, so it "
                "cannot be migrated; ask whoever sent the file for the pack and install it with cxy packs install",
            ) from None
        if old.id == target.id:
            raise UserError(
                "migrate.same_pack",
                f"草稿已按规则包“{target.id}”填写，无需迁移",
                f"The draft already uses the rule pack '{target.id}'; there is nothing to migrate",
            )
        role = _carried_role(meta.get("role") or None, target)
        items = [{"kind": i.kind, "title": i.title} for i in infos if not i.damaged]
        new_data, report = plan({**data, "attachments": items}, old, target, lang)
        carried = [(info, draft.attachment_pdf(info.id)) for info in infos if not info.damaged]
        records = _Records.read(draft, {info.sha256 for info, _ in carried})
        for info in infos:
            if info.damaged:
                report.dropped.append(
                    Dropped(
                        "attachments",
                        Text("附件", "attachment").get(lang),
                        _shown(info.title),
                        "damaged",
                        Text("附件已损坏，未复制", "the attachment is damaged and was not copied").get(lang),
                    )
                )

    report.role = role.id if role is not None else None
    report.role_label = role.label.get(lang) if role is not None else None
    report.was_final, report.undo_dropped = records.final, records.undo
    report.history, report.handoffs = len(records.history), len(records.bases)
    history = [*records.history, *([_reopened(target, role, lang)] if records.final else [])]

    def fill(new_draft: Any) -> None:
        new_draft.replace_data({k: v for k, v in new_data.items() if k != "attachments"})
        for info, pdf in carried:
            entry = meta.get(entry_key(info.sha256))
            new_draft.add_attachment(
                kind=info.kind,
                title=info.title,
                original_name=info.original_name,
                source_format=info.source_format,
                pages=info.pages,
                sha256=info.sha256,
                pdf=pdf,
                entries={entry_key(info.sha256): entry} if entry else None,
            )
        new_draft.carry_records(history, records.bases, records.sources)
        if role is not None:  # in whose hands the copy is, and the hand-off it answers
            new_draft.set_meta("role", role.id)
            if records.handoff_id:
                new_draft.set_meta("handoff_id", records.handoff_id)

    create_draft(output, pack=target.id, category=report.category, fill=fill, inputs=[source])
    report.attachments = len(carried)
    return report


def _carried_role(role: str | None, target: Pack) -> RoleSpec | None:
    """The role of a hand-off copy carries over; a pack without that role has no place for the
    copy (it could not be merged back as that role's): the original is the one to migrate."""
    if role is None:
        return None
    spec = target.role(role)
    if spec is None:
        known = "、".join(r.id for r in target.roles)
        raise UserError(
            "migrate.role",
            f"这是交给“{_shown(role)}”的副本，新规则包“{target.id}”没有这个角色（有：{known}）；请迁移原始草稿后重新交接",
            f"This is a copy handed to '{_shown(role)}', a role the new pack '{target.id}' does not have "
            f"(it has: {', '.join(r.id for r in target.roles)}); migrate the original draft and hand it off again",
        )
    return spec


@dataclass(frozen=True)
class _Records:
    """The workflow records of the old draft that a migration reads."""

    final: bool
    undo: bool  # it had undo (or redo) history
    handoff_id: str | None
    history: list[HistoryEntry]
    bases: dict[str, dict[str, str]]
    sources: dict[str, str]

    @classmethod
    def read(cls, draft: Any, digests: set[str]) -> _Records:
        """``digests``: the attachments carried; the sources of the others go with them."""
        undo, redo = draft.undo_available()
        bases = {handoff_id: draft.handoff_base(handoff_id) or {} for handoff_id in draft.handoff_ids()}
        return cls(
            final=bool(draft.final),
            undo=bool(undo or redo),
            handoff_id=draft.meta().get("handoff_id") or None,
            history=draft.history(),
            bases=bases,
            sources={k: v for k, v in draft.attachment_sources().items() if k in digests},
        )


def _reopened(new: Pack, role: RoleSpec | None, lang: str) -> HistoryEntry:
    """Why a final draft is final no more: an ``unfinalise`` with its reason, as a reopening by
    hand is recorded (the history lists hand-offs, merges and 定稿 changes, so a migration of a
    draft that was not final adds nothing to it)."""
    from forms.draft.files import now
    from forms.draft.history import HistoryEntry

    note = Text(
        f"迁移到{new.year}年规则包（{new.id}）：新规则包的检查尚未通过，须重新检查后再定稿",
        f"Migrated to the {new.year} pack ({new.id}): its checks have not been passed; check again, then mark final",
    ).get(lang)
    return HistoryEntry(now(), role.id if role else "", "unfinalise", "", None, None, note)
