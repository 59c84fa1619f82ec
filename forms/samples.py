"""Realistic, complete, eligible applications, one per category: the `cxy sample` command,
the app's "open the sample" and the tests' starting point. Dates and amounts are chosen inside
the pack's windows so that the sample stays eligible when a pack changes them."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from .formats import uscc_check_char
from .pack import DEFAULT_PACK, Category, Pack, load_pack


def uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


UNIVERSITY = "南京理工大学"
ENTERPRISE = "宿迁市镕喆新材料科技有限公司"

_COMMON: dict[str, Any] = {
    "project": {
        "name": "高性能复合材料智能成型关键技术研发及产业化",
        "summary": (
            "针对合作企业复合材料构件成型效率低、废品率高的问题，联合开展热压成型工艺参数智能优化、"
            "在线缺陷检测与工艺数字孪生技术研究。项目将建立成型过程多物理场仿真模型，开发基于机器视觉的"
            "缺陷在线识别系统，形成一套可推广的智能成型工艺包，并在企业两条生产线上示范应用，"
            "推动高校科研成果在江苏转化落地。"
        ),
        "kpis": (
            "1. 新工艺：形成智能成型工艺包1套，成型周期缩短20%；2. 知识产权：申请发明专利3件；"
            "3. 新产品：开发新产品2项；4. 人才引进：培养企业技术骨干5名；5. 经济效益：新增销售收入2000万元。"
        ),
    },
    "contract": {
        "type": "development",
        "name": "复合材料智能成型技术开发合同",
        "registration_no": "2023320113000456",
        "registered": "yes",
        "amount_wan": "80",
    },
    "university": {
        "name": UNIVERSITY,
        "uscc": uscc("12100000466006770"),
        "contact": {"name": "周玥", "phone": "025-84315678"},
    },
    "enterprise": {
        "name": ENTERPRISE,
        "uscc": uscc("91321302MA1XY2K3P"),
        "city": "宿迁市",
        "county": "宿城区",
        "contact": {"name": "王堃", "phone": "13905271234"},
    },
    "leader": {
        "name": "李镕喆",
        "unit": UNIVERSITY,
        "title": "教授",
        "phone": "13851234567",
        "email": "lirongzhe@njust.edu.cn",
    },
    "members": [
        {
            "name": "张堃",
            "unit": UNIVERSITY,
            "major": "材料科学与工程",
            "field": "复合材料成型",
            "title": "副教授",
            "is_enterprise": False,
        },
        {
            "name": "陈玥",
            "unit": UNIVERSITY,
            "major": "机械工程",
            "field": "机器视觉检测",
            "title": "讲师",
            "is_enterprise": False,
        },
        {
            "name": "刘喆",
            "unit": ENTERPRISE,
            "major": "高分子材料",
            "field": "工艺研发",
            "title": "高级工程师",
            "is_enterprise": True,
        },
        {
            "name": "赵镕",
            "unit": ENTERPRISE,
            "major": "自动化",
            "field": "生产线改造",
            "title": "工程师",
            "is_enterprise": True,
        },
    ],
    "declarations": {"no_unclosed_project": True, "no_other_plan_issue": True, "no_serious_dishonesty": True},
    "letters": {"leader": {"signer": "李镕喆"}},
}


def _start_end(category: Category) -> tuple[dt.date, dt.date]:
    start_rule, end_rule = category.start, category.end
    if start_rule.from_ is not None:
        start = start_rule.from_ + dt.timedelta(days=30)
    else:
        start = (start_rule.after or dt.date(2023, 1, 1)) + dt.timedelta(days=60)
    if start_rule.to is not None and start > start_rule.to:
        start = start_rule.to
    end = (end_rule.after or start) + dt.timedelta(days=180)
    return start, end


def own_samples(pack: Pack, category: str) -> dict[str, str | int | bool]:
    """The category's own fields as the pack's samples fill them: a field's ``sample``, or, for
    a field with options, the last option when its sample is not one (a later year's pack that
    inherits the 2023 fields keeps its own cohort years)."""
    values: dict[str, str | int | bool] = {}
    for path, spec in pack.own_fields(category).items():
        value = spec.sample
        if spec.choices is not None:
            options = list(pack.choice_labels(spec.choices, "zh", category))
            if options and str(value) not in options:
                value = int(options[-1]) if spec.kind == "year" and options[-1].isdigit() else options[-1]
        if value is not None:
            values[path] = value
    return values


def sample(category: str, pack: Pack | None = None) -> dict[str, Any]:
    pack = pack or load_pack(DEFAULT_PACK)
    cat = pack.category(category)
    if cat is None:
        raise ValueError(f"unknown category {category!r}")
    data = copy.deepcopy(_COMMON)
    data = {"pack": pack.id, "category": category, **data}
    for path, value in own_samples(pack, category).items():
        put(data, path, value)
    start, end = _start_end(cat)
    data["contract"]["start"] = start.isoformat()
    data["contract"]["end"] = end.isoformat()
    # Two payments, together above the category's general threshold (no reliance on exceptions).
    minimum = cat.min_paid.wan
    first = (minimum * 2 / 3).quantize(1)
    data["payments"] = [
        {
            "amount_wan": str(first),
            "date": (start + dt.timedelta(days=10)).isoformat(),
            "payer": ENTERPRISE,
            "payee": UNIVERSITY,
        },
        {
            "amount_wan": str(minimum - first + 5),
            "date": (start + dt.timedelta(days=40)).isoformat(),
            "payer": ENTERPRISE,
            "payee": UNIVERSITY,
        },
    ]
    # The uploads the notice requires, as the data contract names them (kind and title; the
    # files themselves come from sample_attachments), so pure-data checks of a sample pass.
    data["attachments"] = [{"kind": kind, "title": title} for kind, title in _uploads(cat)]
    return data


def _uploads(category: Category) -> list[tuple[str, str]]:
    return [(kind, SAMPLE_TITLES.get(kind, kind)) for kind in category.required_attachments]


SAMPLE_TITLES = {
    "contract": "技术开发合同（示例扫描件）",
    "payment_proof": "到账证明（示例扫描件）",
    "other": "其他附件（示例）",
}


def _scan_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 stand-in for a scan: a slightly grey page with a title, a few lines of
    text and a red seal ring, drawn by reportlab (invariant: the same bytes every time)."""
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from .render.fonts import register_fonts

    fonts = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    width, height = A4
    canvas.setFillColor(colors.Color(0.95, 0.94, 0.91))
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    canvas.setFont(fonts.bold, 18)
    canvas.drawCentredString(width / 2, height - 40 * mm, title)
    canvas.setFont(fonts.regular, 11)
    for number, line in enumerate(lines):
        canvas.drawString(25 * mm, height - (60 + 9 * number) * mm, line)
    canvas.setStrokeColor(colors.Color(0.8, 0.1, 0.1))
    canvas.setLineWidth(2)
    canvas.circle(width - 60 * mm, 70 * mm, 20 * mm)
    canvas.setFillColor(colors.Color(0.8, 0.1, 0.1))
    canvas.setFont(fonts.regular, 9)
    canvas.drawCentredString(width - 60 * mm, 69 * mm, "（示例印章）")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _scan_lines(kind: str, data: dict[str, Any]) -> list[str]:
    contract = data.get("contract") or {}
    if kind == "payment_proof":
        return (
            [f"付款单位：{ENTERPRISE}", f"收款单位：{UNIVERSITY}"]
            + [
                f"第{n}笔：{p['amount_wan']}万元，{p['date']}"
                for n, p in enumerate(data.get("payments") or [], start=1)
            ]
            + ["本页为示例，不是真实的银行回单。"]
        )
    return [
        f"合同名称：{contract.get('name', '')}",
        f"登记号：{contract.get('registration_no', '')}",
        f"甲方：{ENTERPRISE}",
        f"乙方：{UNIVERSITY}",
        f"合同金额：{contract.get('amount_wan', '')}万元",
        "本页为示例，不是真实的合同。",
    ]


