"""The yearly rule pack: one folder of TOML per call, loaded and checked here.

A pack folder holds ``pack.toml`` (the call's facts and thresholds), ``fields.toml`` (labels,
help, kinds and wizard steps of every input), ``letters.toml`` (the integrity letters) and
``documents.toml`` (the printed layouts). ``extends = "<pack id>"`` in ``pack.toml`` inherits
an earlier pack entry by entry (:mod:`forms.pack_load`); where packs live is
:mod:`forms.pack_registry`, and a checked snapshot of each load is kept by
:mod:`forms.pack_snapshot`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

from .errors import UserError
from .model import is_block_path, known_paths, pattern_of
from .pack_registry import folder_of, looks_like_folder, remember
from .text import Bilingual, Text, printable

DEFAULT_PACK = "jiangsu-cxy-2023"


class Strict(BaseModel):
    # defer_build: a start that takes the pack from its snapshot never validates one, so the
    # schemas are built on the first validation instead of at import (issue 14 §1)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Filing(Strict):
    opens: dt.date
    closes: dt.date
    paper_deadline: dt.date


class Province(Strict):
    name: str
    cities: list[str]


class Limit(Strict):
    max_chars: int = Field(gt=0)
    counting: Literal["non_whitespace", "all"] = "non_whitespace"
    severity: Literal["error", "warning"] = "error"


class Team(Strict):
    min_members: int = Field(ge=0)
    max_members: int = Field(gt=0)
    min_enterprise: int = Field(ge=0)
    max_enterprise: int = Field(ge=0)


class RegNo(Strict):
    min_digits: int
    max_digits: int


# The fields whose length a rule of the pack limits: field path -> the ``Limit`` in ``rules``.
LENGTH_RULES = {"project.summary": "summary", "project.kpis": "kpis"}


class Rules(Strict):
    contract_types: list[str]
    registration_no: RegNo
    unclosed_since_year: int
    alliance_filing_required: bool = False
    one_per_leader: bool = True
    one_per_enterprise: bool = True
    team: Team
    summary: Limit
    kpis: Limit
    payment_after_start: Literal["error", "warning", "off"] = "warning"
    boundary_day: Literal["error", "warning"] = "warning"


class Upload(Strict):
    max_file_mb: float = Field(gt=0)
    max_package_mb: float = Field(gt=0)
    downsample_dpi: int = Field(gt=50)


class DateRule(Strict):
    """A contract date window: ``from``/``to`` are inclusive ends, ``after`` a lower bound with
    its operator (``>`` strict, as "晚于" reads literally; ``>=`` inclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)
    rule: str
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    after: dt.date | None = None
    after_op: Literal[">", ">="] = ">"

    @model_validator(mode="after")
    def _one_shape(self) -> DateRule:
        if self.after is None and self.from_ is None and self.to is None:
            raise ValueError("a date rule needs 'after' or 'from'/'to'")
        return self


class MinPaid(Strict):
    rule: str
    wan: Decimal


class RegionalException(Strict):
    city: str
    wan: Decimal


class RuleText(Bilingual, Strict):
    id: str
    zh: str
    en: str


class Event(Bilingual, Strict):
    id: str
    zh: str
    en: str


