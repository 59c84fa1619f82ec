"""The printed lines of a rendered PDF and the vertical rules of its grid, with positions, read
back from the PDF itself (pypdf's content-stream visitor): what a reader of the paper sees."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics


@dataclass
class Run:
    """One shown string: its text and where its glyphs start and end on the page (points)."""

    text: str
    x0: float
    x1: float
    y: float
    size: float


@dataclass
class Rule:
    x: float
    y0: float
    y1: float


@dataclass
class Page:
    runs: list[Run]
    rules: list[Rule]  # vertical rules only

    def lines(self) -> list[Run]:
        """Runs joined into printed lines: a run continues the previous one when it starts on
        the same baseline where that one ended (a change of font inside a line)."""
        lines: list[Run] = []
        for run in self.runs:
            last = lines[-1] if lines else None
            if last and abs(last.y - run.y) < 0.5 and abs(last.x1 - run.x0) < 1.0:
                lines[-1] = Run(last.text + run.text, last.x0, run.x1, last.y, max(last.size, run.size))
            else:
                lines.append(run)
        return lines


def _font_names() -> dict[str, str]:
    """Embedded font name (without the subset prefix) → reportlab's registered name."""
    names = {}
    for name, font in pdfmetrics._fonts.items():
        face = getattr(font, "face", None)
        if face is not None:
            embedded = face.name.decode() if isinstance(face.name, bytes) else str(face.name)
            names[embedded] = name
    return names


def pages(pdf: bytes) -> list[Page]:
    fonts = _font_names()
    out = []
    for page in PdfReader(BytesIO(pdf)).pages:
        runs: list[Run] = []
        rules: list[Rule] = []
        point: list[tuple[float, float] | None] = [None]
        last_matrix: list[tuple] = [()]

        def on_text(text, cm, tm, font_dict, font_size, runs=runs, last_matrix=last_matrix):
            text = text.replace("\n", "")
            if not text or font_dict is None or abs(tm[1]) > 1e-6 or abs(cm[1]) > 1e-6:
                return  # nothing shown, or rotated (no such text on the forms)
            base = str(font_dict.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            size = font_size * tm[0] * cm[0]
            x0 = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            width = pdfmetrics.stringWidth(text, fonts[base], size)
            matrix = (tuple(cm), tuple(tm))
            if runs and matrix == last_matrix[0]:
                # the next string of the same line (reportlab embeds fonts in subsets of 256
                # glyphs, one string per subset): the visitor does not advance the text matrix
                x0 = runs[-1].x1
            last_matrix[0] = matrix
            runs.append(Run(text, x0, x0 + width, y, size))

        def on_operator(op, args, cm, tm, rules=rules, point=point):
            if op not in (b"m", b"l"):
                return
            x, y = float(args[0]), float(args[1])
            here = (cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5])
            start = point[0]
            point[0] = here
            if op == b"l" and start is not None and abs(start[0] - here[0]) < 0.01 and abs(start[1] - here[1]) > 5:
                rules.append(Rule(here[0], min(start[1], here[1]), max(start[1], here[1])))

        page.extract_text(visitor_text=on_text, visitor_operand_before=on_operator)
        out.append(Page(runs, rules))
    return out