def sample_attachments(category: str, pack: Pack | None = None) -> list[tuple[str, str, bytes]]:
    """(kind, title, PDF) of the uploads the category requires: small generated scan-like
    PDFs, passed through our intake (so they are sanitised like any file and its ledger knows
    them). Titles match the ``attachments`` entries of :func:`sample`."""
    from .attachments import normalise

    pack = pack or load_pack(DEFAULT_PACK)
    cat = pack.category(category)
    if cat is None:
        raise ValueError(f"unknown category {category!r}")
    data = sample(category, pack)
    out = []
    for kind, title in _uploads(cat):
        result = normalise(_scan_pdf(title, _scan_lines(kind, data)), f"{title}.pdf")
        out.append((kind, title, result.pdf))
    return out


def fill_sample(draft: Any, category: str, pack: Pack | None = None) -> None:
    """Make ``draft`` the category's sample: its data (replacing all fields) and the required
    uploads as attachments (added to any it has)."""
    import hashlib
    import io

    import pikepdf

    pack = pack or load_pack(DEFAULT_PACK)
    draft.replace_data(sample(category, pack))
    for kind, title, pdf in sample_attachments(category, pack):
        with pikepdf.open(io.BytesIO(pdf)) as opened:
            pages = len(opened.pages)
        draft.add_attachment(
            kind=kind,
            title=title,
            original_name=f"{title}.pdf",
            source_format="pdf",
            pages=pages,
            sha256=hashlib.sha256(pdf).hexdigest(),
            pdf=pdf,
        )


def at_limits(category: str, pack: Pack | None = None, *, char: str = "国", valid: bool = True) -> dict[str, Any]:
    """The sample with every text field at its ``max_chars`` (written with ``char``) and its
    tables full: the largest application the limits admit. ``valid``: the team at the rules'
    maximum (so that it checks without error: the summary keeps its 300 counted characters and
    is padded with spaces; the sample's ``attachments`` refs kept); otherwise every table at its
    ``max_rows`` and no attachment refs."""
    pack = pack or load_pack(DEFAULT_PACK)
    data = sample(category, pack)
    if not valid:  # the fields only: the required uploads' refs are kept where it must check clean
        data.pop("attachments", None)
    rows = {table: spec.max_rows for table, spec in pack.tables.items()}
    if valid:
        rows["members"] = pack.rules.team.max_members
    for table, count in rows.items():
        items = data.get(table) or [{}]
        data[table] = [copy.deepcopy(items[index % len(items)]) for index in range(count)]
    if "members" in data:
        staff = pack.rules.team.max_enterprise
        for index, member in enumerate(data["members"]):
            member["is_enterprise"] = index < staff
    for path, spec in pack.fields_for(category).items():
        if spec.kind not in ("text", "multiline") or spec.max_chars is None:
            continue
        text = (char * spec.max_chars)[: spec.max_chars]
        if path == "project.summary" and valid:
            limit = pack.rules.summary.max_chars
            text = text[:limit] + " " * (spec.max_chars - limit)
        put(data, path, text)
    return data


def put(data: dict[str, Any], pattern: str, value: Any) -> None:
    """Set ``value`` at a contract pattern: ``project.name``, or ``members.*.name`` in every row."""
    if ".*." in pattern:
        table, column = pattern.split(".*.")
        for row in data[table]:
            row[column] = value
        return
    node = data
    *parents, last = pattern.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
