"""An independent check for active content in a PDF: what a sanitised file must never contain.

Two opinions, both reported: a walk over every object qpdf can find (reachable or not), and a
raw byte search over the file's dictionary text (stream bodies skipped, flate object streams
inflated), which still works when the object graph cannot be read. The package builder reuses
this on its own output; a non-empty answer means "do not print or save".

Run it on our own output, or inside the attachment worker: opening a hostile file is the
worker's job, not the UI process's.
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pikepdf

FORBIDDEN = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/OpenAction",
        "/AA",
        "/EmbeddedFiles",
        "/EF",
        "/XFA",
        "/SubmitForm",
        "/GoToR",
        "/GoToE",
        "/ImportData",
        "/RichMedia",
        "/Rendition",
    }
)

_FORBIDDEN_BYTES = frozenset(name.encode() for name in FORBIDDEN)
_OBJSTM_INFLATE_LIMIT = 64 * 1024 * 1024
_RELEASE_STEP = 1024 * 1024


def active_content(pdf_bytes: bytes | Path) -> list[str]:
    """Every forbidden PDF name found, as sorted, de-duplicated "<name> (<where>)" strings.

    An unreadable file is reported too ("unreadable (...)"): when in doubt, refuse. A path is
    read from disk (qpdf opens it; the raw search maps it and lets go of what it has passed),
    so a large package is checked without being held in memory.
    """
    if isinstance(pdf_bytes, Path):
        found = set(_graph_scan(pdf_bytes))
        found.update(_raw_scan_file(pdf_bytes))
        return sorted(found)
    found = set(_graph_scan(pdf_bytes))
    found.update(_raw_scan(pdf_bytes))
    return sorted(found)


# --- object graph -------------------------------------------------------------------------


def _graph_scan(pdf_bytes: bytes | Path) -> list[str]:
    import pikepdf

    try:
        source = pdf_bytes if isinstance(pdf_bytes, Path) else io.BytesIO(pdf_bytes)
        with pikepdf.open(source, password="", suppress_warnings=True) as pdf:
            return graph_findings(pdf)
    except pikepdf.PasswordError:
        return ["unreadable (encrypted)"]
    except Exception as exc:  # any parser failure means we could not prove the file clean
        return [f"unreadable ({type(exc).__name__})"]


def graph_findings(pdf: pikepdf.Pdf) -> list[str]:
    """Forbidden names in an already opened pikepdf.Pdf (trailer plus every indirect object),
    PostScript and needless JPEG segments."""
    import pikepdf

    found: list[str] = []
    _walk(pdf.trailer, "trailer", found)
    for obj in pdf.objects:
        objgen = getattr(obj, "objgen", None)  # null, numbers and booleans come back as Python
        if objgen is not None:
            where = f"object {objgen[0]} {objgen[1]}"
            _walk(obj, where, found)
            _stream_findings(obj, where, found)
    for number, page in enumerate(pdf.pages, start=1):
        contents = page.obj.get("/Contents")
        streams = contents if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            if isinstance(stream, pikepdf.Stream) and has_postscript_operator(stream):
                found.append(f"PS operator (page {number})")
    return found


def written_findings(pdf: pikepdf.Pdf) -> list[str]:
    """Forbidden names in what a package build writes itself, as :func:`active_content` words
    them: the trailer, the catalog, the page tree and each page's own dictionary, the outline,
    /Info — everything reachable from the trailer except what is inside a page's /Resources and
    /Contents. Those come from the parts, and every part was scanned before: an attachment by
    the intake worker when its bytes were made (their digest is then in the ledger, see
    ledger.py), anything else by :func:`active_content` in this build, and our rendered
    documents are drawn by this program. So the package's guard does not read the scans again:
    a hostile part is caught before the merge, a mistake of the build's own (an action left on
    a page or the catalog) here, before anything is saved."""
    import pikepdf

    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, str, bool]] = [(pdf.trailer, "trailer", False)]
    while stack:
        obj, where, page = stack.pop()
        if getattr(obj, "is_indirect", False):
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
            where = f"object {obj.objgen[0]} {obj.objgen[1]}"
            page = obj.get("/Type") == pikepdf.Name.Page if isinstance(obj, pikepdf.Dictionary) else False
        if isinstance(obj, pikepdf.Name):
            name = obj.unparse()
            if name in _FORBIDDEN_BYTES:
                found.append(f"{name.decode()} ({where})")
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            for key, child in entries(obj):
                if key in FORBIDDEN:
                    found.append(f"{key} ({where})")
                if not (page and key in ("/Resources", "/Contents")):
                    stack.append((child, where, False))
        elif isinstance(obj, pikepdf.Array):
            stack.extend((item, where, False) for item in obj)
    return sorted(set(found))


def _stream_findings(obj: Any, where: str, found: list[str]) -> None:
    """PostScript (a /PS XObject, a /PS entry, the PS operator in a form) and JPEG segments
    not needed to show an image: nothing a sanitised file carries."""
    import pikepdf

    from forms.attachments.jpeg_meta import extra_segments

    if not isinstance(obj, pikepdf.Stream):
        return
    if "/PS" in obj:
        found.append(f"/PS entry ({where})")
    subtype = obj.get("/Subtype")
    if subtype == pikepdf.Name("/PS") or obj.get("/Subtype2") == pikepdf.Name("/PS"):
        found.append(f"/Subtype /PS ({where})")
    elif subtype == pikepdf.Name.Form and has_postscript_operator(obj):
        found.append(f"PS operator ({where})")
    elif subtype == pikepdf.Name.Image and is_jpeg(obj):
        try:
            extra = extra_segments(obj.read_raw_bytes())
        except pikepdf.PdfError:
            return
        found.extend(f"JPEG {name} ({where})" for name in extra)


def is_jpeg(stream: pikepdf.Object) -> bool:
    import pikepdf

    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
    return bool(filters == pikepdf.Name.DCTDecode)


# The PS operator as a whole token (PDF delimiters or whitespace on both sides).
_PS_TOKEN = re.compile(rb"(?<![^\x00\t\n\x0c\r \[\]()<>{}/%])PS(?![^\x00\t\n\x0c\r \[\]()<>{}/%])")


def has_postscript_operator(stream: pikepdf.Object) -> bool:
    """Whether a content stream (page or form) uses the PostScript pass-through operator."""
    import pikepdf

    try:
        if not _PS_TOKEN.search(stream.read_bytes()):
            return False
        with warnings.catch_warnings():  # qpdf's parse warnings (a truncated stream) are no finding
            warnings.simplefilter("ignore")
            return any(str(instruction.operator) == "PS" for instruction in pikepdf.parse_content_stream(stream))
    except (pikepdf.PdfError, ValueError, TypeError):
        return False


def _walk(root: Any, where: str, found: list[str]) -> None:
    from pikepdf import ObjectType

    # Direct children only: indirect ones are visited on their own by graph_findings. Iterative,
    # because hostile files nest arrays thousands deep.
    stack = [root]
    while stack:
        obj = stack.pop()
        code = getattr(obj, "_type_code", None)
        if code == ObjectType.name_:
            name = obj.unparse()  # bytes: str() fails on names that are not UTF-8
            if name in _FORBIDDEN_BYTES:
                found.append(f"{name.decode()} ({where})")
        elif code in (ObjectType.dictionary, ObjectType.stream):
            for key, child in entries(obj):
                if key in FORBIDDEN:
                    found.append(f"{key} ({where})")
                if not getattr(child, "is_indirect", True):
                    stack.append(child)
        elif code == ObjectType.array:
            stack.extend(item for item in obj if not getattr(item, "is_indirect", True))


def entries(obj: Any) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs of a pikepdf dictionary or stream, including keys that are not UTF-8
    (pikepdf hands those out surrogate-escaped and cannot look them up by that string)."""
    import pikepdf

    for key in obj.keys():  # noqa: SIM118 - a pikepdf object, whose keys() covers streams too
        try:
            yield key, obj.get(key)
        except (TypeError, UnicodeError):
            raw = key.encode("utf-8", "surrogateescape")
            name = pikepdf.Object.parse(b"/" + b"".join(b"#%02x" % c for c in raw[1:]))
            yield key, obj.get(name)


