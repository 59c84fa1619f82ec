"""Each page fix changes exactly what it says — page size, rotation, page count, image pixel
size — and leaves every image stream byte-identical where no resampling was asked. Every fix
runs in the attachment worker and its result is a sanitised PDF like any intake result."""

from __future__ import annotations

import io

import pikepdf
import pytest

from forms.attachments import normalise, page_ops
from forms.attachments.ledger import known
from forms.attachments.scan import active_content
from forms.errors import UserError
from tests.attachments.scan_pdfs import geometry, images_of, scan_pdf

A4_MM = (210.0, 297.0)


@pytest.fixture(scope="module")
def three() -> bytes:
    """Three A4-landscape scan pages at 300 dpi (a colour operator on each, for grey)."""
    return normalise(scan_pdf(297, 210, 300, pages=3, colour_ops=True), "scan.pdf").pdf


@pytest.fixture(scope="module")
def oversize() -> bytes:
    """Two 656 mm × 400 mm pages at 150 dpi: the wide scan."""
    return normalise(scan_pdf(656, 400, 150, pages=2), "wide.pdf").pdf


def _edit(pdf: bytes, *ops) -> page_ops.Edited:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        pages = len(doc.pages)
    result = page_ops.edit(pdf, pages, list(ops))
    assert known(result.pdf) and active_content(result.pdf) == []  # sanitised, recorded
    return result


def test_rotate_turns_one_page_and_touches_no_image(three):
    result = _edit(three, page_ops.rotate(2, 90))
    before, after = geometry(three), geometry(result.pdf)
    assert after[1] == (before[1][1], before[1][0], 90)
    assert after[0] == before[0] and after[2] == before[2]
    assert images_of(result.pdf) == images_of(three)


def test_rotating_back_restores_the_page(three):
    once = _edit(three, page_ops.rotate(1, 270))
    assert geometry(once.pdf)[0][2] == 270
    assert geometry(_edit(once.pdf, page_ops.rotate(1, 90)).pdf)[0][2] == 0


def test_delete_removes_exactly_that_page(three):
    result = _edit(three, page_ops.delete(3, 2))
    assert result.pages == 2
    images = images_of(three)
    assert images_of(result.pdf) == [images[0], images[2]]


def test_move_reorders_pages_without_changing_them(three):
    result = _edit(three, page_ops.move(3, 3, 1))
    images = images_of(three)
    assert images_of(result.pdf) == [images[2], images[0], images[1]]
    assert result.pages == 3


def test_split_orders_make_the_two_halves(three):
    first, second = page_ops.split_orders(3, 3)
    images = images_of(three)
    assert images_of(_edit(three, first).pdf) == images[:2]
    assert images_of(_edit(three, second).pdf) == images[2:]


def test_a4_fits_oversize_pages_keeping_aspect_and_image_bytes(oversize):
    result = _edit(oversize, page_ops.fit_a4())
    for width, height, rotate in geometry(result.pdf):
        assert (round(width), round(height), rotate) == (297, 210, 0)  # landscape A4
    assert images_of(result.pdf) == images_of(oversize)  # a transform, no resampling
    with pikepdf.open(io.BytesIO(result.pdf)) as doc:
        form = doc.pages[0].Resources.XObject.Fx0
        scale = float(doc.pages[0].Contents.read_bytes().split()[1])
    assert scale == pytest.approx(297 / 656, rel=1e-3)  # width-limited: 656 mm → 297 mm
    assert form.Subtype == "/Form"


def test_a4_leaves_a4_pages_alone(three):
    result = _edit(three, page_ops.fit_a4())
    assert geometry(result.pdf) == geometry(three)
    assert result.pdf == _edit(three, page_ops.rotate(1, 0)).pdf  # nothing but the rebuild


@pytest.mark.parametrize("dpi", [150, 200])
def test_dpi_resamples_images_to_that_resolution(three, dpi):
    result = _edit(three, page_ops.downsample(dpi))
    for _, width, height in images_of(result.pdf):
        assert (width, height) == (round(297 / 25.4 * dpi), round(210 / 25.4 * dpi))
    assert geometry(result.pdf) == geometry(three)
    assert len(result.pdf) < len(three)


def test_dpi_leaves_an_image_already_at_that_resolution_byte_identical(oversize):
    assert images_of(_edit(oversize, page_ops.downsample(150)).pdf) == images_of(oversize)


def test_grey_makes_images_and_colours_grey_at_the_same_size(three):
    result = _edit(three, page_ops.grey())
    with pikepdf.open(io.BytesIO(result.pdf)) as doc:
        for page in doc.pages:
            image = page.Resources.XObject.Im0
            assert image.ColorSpace == "/DeviceGray"
            assert b" rg" not in page.Contents.read_bytes()
    assert [(w, h) for _, w, h in images_of(result.pdf)] == [(w, h) for _, w, h in images_of(three)]
    assert geometry(result.pdf) == geometry(three)


def test_crop_keeps_the_rectangle_as_the_page_and_the_image_bytes(three):
    result = _edit(three, page_ops.crop(1, 10, 20, 110, 100))
    assert geometry(result.pdf)[0][:2] == (100.0, 80.0)
    assert geometry(result.pdf)[1:] == geometry(three)[1:]
    assert images_of(result.pdf) == images_of(three)
    with pikepdf.open(io.BytesIO(result.pdf)) as doc:
        box = [float(v) / (72 / 25.4) for v in doc.pages[0].mediabox]
    assert box == pytest.approx([10, 210 - 100, 110, 210 - 20], abs=0.01)  # from the top-left corner


