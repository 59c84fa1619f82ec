"""The benchmark module imports and its workload generator writes valid, reproducible files
(timings themselves are never asserted: `python -m bench` prints them)."""

from __future__ import annotations

import hashlib

import pytest


@pytest.fixture(scope="module")
def tiny_workload(tmp_path_factory):
    from bench.workload import generate

    return generate(tmp_path_factory.mktemp("wl"), scans=2, pdfs=2, big_pages=4, jobs=1)


def test_bench_command_answers():
    import subprocess
    import sys

    import bench.figures  # noqa: F401
    from bench.run import main  # noqa: F401

    done = subprocess.run(
        [sys.executable, "-m", "bench", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and "--quick" in done.stdout


def test_workload_scans_are_a4_300dpi_jpegs(tiny_workload):
    from PIL import Image

    for path in tiny_workload.scans:
        with Image.open(path) as im:
            assert (im.format, im.size, im.mode) == ("JPEG", (2480, 3508), "RGB")
            assert tuple(round(v) for v in im.info["dpi"]) == (300, 300)
            im.load()


def test_workload_pdfs_open_with_their_page_counts(tiny_workload):
    import pypdf

    for path in tiny_workload.pdfs:
        assert 3 <= len(pypdf.PdfReader(path).pages) <= 10
    assert len(pypdf.PdfReader(tiny_workload.big).pages) == 4


def test_scan_pdfs_carry_the_jpeg_bytes_unchanged(tiny_workload):
    import pikepdf

    for jpeg, pdf in zip(tiny_workload.scans, tiny_workload.scan_pdfs):
        with pikepdf.open(pdf) as doc:
            (image,) = [
                obj for obj in doc.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
            ]
            assert hashlib.sha256(image.read_raw_bytes()).digest() == hashlib.sha256(jpeg.read_bytes()).digest()


def test_workload_is_reproducible(tiny_workload, tmp_path):
    from bench.workload import generate

    again = generate(tmp_path, scans=2, pdfs=2, big_pages=4, jobs=1)
    for a, b in zip(tiny_workload.merge_inputs + tiny_workload.scans, again.merge_inputs + again.scans):
        assert a.read_bytes() == b.read_bytes(), a.name