class Category(Strict):
    """One category of the call. Its own fields (``tech_vp.cohort_year``) are declared in
    ``fields.toml`` with ``categories = [<id>]`` under the key ``block`` (default: the id); the
    lists its fields choose from (``choices``; ``events`` and ``cohort_years`` are the 2023
    pack's names for two of them) and its printed form (``documents.toml`` ``form_<id>``) are
    its own too, so a new category is a pack change only."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    annex: int
    block: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,63}$")
    title: Text
    subtitle: Text
    blurb: Text
    leader_rule: RuleText
    member_rule: str
    cohort_years: list[int] = []
    events: list[Event] = []
    # Option lists of this category's choice fields: list name -> [{id, zh, en}]
    choices: dict[str, list[Event]] = {}
    start: DateRule
    end: DateRule
    min_paid: MinPaid
    regional_exceptions: list[RegionalException] = []
    # attachment kinds the notice requires uploaded (forms.checks.required_uploads)
    required_attachments: list[Literal["contract", "payment_proof", "other"]] = []
    # a category that prints no form of its own says so; otherwise the pack must have one
    printed: bool = True

    @property
    def block_key(self) -> str:
        """The contract key of the category's own fields (``"tech_vp"``)."""
        return self.block or self.id

    def options(self, name: str) -> list[Event] | None:
        """The category's option list ``name`` (value, zh, en), or None when it has none."""
        if name in self.choices:
            return self.choices[name]
        if name == "events" and self.events:
            return self.events
        if name == "cohort_years" and self.cohort_years:
            # made from the validated years: nothing to check (and no validator to build)
            return [Event.model_construct(id=str(y), zh=str(y), en=str(y)) for y in self.cohort_years]
        return None

    def min_paid_for(self, city: str | None) -> Decimal:
        for exception in self.regional_exceptions:
            if city and city == exception.city:
                return exception.wan
        return self.min_paid.wan


class Declaration(Bilingual, Strict):
    key: str
    rule: str
    zh: str
    en: str


class Copy(Bilingual, Strict):
    key: str
    zh: str
    en: str


class Contact(Bilingual, Strict):
    phone: str
    zh: str
    en: str


FieldKind = Literal["text", "multiline", "money", "date", "choice", "year", "bool", "phone", "email", "uscc", "city"]


class FieldSpec(Bilingual, Strict):
    zh: str
    en: str
    kind: FieldKind
    required: bool = False
    help: Text | None = None
    choices: str | None = None
    categories: list[str] | None = None
    declaration: bool = False
    # A category's own field: the notice's rule id reported when it is empty or not one of its
    # options (instead of "required" / "format.choice"), the value `cxy sample` fills in, and the
    # wizard step it joins when the steps do not list it (so that a child pack adds a field with
    # one entry).
    rule: str | None = Field(default=None, pattern=r"^[A-Z]{1,2}[0-9]{1,2}$")
    sample: StrictStr | StrictInt | StrictBool | None = None
    step: str | None = None
    # The inclusive bounds of a money or year field of a category, e.g. ``range = [2019, 2024]``.
    range: tuple[Decimal, Decimal] | None = None
    # The most characters (code points) the field may hold: refused where a value enters (typing,
    # import, the draft API) and when a draft is read. Filled from ``[limits] max_chars`` of
    # pack.toml by kind unless the field declares its own; None only for a yes/no field.
    max_chars: int | None = Field(default=None, gt=0)

    def label(self, lang: str) -> str:  # the older name of get()
        return self.get(lang)


class TableSpec(Bilingual, Strict):
    zh: str
    en: str
    help: Text | None = None
    min_rows: int = 0
    # The most rows a draft may store (refused at entry). Deliberately above what the rules
    # accept (a team of six is stored, and reported by the team.size rule).
    max_rows: int = Field(default=50, gt=0)


class Limits(Strict):
    """How much an application may hold: sizes no real application reaches that keep every
    draft printable and readable by the hardened reader (see :mod:`forms.limits`)."""

    max_attachments: int = Field(default=100, gt=0)
    max_title_chars: int = Field(default=500, gt=0)  # an attachment's title
    max_chars: dict[FieldKind, int] = {}  # default ``FieldSpec.max_chars`` per field kind


class AttachmentKind(Strict):
    """One kind of attachment (issue 12): its label, and the words of a file name or of a first
    page that suggest it (forms.attachments.kinds)."""

    id: Literal["contract", "payment_proof", "other"]
    label: Text
    name_words: list[str] = []
    text_words: list[str] = []


class Step(Bilingual, Strict):
    key: str
    zh: str
    en: str
    fields: list[str]


