"""The portal kit: what to type into 技联在线 and which files to upload there.

The portal prints the 申报书 from what is typed into it, so :func:`portal_items` walks the
category's printed form (documents.toml) row by row, cell by cell, and gives every value the
form prints, in that order, as the text to paste. :func:`upload_slots` plans the upload files
exactly as ``cxy upload-files`` makes them and says each one's size against the limit.

Values are what the portal takes, whatever the UI language: dates ISO (YYYY-MM-DD), amounts in
万元 as typed, a choice as its Chinese label, yes/no as 是/否. ``lang`` changes only the labels.
The team table gives one item per cell: a web form has one input per cell, and a whole row
(tab-separated) pastes only into a spreadsheet-like grid, which a web form is not.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..derive import DERIVED, format_money, money
from ..errors import UserError
from ..layout import TEMPLATE_FIELD, Cell, FormLayout, Row, parse_documents
from ..model import flatten, pattern_of
from ..pack import Pack
from ..text import Text

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Cells that print something other than a contract path: their English names (the printed
# label is Chinese only).
_OTHER_EN = {"paid_total_wan": "Amount received (10k yuan)", "period": "Project period"}
MB = 1024 * 1024


@dataclass(frozen=True)
class PortalItem:
    label: str  # in the UI language: the printed label in Chinese, the field's name in English
    path: str  # contract path ("members.0.name"), "derived.<name>" or "pack.<name>"
    value: str  # the text to paste ("" when nothing is entered)
    form_label: str  # the label as the printed 申报书 (and so the portal) words it

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Slot:
    file: str  # the slot's file name, e.g. contract.pdf
    label: str  # the slot's name in the UI language
    kinds: tuple[str, ...]
    attachments: int  # how many attachments go into it
    size: int | None  # bytes of the upload file (the smallest reached when over); None: empty slot
    limit: int  # bytes allowed by the pack
    over: bool
    note: str = ""  # when over: its size and the fix, one line in the UI language
    path: Path | None = None  # where the file was written (only when a folder was given)
    fix: str | None = field(default=None)  # the fix id that brings an over slot under ("grey")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["kinds"] = list(self.kinds)
        out["path"] = str(self.path) if self.path else None
        return out


# --------------------------------------------------------------------------------------------
# The fields, in the order of the printed 申报书


def form_of(pack: Pack, category: str | None) -> FormLayout:
    docs = parse_documents(pack)
    for doc in docs.documents.values():
        if isinstance(doc, FormLayout) and doc.category == category:
            return doc
    if pack.category(category) is None:
        raise UserError(
            "portal.no_category",
            "尚未选择申报类别，无法列出网上填报的内容",
            "No application category is chosen yet, so what to enter on the portal is unknown",
        )
    raise UserError(
        "portal.no_layout",
        f"规则包“{pack.id}”没有该类别申报书的版式",
        f"The rule pack '{pack.id}' has no form layout for the category '{category}'",
    )


def portal_items(data: dict[str, Any], pack: Pack, lang: str = "zh") -> list[PortalItem]:
    """Every value the category's 申报书 prints, in its printed order (left to right, top to
    bottom; the team one cell at a time)."""
    category = data.get("category")
    layout = form_of(pack, category)
    docs = parse_documents(pack)
    flat = flatten(data)
    items: list[PortalItem] = []
    for row in docs.expanded_rows(layout):
        if row.cells is not None:
            items.extend(_cell_items(row, data, flat, pack, lang))
        elif row.table is not None:
            items.extend(_table_items(row, flat, pack, lang))
    return _told_apart(items, pack, lang)


def _told_apart(items: list[PortalItem], pack: Pack, lang: str) -> list[PortalItem]:
    """A printed label the form uses twice (联系电话 of each contact): the field's own name."""
    if lang == "en":
        return items
    seen: dict[str, int] = {}
    for item in items:
        if "." in item.path and not item.path.split(".")[1].isdigit():
            seen[item.label] = seen.get(item.label, 0) + 1
    out = []
    for item in items:
        spec = pack.fields.get(pattern_of(item.path))
        if seen.get(item.label, 0) > 1 and spec is not None and spec.zh != item.label:
            item = PortalItem(spec.zh, item.path, item.value, item.form_label)  # 申报单位联系电话
        out.append(item)
    return out


def _printed_label(cell: Cell) -> str:
    text = (cell.label or "").replace("\n", "") + (cell.note or "")
    return text.rstrip("：:").strip()


def _cell_items(row: Row, data: dict[str, Any], flat: dict[str, Any], pack: Pack, lang: str) -> list[PortalItem]:
    items: list[PortalItem] = []
    label = ""
    for cell in row.cells or []:
        if cell.label is not None:
            label = _printed_label(cell)
            continue
        if cell.value or cell.choice:
            path = cell.value or cell.choice or ""
            items.append(
                _item(label, _name(pack, path, lang, label), path, _text(flat.get(path), path, pack, data, cell))
            )
        elif cell.template:
            paths = TEMPLATE_FIELD.findall(cell.template)
            for path in paths:  # the portal has an input per value (two dates, city and county)
                spec = pack.fields.get(path)
                own = spec.zh if spec is not None and len(paths) > 1 else label  # 合同开始时间, not 合同起止时间 twice
                items.append(
                    PortalItem(_name(pack, path, lang, own), path, _text(flat.get(path), path, pack, data, cell), label)
                )
        elif cell.derived:
            name = cell.derived
            en = _OTHER_EN.get(name, name)
            items.append(_item(label, Text(label, en).get(lang), f"derived.{name}", DERIVED[name](data)))
        elif cell.pack:
            name = cell.pack
            en = _OTHER_EN.get(name, name)
            items.append(_item(label, Text(label, en).get(lang), f"pack.{name}", str(getattr(pack, name, ""))))
        # a `text` cell prints fixed wording: nothing to type
    return items


