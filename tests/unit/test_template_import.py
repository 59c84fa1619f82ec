"""导入官方模板: an official .docx of one of the six attachments becomes a verified local
override of the pack; a document that cannot be mapped, or is not a .docx at all, is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from forms.errors import UserError
from forms.pack import load_pack
from forms.render.documents import render_document
from forms.samples import sample
from forms.template import import_template, list_overrides, remove_override
from forms.template.form_labels import inlined, slots
from forms.template.store import overrides_dir, scan

REPO = Path(__file__).resolve().parents[2]
NOTE = "文本待与官方模板核对"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Each test imports into its own data folder; no test leaves an override in a loaded pack."""
    monkeypatch.setenv("CXY_DATA_DIR", str(tmp_path / "data"))
    load_pack.cache_clear()
    yield tmp_path / "data"
    load_pack.cache_clear()


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def letter_docx(
    path: Path,
    key: str = "leader",
    points: list[str] | None = None,
    sign: list[str] | None = None,
    list_style: bool = False,
    annex: int | None = None,
) -> Path:
    """A letter laid out as an office would type it, worded differently from the pack."""
    letter = load_pack().letters[key]
    document = docx.Document()
    document.add_paragraph(f"附件{annex or letter.annex}")
    document.add_heading(letter.title.zh, level=1)
    document.add_paragraph("官方开头语：本人郑重承诺如下：")
    for number, point in enumerate(points or [f"官方第{n}条承诺内容。" for n in range(1, len(letter.points) + 1)], 1):
        if list_style:  # Word's automatic numbering: the number is not in the text
            document.add_paragraph(point, style="List Number")
        else:
            document.add_paragraph(f"{number}、{point}")
    document.add_paragraph("")
    for line in sign if sign is not None else [f"官方签字行{n}：" for n in range(1, len(letter.sign) + 1)]:
        document.add_paragraph(line)
    document.add_paragraph("2023年    月    日")
    document.save(path)
    return path


def form_docx(
    path: Path,
    doc_key: str = "form_tech_trade",
    rename: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
    annex: int = 3,
) -> Path:
    """The form as a two-column table of label and (typed) value, in the pack's order."""
    pack = load_pack()
    rename = rename or {}
    document = docx.Document()
    document.add_paragraph(f"附件{annex}")
    document.add_paragraph("江苏省产学研合作项目申报书")
    table = document.add_table(rows=0, cols=2)
    for slot in slots(inlined(pack.documents, doc_key)):
        if slot.text in drop:
            continue
        row = table.add_row().cells
        row[0].text = rename.get(slot.text, slot.text)
        row[1].text = "江苏某某科技有限公司" if "企业" in slot.text else ""  # what the office typed
    document.save(path)
    return path


def test_a_letter_with_new_wording_prints_it_without_the_note(tmp_path, data_dir):
    result = import_template(letter_docx(tmp_path / "附件4.docx"), load_pack())
    assert result.target.key == "leader" and result.override.verified
    assert (data_dir / "pack-overrides" / "jiangsu-cxy-2023" / "annex-4.json").is_file()
    pack = load_pack()
    assert pack.letters["leader"].verified
    assert pack.letters["leader"].points[1].zh == "官方第2条承诺内容。"  # the number is the renderer's
    text = text_of(render_document("letter_leader", sample("tech_vp"), pack)).replace("\n", "")
    assert "官方开头语：本人郑重承诺如下：" in text and "官方第5条承诺内容。" in text and "官方签字行1：" in text
    assert NOTE not in text
    # the other letters are still the pack's, still flagged
    assert NOTE in text_of(render_document("letter_unit", sample("tech_vp"), pack))


