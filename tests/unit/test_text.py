"""One bilingual text type (issue 14 item 3): the pack's labels, errors, the checks' messages
and notes are all a ``forms.text.Text`` read with ``.get(lang)``; a pack entry with a key
beyond zh/en is still refused; the type costs the start-up path nothing."""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forms.checks.messages import catalogue, say
from forms.cli import main
from forms.cli_common import say_to
from forms.draft.errors import draft_error, from_os_error, invalid
from forms.draft.lock import LockInfo
from forms.errors import UserError
from forms.layout import parse_documents
from forms.limits import too_long
from forms.office.print_queue import Entry, Plan
from forms.pack import load_pack_dir
from forms.pack_install import _info, list_packs
from forms.paths import packs_dir
from forms.portal import portal_items
from forms.samples import sample
from forms.text import Text
from forms.typed import typed

ROOT = Path(__file__).resolve().parents[2]


def test_get_gives_the_language_asked_for_and_chinese_for_any_other():
    text = Text("申报书", "application form")
    assert [text.get(lang) for lang in ("zh", "en", "fr", "")] == ["申报书", "application form", "申报书", "申报书"]


def test_a_text_cannot_be_changed_and_compares_by_value():
    text = Text("申报书", "application form")
    with pytest.raises(dataclasses.FrozenInstanceError):
        text.zh = "别的"  # type: ignore[misc]
    assert text == Text(zh="申报书", en="application form") and len({text, Text("申报书", "application form")}) == 1


def test_text_is_made_from_the_shapes_bilingual_text_arrives_in():
    expected = Text("是", "yes")
    assert Text.of({"zh": "是", "en": "yes"}) == Text.of(expected) == expected


def test_the_pack_labels_are_texts(pack):
    assert isinstance(pack.title, Text) and pack.title.get("en").startswith("2023 Jiangsu")
    assert all(isinstance(item, Text) and item.zh and item.en for item in pack.checklist)
    assert pack.kind_label("contract", "en") == next(k.label.en for k in pack.attachment_kinds if k.id == "contract")


@pytest.fixture
def pack_copy(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(packs_dir() / "jiangsu-cxy-2023", folder)
    return folder


@pytest.mark.parametrize(
    ("new", "words"),
    [
        ('title = { zh = "标题", en = "Title", fr = "Titre" }', "title.fr"),  # a key beyond zh/en
        ('title = { zh = "标题" }', "title.en"),  # a language missing
        ('title = { zh = "标题", en = 2023 }', "title.en"),  # not text
    ],
)
def test_a_pack_text_with_a_wrong_shape_is_one_clear_error_naming_it(pack_copy, new, words):
    path = pack_copy / "pack.toml"
    old = 'title = { zh = "2023年江苏省产学研合作项目", en = "2023 Jiangsu Industry–University–Research Cooperation Projects" }'
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_pack_dir(pack_copy)
    assert caught.value.code == "pack.invalid"
    assert words in caught.value.en and words in caught.value.zh
    assert "is-instance" not in caught.value.en  # reported once, at its key


def test_a_user_error_carries_one_text():
    error = UserError("draft.truncated", "草稿文件不完整", "The draft file is incomplete")
    assert error.text == Text("草稿文件不完整", "The draft file is incomplete")
    assert (error.zh, error.en) == (error.text.zh, error.text.en)
    assert [error.message(lang) for lang in ("zh", "en", "de")] == [
        "草稿文件不完整",
        "The draft file is incomplete",
        "草稿文件不完整",
    ]
    assert str(error) == "草稿文件不完整 (The draft file is incomplete)"
    made_from_text = UserError("draft.truncated", error.text)
    assert (made_from_text.code, made_from_text.text) == ("draft.truncated", error.text)


def test_every_check_message_is_a_text_in_both_languages():
    entries = catalogue()
    assert entries and all(isinstance(entry, Text) and entry.zh and entry.en for entry in entries.values())
    assert say("required", "en", label="Project name") == "Please fill in “Project name”."
    assert say("required", "zh", label="项目名称") == "请填写“项目名称”。"


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "已新建草稿 {path}"), ("en", "Created draft {path}"), (None, "已新建草稿 {path}")]
)
def test_a_command_says_its_message_in_the_language_it_was_given(lang, said, tmp_path, capsys):
    path = tmp_path / "d.cxy"
    chosen = ["--lang", lang] if lang else []
    assert main([*chosen, "new", "--category", "tech_vp", "-o", str(path)]) == 0
    assert capsys.readouterr().out == said.format(path=path) + "\n"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "【冲突】附件 新增: 技术开发合同（示例扫描件） (contract)"),
        ("en", "[conflict] attachment added: 技术开发合同（示例扫描件） (contract)"),
    ],
)
def test_a_diff_names_an_added_attachment_in_the_language_given(lang, line, tmp_path, capsys):
    empty, sample = tmp_path / "empty.cxy", tmp_path / "sample.cxy"
    assert main(["new", "--category", "tech_vp", "-o", str(empty)]) == 0
    assert main(["sample", "--category", "tech_vp", "-o", str(sample)]) == 0
    capsys.readouterr()
    assert main(["--lang", lang, "diff", str(empty), str(sample)]) == 1
    assert line in capsys.readouterr().out.splitlines()


