"""Write tests/draft/fixtures/v1.cxy (+ v1.json, what it must read back as).

Run once, when schema version 1 was current, and committed as binary: every later version of
the app must still open this exact file (test_draft_migrations.py). Do not regenerate it with
a newer schema — make a new fixture (v2.cxy …) for each new version instead.

    .venv/bin/python tests/draft/make_v1_fixture.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from forms.draft import SCHEMA_VERSION, Draft  # noqa: E402

DATA = {
    "pack": "jiangsu-cxy-2023",
    "category": "conference",
    "project": {
        "name": "固废资源化利用技术合作",
        "summary": "联合开发……，形成示范线一条。",
        "kpis": "新增销售 500 万元",
    },
    "conference": {"filing_no": "DH2023-0156"},
    "contract": {
        "type": "transfer",
        "name": "专利转让合同",
        "registration_no": "2023320500000456",
        "start": "2023-03-01",
        "end": "2025-02-28",
        "amount_wan": "50",
    },
    "payments": [
        {"amount_wan": 20.5, "date": "2023-04-10", "payer": "苏州某环保科技有限公司", "payee": "某某学院"},
        {"amount_wan": "10.0000", "date": "2023-08-01", "payer": "苏州某环保科技有限公司", "payee": "某某学院"},
    ],
    "university": {
        "name": "某某学院",
        "uscc": "12320000466000001X",
        "contact": {"name": "刘老师", "phone": "0512-66666666"},
    },
    "enterprise": {"name": "苏州某环保科技有限公司", "city": "苏州市", "county": "吴江区"},
    "leader": {"name": "陈研究员", "unit": "某某学院", "title": "研究员", "email": "chen@example.edu.cn"},
    "members": [
        {"name": "周一", "unit": "某某学院", "is_enterprise": False},
        {},
        {"name": "吴三", "unit": "苏州某环保科技有限公司", "title": "高级工程师", "is_enterprise": True},
    ],
    "declarations": {"no_unclosed_project": True, "no_other_plan_issue": False},
    "letters": {"leader": {"signer": "陈研究员"}, "authority": {"name": "吴江区科学技术局"}},
    "routing": {"local_bureau": "吴江区科学技术局", "city_bureau": "苏州市科学技术局"},
}
PDFS = [
    ("contract", "专利转让合同", "合同.pdf", "pdf", 3, b"%PDF-1.4\n% contract\n%%EOF\n"),
    ("payment_proof", "到账证明", "到账.jpg", "jpeg", 1, b"%PDF-1.4\n% payment proof\n%%EOF\n"),
]


def main() -> None:
    if SCHEMA_VERSION != 1:
        sys.exit(f"this script makes the version-1 fixture; schema is now version {SCHEMA_VERSION}")
    cxy, expected = HERE / "fixtures" / "v1.cxy", HERE / "fixtures" / "v1.json"
    if cxy.exists() and "--force" not in sys.argv:
        sys.exit(f"{cxy} exists; it is a frozen fixture (use --force only while version 1 is unreleased)")
    cxy.unlink(missing_ok=True)
    with Draft.create(cxy, pack=DATA["pack"], category=DATA["category"]) as draft:
        draft.replace_data(DATA)
        draft.set_meta("created", "2023-10-01T08:00:00+00:00")
        for kind, title, name, fmt, pages, pdf in PDFS:
            draft.add_attachment(
                kind=kind,
                title=title,
                original_name=name,
                source_format=fmt,
                pages=pages,
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
            )
        want = {
            "data": draft.data(),
            "meta": dict(draft.meta().items()),
            "attachments": [
                {
                    "kind": a.kind,
                    "title": a.title,
                    "original_name": a.original_name,
                    "source_format": a.source_format,
                    "pages": a.pages,
                    "sha256": a.sha256,
                    "size": a.size,
                }
                for a in draft.attachments()
            ],
        }
    expected.write_text(json.dumps(want, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {cxy} ({cxy.stat().st_size} bytes) and {expected}")


if __name__ == "__main__":
    main()
