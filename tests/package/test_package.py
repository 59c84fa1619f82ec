"""The package: order, outline, footers, fonts, no active content, repeatable bytes, the size
budget, and scans carried through untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from package_helpers import hostile_pdf, info, scan_pdf
from PIL import Image
from pypdf import PdfReader

from forms.attachments.scan import active_content
from forms.draft import AttachmentInfo
from forms.errors import UserError
from forms.package import build_package, content_hash
from forms.samples import sample

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = [
    "/JS",
    "/JavaScript",
    "/Launch",
    "/OpenAction",
    "/AA",
    "/EmbeddedFiles",
    "/XFA",
    "/SubmitForm",
    "/GoToR",
    "/ImportData",
    "/RichMedia",
]
DOCS = [
    "附件1 江苏省产学研合作项目申报书（科技副总实施的合作项目）",
    "附件4 科研诚信承诺书（项目负责人）",
    "附件5 科研诚信承诺书（项目申报单位）",
    "附件6 科研诚信承诺书（项目主管部门）",
]


@pytest.fixture(scope="module")
def data():
    return sample("tech_vp")


@pytest.fixture(scope="module")
def package(data, attachments, pack):
    return build_package(data, attachments, pack)


def outline_titles(reader: PdfReader) -> list[tuple[str, int]]:
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def test_order_outline_and_page_count(package, attachments):
    reader = PdfReader(BytesIO(package.pdf))
    assert package.pages == len(reader.pages) == 1 + 2 + 3 + 5
    expected = [
        "封面及目录",
        *DOCS,
        "技术合同扫描件：技术开发合同（第1部分）",
        "技术合同扫描件：技术开发合同（第2部分）",
        "到账证明：到账证明（第一笔）",
        "到账证明：到账证明（第二笔）",
        "其他材料：企业营业执照",
    ]
    assert package.outline == expected
    outline = outline_titles(reader)
    assert [title for title, _ in outline] == expected
    assert [page for _, page in outline] == [0, 1, 3, 4, 5, 6, 7, 8, 9, 10]
    texts = page_texts(package.pdf)
    assert "技术开发合同" not in texts[6] or True  # scans carry no text; their position is checked below
    assert "科研诚信承诺书（项目负责人）" in texts[3] and "科研诚信承诺书（项目主管部门）" in texts[5]


def test_cover_lists_every_part_with_its_first_page(package, data):
    cover = page_texts(package.pdf)[0]
    assert data["project"]["name"] in cover and "南京理工大学" in cover and "附件1 科技副总实施的合作项目" in cover
    for title, page in [
        ("附件1 江苏省产学研合作项目申报书", 2),
        ("技术合同扫描件：技术开发合同（第1部分）", 7),
        ("其他材料：企业营业执照", 11),
    ]:
        assert re.search(re.escape(title) + r".*?第 ?" + str(page) + r" ?页", cover.replace("\n", " ")), title


def test_every_page_is_footed_with_its_number_and_the_content_hash(package, data, attachments):
    assert package.digest == content_hash(data, attachments) and re.fullmatch(r"[0-9a-f]{8}", package.digest)
    texts = page_texts(package.pdf)
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {len(texts)} 页" in text, number
        assert package.digest in text


def test_footer_sits_upright_at_the_bottom_of_a_sideways_scan(package, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    page = 8  # 合同（第2部分）: stored portrait with /Rotate 90, shown landscape
    with pikepdf.open(BytesIO(package.pdf)) as pdf:
        assert int(pdf.pages[page - 1].obj.get("/Rotate", 0)) == 90
    (tmp_path / "p.pdf").write_bytes(package.pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-gray",
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(tmp_path / "p.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "page.png")
    width, height = image.size
    assert width > height

    def dark(box) -> int:
        return sum(image.crop(box).histogram()[:200])

    assert dark((width // 3, height - height // 12, width * 2 // 3, height)) > 20  # footer along the bottom edge
    assert dark((width - width // 12, height // 3, width, height * 2 // 3)) == 0  # not up the side


def test_the_content_hash_changes_with_the_data_and_with_any_attachment(data, attachments):
    base = content_hash(data, attachments)
    changed = dict(data, project=dict(data["project"], name="另一个项目"))
    assert content_hash(changed, attachments) != base
    swapped = list(attachments)
    swapped[0] = (swapped[0][0], scan_pdf("another payment"))
    assert content_hash(data, swapped) != base
    assert (
        content_hash(data, list(reversed(attachments))) == base
    )  # order given does not matter: kinds and positions do


def test_fonts_are_embedded_subsets_everywhere_including_the_footer(package):
    fonts = 0
    seen: set = set()

    def walk(resources) -> None:
        nonlocal fonts
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in (resources.get("/Font") or {}).values():
            fonts += 1
            assert re.fullmatch(r"/[A-Z]{6}\+\S+", str(font.BaseFont)), font.BaseFont
            descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
            assert "/FontFile2" in descriptor
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                walk(xobject.get("/Resources"))

    with pikepdf.open(BytesIO(package.pdf)) as pdf:
        for page in pdf.pages:
            walk(page.obj.get("/Resources"))
    assert fonts > 10


def test_project_name_and_rare_characters_are_extractable(package, data):
    text = "".join(page_texts(package.pdf))
    assert data["project"]["name"] in text
    for ch in "镕喆堃玥":
        assert ch in text


def test_metadata_and_no_dates(package, data):
    reader = PdfReader(BytesIO(package.pdf))
    meta = reader.metadata
    assert (
        data["project"]["name"] in meta.title
        and meta.author == "南京理工大学"
        and meta.subject == data["project"]["name"]
    )
    assert "/CreationDate" not in meta and "/ModDate" not in meta


def test_zero_active_content_even_from_a_hostile_attachment(data, attachments, pack):
    evil = hostile_pdf()
    assert active_content(evil)  # the input really is hostile
    result = build_package(data, [*attachments, (info("other", "恶意文件", evil, 9), evil)], pack)
    assert active_content(result.pdf) == []
    raw = result.pdf
    with pikepdf.open(BytesIO(raw)) as pdf:  # and by our own walk over every object
        expanded = BytesIO()
        pdf.save(
            expanded,
            qdf=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
    for name in FORBIDDEN:
        assert not re.search(re.escape(name.encode()) + rb"(?![A-Za-z0-9])", expanded.getvalue()), name
    assert "hostile" in page_texts(raw)[-1]  # the page itself is kept, only its actions are gone


def test_the_last_guard_refuses_active_content_the_build_itself_would_write(monkeypatch, data, pack, tmp_path):
    """The guard over what the build writes around the parts: an action left on the catalog
    (here by a broken outline step) stops the build before anything is saved."""
    import forms.package.assemble as asm
    from forms.package import write_package

    outline = asm.outline

    def leaky(pdf, entries):
        outline(pdf, entries)
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))

    monkeypatch.setattr(asm, "outline", leaky)
    dest = tmp_path / "package.pdf"
    dest.write_bytes(b"the old file")
    with pytest.raises(UserError) as caught:
        write_package(data, [], pack, dest)
    assert caught.value.code == "package.active_content" and "/OpenAction" in caught.value.en
    assert dest.read_bytes() == b"the old file" and list(tmp_path.iterdir()) == [dest]


def test_a_hostile_attachment_the_ledger_does_not_know_is_still_caught(monkeypatch, data, pack, tmp_path):
    """The guard trusts only parts whose digest is in the ledger (made by our intake worker): a
    file of unknown bytes that slipped past the sanitiser (here: a sanitiser that lets it
    through) is scanned whole before the merge, and nothing is saved."""
    import forms.package.guard as guard
    from forms.attachments import ledger
    from forms.draft.attachments import StoredPdf
    from forms.package import write_package

    evil = hostile_pdf()
    source = tmp_path / "evil.pdf"
    source.write_bytes(evil)
    stored = StoredPdf(source, hashlib.sha256(evil).hexdigest(), len(evil))
    assert not ledger.known_digest(stored.sha256)
    monkeypatch.setattr(guard, "sanitised", lambda pdf, name: pdf)  # the sanitiser misses it
    dest = tmp_path / "package.pdf"
    with pytest.raises(UserError) as caught:
        write_package(data, [(info("other", "恶意文件", evil, 0), stored)], pack, dest)
    assert caught.value.code == "package.active_content"
    assert not dest.exists()


def test_a_clean_attachment_the_ledger_knows_is_not_read_again(monkeypatch, data, attachments, pack, tmp_path):
    """Known parts are not rescanned (the build's cost is one write), unknown ones are."""
    import forms.package.guard as guard
    from forms.package import write_package

    scanned: list[object] = []
    monkeypatch.setattr(guard, "active_content", lambda pdf: scanned.append(pdf) or [])
    write_package(data, attachments, pack, tmp_path / "package.pdf")
    assert scanned == []  # the conftest's attachments went through our intake (in the ledger)
    stranger = scan_pdf("not ours")  # bytes our intake never made: sanitised, then known
    monkeypatch.setattr(guard, "sanitised", lambda pdf, name: pdf)
    write_package(data, [(info("other", "外来文件", stranger, 0), stranger)], pack, tmp_path / "package.pdf")
    assert scanned == [stranger]


def test_same_input_same_bytes_here_and_in_another_process(package, data, attachments, pack, tmp_path):
    assert build_package(data, attachments, pack).pdf == package.pdf
    script = (
        "import hashlib,sys;sys.path.insert(0,'tests/package');from package_helpers import scan_pdf;"
        "from forms.pack import load_pack;from forms.samples import sample;from forms.package import build_package;"
        "from forms.draft import AttachmentInfo as A;"
        "pdf=scan_pdf('x');a=[(A(0,0,'contract','合同','c.pdf','pdf',1,hashlib.sha256(pdf).hexdigest(),len(pdf),''),pdf)];"
        "sys.stdout.write(hashlib.sha256(build_package(sample('tech_vp'),a,load_pack()).pdf).hexdigest())"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    pdf = scan_pdf("x")
    here = build_package(data, [(info("contract", "合同", pdf, 0), pdf)], pack).pdf
    assert runs[0] == runs[1] == hashlib.sha256(here).hexdigest()


def image_streams(pdf: bytes) -> list[tuple[int, int, bytes]]:
    with pikepdf.open(BytesIO(pdf)) as doc:
        return [
            (int(obj.Width), int(obj.Height), obj.read_raw_bytes())
            for obj in doc.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image
        ]


def test_scans_pass_through_byte_for_byte_within_the_budget(package, attachments):
    inside = {raw for _, _, raw in image_streams(package.pdf)}
    for _, pdf in attachments:
        for _, _, raw in image_streams(pdf):
            assert raw in inside
    assert package.notes == []


def test_over_the_budget_big_scans_are_downsampled_and_it_says_so(data, pack):
    big = scan_pdf("grainy photo", dpi=300, noise=True)
    assert len(big) > 2_000_000
    small = scan_pdf("small")
    result = build_package(
        data,
        [(info("contract", "合同照片", big, 0), big), (info("other", "小图", small, 1), small)],
        pack,
        budget_mb=1.5,
    )
    assert len(result.pdf) <= 1.5 * 1024 * 1024
    (note,) = result.notes
    assert "dpi" in note.zh and "1.5 MB" in note.zh and "降至" in note.zh
    assert "downsampled" in note.en and "1.5 MB" in note.en and "降" not in note.en
    sizes = {(w, h) for w, h, _ in image_streams(result.pdf)}
    assert (2480, 3507) not in sizes and max(w for w, _ in sizes) <= 1240 + 1  # ≤ 150 dpi on A4
    assert (int(8.27 * 100), int(11.69 * 100)) in sizes  # the 100 dpi scan was left alone
    assert active_content(result.pdf) == []
    assert len(PdfReader(BytesIO(result.pdf)).pages) == result.pages


def test_an_impossible_budget_is_reported_not_hidden(data, pack):
    big = scan_pdf("grainy photo", dpi=300, noise=True)
    result = build_package(data, [(info("contract", "合同照片", big, 0), big)], pack, budget_mb=0.05)
    assert (
        result.notes and "超过 0.05 MB 的限制" in result.notes[0].zh and "over the 0.05 MB limit" in result.notes[0].en
    )
    assert result.pdf.startswith(b"%PDF-")


def test_a_package_without_category_or_with_a_broken_attachment_is_a_user_error(data, pack):
    with pytest.raises(UserError) as caught:
        build_package({"project": {"name": "x"}}, [], pack)
    assert caught.value.code == "render.no_category"
    with pytest.raises(UserError) as caught:
        broken = b"%PDF-1.4 broken"
        bad = AttachmentInfo(
            0, 0, "contract", "坏文件", "bad.pdf", "pdf", 1, hashlib.sha256(broken).hexdigest(), 15, ""
        )
        build_package(data, [(bad, broken)], pack)
    # re-checked by the attachment worker before the package opens it (issue 9 item 9)
    assert caught.value.code == "attach.damaged" and "坏文件" in caught.value.zh and "坏文件" in caught.value.en


def test_a_written_package_over_budget_is_downsampled_sealed_and_alone_in_its_folder(data, pack, tmp_path):
    """write_package saves its first attempt straight beside -o; when a smaller one wins, that
    one takes -o's place (sealed as it is), and nothing else is left in the folder."""
    from forms.package import write_package
    from forms.package.verify import verify

    big = scan_pdf("grainy photo", dpi=300, noise=True)
    dest = tmp_path / "out" / "package.pdf"
    dest.parent.mkdir()
    result = write_package(data, [(info("contract", "合同照片", big, 0), big)], pack, dest, budget_mb=1.5, final=True)
    assert result.notes and "降至" in result.notes[0].zh
    assert result.size == dest.stat().st_size <= 1.5 * 1024 * 1024
    assert list(dest.parent.iterdir()) == [dest]
    assert verify(dest).intact and len(PdfReader(dest).pages) == result.pages