def test_word_list_numbering_and_a_two_line_sign_row(tmp_path):
    path = letter_docx(
        tmp_path / "unit.docx", key="unit", list_style=True, sign=["申报单位（盖章）：\t\t单位负责人（签字）："]
    )
    import_template(path, load_pack())
    letter = load_pack().letters["unit"]
    assert [s.zh for s in letter.sign] == ["申报单位（盖章）：", "单位负责人（签字）："]
    assert letter.sign[0].value == "letters.unit.unit_name"  # what it prints stays the pack's
    assert letter.points[0].zh == "官方第1条承诺内容。"


def test_a_letter_with_another_point_count_is_refused(tmp_path, data_dir):
    path = letter_docx(tmp_path / "附件4.docx", points=["一", "二", "三", "四"])
    with pytest.raises(UserError) as refused:
        import_template(path, load_pack())
    assert refused.value.code == "template.letter_mismatch"
    assert "4 条承诺" in refused.value.zh and "5" in refused.value.zh
    assert not (data_dir / "pack-overrides").exists() or not list_overrides("jiangsu-cxy-2023")
    assert not load_pack().letters["leader"].verified


def test_stray_text_after_the_points_is_refused_not_guessed(tmp_path):
    path = letter_docx(tmp_path / "a.docx", sign=["项目负责人（签字）：", "另：本承诺书一式三份"])
    with pytest.raises(UserError) as refused:
        import_template(path, load_pack())
    assert refused.value.code == "template.letter_mismatch"


def test_a_form_template_gives_its_labels_and_names_the_missing_rows(tmp_path):
    path = form_docx(tmp_path / "附件3.docx", rename={"合同名称": "技术合同名称"}, drop=("企业所在地",))
    result = import_template(path, load_pack())
    labels = {item.slot: item.zh for item in result.override.labels}
    assert labels["label:contract.name"] == "技术合同名称"
    assert labels["label:project.name"] == "项目名称"
    assert "江苏某某科技有限公司" not in labels.values()  # values the office typed are ignored
    assert result.unmatched == ["企业所在地"]
    assert "（1 个与规则包不同）" in result.summary("zh") and "企业所在地" in result.summary("zh")
    assert result.summary("zh").endswith("；模板中未找到 1 个：企业所在地")
    english = result.summary("en")
    assert "(1 differ from the pack)" in english and english.endswith("; 1 not found in the template: 企业所在地")
    pack = load_pack()
    trade = text_of(render_document("form_tech_trade", sample("tech_trade"), pack))
    assert "技术合同名称" in trade
    # the shared block changed for this form only
    assert "技术合同名称" not in text_of(render_document("form_tech_vp", sample("tech_vp"), pack))


def test_the_annex_line_and_the_title_must_agree(tmp_path):
    path = letter_docx(tmp_path / "x.docx", key="leader", annex=5)
    with pytest.raises(UserError) as refused:
        import_template(path, load_pack())
    assert refused.value.code == "template.conflict"
    blank = tmp_path / "blank.docx"
    document = docx.Document()
    document.add_paragraph("会议纪要")
    document.save(blank)
    with pytest.raises(UserError) as refused:
        import_template(blank, load_pack())
    assert refused.value.code == "template.unrecognised"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "template.not_docx"),  # a JPEG named .docx
        (b"PK\x03\x04 garbage", "template.not_docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "template.old_doc"),
        (b"", "template.not_docx"),
    ],
)
def test_a_file_that_is_no_docx_is_refused_in_one_line(tmp_path, content, code):
    path = tmp_path / "附件4.docx"
    path.write_bytes(content)
    with pytest.raises(UserError) as refused:
        import_template(path, load_pack())
    assert refused.value.code == code
    assert "\n" not in refused.value.zh and "附件4.docx" in refused.value.zh


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(UserError) as refused:
        import_template(path, load_pack())
    assert refused.value.code == "template.bomb"


def test_a_docx_with_a_broken_document_part_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    good = letter_docx(tmp_path / "good.docx")
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document>not xml" if item.filename == "word/document.xml" else data)
    with pytest.raises(UserError) as refused:
        import_template(path, load_pack())
    assert refused.value.code == "template.unreadable"