def _table_items(row: Row, flat: dict[str, Any], pack: Pack, lang: str) -> list[PortalItem]:
    table = row.table or ""
    rows = sorted({int(p.split(".")[1]) for p in flat if p.startswith(table + ".") and p.split(".")[1].isdigit()})
    spec = pack.tables.get(table)
    title = Text(re.sub(r"（.*?）", "", spec.zh), re.sub(r"\s*\(.*?\)", "", spec.en)) if spec else Text(table, table)
    items: list[PortalItem] = []
    for number, index in enumerate(rows, start=1):
        for column in row.columns or []:
            if column.value is None:  # 本人签字: signed on paper
                continue
            path = column.value.replace(".*.", f".{index}.", 1)
            field_spec = pack.fields.get(column.value)
            name = Text(
                f"{title.zh}{number} · {column.header}",
                f"{title.en} {number} · {field_spec.en if field_spec else column.header}",
            ).get(lang)
            items.append(PortalItem(name, path, _text(flat.get(path), path, pack, {}, None), column.header))
    return items


def _item(form_label: str, label: str, path: str, value: str) -> PortalItem:
    return PortalItem(label, path, value, form_label)


def _name(pack: Pack, path: str, lang: str, printed: str) -> str:
    spec = pack.fields.get(pattern_of(path))
    return Text(printed, spec.en if spec is not None else printed).get(lang)


def _text(value: Any, path: str, pack: Pack, data: dict[str, Any], cell: Cell | None) -> str:
    if value is None:
        return ""
    spec = pack.fields.get(pattern_of(path))
    kind = spec.kind if spec else "text"
    if isinstance(value, bool) or kind == "bool":
        return "是" if value else "否"
    if kind == "choice" and spec is not None:
        if cell is not None and str(value) in cell.labels:
            return cell.labels[str(value)]  # the printed form's wording of the option
        labels = pack.choice_labels(spec.choices or "", "zh", data.get("category"))
        return labels.get(str(value), str(value))
    if kind == "date" and isinstance(value, str):
        found = _ISO_DATE.match(value.strip())
        if found:
            year, month, day = found.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
    if kind == "money" and not isinstance(value, str):
        amount = money(value)  # a JSON number: no exponent, no trailing zeros
        return format_money(amount) if amount is not None else str(value)
    return str(value).strip()


# --------------------------------------------------------------------------------------------
# The upload files


def size_text(size: int) -> str:
    """1.2 MB, 340 KB: a small scan is not "0.0 MB"."""
    if size >= MB:
        return f"{size / MB:.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def upload_slots(draft: Any, pack: Pack, folder: Path | None = None, *, lang: str = "zh") -> list[Slot]:
    """The portal's upload slots of a draft (opened by the caller), each with its file's size
    against the limit. ``folder``: write the upload files there (as ``cxy upload-files``
    does); otherwise they are made in a temporary folder and only measured."""
    from ..draft.attachments import damaged
    from ..package.cli import is_final

    infos = draft.attachments()
    for number, info in enumerate(infos, start=1):
        if info.damaged:
            raise damaged(number, info.title)
    attachments = [(info, draft.attachment_pdf(info.id)) for info in infos]
    path = getattr(draft, "path", None)
    inputs = [Path(path)] if path else []
    return plan_slots(draft.data(), attachments, pack, folder, final=is_final(draft), inputs=inputs, lang=lang)


def plan_slots(
    data: dict[str, Any],
    attachments: Sequence[tuple[Any, bytes]],
    pack: Pack,
    folder: Path | None = None,
    *,
    final: bool = False,
    inputs: Sequence[Path] = (),
    lang: str = "zh",
    notes: list[Text] | None = None,
) -> list[Slot]:
    """:func:`upload_slots` for data and attachments already read (a worker's job)."""
    from ..package.order import kind_of
    from ..package.uploads import upload_files

    declared = parse_documents(pack).uploads
    limit = int(pack.upload.max_file_mb * MB)
    over: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="cxy-portal-") as tmp:
        out = Path(folder) if folder is not None else Path(tmp) / "upload"
        written = upload_files(data, attachments, pack, out, inputs=list(inputs), notes=notes, final=final, over=over)
        counts = {s.file: sum(1 for info, _ in attachments if kind_of(info) in s.kinds) for s in declared}
        over_by_file = {s.file: s for s in over}
        made = [s for s in declared if counts[s.file] and s.file not in over_by_file]
        sizes = {s.file: (p, p.stat().st_size) for s, p in zip(made, written)}  # in slot order, as written
        slots = []
        for s in declared:
            name = s.get(lang)
            if s.file in over_by_file:
                o = over_by_file[s.file]
                slots.append(
                    Slot(
                        s.file,
                        name,
                        tuple(s.kinds),
                        counts[s.file],
                        o.size,
                        limit,
                        True,
                        o.plain.get(lang),
                        fix=o.fix,
                    )
                )
            elif s.file in sizes:
                where, size = sizes[s.file]
                slots.append(
                    Slot(
                        s.file,
                        name,
                        tuple(s.kinds),
                        counts[s.file],
                        size,
                        limit,
                        size > limit,
                        path=where if folder is not None else None,
                    )
                )
            else:
                slots.append(Slot(s.file, name, tuple(s.kinds), 0, None, limit, False))
    return slots