# --- raw bytes ------------------------------------------------------------------------------

_STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _raw_scan_file(path: Path) -> list[str]:
    import mmap

    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return _raw_scan(b"")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _raw_scan(data, release=getattr(data, "madvise", None))  # type: ignore[arg-type]
    except OSError as exc:
        return [f"unreadable ({type(exc).__name__})"]


def _raw_scan(data: bytes, release: Callable[[int, int, int], object] | None = None) -> list[str]:
    """``release(advice, start, length)``: mmap.madvise, to drop the pages already searched
    (a mapped file's pages count in the process's resident memory until let go)."""
    import mmap

    found: list[str] = []
    pos = 0
    done = 0
    while True:
        if release is not None and pos - done >= _RELEASE_STEP:
            upto = pos - pos % mmap.PAGESIZE
            release(mmap.MADV_DONTNEED, done, upto - done)
            done = upto
        start = _STREAM_START.search(data, pos)
        text_end = start.start() if start else len(data)
        _names(data, pos, text_end, "raw", found)
        if start is None:
            return found
        body_end = data.find(b"endstream", start.end())
        if body_end < 0:
            body_end = len(data)
        dict_text = data[max(data.rfind(b"<<", pos, text_end), pos) : text_end]
        if b"/ObjStm" in dict_text and b"/FlateDecode" in dict_text:
            inflated = _inflate(data[start.end() : body_end])
            _names(inflated, 0, len(inflated), f"raw object stream at byte {start.start()}", found)
        pos = body_end + len(b"endstream")


def _names(data: bytes, begin: int, end: int, where: str, found: list[str]) -> None:
    for m in _NAME.finditer(data, begin, end):
        name = "/" + _HEX_ESCAPE.sub(lambda h: bytes([int(h.group(1), 16)]), m.group(1)).decode("latin-1")
        if name in FORBIDDEN:
            found.append(f"{name} ({where}, byte {m.start()})")


def _inflate(body: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(body, _OBJSTM_INFLATE_LIMIT)
    except zlib.error:
        return b""