def test_crop_on_a_rotated_page_uses_the_page_as_shown(three):
    rotated = _edit(three, page_ops.rotate(1, 90)).pdf
    result = _edit(rotated, page_ops.crop(1, 0, 0, 50, 120))
    assert geometry(result.pdf)[0] == (50.0, 120.0, 90)


def test_straighten_turns_the_content_and_keeps_page_and_image_bytes(three):
    result = _edit(three, page_ops.straighten(1, 3))
    assert geometry(result.pdf) == geometry(three)
    assert images_of(result.pdf) == images_of(three)
    with pikepdf.open(io.BytesIO(result.pdf)) as doc:
        a, b = (float(v) for v in doc.pages[0].Contents.read_bytes().split()[1:3])
    assert b / a == pytest.approx(0.0524, abs=1e-3)  # tan 3°


@pytest.mark.parametrize(
    ("ops", "pages"),
    [
        ([page_ops.rotate(4, 90)], 3),
        ([page_ops.rotate(1, 45)], 3),
        ([page_ops.delete(1, 1)], 1),
        ([page_ops.downsample(20)], 3),
        ([page_ops.straighten(1, 40)], 3),
        ([page_ops.crop(1, 10, 10, 11, 11)], 3),
        ([{"op": "launch"}], 3),
        ([], 3),
    ],
)
def test_an_operation_that_cannot_do_what_it_says_is_refused_before_any_work(ops, pages):
    with pytest.raises(UserError) as err:
        page_ops.check_ops(ops, pages)
    assert err.value.code == "pages.invalid" and err.value.zh.startswith("页面操作无效")


def test_fix_ids_of_the_preflight_map_to_operations():
    assert page_ops.ops_for_fix("rotate", 3, 2) == [page_ops.rotate(2, 90)]
    assert page_ops.ops_for_fix("delete", 3, 2) == [page_ops.arrange([0, 2])]
    assert page_ops.ops_for_fix("dpi150", 3) == [page_ops.downsample(150)]
    assert page_ops.ops_for_fix("dpi200", 3) == [page_ops.downsample(200)]
    assert page_ops.ops_for_fix("a4", 3, 1) == [page_ops.fit_a4([1])]
    assert page_ops.ops_for_fix("grey", 3) == [page_ops.grey()]
    assert set(page_ops.FIX_IDS) == {"rotate", "delete", "a4", "dpi150", "dpi200", "grey", "split"}


def test_a4_then_dpi_resamples_to_that_resolution_on_a4(oversize):
    result = _edit(oversize, page_ops.fit_a4(), page_ops.downsample(150))
    for _, width, _ in images_of(result.pdf):
        assert width == pytest.approx(297 / 25.4 * 150, abs=2)  # 656 mm of pixels now span 297 mm
    assert {g[:2] for g in geometry(result.pdf)} == {(297.0, 210.0)}


def test_a_received_pdf_is_sanitised_before_and_after_its_fix():
    """Bytes this installation did not make (a received draft's) never meet the page operations
    as they are: scripts and actions are gone from the result."""
    doc = pikepdf.open(io.BytesIO(scan_pdf(210, 297, 50, pages=2)))
    doc.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    doc.pages[0].obj.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("x")))
    buffer = io.BytesIO()
    doc.save(buffer)
    hostile = buffer.getvalue()
    assert active_content(hostile)
    result = _edit(hostile, page_ops.rotate(1, 180))
    assert geometry(result.pdf)[0][2] == 180 and result.pages == 2


def test_a_cancelled_fix_stops_the_worker_and_returns_nothing(three):
    with pytest.raises(UserError) as err:
        page_ops.edit(three, 3, [page_ops.downsample(150)], cancel=lambda: True)
    assert err.value.code == "attach.cancelled"


def test_progress_is_reported_page_by_page(three):
    seen = []
    page_ops.edit(three, 3, [page_ops.grey()], progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3)


@pytest.mark.slow
def test_fixes_on_the_largest_accepted_image_stay_under_1_gb():
    """A 100 Mpx RGB scan (the intake's ceiling, 300 MB decoded): downsampling and grey decode it
    whole, in the worker, whose address space is capped at 1 GiB; they finish, and no worker
    process peaked at 1 GB."""
    import resource

    from PIL import Image

    side = 10_000
    grey_ramp = Image.linear_gradient("L").resize((side, side))
    rgb = Image.merge("RGB", (grey_ramp, grey_ramp.rotate(90), grey_ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
    buffer = io.BytesIO()
    rgb.save(buffer, "PNG", compress_level=1)
    del rgb, grey_ramp
    scan = normalise(buffer.getvalue(), "scan.png").pdf
    for op in (page_ops.downsample(150), page_ops.grey()):
        result = page_ops.edit(scan, 1, [op])
        assert result.pages == 1
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024  # KiB


def test_a4_of_a_cropped_oversize_page_shows_only_what_the_crop_kept(oversize):
    """The part a crop hid must not reappear in the margins of the A4 page."""
    cropped = _edit(oversize, page_ops.crop(1, 0, 0, 300, 400)).pdf  # the left part, tall
    fitted = _edit(cropped, page_ops.fit_a4([1])).pdf
    with pikepdf.open(io.BytesIO(fitted)) as doc:
        form = doc.pages[0].Resources.XObject.Fx0
        bbox = [float(v) / (72 / 25.4) for v in form.BBox]
    assert bbox[2] - bbox[0] == pytest.approx(300, abs=0.1) and bbox[3] - bbox[1] == pytest.approx(400, abs=0.1)
    assert geometry(fitted)[0][:2] == (210.0, 297.0)
