"""The six printed documents: what is on them, that the PDFs are self-contained and repeatable,
and that no value, however long, runs out of its cell."""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from forms.derive import paid_total
from forms.errors import UserError
from forms.layout import parse_documents
from forms.render.documents import Values, document_title, documents_for, render_document
from forms.samples import sample

REPO = Path(__file__).resolve().parents[2]
FORMS = {"tech_vp": "form_tech_vp", "conference": "form_conference", "tech_trade": "form_tech_trade"}
LETTERS = ["letter_leader", "letter_unit", "letter_authority"]
ALL = list(FORMS.items()) + [("tech_vp", key) for key in LETTERS]
RARE = "镕喆堃玥"


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> list:
    fonts = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.append(font.get_object())
    return fonts


@pytest.mark.parametrize("category", list(FORMS))
def test_documents_for_lists_the_category_form_then_the_three_letters(category, pack):
    listed = documents_for(sample(category), pack)
    assert [key for key, _ in listed] == [FORMS[category], *LETTERS]
    cat = pack.category(category)
    form_title = listed[0][1]
    assert form_title.get("zh") == f"附件{cat.annex} 江苏省产学研合作项目申报书（{cat.subtitle.zh}）"
    assert form_title.get("en") == f"Annex {cat.annex} {cat.title.en} ({cat.subtitle.en})"
    assert [title.get("zh").split()[0] for _, title in listed[1:]] == ["附件4", "附件5", "附件6"]
    assert [title.get("en").split()[:2] for _, title in listed[1:]] == [["Annex", "4"], ["Annex", "5"], ["Annex", "6"]]


@pytest.mark.parametrize("key", LETTERS)
def test_a_letter_title_names_its_annex_and_the_pack_title_in_each_language(key, pack):
    letter = pack.letters[parse_documents(pack).documents[key].letter]
    title = document_title(key, pack)
    assert title.get("zh") == f"附件{letter.annex} {letter.title.zh}"
    assert title.get("en") == f"Annex {letter.annex} {letter.title.en}"
    assert title.get("fr") == title.get("zh")  # a language we lack: the notice's Chinese


def test_documents_for_without_a_category_is_a_user_error(pack):
    with pytest.raises(UserError) as caught:
        documents_for({"project": {"name": "x"}}, pack)
    assert caught.value.code == "render.no_category"
    with pytest.raises(UserError) as caught:
        render_document("form_nonexistent", sample("tech_vp"), pack)
    assert caught.value.code == "render.unknown_document"


@pytest.mark.parametrize(("category", "key"), ALL)
def test_document_shows_the_data_and_embeds_subset_fonts(category, key, pack):
    data = sample(category)
    pdf = render_document(key, data, pack)
    reader = PdfReader(BytesIO(pdf))
    assert 1 <= len(reader.pages) <= (3 if key.startswith("form") else 2)
    for page in reader.pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]  # A4
    text = text_of(pdf)
    assert data["project"]["name"] in text
    title_zh = document_title(key, pack).get("zh")
    assert title_zh.split(" ", 1)[1].split("（")[0] in text
    meta = reader.metadata
    assert meta.title == title_zh and meta.author == "南京理工大学" and meta.subject == data["project"]["name"]

    fonts = fonts_of(pdf)
    assert fonts, "no font at all"
    for font in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+\S+", str(font["/BaseFont"])), font["/BaseFont"]
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()


@pytest.mark.parametrize("category", list(FORMS))
def test_form_prints_every_value_and_the_rare_characters(category, pack):
    data = sample(category)
    text = text_of(render_document(FORMS[category], data, pack))
    for ch in RARE:
        assert ch in text
    for expected in (
        data["contract"]["name"],
        data["contract"]["registration_no"],
        data["university"]["uscc"],
        data["enterprise"]["uscc"],
        data["leader"]["phone"],
        "2023-2024",
        "本人签字",
        "2023年",
        data["members"][0]["major"],
        "技术开发",
        "技术服务",
        "宿城区",
    ):
        assert expected in text, expected
    assert str(paid_total(data)) in text  # 到账金额 is the sum of the payments
    assert "（盖章）" in text


