"""Compare two drafts field by field and attachment by attachment, three-way when they share a
hand-off: a conflict is a field (or attachment) both sides changed differently since then."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from forms.draft import AttachmentInfo, Draft, values
from forms.model import pattern_of
from forms.pack import Pack
from forms.text import Text
from forms.workflow.snapshot import ATTACHMENT_PREFIX, fields_of, split_base


@dataclass(frozen=True)
class FieldDiff:
    path: str
    label: Text
    ours: Any
    theirs: Any
    base: Any  # the value at hand-off (None: empty then, or no common hand-off)
    conflict: bool
    theirs_changed: bool = True  # theirs differs from the base (always, without a base)


@dataclass(frozen=True)
class AttachmentDiff:
    change: Literal["added", "removed", "changed"]  # seen from ours to theirs
    ours: AttachmentInfo | None
    theirs: AttachmentInfo | None
    conflict: bool
    theirs_changed: bool = True
    digest: str = ""  # what both sides know it by (a merged attachment: the sender's digest)

    @property
    def key(self) -> str:
        """``attachment:<sha256>``: the key of ``merge(choices=…)``."""
        return ATTACHMENT_PREFIX + (self.digest or (self.ours or self.theirs).sha256)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Diff:
    fields: list[FieldDiff] = field(default_factory=list)
    attachments: list[AttachmentDiff] = field(default_factory=list)
    handoff_id: str | None = None
    has_base: bool = False

    @property
    def same(self) -> bool:
        return not self.fields and not self.attachments

    def as_json(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [
            {"path": f.path, "ours": f.ours, "theirs": f.theirs, "conflict": f.conflict} for f in self.fields
        ]
        for a in self.attachments:
            out.append(
                {
                    "path": a.key,
                    "change": a.change,
                    "ours": _att_json(a.ours),
                    "theirs": _att_json(a.theirs),
                    "conflict": a.conflict,
                }
            )
        return out


def _att_json(info: AttachmentInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "kind": info.kind,
        "title": info.title,
        "original_name": info.original_name,
        "pages": info.pages,
        "sha256": info.sha256,
    }


def label_of(pack: Pack, path: str) -> Text:
    spec = pack.fields.get(pattern_of(path))
    if spec is None:
        return Text(zh=path, en=path)
    rows = [int(p) + 1 for p in path.split(".") if p.isdigit()]
    if not rows:
        return Text(zh=spec.zh, en=spec.en)
    return Text(zh=f"{spec.zh}（第 {rows[0]} 行）", en=f"{spec.en} (row {rows[0]})")


def _decoded(path: str, text: str | None) -> Any:
    return None if text is None else values.decode(path, text)


def diff(ours: Draft, theirs: Draft, pack: Pack) -> Diff:
    """``ours`` → ``theirs``. The base is the hand-off snapshot named by ``handoff_id`` (ours'
    record first: it is the one we wrote; a received copy's only when ours has none)."""
    handoff_id = theirs.meta().get("handoff_id") or ours.meta().get("handoff_id")
    rows = None
    if handoff_id:
        rows = ours.handoff_base(handoff_id)
        if rows is None:
            rows = theirs.handoff_base(handoff_id)
    has_base = rows is not None
    base_fields, base_atts = split_base(rows) if rows is not None else ({}, {})

    ours_f, theirs_f = fields_of(ours), fields_of(theirs)
    field_diffs = []
    for path in sorted(set(ours_f) | set(theirs_f), key=_path_key):
        o, t = ours_f.get(path), theirs_f.get(path)
        if o == t:
            continue
        b = base_fields.get(path)
        theirs_changed = not has_base or t != b
        conflict = not has_base or (theirs_changed and o != b)
        field_diffs.append(
            FieldDiff(
                path,
                label_of(pack, path),
                _decoded(path, o),
                _decoded(path, t),
                _decoded(path, b),
                conflict,
                theirs_changed,
            )
        )

    ours_a = _by_digest(ours.attachments(), ours.attachment_sources())
    theirs_a = _by_digest(theirs.attachments(), theirs.attachment_sources())
    att_diffs = []
    for sha in sorted(set(ours_a) | set(theirs_a)):
        mine, other = ours_a.get(sha), theirs_a.get(sha)
        base_label = base_atts.get(sha)
        label_o = (mine.kind, mine.title) if mine else None
        label_t = (other.kind, other.title) if other else None
        if label_o == label_t:
            continue
        if not has_base:
            theirs_changed, conflict = True, True
        else:
            theirs_changed = label_t != base_label
            conflict = theirs_changed and label_o != base_label
        change: Literal["added", "removed", "changed"] = (
            "changed" if mine and other else ("added" if other else "removed")
        )
        att_diffs.append(AttachmentDiff(change, mine, other, conflict, theirs_changed, sha))
    return Diff(field_diffs, att_diffs, handoff_id, has_base)


def _by_digest(infos: list[AttachmentInfo], sources: dict[str, str]) -> dict[str, AttachmentInfo]:
    out: dict[str, AttachmentInfo] = {}
    for info in infos:
        out.setdefault(sources.get(info.sha256, info.sha256), info)
    return out


def _path_key(path: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split("."))


def dumps(d: Diff) -> str:
    return json.dumps(d.as_json(), ensure_ascii=False, indent=2)