def test_say_to_reads_the_commands_language_and_speaks_chinese_without_one():
    text = Text("已保存", "Saved")
    assert [say_to(argparse.Namespace(lang=lang), text) for lang in ("zh", "en")] == ["已保存", "Saved"]
    assert say_to(argparse.Namespace(), text) == "已保存"


def test_a_print_plan_is_summed_up_in_each_language():
    plan = Plan((Entry(Path("a.pdf"), "甲", pages=12, copies=3), Entry(Path("b.pdf"), "乙", pages=6, copies=3)))
    assert plan.summary("zh") == "共 2 份申请（6 套纸质材料，18 页），约 18 张纸"
    assert plan.summary("en") == "2 applications (6 paper copies, 18 pages), about 18 sheets of paper"
    # two-sided, each copy on its own sheets: 3 × 2 + 3 × 1
    assert plan.summary("zh", duplex=True) == "共 2 份申请（6 套纸质材料，18 页），约 9 张纸（双面打印）"
    assert plan.summary("en", duplex=True).endswith("about 9 sheets of paper printed on both sides")


def test_a_listed_pack_carries_its_title_and_categories_as_texts(pack):
    info = next(info for info in list_packs() if info.id == pack.id)
    assert info.title == pack.title and info.as_json("en")["title"] == pack.title.en
    assert [title.get("en") for title in info.category_titles] == [c.subtitle.en for c in pack.categories]
    assert [title.get("zh") for title in info.category_titles] == [c.subtitle.zh for c in pack.categories]


def test_a_pack_that_does_not_load_has_an_empty_title_in_each_language(tmp_path):
    info = _info("broken", "installed", tmp_path)
    assert not info.verified and [info.title.get(lang) for lang in ("zh", "en")] == ["", ""]
    assert info.as_json("en")["title"] == ""


def test_a_portal_table_cell_is_named_in_each_language(pack):
    data = sample("tech_vp")
    named = {lang: {i.path: i.label for i in portal_items(data, pack, lang)} for lang in ("zh", "en")}
    assert named["zh"]["members.0.name"] == "项目组人员1 · 姓名"
    assert named["en"]["members.0.name"] == f"Project team 1 · {pack.fields['members.*.name'].en}"


def test_an_impossible_date_is_refused_with_the_reason_in_each_language():
    with pytest.raises(UserError) as caught:
        typed("date", "2023-02-30")
    assert caught.value.message("zh") == "“2023-02-30”不是日历上的日期：2023年2月只有28天，请改正。"
    assert (
        caught.value.message("en")
        == "“2023-02-30” is not a calendar date: February 2023 has 28 days; please correct it."
    )


def test_a_converted_value_notes_it_as_a_text():
    note = typed("money", "123456元").note
    assert isinstance(note, Text)
    assert "万元" in note.get("zh") and "10k CNY" in note.get("en")


