"""A rule pack written by a test: the bundled 2023 pack plus 双高协同 (``dual_high``), a
category with two fields of its own, declared in TOML only (issue 15 item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

from forms.paths import packs_dir

CATEGORY = """
[[categories]]
id = "dual_high"
annex = 4
title = { zh = "江苏省产学研合作项目申报书", en = "Application Form, Jiangsu Industry–University–Research Cooperation Project" }
subtitle = { zh = "“双高”协同创新合作项目", en = "Dual-high collaborative projects" }
blurb = { zh = "“双高计划”建设单位与企业协同创新的合作项目。", en = "Joint projects of a dual-high vocational college and an enterprise." }
leader_rule = { id = "S2", zh = "项目负责人须为高校方负责人。", en = "The leader must be the college-side lead." }
member_rule = "S3"
start = { rule = "S6", from = 2023-01-01, to = 2023-09-30 }
end = { rule = "S6", after = 2024-06-01, after_op = ">" }
min_paid = { rule = "S5", wan = "10" }
required_attachments = ["contract", "payment_proof"]

"""

FIELDS = """
[fields."dual_high.college"]
zh = "双高计划建设单位"
en = "Dual-high plan college"
kind = "text"
categories = ["dual_high"]
required = true
rule = "S1"
step = "project"
sample = "无锡职业技术学院"
help = { zh = "入选“双高计划”的建设单位全称。", en = "The full name of the college in the dual-high plan." }

[fields."dual_high.major_group"]
zh = "专业群名称"
en = "Specialty group"
kind = "text"
categories = ["dual_high"]
required = true
rule = "S1"
step = "project"
sample = "智能制造专业群"
help = { zh = "“双高计划”立项建设的专业群名称。", en = "The specialty group funded by the dual-high plan." }
"""

FORM = """
[documents.form_dual_high]
kind = "form"
category = "dual_high"
columns = [1, 1, 1, 1, 1, 1]

[[documents.form_dual_high.rows]]
cells = [
  { label = "项目名称" },
  { value = "project.name", span = 5 },
]
[[documents.form_dual_high.rows]]
cells = [
  { label = "双高计划\\n建设单位" },
  { value = "dual_high.college", span = 2 },
  { label = "专业群名称" },
  { value = "dual_high.major_group", span = 2 },
]
[[documents.form_dual_high.rows]]
use = "contract_type"
[[documents.form_dual_high.rows]]
use = "parties"
[[documents.form_dual_high.rows]]
use = "contract"
[[documents.form_dual_high.rows]]
use = "people"
[[documents.form_dual_high.rows]]
use = "lower"
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write_dual_high_pack(folder: Path) -> Path:
    """The 2023 pack plus 双高协同: a category entry, its two fields, its form; the applicant
    role owns the new block. Only TOML is written."""
    shutil.copytree(packs_dir() / "jiangsu-cxy-2023", folder)
    _edit(folder / "pack.toml", 'id = "jiangsu-cxy-2023"', 'id = "test-dual-high"')
    _edit(folder / "pack.toml", "[[declarations]]", CATEGORY + "[[declarations]]")
    _edit(folder / "pack.toml", '"tech_trade", "contract",', '"tech_trade", "dual_high", "contract",')
    # a fourth form is 附件4: the integrity letters move up one (附件5–7), as in the 2025 test pack
    for number in (6, 5, 4):
        _edit(folder / "letters.toml", f"annex = {number}\n", f"annex = {number + 1}\n")
    with (folder / "fields.toml").open("a", encoding="utf-8") as handle:
        handle.write(FIELDS)
    with (folder / "documents.toml").open("a", encoding="utf-8") as handle:
        handle.write(FORM)
    return folder