class RoleSpec(Strict):
    """Who fills what: a role's wizard steps, fields (contract paths, prefixes such as
    ``enterprise`` or patterns such as ``contract.*``) and attachment kinds."""

    id: str
    label: Text
    steps: list[str]
    fields: list[str]
    attachment_kinds: list[str]
    instructions: Text

    def owns_field(self, path: str) -> bool:
        pattern = pattern_of(path)
        for own in self.fields:
            stem = own[:-2] if own.endswith(".*") else own
            if pattern == own or path == own or pattern.startswith(stem + ".") or path.startswith(stem + "."):
                return True
        return False

    def owns_step(self, key: str) -> bool:
        return key in self.steps


class SignLine(Bilingual, Strict):
    zh: str
    en: str
    value: str | None = None


class Letter(Strict):
    annex: int
    verified: bool
    title: Text
    intro: Text
    points: list[Text]
    sign: list[SignLine]


class Pack(Strict):
    id: str
    schema_: int = Field(alias="schema")
    year: int
    title: Text
    notice: Text
    issuer: Text
    notice_date: dt.date
    portal_url: str
    period: str
    date_line: Text
    seal_rule: Text
    filing: Filing
    province: Province
    rules: Rules
    upload: Upload
    categories: list[Category]
    declarations: list[Declaration]
    copies: list[Copy]
    checklist: list[Text]
    contacts: list[Contact]
    limits: Limits = Field(default_factory=Limits)  # made when used: Limits() builds its schema
    roles: list[RoleSpec] = []
    attachment_kinds: list[AttachmentKind] = []
    # from fields.toml / letters.toml / documents.toml
    choices: dict[str, dict[str, Text]]
    tables: dict[str, TableSpec]
    steps: list[Step]
    fields: dict[str, FieldSpec]
    letters: dict[str, Letter]
    documents: dict[str, Any] = {}

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    def role(self, role_id: str | None) -> RoleSpec | None:
        for role in self.roles:
            if role.id == role_id:
                return role
        return None

    def length_limit(self, path: str) -> Limit | None:
        """The pack's rule on the length of the field at ``path`` (see :data:`LENGTH_RULES`)."""
        key = LENGTH_RULES.get(path)
        return getattr(self.rules, key) if key is not None else None

    def kind_label(self, kind: str, lang: str = "zh") -> str:
        """The user's name for an attachment kind (the id itself for a kind the pack lacks)."""
        for spec in self.attachment_kinds:
            if spec.id == kind:
                return spec.label.get(lang)
        return kind

    def category(self, category_id: str | None) -> Category | None:
        for category in self.categories:
            if category.id == category_id:
                return category
        return None

    def choice_labels(self, name: str, lang: str = "zh", category: str | None = None) -> dict[str, str]:
        """Options of a choice field, value → label: the category's own list of that name
        (``events``), else the pack's (``choices`` of fields.toml). Without a category, every
        category's list of that name together."""
        cat = self.category(category)
        lists = [cat.options(name)] if cat is not None else [c.options(name) for c in self.categories]
        if any(found is not None for found in lists):
            return {o.id: o.get(lang) for found in lists for o in found or []}
        return {key: text.get(lang) for key, text in self.choices.get(name, {}).items()}

    def own_fields(self, category: str | None) -> dict[str, FieldSpec]:
        """The category's own fields (its block's), declared with ``categories``."""
        return {path: spec for path, spec in self.fields.items() if spec.categories and category in spec.categories}

    def fields_for(self, category: str | None) -> dict[str, FieldSpec]:
        """The fields a user of this category fills (other categories' blocks left out)."""
        return {
            path: spec for path, spec in self.fields.items() if spec.categories is None or category in spec.categories
        }

    @model_validator(mode="before")
    @classmethod
    def _default_max_chars(cls, data: Any) -> Any:
        """A field without its own ``max_chars`` takes its kind's from ``[limits]``."""
        if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
            return data
        limits = data.get("limits")
        defaults = limits.get("max_chars") if isinstance(limits, dict) else None
        if not isinstance(defaults, dict):
            return data
        fields = {}
        for path, spec in data["fields"].items():
            if isinstance(spec, dict) and "max_chars" not in spec and spec.get("kind") in defaults:
                spec = {**spec, "max_chars": defaults[spec["kind"]]}
            fields[path] = spec
        return {**data, "fields": fields}

    @model_validator(mode="before")
    @classmethod
    def _place_on_steps(cls, data: Any) -> Any:
        """A field that names its ``step`` and is on no step's list joins the end of that step."""
        if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
            return data
        steps = data.get("steps")
        if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
            return data
        listed = {path for step in steps for path in step.get("fields") or [] if isinstance(path, str)}
        placed = [dict(step, fields=list(step.get("fields") or [])) for step in steps]
        for path, spec in data["fields"].items():
            target = spec.get("step") if isinstance(spec, dict) else None
            if path in listed or not isinstance(target, str):
                continue
            for step in placed:
                if step.get("key") == target:
                    step["fields"].append(path)
        return {**data, "steps": placed}

    @model_validator(mode="after")
    def _consistent(self) -> Pack:
        problems: list[str] = []
        contract = known_paths()
        blocks = {c.block_key: c.id for c in self.categories}
        for path, spec in self.fields.items():
            if path in contract:
                continue
            block = path.split(".")[0]
            if not is_block_path(path) or block not in blocks:
                problems.append(f"fields.toml declares '{path}', which is not in the data contract")
            elif spec.categories is None or any(blocks.get(block) != cat for cat in spec.categories):
                problems.append(f"field '{path}' must name the categories whose block '{block}' holds it")
        problems += self._own_field_problems()
        placed: dict[str, str] = {}
        for step in self.steps:
            for path in step.fields:
                if path not in self.fields:
                    problems.append(f"step '{step.key}' lists undeclared field '{path}'")
                if path in placed:
                    problems.append(f"field '{path}' is on steps '{placed[path]}' and '{step.key}'")
                placed[path] = step.key
        for path in self.fields:
            if path not in placed:
                problems.append(f"field '{path}' is on no step")
        for path, spec in self.fields.items():
            if spec.kind != "bool" and spec.max_chars is None:
                problems.append(f"field '{path}' has no max_chars (declare one, or [limits] max_chars.{spec.kind})")
            if "*" in path and path.split(".*.")[0] not in self.tables:
                problems.append(f"field '{path}' is a column of undeclared table '{path.split('.*.')[0]}'")
        ids = [c.id for c in self.categories]
        if len(set(ids)) != len(ids):
            problems.append("category ids repeat")
        for path, spec in self.fields.items():
            for cat in spec.categories or []:
                if cat not in ids:
                    problems.append(f"field '{path}' names unknown category '{cat}'")
        for key in self.rules.contract_types:
            if key not in self.choices.get("contract_type", {}):
                problems.append(f"contract type '{key}' has no label")
        for decl in self.declarations:
            if f"declarations.{decl.key}" not in self.fields:
                problems.append(f"declaration '{decl.key}' has no field")
        for name in ("leader", "unit", "authority"):
            if name not in self.letters:
                problems.append(f"letters.toml lacks the '{name}' letter")
        for city in (e.city for c in self.categories for e in c.regional_exceptions):
            if city not in self.province.cities:
                problems.append(f"regional exception names '{city}', not a city of {self.province.name}")
        problems += self._role_problems()
        kinds = [k.id for k in self.attachment_kinds]
        if sorted(kinds) != sorted({"contract", "payment_proof", "other"}):
            problems.append("[[attachment_kinds]] must list contract, payment_proof and other once each")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _own_field_problems(self) -> list[str]:
        """Every choice list exists for whoever fills the field, and every required field of a
        category can be filled by `cxy sample` (a sample value, or options to take one from)."""
        problems: list[str] = []
        for path, spec in self.fields.items():
            cats = [c for c in self.categories if spec.categories and c.id in spec.categories]
            if spec.choices is not None:
                if cats:
                    lacking = [c.id for c in cats if c.options(spec.choices) is None]
                    if lacking and spec.choices not in self.choices:
                        problems.append(f"field '{path}': category '{lacking[0]}' has no list '{spec.choices}'")
                elif spec.choices not in self.choices:
                    problems.append(f"field '{path}' uses unknown choice list '{spec.choices}'")
            elif spec.kind == "choice":
                problems.append(f"field '{path}' is a choice without a choice list")
            if spec.range is not None and (spec.kind not in ("money", "year") or spec.range[0] > spec.range[1]):
                problems.append(f"field '{path}': a range is [low, high] of a money or year field")
            if cats and spec.required and spec.sample is None and spec.choices is None:
                problems.append(f"field '{path}' of category '{cats[0].id}' has no sample value")
        return problems

    def _role_problems(self) -> list[str]:
        if not self.roles:
            return ["the pack declares no [[roles]]"]
        problems = []
        ids = [r.id for r in self.roles]
        if len(set(ids)) != len(ids):
            problems.append("role ids repeat")
        steps = {s.key for s in self.steps}
        for role in self.roles:
            problems += [f"role '{role.id}' names unknown step '{k}'" for k in role.steps if k not in steps]
            problems += [
                f"role '{role.id}' names unknown attachment kind '{k}'"
                for k in role.attachment_kinds
                if k not in ("contract", "payment_proof", "other")
            ]
        for path in self.fields:
            if not any(role.owns_field(path) for role in self.roles):
                problems.append(f"field '{path}' belongs to no role")
        return problems