def test_remove_restores_the_pack_text(tmp_path):
    shipped = load_pack().letters["authority"]
    import_template(letter_docx(tmp_path / "6.docx", key="authority"), load_pack())
    assert load_pack().letters["authority"].verified
    remove_override("jiangsu-cxy-2023", "附件6")
    assert load_pack().letters["authority"] == shipped
    with pytest.raises(UserError) as unknown:
        remove_override("jiangsu-cxy-2023", "6")
    assert unknown.value.code == "template.unknown"


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        json.dumps({"format": 1, "pack": "jiangsu-cxy-2023", "id": "annex-4", "annex": 4, "kind": "letter"}).encode(),
        b"[" * 100_000,
        b" " * (300 * 1024),
    ],
)
def test_a_broken_override_is_ignored_with_a_warning(tmp_path, caplog, damage):
    import_template(letter_docx(tmp_path / "4.docx"), load_pack())
    stored = overrides_dir("jiangsu-cxy-2023") / "annex-4.json"
    stored.write_bytes(damage)
    load_pack.cache_clear()
    with caplog.at_level("WARNING", logger="forms.template"):
        pack = load_pack()
    assert not pack.letters["leader"].verified  # the shipped text, still flagged
    assert any("annex-4.json" in record.getMessage() for record in caplog.records)
    ((path, problem),) = scan("jiangsu-cxy-2023")  # what `cxy template list` shows
    assert path == stored and isinstance(problem, str)


def test_an_override_that_no_longer_fits_the_pack_is_ignored(tmp_path):
    import_template(letter_docx(tmp_path / "4.docx"), load_pack())
    stored = overrides_dir("jiangsu-cxy-2023") / "annex-4.json"
    data = json.loads(stored.read_text("utf-8"))
    data["letter"]["points"].append("多出的一条")
    stored.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    load_pack.cache_clear()
    assert not load_pack().letters["leader"].verified


