"""One renderer for every document declared in ``documents.toml``: the category's 申报书 as a
ruled grid and the three integrity letters. Output is a pure function of (data, pack): reportlab
runs with ``invariant=1``, so the same data gives the same bytes. The stories themselves are
built in :mod:`forms.render.stories`, the printed values in :mod:`forms.render.printed_values`."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from io import BytesIO
from typing import TYPE_CHECKING, Any

from forms.errors import UserError
from forms.layout import Documents, FormLayout, LetterLayout, Style, parse_documents
from forms.pack import Pack
from forms.text import Text

from .printed_values import Values

if TYPE_CHECKING:
    from reportlab.platypus import BaseDocTemplate

# reportlab and the drawing modules are imported in _render: naming the documents (and a build
# whose documents come from the render cache) never starts reportlab

# --------------------------------------------------------------------------------------------
# Which documents, and what they are called


def documents_for(data: dict[str, Any], pack: Pack) -> list[tuple[str, Text]]:
    """(doc_key, title) of what the applicant prints: the form of the category, then the three
    letters in annex order."""
    docs = parse_documents(pack)
    category = data.get("category")
    if pack.category(category) is None:
        raise UserError(
            "render.no_category",
            "尚未选择申报类别，无法确定要打印的申报书",
            "No application category is chosen yet, so the form to print is unknown",
        )
    forms = [key for key, doc in docs.documents.items() if isinstance(doc, FormLayout) and doc.category == category]
    if not forms:
        known = pack.category(category)
        raise UserError(
            "render.no_layout",
            f"规则包“{pack.id}”没有“{known.subtitle.zh if known else category}”申报书的打印版式",
            f"The rule pack '{pack.id}' has no print layout for the '{category}' form",
        )
    letters = sorted(
        (key for key, doc in docs.documents.items() if isinstance(doc, LetterLayout)),
        key=lambda key: pack.letters[docs.documents[key].letter].annex,  # type: ignore[union-attr]
    )
    return [(key, document_title(key, pack, docs)) for key in forms + letters]


def document_title(doc_key: str, pack: Pack, docs: Documents | None = None) -> Text:
    """The title of a document including its annex number."""
    layout = _layout(doc_key, pack, docs)
    if isinstance(layout, FormLayout):
        cat = pack.category(layout.category)
        assert cat is not None  # check_documents guarantees it
        return Text(
            f"附件{cat.annex} {cat.title.zh}（{cat.subtitle.zh}）",
            f"Annex {cat.annex} {cat.title.en} ({cat.subtitle.en})",
        )
    letter = pack.letters[layout.letter]
    return Text(f"附件{letter.annex} {letter.title.zh}", f"Annex {letter.annex} {letter.title.en}")


def _layout(doc_key: str, pack: Pack, docs: Documents | None = None) -> FormLayout | LetterLayout:
    docs = docs or parse_documents(pack)
    layout = docs.documents.get(doc_key)
    if layout is None:
        raise UserError(
            "render.unknown_document",
            f"规则包中没有名为“{doc_key}”的打印文档",
            f"The rule pack declares no document '{doc_key}'",
        )
    return layout


# --------------------------------------------------------------------------------------------
# Rendering


_CACHE: OrderedDict[tuple[str, int, str], tuple[Pack, bytes]] = OrderedDict()
_CACHE_SIZE = 24
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget rendered documents (benchmarks measure rendering itself)."""
    with _cache_lock:
        _CACHE.clear()


def render_document(doc_key: str, data: dict[str, Any], pack: Pack) -> bytes:
    """The PDF of one declared document (A4), filled with ``data``.

    Output depends on nothing else, so recent results are reused: the preview, the package
    and the print set of an unchanged draft render each document once."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    key = (doc_key, id(pack), digest)
    with _cache_lock:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is pack:  # the entry holds the pack, so its id is not reused
            _CACHE.move_to_end(key)
            return hit[1]
    pdf = _render(doc_key, data, pack)
    with _cache_lock:
        _CACHE[key] = (pack, pdf)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return pdf


def _render(doc_key: str, data: dict[str, Any], pack: Pack) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import LayoutError

    from .fonts import register_fonts
    from .stories import form_story, letter_story

    docs = parse_documents(pack)
    layout = _layout(doc_key, pack, docs)
    fonts = register_fonts()
    style = docs.style
    values = Values(data, pack)
    unverified = isinstance(layout, LetterLayout) and not pack.letters[layout.letter].verified
    zh_title = document_title(doc_key, pack, docs).zh  # the printed documents are Chinese
    margins = style.margins_mm

    def on_page(canvas: Any, _doc: Any) -> None:
        if unverified:
            canvas.saveState()
            canvas.setFont(fonts.regular, style.small_size)
            canvas.setFillColor(colors.HexColor("#666666"))
            # bottom right, clear of the package's centred page footer
            canvas.drawRightString(A4[0] - margins.right * mm, margins.bottom * mm / 2, style.unverified_note)
            canvas.restoreState()

    if isinstance(layout, FormLayout):
        story = form_story(layout, docs, values, pack, fonts)
    else:
        story = letter_story(layout, style, values, pack, fonts)
    buffer = BytesIO()
    try:
        _template(buffer, style, zh_title, values, on_page).build(story)
    except LayoutError as exc:  # not expected: tall values are cut into continuation rows
        raise UserError(
            "render.layout",
            f"“{zh_title}”中的内容过长，无法排版，请缩短后重试",
            f"A value in '{zh_title}' is too long to lay out; please shorten it",
        ) from exc
    return buffer.getvalue()


def _template(
    buffer: BytesIO, style: Style, title: str, values: Values, on_page: Callable[[Any, Any], None]
) -> BaseDocTemplate:
    from .page import a4_document

    m = style.margins_mm
    return a4_document(
        buffer,
        margins_mm=(m.top, m.right, m.bottom, m.left),
        title=title,
        author=values.text("university.name"),
        subject=values.text("project.name"),
        on_page=on_page,
    )
