"""Screenshots of every screen of the desktop wizard into out/screenshots/*.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [--lang en] [--category tech_vp]
    xvfb-run -a .venv/bin/python tools/screenshots.py        (the same under a virtual X server)

The start page, then a sample application of the category on every step, an application with
mistakes on the review page, and the output page with the package preview. Needs a CJK screen
font (tools/setup.sh installs fonts-wqy-microhei). Settings and drafts go to a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _sample_attachment(folder: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = folder / "技术开发合同.pdf"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawString(80, 700, "Technology development contract")
    pdf.setFont("Helvetica", 12)
    for line in range(30):
        pdf.drawString(80, 660 - line * 18, f"Article {line + 1}. " + "x" * 60)
    pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--category", default="tech_vp")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="cxy-shots-"))
    os.environ["CXY_DATA_DIR"] = str(tmp / "data")
    os.environ["CXY_CONFIG_DIR"] = str(tmp / "config")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from desktop import workers
    from desktop.app import make_window
    from desktop.prompter import Prompter
    from desktop.services import Services

    class PrintingPrompter(Prompter):
        """Messages go to stderr: a screenshot run never waits for a click."""

        def info(self, title: str, text: str) -> None:
            print(f"[info] {title}: {text}", file=sys.stderr)

        def error(self, title: str, text: str) -> None:
            print(f"[error] {title}: {text}", file=sys.stderr)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "zh" else "-en"
    window = make_window(None, args.lang, services=Services(prompter=PrintingPrompter()))
    window.resize(1200, 820)
    window.show()

    def settle(wait_jobs: bool = False) -> None:
        for _ in range(3):
            QCoreApplication.processEvents()
        if wait_jobs:
            while workers.busy():
                QCoreApplication.processEvents()
            # QPdfView renders pages on its own thread: give it a moment to paint.
            loop = QEventLoop()
            QTimer.singleShot(1500, loop.quit)
            loop.exec()

    def shot(name: str) -> None:
        settle()
        target = out / f"{name}{suffix}.png"
        window.grab().save(str(target))
        print(target)

    shot("00-start")
    window.open_sample(args.category)
    view = window.view
    attachment = _sample_attachment(tmp)
    view.attachments_page.import_files([attachment], {attachment: ("contract", "技术开发合同")})
    settle(wait_jobs=True)
    for number, key in enumerate(view.keys(), start=1):
        view.go_to_key(key)
        settle(wait_jobs=key == "output")
        shot(f"{number:02d}-{key}")

    # The same application with mistakes: messages under fields and a full review list.
    session = window.session
    session.set("university.uscc", "91320000MA1XXXXXX1")
    session.set("leader.email", "zhang@")
    session.set("contract.start", "2021-05-01")
    session.set("members.0.unit", "")
    session.touched.update({"members.0.unit"})
    session.recheck()
    view.go_to_key("parties")
    shot("20-parties-with-errors")
    view.go_to_key("team")
    shot("21-team-with-errors")
    view.go_to_key("review")
    shot("22-review-with-errors")
    window.close()
    settle()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