def test_every_declared_field_is_printed_or_known_to_be_app_only(pack):
    docs = parse_documents(pack)
    app_only = {  # needed by the checks or derived, not a line of the paper form
        "payments.*.amount_wan",
        "payments.*.date",
        "payments.*.payer",
        "payments.*.payee",
        "members.*.is_enterprise",
        "routing.local_bureau",
        "routing.city_bureau",
        "declarations.no_unclosed_project",
        "declarations.no_other_plan_issue",
        "declarations.no_serious_dishonesty",
        "letters.leader.signer",
        "letters.unit.unit_name",
        "letters.authority.name",  # on the letters' sign lines
        "contract.start",
        "contract.end",
    }
    letter_sign = {s.value for letter in pack.letters.values() for s in letter.sign if s.value}
    for category, key in FORMS.items():
        printed = docs.printed_paths(key) | letter_sign
        for path in pack.fields_for(category):
            assert path in printed or path in app_only, f"{path} is on no printed document of {category}"
        assert {"contract.start", "contract.end"} <= printed


def test_choice_ticks_exactly_the_chosen_option(pack):
    data = sample("tech_trade")
    values = Values(data, pack)
    assert [ticked for _, ticked in values.choice("contract.type")] == [True, False, False, False, False]
    assert dict(values.choice("tech_trade.event")) == {"“专精特新”成果拍卖季": False, "J-TOP创新挑战季": True}
    del data["contract"]["type"]
    assert not any(ticked for _, ticked in Values(data, pack).choice("contract.type"))


def test_letters_carry_derived_names_and_the_unverified_note(pack):
    data = sample("tech_vp")
    unit = text_of(render_document("letter_unit", data, pack))
    authority = text_of(render_document("letter_authority", data, pack))
    leader = text_of(render_document("letter_leader", data, pack))
    assert "南京理工大学" in unit  # letters.unit.unit_name defaults to the university
    assert "宿城区科技局" in authority  # the authority defaults to the local bureau
    assert "李镕喆" in leader  # the typed signer, printed under the signature line
    for text in (unit, authority, leader):
        assert "文本待与官方模板核对" in text
        assert "2023年" in text

    verified = {k: v.model_copy(update={"verified": True}) for k, v in pack.letters.items()}
    checked = pack.model_copy(update={"letters": verified})
    assert "文本待与官方模板核对" not in text_of(render_document("letter_unit", data, checked))

    data["letters"] = {"authority": {"name": "宿迁市宿城区科学技术局"}}
    assert "宿迁市宿城区科学技术局" in text_of(render_document("letter_authority", data, pack))


def test_the_date_line_is_left_blank(pack):
    text = text_of(render_document("form_tech_vp", sample("tech_vp"), pack))
    # three seal blocks, each with the pre-printed year and empty month/day
    assert len(re.findall(r"2023年\s+月\s+日", text)) == 3


def test_same_data_same_bytes_in_this_and_another_process(pack):
    data = sample("tech_trade")
    first = render_document("form_tech_trade", data, pack)
    assert render_document("form_tech_trade", copy.deepcopy(data), pack) == first
    script = (
        "import hashlib,sys;from forms.pack import load_pack;from forms.samples import sample;"
        "from forms.render.documents import render_document;"
        "sys.stdout.write(hashlib.sha256(render_document('form_tech_trade',sample('tech_trade'),load_pack())).hexdigest())"
    )
    other = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert other.stdout == hashlib.sha256(first).hexdigest()


def test_empty_draft_renders_blank_forms(pack):
    for key in FORMS.values():
        doc = parse_documents(pack).documents[key]
        pdf = render_document(key, {"category": doc.category}, pack)
        assert "项目名称" in text_of(pdf)


# --- nothing runs outside its cell -----------------------------------------------------------

