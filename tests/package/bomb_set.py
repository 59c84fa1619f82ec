"""The image-bomb set of issue 9 item 10: the largest images the intake accepts (100 Mpx each,
``IntakeLimits.max_pixels``), made through ``normalise``, then a package built from them under a
size budget that forces the downsampling pass. Run as a script so that each step is measured in
its own process:

    python tests/package/bomb_set.py make DIR      # the attachments, as the intake made them
    python tests/package/bomb_set.py build DIR MB  # prints "peak_rss_mb N" of the build alone
"""

from __future__ import annotations

import io
import resource
import sys
from pathlib import Path

SIDE = 10_000  # 10 000 × 10 000 = 100 Mpx, the intake's limit


def make(folder: Path) -> None:
    from PIL import Image

    from forms.attachments import normalise

    folder.mkdir(parents=True, exist_ok=True)
    grey = Image.linear_gradient("L").resize((SIDE, SIDE))
    cases = (
        ("1-rgb-photo.jpg", "RGB", "JPEG", {"quality": 90}),
        ("2-rgb-scan.png", "RGB", "PNG", {"compress_level": 1}),
        ("3-rgb-scan.png", "RGB", "PNG", {"compress_level": 1}),
        ("4-grey-scan.tif", "L", "TIFF", {"compression": "tiff_deflate"}),
    )
    for number, (name, mode, fmt, options) in enumerate(cases):
        turned = grey.rotate(90 * number)
        im = (
            turned
            if mode == "L"
            else Image.merge("RGB", (turned, grey, turned.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
        )
        buffer = io.BytesIO()
        im.save(buffer, fmt, **options)
        del im, turned
        result = normalise(buffer.getvalue(), name)
        (folder / f"{name}.pdf").write_bytes(result.pdf)


def build(folder: Path, budget_mb: float) -> None:
    from forms.draft import AttachmentInfo
    from forms.pack import load_pack
    from forms.package import build_package
    from forms.samples import sample

    attachments = [
        (AttachmentInfo(n, n, "other", path.stem, path.name, "pdf", 1, "", 0, ""), path.read_bytes())
        for n, path in enumerate(sorted(folder.glob("*.pdf")))
    ]
    result = build_package(sample("tech_vp"), attachments, load_pack(), budget_mb=budget_mb)
    print("size_mb", round(len(result.pdf) / 2**20, 2))
    print("notes", len(result.notes))
    print("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(Path(sys.argv[2]))
    else:
        build(Path(sys.argv[2]), float(sys.argv[3]))
