"""Issue 9 item 10: building a package from the largest images the intake accepts, under a size
budget that forces every one of them to be downsampled, peaks under 1 GB (the downsampling pass
handles one image at a time; it used to decode them all at once)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("bomb_set.py")
GB = 1024


def _run(*args: str, timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss is POSIX")
def test_building_the_image_bomb_set_under_a_budget_peaks_under_1_gb(tmp_path):
    _run("make", str(tmp_path), timeout=300)
    assert len(list(tmp_path.glob("*.pdf"))) == 4
    out = dict(line.split(" ", 1) for line in _run("build", str(tmp_path), "1", timeout=300).splitlines())
    assert out["notes"] == "1" and float(out["size_mb"]) <= 1.0  # every image was downsampled to fit
    peak = int(out["peak_rss_mb"])
    print(f"peak RSS building the image-bomb set: {peak} MB")
    assert peak < GB


def test_an_image_too_big_to_decode_safely_is_left_as_it_is(monkeypatch):
    import zlib

    import pikepdf

    from forms.package import downsample

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    width, height = 1200, 1600  # 16-bit RGB: 6 bytes a pixel
    image = pdf.make_stream(
        zlib.compress(b"\x80" * (width * height * 6), 1),
        Filter=pikepdf.Name.FlateDecode,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=16,
    )
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im=image))
    page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im Do Q")
    raw = bytes(image.read_raw_bytes())
    monkeypatch.setattr(downsample, "MAX_DECODED_BYTES", width * height * 6 - 1)
    assert downsample.downsample(pdf, 72, 80) == 0
    assert bytes(image.read_raw_bytes()) == raw and int(image.BitsPerComponent) == 16