def _cxy(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CXY_DATA_DIR": str(env_dir), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_the_cli_imports_lists_and_removes_and_the_override_survives_a_restart(tmp_path, data_dir):
    path = letter_docx(tmp_path / "附件5.docx", key="unit")
    done = _cxy("template", "import", str(path), "--json", env_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "annex-5"
    # a new process (the app restarted) loads the override from the data folder
    listed = _cxy("template", "list", "--json", env_dir=data_dir)
    assert [t["id"] for t in json.loads(listed.stdout)["templates"]] == ["annex-5"]
    load_pack.cache_clear()  # this process, started again, reads the same data folder
    assert load_pack().letters["unit"].verified
    removed = _cxy("--lang", "en", "template", "remove", "annex-5", env_dir=data_dir)
    assert removed.returncode == 0 and "Removed" in removed.stdout
    assert "没有导入的官方模板" in _cxy("template", "list", env_dir=data_dir).stdout


def test_the_cli_refuses_a_non_docx_in_one_line(tmp_path, data_dir):
    jpeg = tmp_path / "scan.docx"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    done = _cxy("template", "import", str(jpeg), env_dir=data_dir)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "不是 Word" in done.stderr and "Traceback" not in done.stderr


def grid_docx(path: Path, doc_key: str, annex: int, subtitle: str, rename: dict[str, str]) -> Path:
    """The form as Word lays it out: one six-column table, label and value cells merged across
    the grid as in documents.toml, the title above it, a few values typed in."""
    pack = load_pack()
    rows = inlined(pack.documents, doc_key)
    document = docx.Document()
    document.add_paragraph(f"附件{annex}")
    document.add_paragraph("江苏省产学研合作项目申报书")
    document.add_paragraph(f"（{subtitle}）")
    table = document.add_table(rows=0, cols=6)
    typed = {"project.name": "校企联合攻关项目", "university.name": "南京理工大学"}
    for row in rows:
        cells = table.add_row().cells
        if "heading" in row:
            cells[0].merge(cells[5]).text = rename.get(row["heading"], row["heading"])
            continue
        if "columns" in row:
            for index, column in enumerate(row["columns"]):
                cells[index].text = rename.get(column["header"], column["header"])
            continue
        if "seals" in row:
            for index, seal in enumerate(row["seals"]):
                merged = cells[2 * index].merge(cells[2 * index + 1])
                merged.text = f"{rename.get(seal['label'], seal['label'])}\n\n2023年  月  日"
            continue
        start = 0
        for cell in row["cells"]:
            span = cell.get("span", 1)
            target = cells[start].merge(cells[start + span - 1]) if span > 1 else cells[start]
            if "label" in cell:
                label = cell["label"].replace("\n", "") + (cell.get("note") or "")
                target.text = rename.get(label, label)
            elif cell.get("value") in typed:
                target.text = typed[cell["value"]]
            start += span
    document.save(path)
    return path


def test_a_word_grid_with_merged_cells_maps_every_label(tmp_path):
    path = grid_docx(
        tmp_path / "附件1.docx",
        "form_tech_vp",
        1,
        "科技副总实施的合作项目",
        {"项目主要内容（300字以内）": "项目主要内容（限300字）", "推荐单位（盖章）": "推荐部门（盖章）"},
    )
    result = import_template(path, load_pack())
    assert result.target.key == "form_tech_vp"
    assert result.unmatched == []
    labels = {item.slot: (item.zh, item.note) for item in result.override.labels}
    assert labels["label:project.summary"] == ("项目主要内容", "（限300字）")
    assert labels["seal:3"] == ("推荐部门（盖章）", None)
    assert labels["label:contract.amount_wan"][0] == "合同金额\n（万元）"  # same words: the pack's line break stays
    text = text_of(render_document("form_tech_vp", sample("tech_vp"), load_pack()))
    assert "推荐部门（盖章）" in text and "限300字" in text


def test_a_document_far_larger_than_a_template_is_refused(tmp_path):
    path = tmp_path / "附件3.docx"
    document = docx.Document()
    document.add_paragraph("附件3")
    document.add_table(rows=110, cols=10)
    document.save(path)
    with pytest.raises(UserError) as refused:
        import_template(path, load_pack())
    assert refused.value.code == "template.too_big"


def test_a_letter_whose_sign_lines_sit_in_a_table(tmp_path):
    path = letter_docx(tmp_path / "附件6.docx", key="authority", sign=[])
    document = docx.Document(path)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "项目主管部门（盖章）："
    table.cell(1, 1).text = "2023年   月   日"
    document.save(path)
    import_template(path, load_pack())
    assert [s.zh for s in load_pack().letters["authority"].sign] == ["项目主管部门（盖章）："]


def test_a_form_is_recognised_by_a_title_broken_over_two_lines(tmp_path):
    path = grid_docx(tmp_path / "申报书.docx", "form_conference", 2, "产学研大会达成的合作项目", {})
    document = docx.Document(path)
    first = document.paragraphs[0]
    first._p.getparent().remove(first._p)  # no 附件2 line: the title alone says which form
    document.save(path)
    result = import_template(path, load_pack())
    assert result.target.key == "form_conference" and result.unmatched == []


def test_a_letter_with_bracketed_numbers_a_split_title_and_the_date_beside_the_signature(tmp_path):
    path = tmp_path / "承诺书.docx"
    document = docx.Document()
    for line in ("附件4", "科研诚信承诺书", "（项目负责人）", "本人郑重承诺："):
        document.add_paragraph(line)
    for number in range(1, 6):
        document.add_paragraph(f"（{number}）第{number}条。")
    document.add_paragraph("项目负责人（签字）：　　　　　　日期：2023年  月  日")
    document.save(path)
    letter = import_template(path, load_pack()).override.letter
    assert letter.title == "科研诚信承诺书（项目负责人）"
    assert letter.points == [f"第{n}条。" for n in range(1, 6)]
    assert letter.sign == ["项目负责人（签字）："]