def test_the_text_type_and_errors_load_without_pydantic():
    """They are on the start-up path of every command: importing them must not pull in the
    pack's validation library."""
    code = "import sys, forms.text, forms.errors; print('pydantic' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def _entries(pack):
    """One pack entry of every shape that keeps its zh/en beside other keys in the TOML."""
    category = pack.categories[0]
    events = [event for c in pack.categories for event in c.events]
    letter = next(iter(pack.letters.values()))
    return {
        "RuleText": category.leader_rule,
        "Event": events[0],
        "Declaration": pack.declarations[0],
        "Copy": pack.copies[0],
        "Contact": pack.contacts[0],
        "FieldSpec": pack.fields["project.name"],
        "TableSpec": next(iter(pack.tables.values())),
        "Step": pack.steps[0],
        "SignLine": letter.sign[0],
        "UploadSlot": parse_documents(pack).uploads[0],
    }


@pytest.mark.parametrize(
    "shape",
    ["RuleText", "Event", "Declaration", "Copy", "Contact", "FieldSpec", "TableSpec", "Step", "SignLine", "UploadSlot"],
)
def test_every_bilingual_pack_entry_answers_get_as_its_two_fields_did(pack, shape):
    entry = _entries(pack)[shape]
    assert type(entry).__name__ == shape and entry.zh != entry.en
    # what `x.en if lang == "en" else x.zh` gave, for the two languages and one we lack
    assert [entry.get(lang) for lang in ("zh", "en", "fr", "")] == [entry.zh, entry.en, entry.zh, entry.zh]
    assert entry.text == Text(entry.zh, entry.en)
    # the TOML keeps its shape: the two members add no key to the entry
    assert "text" not in type(entry).model_fields and "get" not in entry.model_dump()


def test_a_field_label_is_its_get(pack):
    spec = pack.fields["project.name"]
    assert [spec.label(lang) for lang in ("zh", "en", "fr")] == [spec.get(lang) for lang in ("zh", "en", "fr")]
    assert spec.label("en") != spec.label("zh")


def test_a_list_is_joined_as_each_language_lists_it():
    assert Text.listing(["2024", "2025"]) == Text("2024、2025", "2024, 2025")
    assert Text.listing([]).get("en") == ""


def test_a_lock_holder_is_described_in_either_language():
    holder = LockInfo(user="王", host="office-pc", pid=42, program="cxy", since="2026-12-02T04:40")
    assert holder.describe().get("zh") == "王@office-pc（cxy，进程 42，自 2026-12-02 04:40）"
    assert holder.describe().get("en") == "王@office-pc (cxy, process 42, since 2026-12-02 04:40)"


def test_a_limit_names_its_field_in_each_language(pack):
    spec = pack.fields["project.name"]
    error = too_long("project.name", spec.text, 200, 201)
    assert error.message("zh") == f"“{spec.zh}”（project.name）最多 200 个字符，现为 201 个"
    assert error.message("en") == f"“{spec.en}” (project.name) holds at most 200 characters; it has 201"


def test_a_draft_error_takes_its_detail_as_a_text():
    error = invalid(Text("字段路径无效", "invalid field path"))
    assert error.code == "draft.invalid_value"
    assert error.message("zh").endswith("：字段路径无效") and error.message("en").endswith(": invalid field path")
    # a detail in one language only is shown in both, as before
    half = draft_error("draft.corrupt", Text("", "only English"))
    assert half.message("zh").endswith("：only English") and half.message("en").endswith(": only English")
    assert draft_error("draft.corrupt", Text("", "")).text == draft_error("draft.corrupt").text


def test_an_os_error_names_what_could_not_be_written():
    error = from_os_error(FileExistsError(17, "exists", "/x/申报.cxy"), Text("草稿文件", "the draft file"))
    assert error.message("zh") == "草稿文件已存在，不会覆盖：/x/申报.cxy"
    assert error.message("en") == "the draft file already exists and will not be overwritten: /x/申报.cxy"
