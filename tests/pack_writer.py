"""Rule packs written by tests, from one set of TOML pieces: a category entry, a field of a
category's own, a printed form, a pack folder extending another (issue 15: categories are data,
a child pack extends by entry). The pack tests, the meta-test over every pack and the GUI tests
write their packs through these, so a change in the pack's format is made here once.

``write_dual_high_pack``: the bundled 2023 pack plus 双高协同 (``dual_high``), a category with
two fields of its own, declared in TOML only (issue 15 item 3)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from forms.paths import packs_dir

TESTED_PACKS = Path(__file__).resolve().parent / "data" / "packs"  # the packs the tests ship
PACK_2025 = TESTED_PACKS / "jiangsu-cxy-2025"  # shaped like a later call's pack: extends 2023

# (zh, en) of a category's texts; the defaults are a test category's plain words
Words = tuple[str, str]


def category_toml(
    category_id: str,
    annex: int,
    *,
    rules: str,
    start: tuple[str, str],
    end_after: str,
    end_op: str | None = None,
    min_paid: str = "10",
    title: Words = ("江苏省产学研合作项目申报书", "Application Form"),
    subtitle: Words = ("试点合作项目", "Pilot projects"),
    blurb: Words = ("试点", "Pilot"),
    leader: Words = ("负责人须为高校方负责人。", "University-side lead."),
    extra: str = "",
) -> str:
    """A ``[[categories]]`` entry; ``rules``: the letter of its rule ids (leader 2, members 3,
    money 5, dates 6, as in the bundled pack); ``extra``: lines added at its end."""
    op = f', after_op = "{end_op}"' if end_op else ""
    return (
        "\n[[categories]]\n"
        f'id = "{category_id}"\n'
        f"annex = {annex}\n"
        f'title = {{ zh = "{title[0]}", en = "{title[1]}" }}\n'
        f'subtitle = {{ zh = "{subtitle[0]}", en = "{subtitle[1]}" }}\n'
        f'blurb = {{ zh = "{blurb[0]}", en = "{blurb[1]}" }}\n'
        f'leader_rule = {{ id = "{rules}2", zh = "{leader[0]}", en = "{leader[1]}" }}\n'
        f'member_rule = "{rules}3"\n'
        f'start = {{ rule = "{rules}6", from = {start[0]}, to = {start[1]} }}\n'
        f'end = {{ rule = "{rules}6", after = {end_after}{op} }}\n'
        f'min_paid = {{ rule = "{rules}5", wan = "{min_paid}" }}\n' + (f"{extra}\n" if extra else "")
    )


def pilot_category(extra: str = "") -> str:
    """试点 (``pilot``), 附件7: a category with no field of its own, added by a child pack."""
    return category_toml("pilot", 7, rules="P", start=("2022-01-01", "2023-09-30"), end_after="2023-12-30", extra=extra)


def field_toml(path: str, label: Words, *, category: str, sample: str, help: Words, rule: str = "S1") -> str:
    """A required text field of ``category``'s own, on the first step, with its sample value."""
    return (
        f'\n[fields."{path}"]\n'
        f'zh = "{label[0]}"\n'
        f'en = "{label[1]}"\n'
        'kind = "text"\n'
        f'categories = ["{category}"]\n'
        "required = true\n"
        f'rule = "{rule}"\n'
        'step = "project"\n'
        f'sample = "{sample}"\n'
        f'help = {{ zh = "{help[0]}", en = "{help[1]}" }}\n'
    )


FORM_PARTS = ("contract_type", "parties", "contract", "people", "lower")  # the bundled forms' shared rows


def form_toml(category: str, rows: Sequence[str] = (), parts: Sequence[str] = FORM_PARTS) -> str:
    """``documents.form_<category>``: the project's name, then ``rows`` (each a TOML list of
    cells), then the shared ``parts`` every form of the bundled pack uses."""
    name = f"form_{category}"
    out = [
        f'\n[documents.{name}]\nkind = "form"\ncategory = "{category}"\ncolumns = [1, 1, 1, 1, 1, 1]\n',
        f'[[documents.{name}.rows]]\ncells = [{{ label = "项目名称" }}, {{ value = "project.name", span = 5 }}]\n',
    ]
    out += [f"[[documents.{name}.rows]]\ncells = {cells}\n" for cells in rows]
    out += [f'[[documents.{name}.rows]]\nuse = "{part}"\n' for part in parts]
    return "".join(out)


def write_pack(
    folder: Path, pack: str = "", *, pack_id: str, extends: str = "jiangsu-cxy-2023", year: int = 2024, **files: str
) -> Path:
    """A pack folder extending ``extends``: its pack.toml (``pack`` after the header) and the
    other files by name (``documents=...`` → documents.toml)."""
    folder.mkdir()
    (folder / "pack.toml").write_text(
        f'id = "{pack_id}"\nextends = "{extends}"\nyear = {year}\n' + pack, encoding="utf-8"
    )
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


DUAL_HIGH = category_toml(
    "dual_high",
    4,
    rules="S",
    start=("2023-01-01", "2023-09-30"),
    end_after="2024-06-01",
    end_op=">",
    title=(
        "江苏省产学研合作项目申报书",
        "Application Form, Jiangsu Industry–University–Research Cooperation Project",
    ),
    subtitle=("“双高”协同创新合作项目", "Dual-high collaborative projects"),
    blurb=(
        "“双高计划”建设单位与企业协同创新的合作项目。",
        "Joint projects of a dual-high vocational college and an enterprise.",
    ),
    leader=("项目负责人须为高校方负责人。", "The leader must be the college-side lead."),
    extra='required_attachments = ["contract", "payment_proof"]',
)

DUAL_HIGH_FIELDS = field_toml(
    "dual_high.college",
    ("双高计划建设单位", "Dual-high plan college"),
    category="dual_high",
    sample="无锡职业技术学院",
    help=("入选“双高计划”的建设单位全称。", "The full name of the college in the dual-high plan."),
) + field_toml(
    "dual_high.major_group",
    ("专业群名称", "Specialty group"),
    category="dual_high",
    sample="智能制造专业群",
    help=("“双高计划”立项建设的专业群名称。", "The specialty group funded by the dual-high plan."),
)

DUAL_HIGH_FORM = form_toml(
    "dual_high",
    rows=[
        '[{ label = "双高计划\\n建设单位" }, { value = "dual_high.college", span = 2 }, '
        '{ label = "专业群名称" }, { value = "dual_high.major_group", span = 2 }]'
    ],
)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write_dual_high_pack(folder: Path) -> Path:
    """The 2023 pack plus 双高协同: a category entry, its two fields, its form; the applicant
    role owns the new block. Only TOML is written."""
    shutil.copytree(packs_dir() / "jiangsu-cxy-2023", folder)
    _edit(folder / "pack.toml", 'id = "jiangsu-cxy-2023"', 'id = "test-dual-high"')
    _edit(folder / "pack.toml", "[[declarations]]", DUAL_HIGH + "\n[[declarations]]")
    _edit(folder / "pack.toml", '"tech_trade", "contract",', '"tech_trade", "dual_high", "contract",')
    # a fourth form is 附件4: the integrity letters move up one (附件5–7), as in the 2025 test pack
    for number in (6, 5, 4):
        _edit(folder / "letters.toml", f"annex = {number}\n", f"annex = {number + 1}\n")
    with (folder / "fields.toml").open("a", encoding="utf-8") as handle:
        handle.write(DUAL_HIGH_FIELDS)
    with (folder / "documents.toml").open("a", encoding="utf-8") as handle:
        handle.write(DUAL_HIGH_FORM)
    return folder
