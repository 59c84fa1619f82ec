"""Helpers shared by the draft tests: sample data, tiny PDFs, leftovers."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from forms.draft import Draft

PACK = "jiangsu-cxy-2023"

SAMPLE = {
    "pack": PACK,
    "category": "tech_vp",
    "project": {"name": "高效光伏组件关键技术联合攻关", "summary": "围绕……开展合作。", "kpis": "申请发明专利 2 项"},
    "tech_vp": {"cohort_year": 2022},
    "contract": {
        "type": "development",
        "name": "技术开发合同",
        "registration_no": "2023320100000123",
        "start": "2023-01-10",
        "end": "2024-12-31",
        "amount_wan": "30.5",
    },
    "payments": [
        {"amount_wan": 10, "date": "2023-02-01", "payer": "某某科技有限公司", "payee": "某某大学"},
        {"amount_wan": 12.25, "date": "2023-06-01", "payer": "某某科技有限公司", "payee": "某某大学"},
    ],
    "university": {
        "name": "某某大学",
        "uscc": "12320000466000000X",
        "contact": {"name": "王老师", "phone": "025-88888888"},
    },
    "enterprise": {
        "name": "某某科技有限公司",
        "city": "宿迁市",
        "county": "沭阳县",
        "contact": {"name": "李经理", "phone": "13800000000"},
    },
    "leader": {
        "name": "张教授",
        "unit": "某某大学",
        "title": "教授",
        "phone": "13900000000",
        "email": "zhang@example.edu.cn",
    },
    "members": [
        {
            "name": "赵一",
            "unit": "某某大学",
            "major": "材料",
            "field": "光伏",
            "title": "副教授",
            "is_enterprise": False,
        },
        {"name": "钱二", "unit": "某某科技有限公司", "title": "工程师", "is_enterprise": True},
        {"name": "孙三", "unit": "某某科技有限公司", "is_enterprise": True},
    ],
    "declarations": {"no_unclosed_project": True, "no_other_plan_issue": True, "no_serious_dishonesty": False},
}


def tiny_pdf(tag: bytes = b"") -> bytes:
    return b"%PDF-1.4\n% " + tag + b"\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def attach(draft: Draft, pdf: bytes, *, kind: str = "contract", title: str = "合同") -> int:
    return draft.add_attachment(
        kind=kind,
        title=title,
        original_name="合同扫描件.pdf",
        source_format="pdf",
        pages=1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
    )


def make_draft(path: Path, data: dict | None = None, pdfs: int = 1) -> Path:
    with Draft.create(path, pack=PACK, category="tech_vp") as draft:
        draft.replace_data(data or SAMPLE)
        for i in range(pdfs):
            attach(draft, tiny_pdf(b"%d" % i), title=f"附件{i}")
    return path


def listing(folder: Path) -> set[str]:
    return set(os.listdir(folder))
