"""A received .docx, opened as the hostile file it is: the size is capped before reading, the zip
directory is checked (member count, uncompressed sizes, compression ratio) before python-docx
inflates anything, and whatever python-docx or lxml raise becomes one bilingual line."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from forms.errors import UserError

MAX_FILE_BYTES = 20 * 1024 * 1024  # an official template is tens of KB; a few images at most
MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # every member together, as the zip directory declares
MAX_XML_PART = 16 * 1024 * 1024  # word/document.xml alone: a template's is well under 1 MB
MAX_RATIO = 200  # deflate reaches ~1000:1 only on runs of one byte: what zip bombs are made of
MAX_PARAGRAPHS = 5_000
MAX_CELLS = 20_000

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


def _refuse(code: str, name: str, zh: str, en: str) -> UserError:
    return UserError(code, f"“{name}”{zh}，未导入", f"“{name}” {en}; nothing was imported")


def read_docx(path: Path) -> DocxContent:
    """The paragraphs and table cells of the .docx ``path`` (read once, never written)."""
    import hashlib

    path = Path(path)
    name = path.name
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise _refuse("template.read", name, "是一个文件夹，不是 Word 文件", "is a folder, not a Word file") from None
    except OSError as exc:
        raise UserError("template.read", f"无法读取“{name}”：{exc.strerror or exc}",
                        f"Cannot read “{name}”: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _refuse("template.too_large", name, f"超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不像是官方模板",
                      f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, which no official template is")
    if raw.startswith(_OLE_MAGIC):
        raise _refuse("template.old_doc", name, "是旧版 Word 文档（.doc），请先在 Word 或 WPS 中“另存为” .docx 再导入",
                      "is an old Word document (.doc); save it as .docx in Word or WPS first")
    _check_zip(raw, name)
    content = DocxContent(name=name, sha256=hashlib.sha256(raw).hexdigest())
    try:
        import docx
    except ImportError:  # a bundle built without it: say so, not "damaged file"
        raise UserError("template.unavailable", "此安装缺少读取 Word 文档的组件（python-docx），无法导入模板",
                        "This installation lacks the Word reader (python-docx); templates cannot be imported") from None
    try:
        document = docx.Document(io.BytesIO(raw))
        _collect(document, content, name)
    except UserError:
        raise
    except Exception:  # noqa: BLE001 - python-docx/lxml on a damaged file: any exception at all
        raise _refuse("template.unreadable", name, "不是有效的 Word（.docx）文档或已损坏",
                      "is not a valid Word (.docx) document or is damaged") from None
    return content


def _check_zip(raw: bytes, name: str) -> None:
    not_docx = _refuse("template.not_docx", name, "不是 Word（.docx）文档", "is not a Word (.docx) document")
    if not raw.startswith(b"PK"):
        raise not_docx
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise not_docx from None
    bomb = _refuse("template.bomb", name, "解压后过大（可能是恶意构造的压缩包）",
                   "would be too large once unpacked (it may be a crafted archive)")
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


def _collect(document, content: DocxContent, name: str) -> None:
    from docx.oxml.ns import qn

    too_big = _refuse("template.too_big", name, "内容过多，不像是官方模板", "holds far more than an official template")
    for paragraph in document.paragraphs:
        if len(content.paragraphs) >= MAX_PARAGRAPHS:
            raise too_big
        ppr = paragraph._p.pPr
        numbered = ppr is not None and ppr.find(qn("w:numPr")) is not None
        if not numbered:  # a list style numbers its paragraphs too
            style = paragraph.style
            numbered = bool(style is not None and style.name and style.name.startswith("List Number"))
        content.paragraphs.append(Paragraph(paragraph.text, numbered))
    cells = 0
    for table in document.tables:
        rows: list[list[str]] = []
        seen: set = set()  # the elements themselves: held, so their identity stays theirs
        for row in table.rows:
            texts: list[str] = []
            for cell in row.cells:  # a merged cell is listed once per grid row/column it spans
                if cell._tc in seen:
                    continue
                seen.add(cell._tc)
                cells += 1
                if cells > MAX_CELLS:
                    raise too_big
                texts.append("\n".join(p.text for p in cell.paragraphs))
            rows.append(texts)
        content.tables.append(rows)
