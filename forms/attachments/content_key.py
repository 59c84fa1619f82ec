"""The content key of an attachment: what its pages draw, independent of how the file was saved.

Two intakes of the same scan (a JPEG added twice, a PDF re-saved by another program) give
different files but the same pages: per page, the decoded content streams and the data of the
images they draw (JPEG and JPEG 2000 as stored, since their bytes are the image; anything else
decoded, since a re-save may recompress it). Page order matters; page boxes and /Rotate do not.

Runs in the attachment worker (``preflight.run_examination``): decoding an image may take as much
memory as the image, which the worker's limit bounds.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pikepdf
from pikepdf import Name

_STORED_AS_IMAGE = {"/DCTDecode", "/JPXDecode"}
_MAX_FORM_DEPTH = 8


def content_key(pdf: pikepdf.Pdf) -> str:
    """SHA-256 (hex) over every page's key, in page order."""
    whole = hashlib.sha256(b"cxy-content-key/1")
    for page in pdf.pages:
        whole.update(bytes.fromhex(page_key(page.obj)))
    return whole.hexdigest()


def page_key(page: pikepdf.Object) -> str:
    digest = hashlib.sha256()
    _drawn(page, digest, 0, set())
    return digest.hexdigest()


def _drawn(node: pikepdf.Object, digest: hashlib._Hash, depth: int, seen: set[Any]) -> None:
    """Hash a page's or form's content, then the images and forms of its resources in name order."""
    for stream in _contents(node):
        digest.update(b"content")
        digest.update(hashlib.sha256(_decoded(stream)).digest())
    resources = node.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for name in sorted(xobjects.keys()):
        xobject = xobjects[name]
        if not isinstance(xobject, pikepdf.Stream):
            continue
        key = xobject.objgen
        if key != (0, 0) and key in seen:
            continue
        seen.add(key)
        subtype = xobject.get("/Subtype")
        if subtype == Name.Image:
            digest.update(b"image")
            digest.update(hashlib.sha256(image_data(xobject)).digest())
        elif subtype == Name.Form and depth < _MAX_FORM_DEPTH:
            digest.update(b"form")
            _drawn(xobject, digest, depth + 1, seen)


def image_data(image: pikepdf.Stream) -> bytes:
    filters = image.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    if names and names[-1] in _STORED_AS_IMAGE:
        try:
            return image.read_bytes(pikepdf.StreamDecodeLevel.generalized)  # undo any Flate around it
        except pikepdf.PdfError:
            return image.read_raw_bytes()
    return _decoded(image)


def _contents(node: pikepdf.Object) -> list[pikepdf.Stream]:
    if isinstance(node, pikepdf.Stream):  # a form XObject draws its own stream
        return [node]
    contents = node.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        return [contents]
    if isinstance(contents, pikepdf.Array):
        return [c for c in contents if isinstance(c, pikepdf.Stream)]
    return []


def _decoded(stream: pikepdf.Stream) -> bytes:
    try:
        return stream.read_bytes()
    except pikepdf.PdfError:  # a filter qpdf cannot undo (JBIG2, CCITT): the stored bytes
        return stream.read_raw_bytes()
