"""The application as data: the JSON contract of ``shared/spec/README.md``, every key.

The model is deliberately lenient about *values* (a draft may be half-filled or wrong and must
still save and load unchanged) and strict about *shape* (unknown keys and wrong types are errors).
Whether values are right is the job of :mod:`forms.checks`; how much they may hold (lengths,
rows, attachments, storable characters) is the pack's, checked by :mod:`forms.limits` in
:func:`forms.limits.parse_application`.

The parts every category shares are classes here; a category's own fields (``tech_vp.cohort_year``,
a new year's ``dual_high.college``) are not: the pack declares them (fields.toml, ``categories``)
and the model keeps them as a block of scalars under the category's key, judged against the pack
(:meth:`Application._category_blocks`), so that a new category is a pack change only.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    model_validator,
)

if TYPE_CHECKING:
    from .pack import Pack

Text = StrictStr | None
# Money and years arrive as JSON numbers or strings; both are kept exactly as given so that a
# JSON → draft → JSON round trip changes nothing.
Number = StrictInt | StrictFloat | StrictStr | None
# A category's own field (``tech_vp.cohort_year``): its kind is the pack's, so the model keeps any
# JSON scalar exactly as given and the checks judge it against the pack's field spec.
Scalar = StrictBool | StrictInt | StrictFloat | StrictStr | None
CategoryBlock = dict[str, Scalar]
# A category block's key and its fields' names: the pack names them, the model only keeps them
# plain (they become dotted draft paths and Qt object names).
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class Part(BaseModel):
    # built on the first validation, not at import: checking a draft reads its rows as plain data
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Project(Part):
    name: Text = None
    summary: Text = None
    kpis: Text = None


class Contract(Part):
    type: Text = None
    name: Text = None
    registration_no: Text = None
    registered: Text = None  # "yes" | "no": the form's two-box row (its label is a guess)
    start: Text = None
    end: Text = None
    amount_wan: Number = None


class Payment(Part):
    amount_wan: Number = None
    date: Text = None
    payer: Text = None
    payee: Text = None


class Contact(Part):
    name: Text = None
    phone: Text = None


class University(Part):
    name: Text = None
    uscc: Text = None
    contact: Contact | None = None


class Enterprise(Part):
    name: Text = None
    uscc: Text = None
    city: Text = None
    county: Text = None
    contact: Contact | None = None


class Leader(Part):
    name: Text = None
    unit: Text = None
    title: Text = None
    phone: Text = None
    email: Text = None


class Member(Part):
    name: Text = None
    unit: Text = None
    major: Text = None
    field: Text = None
    title: Text = None
    is_enterprise: StrictBool | None = None


class Declarations(Part):
    no_unclosed_project: StrictBool | None = None
    no_other_plan_issue: StrictBool | None = None
    no_serious_dishonesty: StrictBool | None = None


class LeaderLetter(Part):
    signer: Text = None


class UnitLetter(Part):
    unit_name: Text = None


class AuthorityLetter(Part):
    name: Text = None


class Letters(Part):
    leader: LeaderLetter | None = None
    unit: UnitLetter | None = None
    authority: AuthorityLetter | None = None


class Routing(Part):
    local_bureau: Text = None
    city_bureau: Text = None


class AttachmentRef(Part):
    kind: Literal["contract", "payment_proof", "other"] | None = None
    title: Text = None
    file: Text = None


class Application(Part):
    """The fixed parts of every application, and beside them (as extra keys, so that the JSON
    keeps its shape ``"tech_vp": {"cohort_year": 2023}``) the blocks of the categories' own
    fields, which the pack declares (``fields.toml``: ``tech_vp.cohort_year`` with its
    ``categories``). Validated with ``context={"pack": pack}`` (received JSON naming that pack or
    none), a block or block field the pack does not declare is an error; without it (a draft's
    rows, whose pack the validator does not know) any plain block of scalars is kept, and the
    checks judge it against the draft's own pack."""

    model_config = ConfigDict(extra="allow", defer_build=True)
    __pydantic_extra__: dict[str, CategoryBlock | None] = Field(init=False)

    pack: Text = None
    category: Text = None
    project: Project | None = None
    contract: Contract | None = None
    payments: list[Payment] = Field(default_factory=list)
    university: University | None = None
    enterprise: Enterprise | None = None
    leader: Leader | None = None
    members: list[Member] = Field(default_factory=list)
    declarations: Declarations | None = None
    letters: Letters | None = None
    routing: Routing | None = None
    attachments: list[AttachmentRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _category_blocks(self, info: ValidationInfo) -> Application:
        pack = info.context.get("pack") if isinstance(info.context, dict) else None
        # Not judged by a pack standing in for the one the data names (forms.limits.pack_for of a
        # pack this program cannot load): it lacks that pack's categories.
        declared = block_fields(pack) if pack is not None and self.pack in (None, "", pack.id) else None
        for key, block in (self.model_extra or {}).items():
            if not _NAME.fullmatch(key) or (declared is not None and key not in declared):
                raise ValueError(f"unknown key '{key}'")
            for name in block or {}:
                if not _NAME.fullmatch(name) or (declared is not None and name not in declared[key]):
                    raise ValueError(f"unknown key '{key}.{name}'")
        return self

    def blocks(self) -> dict[str, CategoryBlock]:
        """The category blocks present, by key (``{"tech_vp": {"cohort_year": 2023}}``)."""
        return {key: dict(block) for key, block in (self.model_extra or {}).items() if block is not None}


LIST_KEYS = ("payments", "members", "attachments")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def normalise(data: Any) -> Any:
    """Drop everything that means "not filled": None, "", empty lists and objects.

    List items keep their positions (an empty item in the middle stays as ``{}``) so that
    ``members.2`` means the same before and after.
    """
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            value = normalise(value)
            if not _empty(value):
                out[key] = value
        return out
    if isinstance(data, list):
        items = [normalise(item) for item in data]
        while items and _empty(items[-1]):
            items.pop()
        return [{} if item is None or item == "" else item for item in items]
    return data


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"members": [{"name": "张三"}]}`` → ``{"members.0.name": "张三"}`` (filled leaves only)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    flat.update(flatten(item, f"{path}.{index}."))
                elif not _empty(item):
                    flat[f"{path}.{index}"] = item
        elif not _empty(value):
            flat[path] = value
    return flat


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`flatten`; numeric path parts become list positions."""
    root: dict[str, Any] = {}
    for path in sorted(flat, key=_path_sort_key):
        parts = path.split(".")
        node: Any = root
        for here, nxt in itertools.pairwise(parts):
            child_is_list = nxt.isdigit()
            if isinstance(node, list):
                index = int(here)
                while len(node) <= index:
                    node.append([] if child_is_list else {})
                node = node[index]
            else:
                node = node.setdefault(here, [] if child_is_list else {})
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            while len(node) <= index:
                node.append({})
            node[index] = flat[path]
        else:
            node[last] = flat[path]
    return root


def _path_sort_key(path: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split("."))


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def block_fields(pack: Pack) -> dict[str, set[str]]:
    """The pack's category blocks: block key → the names of its fields (``{"tech_vp":
    {"cohort_year"}}``), from the fields declared outside the fixed contract."""
    blocks: dict[str, set[str]] = {}
    for path in pack.fields:
        if is_block_path(path):
            key, name = path.split(".")
            blocks.setdefault(key, set()).add(name)
    return blocks


def is_block_path(path: str) -> bool:
    """Whether ``path`` can name a category's own field: ``<block>.<field>``, two plain names,
    the block not one of the fixed parts of the contract."""
    parts = path.split(".")
    return len(parts) == 2 and parts[0] not in Application.model_fields and all(_NAME.fullmatch(part) for part in parts)


def known_paths(pack: Pack | None = None) -> set[str]:
    """Every leaf path of the contract with list positions written as ``*``: the fixed parts,
    and with ``pack`` the fields of its category blocks."""
    paths: set[str] = set()
    if pack is not None:
        paths |= {f"{key}.{name}" for key, names in block_fields(pack).items() for name in names}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            target = _model_in(field.annotation)
            if name in LIST_KEYS and target is not None:  # every list of the contract holds a model
                walk(target, f"{prefix}{name}.*.")
            elif target is not None:
                walk(target, f"{prefix}{name}.")
            else:
                paths.add(prefix + name)

    walk(Application, "")
    return paths


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def pattern_of(path: str) -> str:
    """``members.3.name`` → ``members.*.name``: the key under which a field is declared."""
    return ".".join("*" if part.isdigit() else part for part in path.split("."))
