"""A received .docx, opened as the hostile file it is: the size is capped before reading, the zip
directory is checked (member count, uncompressed sizes, compression ratio) before python-docx
inflates anything, and whatever python-docx or lxml raise becomes one bilingual line."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from forms.errors import UserError
from forms.text import Text

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph as DocxParagraph

MAX_FILE_BYTES = 20 * 1024 * 1024  # an official template is tens of KB; a few images at most
MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # every member together, as the zip directory declares
MAX_XML_PART = 16 * 1024 * 1024  # word/document.xml alone: a template's is well under 1 MB
MAX_RATIO = 200  # deflate reaches ~1000:1 only on runs of one byte: what zip bombs are made of
MAX_PARAGRAPHS = 3_000
MAX_CELLS = 1_000  # an official form has under 200; python-docx reads ~1 000 a second

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc (and .xls, .wps)


@dataclass(frozen=True)
class Paragraph:
    text: str
    numbered: bool = False  # Word's automatic list numbering: the number is not in the text


@dataclass
class DocxContent:
    name: str
    sha256: str
    paragraphs: list[Paragraph] = field(default_factory=list)  # the body's, in order
    tables: list[list[list[str]]] = field(default_factory=list)  # table → row → distinct cells


def _refuse(code: str, name: str, why: Text) -> UserError:
    return UserError(code, f"“{name}”{why.zh}，未导入", f"“{name}” {why.en}; nothing was imported")


def read_docx(path: Path) -> DocxContent:
    """The paragraphs and table cells of the .docx ``path`` (read once, never written)."""
    import hashlib

    path = Path(path)
    name = path.name
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise _refuse(
            "template.read", name, Text("是一个文件夹，不是 Word 文件", "is a folder, not a Word file")
        ) from None
    except OSError as exc:
        raise UserError(
            "template.read", f"无法读取“{name}”：{exc.strerror or exc}", f"Cannot read “{name}”: {exc.strerror or exc}"
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _refuse(
            "template.too_large",
            name,
            Text(
                f"超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不像是官方模板",
                f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, which no official template is",
            ),
        )
    if raw.startswith(_OLE_MAGIC):
        raise _refuse(
            "template.old_doc",
            name,
            Text(
                "是旧版 Word 文档（.doc），请先在 Word 或 WPS 中“另存为” .docx 再导入",
                "is an old Word document (.doc); save it as .docx in Word or WPS first",
            ),
        )
    _check_zip(raw, name)
    content = DocxContent(name=name, sha256=hashlib.sha256(raw).hexdigest())
    import docx  # python-docx is a dependency; installer/bundle_check.py holds the bundle to it

    try:
        document = docx.Document(io.BytesIO(raw))
        _collect(document, content, name)
    except UserError:
        raise
    except Exception:  # python-docx/lxml on a damaged file: any exception at all
        raise _refuse(
            "template.unreadable",
            name,
            Text("不是有效的 Word（.docx）文档或已损坏", "is not a valid Word (.docx) document or is damaged"),
        ) from None
    return content


def _check_zip(raw: bytes, name: str) -> None:
    not_docx = _refuse("template.not_docx", name, Text("不是 Word（.docx）文档", "is not a Word (.docx) document"))
    if not raw.startswith(b"PK"):
        raise not_docx
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise not_docx from None
    bomb = _refuse(
        "template.bomb",
        name,
        Text("解压后过大（可能是恶意构造的压缩包）", "would be too large once unpacked (it may be a crafted archive)"),
    )
    if len(members) > MAX_MEMBERS:
        raise bomb
    total = 0
    for info in members:
        total += info.file_size
        if total > MAX_UNCOMPRESSED:
            raise bomb
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise bomb
    names = {info.filename for info in members}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise not_docx
    if archive.getinfo("word/document.xml").file_size > MAX_XML_PART:
        raise bomb


def _collect(document: Document, content: DocxContent, name: str) -> None:
    """Body paragraphs and tables in document order; a table's cells also count as paragraphs
    (a letter's signature lines, or the whole letter, often sit in a borderless table)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    too_big = _refuse(
        "template.too_big", name, Text("内容过多，不像是官方模板", "holds far more than an official template")
    )
    body = document.element.body  # counted first: python-docx walks tables slowly
    if body.xpath("count(.//w:tc)") > MAX_CELLS or body.xpath("count(.//w:p)") > MAX_PARAGRAPHS:
        raise too_big
    cells = 0
    numbering = _numbering_styles(document)

    def add(paragraph: DocxParagraph) -> None:
        if len(content.paragraphs) >= MAX_PARAGRAPHS:
            raise too_big
        content.paragraphs.append(Paragraph(paragraph.text, _numbered(paragraph, numbering)))

    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            add(block)
            continue
        rows: list[list[str]] = []
        for tr in block._tbl.tr_lst:  # the XML itself: python-docx's row.cells costs ~2 ms a cell
            texts: list[str] = []
            for tc in tr.tc_lst:
                if tc.vMerge == "continue":  # the lower part of a vertically merged cell
                    continue
                cells += 1
                if cells > MAX_CELLS:
                    raise too_big
                paragraphs = [DocxParagraph(p, block) for p in tc.p_lst]
                for paragraph in paragraphs:
                    add(paragraph)
                texts.append("\n".join(p.text for p in paragraphs))
            rows.append(texts)
        content.tables.append(rows)


def _numbering_styles(document: Document) -> set[str]:
    """Ids of the paragraph styles that number their paragraphs (List Number, or a numPr)."""
    from docx.oxml.ns import qn

    found = set()
    for style in document.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        ppr = style.find(qn("w:pPr"))
        if (name is not None and (name.get(qn("w:val")) or "").startswith("List Number")) or (
            ppr is not None and ppr.find(qn("w:numPr")) is not None
        ):
            found.add(style.get(qn("w:styleId")))
    return found


def _numbered(paragraph: DocxParagraph, numbering_styles: set[str]) -> bool:
    """Word's automatic list numbering, direct or through the paragraph's style."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.pPr
    if ppr is None:
        return False
    if ppr.find(qn("w:numPr")) is not None:
        return True
    return ppr.pStyle is not None and ppr.pStyle.val in numbering_styles