LEFT_MM, RIGHT_MM, WIDTH_MM = 20.0, 20.0, 210.0
PT = 72 / 25.4


def words(pdf: bytes) -> list[tuple[int, float, float, float, float, str]]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    out = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page):
            out.append((number, *(float(v) for v in m.groups()[:4]), m.group(5)))
    return out


def long_data() -> dict:
    data = sample("tech_vp")
    data["project"]["name"] = "超长项目名称测试" * 25  # 200 characters
    data["project"]["summary"] = ("项目围绕复合材料智能成型开展联合攻关，" * 16)[:300]
    data["enterprise"]["name"] = "宿迁市" + "镕喆堃玥" * 49 + "公司"
    data["leader"]["title"] = "鑫" * 80  # one narrow cell: must wrap inside column 4
    data["leader"]["email"] = "x" * 150 + "@example.com"  # no break opportunity at all
    data["members"][0]["unit"] = "南京理工大学材料科学与工程学院复合材料研究所" * 5
    return data


def test_long_values_wrap_inside_their_cells(pack):
    pdf = render_document("form_tech_vp", long_data(), pack)
    assert len(PdfReader(BytesIO(pdf)).pages) <= 4
    found = words(pdf)
    left, right = LEFT_MM * PT, (WIDTH_MM - RIGHT_MM) * PT
    tolerance = 4.5  # a hanging full-width comma may reach into the cell padding (1.5 mm)
    for page, x0, _y0, x1, _y1, text in found:
        assert left - 0.5 <= x0 and x1 <= right + tolerance, (page, x0, x1, text[:20])
    col = (right - left) / 6
    title_words = [w for w in found if set(w[5]) == {"鑫"}]
    assert sum(len(w[5]) for w in title_words) == 80
    for _page, x0, _y0, x1, _y1, _text in title_words:
        assert left + 3 * col <= x0 and x1 <= left + 4 * col + 0.5
    text = text_of(pdf)
    assert "x" * 20 in text and "@example.com" in text.replace("\n", "")


def test_a_value_taller_than_a_page_continues_on_the_next(pack):
    data = long_data()
    data["project"]["kpis"] = "考核指标内容" * 1000  # far beyond any limit: a broken draft still prints
    pdf = render_document("form_tech_vp", data, pack)
    pages = len(PdfReader(BytesIO(pdf)).pages)
    assert 5 <= pages <= 15
    text = text_of(pdf).replace("\n", "")
    assert text.count("考核指标内容") >= 990  # nothing lost at the page breaks (extraction may split a few)
    assert "（续）" in text
    left, right = LEFT_MM * PT, (WIDTH_MM - RIGHT_MM) * PT
    for _page, x0, y0, x1, y1, _text in words(pdf):
        assert left - 0.5 <= x0 and x1 <= right + 4.5
        assert y0 >= 0 and y1 <= 842


# --- any text at all ---------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

GBK_SAMPLE = "镕喆堃玥项目名称合作企业南京理工大学，。、；：（）《》“”—…"
TEXT = st.text(alphabet=st.sampled_from(GBK_SAMPLE + "abcXYZ0123456789 <>&\"'\n\t@-_/."), max_size=160)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, unit=TEXT, title=TEXT, member=TEXT, summary=TEXT)
def test_any_text_renders_inside_the_page(pack, name, unit, title, member, summary):
    data = sample("tech_trade")
    data["project"].update(name=name, summary=summary)
    data["university"]["name"] = unit
    data["leader"]["title"] = title
    data["members"][0]["unit"] = member
    pdf = render_document("form_tech_trade", data, pack)
    left, right = LEFT_MM * PT, (WIDTH_MM - RIGHT_MM) * PT
    for _page, x0, y0, x1, y1, text in words(pdf):
        assert left - 0.5 <= x0 and x1 <= right + 4.5, text
        assert y0 >= 0 and y1 <= 842
    if "<" in name:
        assert "<" in text_of(pdf)  # markup characters are printed, never interpreted
