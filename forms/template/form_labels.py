"""A form's official labels from its .docx: the label cells of documents.toml (cells, headings,
the team table's column headers, the seal labels) are aligned in order with the text cells of
the template's tables. Only cells that resemble a label are taken, so whatever an office typed
into the value cells is ignored; labels that find no partner stay as the pack has them.

Each label is addressed by a slot id that survives edits of the pack's wording and row order:
a label cell by the data its row prints next to it (``label:contract.name``), a heading, table
column or seal by its position among its kind."""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from forms.errors import UserError
from forms.pack import Pack

from .docx_file import DocxContent
from .recognise import Target, norm

THRESHOLD = 0.6  # below this a cell is not taken for a label (2 of 4 characters in common: no)
MAX_LABEL = 200
MAX_CANDIDATES = 500  # a form has ~80 cells; this bounds the alignment to about a second
_CONTENT = ("value", "choice", "template", "derived", "pack", "text")
_DATE_LINE = re.compile(r"^\s*(?:\d{4}|[_＿]*)\s*年[\s_＿]*月[\s_＿]*日\s*$")
_TRAILING_NOTE = re.compile(r"^(.*?)\s*([（(][^（()）]*[)）])$", re.S)


@dataclass
class Slot:
    id: str
    text: str  # the label as the pack has it (with its note, for comparing)
    holder: dict[str, Any]  # the TOML table holding it
    key: str  # the holder's key of the label text
    row: dict[str, Any]  # the row it is printed in
    note: bool = False  # a label cell: its small print lives in holder["note"]


@dataclass
class FormLabels:
    labels: list[dict[str, Any]] = field(default_factory=list)  # {slot, was, zh, note}
    unmatched: list[str] = field(default_factory=list)  # the pack's labels the template lacks


def inlined(documents: dict[str, Any], doc_key: str) -> list[dict[str, Any]]:
    """The rows of one form with its shared blocks copied in, so that its labels can change
    without changing the other forms that use the same block."""
    blocks = documents.get("blocks", {})
    rows: list[dict[str, Any]] = []
    for row in documents["documents"][doc_key].get("rows", []):
        used = row.get("use") if isinstance(row, dict) else None
        if used is not None and used in blocks:
            rows.extend(copy.deepcopy(blocks[used].get("rows", [])))
        else:
            rows.append(copy.deepcopy(row))
    return rows


def slots(rows: list[dict[str, Any]]) -> list[Slot]:
    found: list[Slot] = []
    seen: dict[str, int] = {}
    headings = seals = 0

    row: dict[str, Any] = {}

    def add(slot_id: str, text: str, holder: dict[str, Any], key: str, note: bool = False) -> None:
        count = seen[slot_id] = seen.get(slot_id, 0) + 1
        found.append(Slot(slot_id if count == 1 else f"{slot_id}#{count}", text, holder, key, row, note))

    for row in rows:
        if "heading" in row:
            headings += 1
            add(f"heading:{headings}", row["heading"], row, "heading")
        for index, column in enumerate(row.get("columns") or [], start=1):
            add(f"column:{row.get('table')}.{index}", column["header"], column, "header")
        for seal in row.get("seals") or []:
            seals += 1
            add(f"seal:{seals}", seal["label"], seal, "label")
        cells = row.get("cells") or []
        for index, cell in enumerate(cells):
            if "label" not in cell:
                continue
            anchor = next((_anchor(c) for c in cells[index + 1 :] if "label" not in c), None)
            add(f"label:{anchor or cell['label']}", cell["label"] + (cell.get("note") or ""), cell, "label", True)
    return found


def _anchor(cell: dict[str, Any]) -> str | None:
    for kind in _CONTENT:
        if kind in cell:
            return str(cell[kind]) if kind in ("value", "choice", "template") else f"{kind}:{cell[kind]}"
    return None


def _cells(content: DocxContent) -> list[str]:
    """The table cells that could hold a label: not empty, not longer than any label can be
    (a typed 项目主要内容 is a value), date lines of seal cells left out."""
    texts = []
    for table in content.tables:
        for row in table:
            for text in row:
                kept = "\n".join(line for line in text.splitlines() if line.strip() and not _DATE_LINE.match(line))
                if kept.strip() and len(norm(kept)) <= MAX_LABEL:
                    texts.append(kept.strip())
                    if len(texts) > MAX_CANDIDATES:
                        return texts  # the rest cannot be its labels
    return texts


def _score(label: str, cell: str) -> float:
    if not label or not cell:
        return 0.0
    if label == cell:
        return 2.0  # an exact label outweighs any near one
    matcher = difflib.SequenceMatcher(None, label, cell, autojunk=False)
    if matcher.real_quick_ratio() < THRESHOLD or matcher.quick_ratio() < THRESHOLD:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= THRESHOLD else 0.0


def _align(labels: list[str], cells: list[str]) -> dict[int, int]:
    """The order-keeping matching of labels to cells with the greatest total similarity."""
    labels, cells = [norm(t) for t in labels], [norm(t) for t in cells]
    n, m = len(labels), len(cells)
    score = [[_score(label, cell) for cell in cells] for label in labels]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = score[i][j]
            best[i][j] = max(best[i + 1][j], best[i][j + 1], (take + best[i + 1][j + 1]) if take else 0.0)
    pairs: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        take = score[i][j]
        if take and best[i][j] == take + best[i + 1][j + 1]:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def map_form(content: DocxContent, target: Target, pack: Pack) -> FormLabels:
    wanted = slots(inlined(pack.documents, target.key))
    cells = _cells(content)
    pairs = _align([s.text for s in wanted], cells)
    if not pairs:
        raise UserError(
            "template.form_mismatch",
            f"“{content.name}”中没有找到“{target.title}”的表格栏目，未导入",
            f"No label of the form of annex {target.annex} was found in the tables of “{content.name}”; nothing was imported",
        )
    result = FormLabels()
    for index, slot in enumerate(wanted):
        if index not in pairs:
            result.unmatched.append(slot.text)
            continue
        official = cells[pairs[index]][:MAX_LABEL]
        label, note = official, None
        if norm(official) == norm(slot.text):  # the same words: keep the pack's line breaks
            label = slot.holder[slot.key]
            note = slot.holder.get("note") if slot.note else None
        elif slot.note:
            split = _TRAILING_NOTE.match(official)
            if split and slot.holder.get("note") and split.group(1).strip():
                label, note = split.group(1).strip(), split.group(2)
        result.labels.append({"slot": slot.id, "was": slot.text, "zh": label, "note": note})
    return result


def apply_form(documents: dict[str, Any], doc_key: str, labels: list[dict[str, Any]]) -> list[str]:
    """Write ``labels`` into a copy of the form's rows inside ``documents`` (changed in place);
    returns the slot ids the current pack no longer has."""
    rows = inlined(documents, doc_key)
    by_id = {slot.id: slot for slot in slots(rows)}
    stale = []
    for item in labels:
        slot = by_id.get(item["slot"])
        if slot is None:
            stale.append(item["slot"])
            continue
        slot.holder[slot.key] = item["zh"]
        if slot.note:
            if item.get("note"):
                slot.holder["note"] = item["note"]
            else:
                slot.holder.pop("note", None)
        for checked in (slot.row, slot.holder):  # the official template confirms them
            if "unverified" in checked:
                checked["unverified"] = False
    documents["documents"][doc_key]["rows"] = rows
    return stale