def load_pack_dir(folder: Path, snapshot: bool = True) -> Pack:
    """Load and check the pack in ``folder`` (and the packs it extends) with the office's
    imported templates applied; a broken pack raises one UserError naming the file and line.
    A valid snapshot of an earlier load stands in for the reading (:mod:`forms.pack_snapshot`)."""
    import sys

    from .pack_load import load_dir

    # A saved or removed template is read on the next load. The store (pydantic models of its
    # own) is not imported for this: a store imported later subscribes the cache itself.
    store = sys.modules.get("forms.template.store")
    if store is not None:
        store.on_change(load_pack.cache_clear)
    return load_dir(folder, Pack, snapshot)


@lru_cache(maxsize=8)
def load_pack(pack_id: str = DEFAULT_PACK) -> Pack:
    """The pack ``pack_id``: bundled, installed in the user's data folder, or loaded from a
    folder earlier in this run (:mod:`forms.pack_registry`)."""
    folder = folder_of(pack_id)
    if folder is None:
        shown = printable(pack_id)  # may come from a received file
        raise UserError(
            "pack.unknown",
            f"未知的规则包：{shown}（本机没有安装；请向发来文件的人索取该规则包，用 cxy packs install 安装，"
            "或用 --pack 指定它的文件夹）",
            f"Unknown rule pack: {shown} (not installed here; ask whoever sent the file for the pack and install it "
            "with cxy packs install, or give its folder with --pack)",
        )
    return load_pack_dir(folder)


def pack_named(pack_id: object, default: Pack) -> Pack:
    """The pack a draft or application names (its ``pack``), when this program has it (bundled,
    installed or loaded from a folder in this run); otherwise ``default``, whose checks then
    report the mismatch."""
    if isinstance(pack_id, str) and pack_id and pack_id != default.id:
        try:
            return load_pack(pack_id)
        except UserError:
            return default
    return default


def resolve_pack(ref: str) -> Pack:
    """``--pack``: a pack id, or a pack folder (remembered by its id for the rest of the run, so
    that the drafts it makes find it)."""
    folder = Path(ref).expanduser()
    # a plain name is an id first; a folder of that name is tried when no pack has the id
    if not looks_like_folder(ref) and (folder_of(ref) is not None or not (folder / "pack.toml").is_file()):
        return load_pack(ref)
    if not (folder / "pack.toml").is_file():
        raise UserError(
            "pack.unknown",
            f"未知的规则包：{ref}（既不是已安装的规则包，也不是含 pack.toml 的文件夹）",
            f"Unknown rule pack: {ref} (neither an installed pack nor a folder with a pack.toml)",
        )
    pack = load_pack_dir(folder.resolve())
    remember(pack.id, folder.resolve())
    return pack
