"""The schema of ``documents.toml``: the printed documents as rows of a ruled grid.

A form is a grid of ``columns``; each row is one of: label/value ``cells`` spanning grid
columns, a full-width ``heading``, a repeated ``table`` over a list of the contract (the team),
or a row of ``seals``. Rows shared by several forms live in ``blocks`` and are pulled in with
``use``. A letter takes its text from ``letters.toml`` and adds ``header`` lines.
:func:`check_documents` refuses a layout that points at data the contract does not have, so a
typo in the file fails when the pack loads, not when someone prints.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forms.derive import DERIVED
from forms.errors import UserError
from forms.model import known_paths
from forms.text import Bilingual

if TYPE_CHECKING:
    from forms.pack import Pack

A4_WIDTH_MM = 210.0
TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")
PACK_TEXTS = ("period",)  # pack attributes a cell may print


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cell(Strict):
    """One grid cell; exactly one of label/value/derived/template/text/pack/choice."""

    label: str | None = None
    value: str | None = None
    derived: str | None = None
    template: str | None = None
    text: str | None = None
    pack: str | None = None
    choice: str | None = None
    note: str | None = None  # small print under a label, e.g. "（300字以内）"
    suffix: str | None = None  # appended to a filled value, e.g. "年"
    # a choice's options as the paper form words them (value → label), where the template's
    # wording differs from the app's (e.g. no quotation marks): the rest keep the pack's label.
    # An option the category lacks is ignored: a later year's pack inherits the layout.
    labels: dict[str, str] = {}
    span: int = Field(default=1, ge=1)
    align: Literal["left", "center", "right"] | None = None

    @model_validator(mode="after")
    def _one_content(self) -> Cell:
        kinds = [
            k
            for k in ("label", "value", "derived", "template", "text", "pack", "choice")
            if getattr(self, k) is not None
        ]
        if len(kinds) != 1:
            raise ValueError(
                f"a cell needs exactly one of label/value/derived/template/text/pack/choice, got {kinds or 'none'}"
            )
        return self

    @property
    def is_label(self) -> bool:
        return self.label is not None


class Column(Strict):
    header: str
    value: str | None = None  # "members.*.name"; none for a blank column such as 本人签字
    span: int = Field(default=1, ge=1)


class Seal(Strict):
    label: str
    span: int | None = None


class Row(Strict):
    cells: list[Cell] | None = None
    heading: str | None = None
    table: str | None = None
    columns: list[Column] | None = None
    min_rows: int = Field(default=1, ge=0)
    seals: list[Seal] | None = None
    seal_mm: float = Field(default=45.0, gt=0)
    use: str | None = None
    min_height_mm: float | None = Field(default=None, gt=0)
    # the seed does not show this row's wording: the spec's best reading, to be checked against
    # the official template; ``reason`` says in one line what is guessed
    unverified: bool = False
    reason: str | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Row:
        shapes = [k for k in ("cells", "heading", "table", "seals", "use") if getattr(self, k) is not None]
        if len(shapes) != 1:
            raise ValueError(f"a row needs exactly one of cells/heading/table/seals/use, got {shapes or 'none'}")
        if (self.table is None) != (self.columns is None):
            raise ValueError("a table row needs 'columns', and only a table row has them")
        if self.unverified and not self.reason:
            raise ValueError("an unverified row says why in 'reason'")
        return self


class Block(Strict):
    rows: list[Row]


class FormLayout(Strict):
    kind: Literal["form"]
    category: str
    columns: list[float] = Field(min_length=1)
    rows: list[Row]


class LetterLine(Strict):
    label: str
    value: str


class LetterLayout(Strict):
    kind: Literal["letter"]
    letter: str
    header: list[LetterLine] = []
    seal_mm: float = Field(default=0.0, ge=0)  # room kept above the sign lines for a seal


DocumentLayout = Annotated[FormLayout | LetterLayout, Field(discriminator="kind")]


class Margins(Strict):
    top: float = 25.0
    right: float = 22.0
    bottom: float = 22.0
    left: float = 22.0


class Style(Strict):
    font_size: float = 10.5
    leading: float = 15.0
    small_size: float = 8.0
    title_size: float = 18.0
    subtitle_size: float = 14.0
    annex_size: float = 12.0
    letter_size: float = 12.0
    letter_leading: float = 22.0
    cell_padding_mm: float = 1.5
    row_min_mm: float = 9.0
    table_row_mm: float = 10.0
    margins_mm: Margins = Margins()
    unverified_note: str = "文本待与官方模板核对"


class UploadSlot(Bilingual, Strict):
    file: str = Field(pattern=r"^[A-Za-z0-9_\-]+\.pdf$")
    kinds: list[Literal["contract", "payment_proof", "other"]] = Field(min_length=1)
    zh: str
    en: str


class Documents(Strict):
    style: Style = Style()
    blocks: dict[str, Block] = {}
    documents: dict[str, DocumentLayout]
    uploads: list[UploadSlot] = []

    def expanded_rows(self, form: FormLayout) -> list[Row]:
        rows: list[Row] = []
        for row in form.rows:
            if row.use is None:
                rows.append(row)
            elif row.use in self.blocks:  # an unknown block is reported by check_documents
                rows.extend(self.blocks[row.use].rows)
        return rows

    def printed_paths(self, key: str) -> set[str]:
        """Contract paths a document prints (table columns as ``members.*.name``)."""
        doc = self.documents[key]
        if isinstance(doc, LetterLayout):
            return {line.value for line in doc.header}
        paths: set[str] = set()
        for row in self.expanded_rows(doc):
            for cell in row.cells or []:
                paths.update(p for p in (cell.value, cell.choice) if p)
                if cell.template:
                    paths.update(TEMPLATE_FIELD.findall(cell.template))
            paths.update(c.value for c in row.columns or [] if c.value)
        return paths

    def content_width_mm(self) -> float:
        m = self.style.margins_mm
        return A4_WIDTH_MM - m.left - m.right


def parse_documents(pack: Pack) -> Documents:
    """The layouts of ``pack``, schema-checked (no cross-checks: see :func:`check_documents`)."""
    if not pack.documents:
        raise UserError(
            "render.no_layout",
            f"规则包“{pack.id}”没有打印版式（documents.toml）",
            f"The rule pack '{pack.id}' has no print layouts (documents.toml)",
        )
    try:
        return Documents.model_validate(pack.documents)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(documents)'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise _invalid(pack, detail) from None


def _invalid(pack: Pack, detail: str) -> UserError:
    return UserError(
        "pack.invalid",
        f"规则包“{pack.id}”的打印版式有误：{detail}",
        f"The print layout of rule pack '{pack.id}' is invalid: {detail}",
    )


def check_documents(pack: Pack) -> None:
    """Raise ``UserError("pack.invalid")`` when documents.toml is malformed or inconsistent.

    A pack without documents.toml passes here (it loads, but cannot print).
    """
    if not pack.documents:
        return
    docs = parse_documents(pack)
    problems = _problems(docs, pack)
    if problems:
        raise _invalid(pack, "; ".join(problems[:8]))


def _problems(docs: Documents, pack: Pack) -> list[str]:
    problems: list[str] = []
    contract = known_paths(pack)  # the category blocks are the pack's
    width = docs.content_width_mm()

    for name, block in docs.blocks.items():
        if any(row.use is not None for row in block.rows):
            problems.append(f"block '{name}' uses another block (blocks do not nest)")
    if problems:
        return problems

    forms_by_category: dict[str, str] = {}
    letters_seen: set[str] = set()
    for key, doc in docs.documents.items():
        where = f"document '{key}'"
        if isinstance(doc, LetterLayout):
            if doc.letter not in pack.letters:
                problems.append(f"{where} prints unknown letter '{doc.letter}'")
            letters_seen.add(doc.letter)
            for line in doc.header:
                if line.value not in contract:
                    problems.append(f"{where}: '{line.value}' is not in the data contract")
            continue
        category = pack.category(doc.category)
        if category is None:
            problems.append(f"{where} names unknown category '{doc.category}'")
        elif doc.category in forms_by_category:
            problems.append(
                f"categories '{doc.category}' has two forms: '{forms_by_category[doc.category]}' and '{key}'"
            )
        forms_by_category[doc.category] = key
        ncols = len(doc.columns)
        col_mm = [width * c / sum(doc.columns) for c in doc.columns]
        for index, row in enumerate(doc.rows):
            if row.use is not None and row.use not in docs.blocks:
                problems.append(f"{where} row {index + 1} uses unknown block '{row.use}'")
        for index, row in enumerate(docs.expanded_rows(doc)):
            here = f"{where} row {index + 1}"
            problems.extend(_row_problems(here, row, ncols, col_mm, pack, doc.category, contract))

    # A category without a form is allowed (a pack may inherit the layouts of an earlier year
    # that lacked the category); printing it then fails with "render.no_layout".
    for letter_id in pack.letters:
        if letter_id not in letters_seen:
            problems.append(f"letter '{letter_id}' has no document")
    for letter in pack.letters.values():
        for sign in letter.sign:
            if sign.value is not None and sign.value not in contract:
                problems.append(f"letter sign line '{sign.zh}': '{sign.value}' is not in the data contract")
    return problems


def _row_problems(
    here: str, row: Row, ncols: int, col_mm: list[float], pack: Pack, category: str, contract: set[str]
) -> list[str]:
    problems: list[str] = []
    if row.cells is not None:
        spans = sum(c.span for c in row.cells)
        if spans != ncols:
            problems.append(f"{here}: cells span {spans} columns, the grid has {ncols}")
        for cell in row.cells:
            problems.extend(_cell_problems(here, cell, pack, category, contract))
    elif row.table is not None:
        spans = sum(c.span for c in row.columns or [])
        if spans != ncols:
            problems.append(f"{here}: table columns span {spans}, the grid has {ncols}")
        if row.table not in pack.tables:
            problems.append(f"{here}: unknown table '{row.table}'")
        for column in row.columns or []:
            if column.value is not None and (
                not column.value.startswith(f"{row.table}.*.") or column.value not in contract
            ):
                problems.append(
                    f"{here}: column '{column.header}' reads '{column.value}', not a column of '{row.table}'"
                )
    elif row.seals is not None:
        default = ncols // len(row.seals) if row.seals else 0
        seal_spans = [s.span or default for s in row.seals]
        if sum(seal_spans) != ncols:
            problems.append(f"{here}: seals span {sum(seal_spans)} columns, the grid has {ncols}")
        if row.seal_mm < 45:
            problems.append(f"{here}: seal blocks must be at least 45 mm (a round seal is about 40 mm)")
        start = 0
        for seal, span in zip(row.seals, seal_spans):
            if sum(col_mm[start : start + span]) < 45:
                problems.append(f"{here}: seal '{seal.label}' is narrower than 45 mm")
            start += span
    return problems


def _cell_problems(here: str, cell: Cell, pack: Pack, category: str, contract: set[str]) -> list[str]:
    problems: list[str] = []
    paths: list[str] = []
    if cell.value is not None:
        paths.append(cell.value)
    if cell.template is not None:
        found = TEMPLATE_FIELD.findall(cell.template)
        if not found:
            problems.append(f"{here}: template '{cell.template}' names no field")
        paths.extend(found)
    if cell.choice is not None:
        paths.append(cell.choice)
        spec = pack.fields.get(cell.choice)
        if spec is None or spec.kind != "choice":
            problems.append(f"{here}: '{cell.choice}' is not a choice field")
        elif not pack.choice_labels(spec.choices or "", category=category):
            problems.append(f"{here}: '{cell.choice}' has no options for category '{category}'")
    elif cell.labels:
        problems.append(f"{here}: only a choice cell has printed option labels")
    for path in paths:
        if path not in contract:
            problems.append(f"{here}: '{path}' is not in the data contract")
        elif "*" in path:
            problems.append(f"{here}: '{path}' is a table column; use a table row")
    if cell.derived is not None and cell.derived not in DERIVED:
        problems.append(f"{here}: unknown derived value '{cell.derived}' (known: {', '.join(sorted(DERIVED))})")
    if cell.pack is not None and cell.pack not in PACK_TEXTS:
        problems.append(f"{here}: pack value '{cell.pack}' is not printable (known: {', '.join(PACK_TEXTS)})")
    return problems
