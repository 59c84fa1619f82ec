"""Issue 9 §7, every valid draft prints: when ``validate`` reports no error, ``build``,
``print-set`` and ``upload-files`` succeed, with every text field at its max length at once.
What cannot print is refused where it enters (with the limit) or is a field error; no input ends
in "internal error", and reportlab's LayoutError never leaves the renderer."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reportlab.platypus import Table

from forms.checks import check, errors
from forms.draft import AttachmentInfo, Draft, DraftError
from forms.errors import UserError
from forms.pack import load_pack
from forms.package import build_package, build_print_set, upload_files
from forms.render.fonts import register_fonts
from forms.render.page import a4_document
from forms.render.primitives import Styles
from forms.samples import at_limits, put, sample

REPO = Path(__file__).resolve().parents[2]
PACK = load_pack()
CATEGORIES = ("tech_vp", "conference", "tech_trade")
INTERNAL = ("内部错误", "internal error", "Traceback")
# Characters that stress a layout: full width, wide Latin, astral, a glyph the font lacks, a
# combining mark after its letter, invisible and bidi characters, tabs and ideographic spaces.
HARD = ["国", "W", "\U00020000", "\ufdfd", "e\u0301", "\u0301", "\u200b", "\u202e", "a\t", "字\u3000"]
TEXT_FIELDS = sorted(p for p, s in PACK.fields.items() if s.kind in ("text", "multiline"))


def cxy(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "forms.cli", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def one_line_refusal(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not any(marker in result.stderr for marker in INTERNAL), result.stderr
    for needle in needles:
        assert needle in result.stderr


def page_pdf(label: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.28, 841.89))
    # Each attachment its own content: the same page twice is refused as a duplicate.
    height = 100 + 10 * len(label)
    pdf.pages[0].Contents = pdf.make_stream(f"0 0 0 rg 72 600 200 {height} re f".encode())
    pdf.docinfo["/Title"] = label
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def attachments() -> list[tuple[AttachmentInfo, bytes]]:
    items = []
    for position, kind in enumerate(("contract", "payment_proof", "other")):
        pdf = page_pdf(kind)
        info = AttachmentInfo(
            position,
            position,
            kind,
            "附" * 500,
            f"{kind}.pdf",
            "pdf",
            1,
            hashlib.sha256(pdf).hexdigest(),
            len(pdf),
            "2023-10-01T00:00:00+00:00",
        )
        items.append((info, pdf))
    return items


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def prints(data: dict, tmp: Path) -> None:
    """The three outputs of a valid application, through the package API."""
    atts = attachments()
    result = build_package(data, atts, PACK)
    assert result.pages > 5
    assert build_print_set(data, PACK, include_attachments=True, attachments=atts).startswith(b"%PDF-")
    assert len(upload_files(data, atts, PACK, tmp)) == 3


# ------------------------------------------------------------------ the cases of the issue


def test_a_2000_character_project_name_is_refused_by_validate_and_build(tmp_path):
    data = sample("tech_vp")
    data["project"]["name"] = "项" * 2000
    source = write_json(tmp_path / "name.json", data)
    one_line_refusal(cxy("validate", str(source), cwd=tmp_path), "project.name", "200", "2000")
    one_line_refusal(cxy("build", str(source), "-o", str(tmp_path / "out.pdf"), cwd=tmp_path), "200")
    assert not (tmp_path / "out.pdf").exists()


def test_5000_combining_marks_are_refused_and_a_name_within_the_limit_prints(tmp_path):
    data = sample("tech_vp")
    data["leader"]["name"] = "e" + "\u0301" * 5000
    source = write_json(tmp_path / "marks.json", data)
    one_line_refusal(cxy("--lang", "en", "validate", str(source), cwd=tmp_path), "leader.name", "50")
    data["leader"]["name"] = "e" + "\u0301" * 49
    data["letters"]["leader"]["signer"] = data["leader"]["name"]
    assert errors(check(data, PACK)) == []
    prints(data, tmp_path)


def test_a_3000_digit_amount_is_a_field_error_never_an_exception(tmp_path):
    data = sample("tech_vp")
    data["contract"]["amount_wan"] = "1" * 3000
    assert [(i.field, i.code) for i in errors(check(data, PACK))] == [("contract.amount_wan", "length.max")]
    source = write_json(tmp_path / "amount.json", data)
    one_line_refusal(cxy("validate", str(source), cwd=tmp_path), "contract.amount_wan", "32")
    one_line_refusal(cxy("build", str(source), "-o", str(tmp_path / "out.pdf"), cwd=tmp_path), "32")
    one_line_refusal(cxy("import", str(source), "-o", str(tmp_path / "d.cxy"), cwd=tmp_path), "32")
    data["contract"]["amount_wan"] = "1" * 32  # storable, but not money: a field error, and it prints
    assert [(i.field, i.code) for i in errors(check(data, PACK))] == [("contract.amount_wan", "format.money")]
    assert build_package(data, [], PACK).pages > 5


def test_a_lone_surrogate_through_the_draft_api_is_a_value_error(tmp_path):
    with Draft.create(tmp_path / "d.cxy", pack=PACK.id, category="tech_vp") as draft:
        with pytest.raises(DraftError) as caught:
            draft.set("leader.name", "\ud800")
        assert caught.value.code == "draft.invalid_value"
        assert draft.get("leader.name") is None


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_text_field_at_its_max_length_prints_through_the_cli(category, tmp_path):
    data = at_limits(category, PACK)
    source = write_json(tmp_path / "max.json", data)
    draft = tmp_path / "max.cxy"
    imported = cxy("import", str(source), "-o", str(draft), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    for _number, (info, pdf) in enumerate(attachments()):
        (tmp_path / f"{info.kind}.pdf").write_bytes(pdf)
        attached = cxy(
            "attach",
            str(draft),
            "--kind",
            info.kind,
            "--title",
            info.title,
            str(tmp_path / f"{info.kind}.pdf"),
            cwd=tmp_path,
        )
        assert attached.returncode == 0, attached.stderr
    checked = cxy("validate", str(draft), "--json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert [i for i in json.loads(checked.stdout)["issues"] if i["severity"] == "error"] == []
    for argv in (
        ("build", str(draft), "-o", str(tmp_path / "package.pdf")),
        ("print-set", str(draft), "-o", str(tmp_path / "print.pdf"), "--with-attachments"),
        ("upload-files", str(draft), "-o", str(tmp_path / "upload")),
    ):
        result = cxy(*argv, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "package.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in (tmp_path / "upload").iterdir() if p.suffix == ".pdf") == [
        "contract.pdf",
        "other.pdf",
        "payment_proofs.pdf",
    ]


@pytest.mark.parametrize("char", HARD, ids=[f"U+{ord(c[-1]):04X}" for c in HARD])
def test_every_text_field_at_its_max_length_in_hard_characters_prints(char, tmp_path):
    data = at_limits("tech_vp", PACK, char=char)
    assert errors(check(data, PACK)) == []
    prints(data, tmp_path)


def test_text_areas_full_of_line_breaks_print(tmp_path):
    """Whitespace does not count towards the summary's 300 characters: 2700 line breaks are
    valid, and continue over as many pages as they need."""
    data = at_limits("tech_vp", PACK)
    data["project"]["summary"] = "国" * 300 + "\n" * 2700
    data["project"]["kpis"] = "\r\n".join("指" for _ in range(1000))
    assert errors(check(data, PACK)) == []
    prints(data, tmp_path)


# ------------------------------------------------------------------ the property


@settings(
    max_examples=int(os.environ.get("CXY_PRINT_EXAMPLES", "12")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    category=st.sampled_from(CATEGORIES),
    fields=st.sets(st.sampled_from(TEXT_FIELDS), min_size=1),
    char=st.sampled_from(HARD) | st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=3),
)
def test_validate_without_errors_means_build_succeeds(category, fields, char, tmp_path_factory):
    """Any text fields at their max length in any characters: no error ⇒ the package builds."""
    data = sample(category, PACK)
    for path in fields:
        spec = PACK.fields[path]
        text = (char * spec.max_chars)[: spec.max_chars]
        put(data, path, text)
    if errors(check(data, PACK)):
        event("refused by validate")
        return
    event("built")
    assert build_package(data, [], PACK).pages > 5


def test_layout_errors_never_leave_the_renderer():
    styles = Styles(register_fonts(), 11.0, 17.0, 8.5)
    too_tall = Table([[styles.paragraph("\n".join("行" for _ in range(400)))]])
    with pytest.raises(UserError) as caught:
        a4_document(io.BytesIO(), margins_mm=(25, 22, 25, 22), title="测试").build([too_tall])
    assert caught.value.code == "render.layout"
