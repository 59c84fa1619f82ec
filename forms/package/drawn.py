"""Where each image is drawn and how large: every image XObject a page draws (forms within forms
included, the walk bounded) with its drawn size in points, on the page as it is or fitted onto A4
(a page larger than A4 is measured as it will be printed and read)."""

from __future__ import annotations

import math
from typing import Any, cast

import pikepdf
from pikepdf import Name

Matrix = tuple[float, ...]  # a PDF transformation matrix: six numbers
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
FORM_DEPTH = 8


def _mul(m1: Matrix, m2: Matrix) -> Matrix:
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _matrix(values: Any) -> Matrix:
    try:
        numbers = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        return IDENTITY
    return numbers if len(numbers) == 6 else IDENTITY


A4_PT = (595.2756, 841.8898)
OVERSIZE_TOLERANCE = 1.01  # scanner rounding: up to 1 % over A4 is A4


def a4_factor(page: pikepdf.Page) -> float:
    """How much the page shrinks when fitted onto A4 (aspect kept, orientation by its shape);
    1 for a page within A4."""
    try:
        # a non-array box raises TypeError, caught below
        box = pikepdf.Rectangle(cast(pikepdf.Array, page.obj.get("/CropBox", page.mediabox)))
        width, height = abs(float(box.width)), abs(float(box.height))
    except (TypeError, ValueError, pikepdf.PdfError):
        return 1.0
    if width < 1 or height < 1:
        return 1.0
    target = (A4_PT[1], A4_PT[0]) if width > height else A4_PT
    factor = min(target[0] / width, target[1] / height)
    return 1.0 if factor * OVERSIZE_TOLERANCE >= 1 else factor


def drawn_images(
    pdf: pikepdf.Pdf, *, oversize_only: bool = False, on_a4: bool = True
) -> dict[tuple[int, int], tuple[pikepdf.Stream, float, float]]:
    """Every image XObject drawn on a page → (stream, widest drawn width, tallest drawn height)
    in points on the page fitted onto A4 (``a4_factor``). ``oversize_only``: only images on
    pages larger than A4; ``on_a4=False``: on the page as it is. The walk stops after MAX_DRAWS ``Do`` operators: a form drawn a
    thousand times by a form drawn a thousand times is a few bytes and a billion steps; images
    not reached then are simply not downsampled."""
    found: dict[tuple[int, int], tuple[pikepdf.Stream, float, float]] = {}
    walk = _Walk(found)
    for page in pdf.pages:
        factor = a4_factor(page) if on_a4 or oversize_only else 1.0
        if oversize_only and factor >= 1:
            continue
        walk.walk(page.obj, page.obj.get("/Resources"), (factor, 0.0, 0.0, factor, 0.0, 0.0), 0)
        if walk.left <= 0:
            break
    return found


MAX_DRAWS = 50_000


class _Walk:
    def __init__(self, found: dict[tuple[int, int], tuple[pikepdf.Stream, float, float]]) -> None:
        self.found = found
        self.left = MAX_DRAWS
        # Per form: its instructions as plain tuples and its XObjects by name, made once, since
        # a form is typically drawn many times.
        self._steps: dict[tuple[int, int], list[tuple[str, Any]]] = {}
        self._targets: dict[tuple[tuple[int, int], str], tuple[str, Any]] = {}

    def _instructions(self, owner: pikepdf.Object) -> list[tuple[str, Any]]:
        key = owner.objgen if owner.is_indirect and isinstance(owner, pikepdf.Stream) else None
        if key is not None and key in self._steps:
            return self._steps[key]
        steps: list[tuple[str, Any]] = []
        try:
            for instruction in pikepdf.parse_content_stream(owner, "q Q cm Do"):
                operands, op = instruction.operands, str(instruction.operator)
                if op == "cm":
                    steps.append((op, _matrix(operands)))
                elif op == "Do":
                    if operands:
                        steps.append((op, operands[0]))
                else:
                    steps.append((op, None))
        except pikepdf.PdfError:
            pass
        if key is not None:
            self._steps[key] = steps
        return steps

    def _target(self, owner: pikepdf.Object, xobjects: pikepdf.Dictionary, name: Any) -> tuple[str, Any]:
        key = (owner.objgen, str(name)) if owner.is_indirect and isinstance(owner, pikepdf.Stream) else None
        if key is not None and key in self._targets:
            return self._targets[key]
        xobject = xobjects.get(name)
        kind = ""
        if isinstance(xobject, pikepdf.Stream):
            subtype = xobject.get("/Subtype")
            if subtype == Name.Image and xobject.is_indirect:
                kind = "image"
            elif subtype == Name.Form:
                kind = "form"
        target = (kind, xobject)
        if key is not None:
            self._targets[key] = target
        return target

    def walk(self, owner: pikepdf.Object, resources: Any, ctm: Matrix, depth: int) -> None:
        if depth > FORM_DEPTH or not isinstance(resources, pikepdf.Dictionary):
            return
        xobjects = resources.get("/XObject")
        if not isinstance(xobjects, pikepdf.Dictionary):
            return
        stack: list[Matrix] = []
        matrix = ctm
        for op, payload in self._instructions(owner):
            if op == "q":
                stack.append(matrix)
            elif op == "Q":
                matrix = stack.pop() if stack else ctm
            elif op == "cm":
                matrix = _mul(payload, matrix)
            elif op == "Do":
                self.left -= 1
                if self.left <= 0:
                    return
                kind, xobject = self._target(owner, xobjects, payload)
                if kind == "image":
                    width = math.hypot(matrix[0], matrix[1])
                    height = math.hypot(matrix[2], matrix[3])
                    _, old_w, old_h = self.found.get(xobject.objgen, (xobject, 0.0, 0.0))
                    self.found[xobject.objgen] = (xobject, max(old_w, width), max(old_h, height))
                elif kind == "form":
                    inner = _mul(_matrix(xobject.get("/Matrix", IDENTITY)), matrix)
                    self.walk(xobject, xobject.get("/Resources", resources), inner, depth + 1)
