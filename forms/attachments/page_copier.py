"""Copy one page into a new PDF, keeping only what draws it: the rebuild's object walker.

A page gets its content streams, its resources (fonts, images, forms, colour spaces...) and
MediaBox/CropBox/Rotate. Resources are copied by this walker rather than qpdf's copy_foreign,
because a resource can reference anything (a catalog, a page, an action) and must not drag it
in. Stream data is copied raw, never decoded, so a compression bomb stays a few bytes until a
renderer meets it; page content is inflated once, with a ceiling, to refuse such bombs here.
"""

from __future__ import annotations

import warnings
import zlib
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectType

from forms.attachments.jpeg_meta import essential
from forms.attachments.messages import Refusal
from forms.attachments.model import IntakeLimits
from forms.attachments.pdf_values import PdfValue, as_pdf_number, inherited, number, rect
from forms.attachments.scan import FORBIDDEN, entries, has_postscript_operator, is_jpeg

A4 = (595.2756, 841.8898)
_MAX_DEPTH = 200
_MAX_USER_UNIT = 75000  # ISO 32000: a UserUnit over this gives pages bigger than any printer

# Keys that point at behaviour or at other parts of the document, never at page drawing.
_DROP_KEYS = FORBIDDEN | {
    "/A",
    "/Annots",
    "/Parent",
    "/Next",
    "/URI",
    "/Names",
    "/AcroForm",
    "/Outlines",
    "/Dests",
    "/PieceInfo",
    "/Metadata",
    "/Thumb",
    "/StructParent",
    "/StructParents",
    "/OPI",
    "/Ref",
    "/Win",
    "/Mac",
    "/Unix",
    "/B",
    "/LastModified",
}
# Stream-only keys: /F & co. move the data into an external file.
_STREAM_DROP_KEYS = {
    "/Length",
    "/Filter",
    "/DecodeParms",
    "/DL",
    "/F",
    "/FFilter",
    "/FDecodeParms",
    "/PS",
}  # /PS: a PostScript alternative to an XObject
_POSTSCRIPT = Name("/PS")
_HOSTILE_TYPES = {
    "/Catalog",
    "/Pages",
    "/Page",
    "/Annot",
    "/Action",
    "/Filespec",
    "/EmbeddedFile",
    "/Outlines",
    "/Sig",
    "/Collection",
}
_ACTION_TYPES = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ResetForm",
    "/GoToR",
    "/GoToE",
    "/ImportData",
    "/Rendition",
    "/RichMediaExecute",
    "/Movie",
    "/Sound",
    "/URI",
    "/GoTo",
    "/Named",
    "/Hide",
    "/SetOCGState",
    "/Trans",
    "/GoTo3DView",
    "/Thread",
}
_SCALAR_CODES = {
    ObjectType.null,
    ObjectType.boolean,
    ObjectType.integer,
    ObjectType.real,
    ObjectType.string,
    ObjectType.name_,
}


class PageCopier:
    def __init__(self, out: pikepdf.Pdf, limits: IntakeLimits) -> None:
        self.out = out
        self.limits = limits
        self.page_no = 0
        self._memo: dict[tuple[int, int], object] = {}
        self._notes: set[str] = set()

    def notes(self) -> list[str]:
        return sorted(self._notes)

    # -- page --------------------------------------------------------------------------------
    def page(self, src_page: PdfValue) -> Dictionary:
        new = Dictionary(Type=Name.Page)
        media = rect(inherited(src_page, "/MediaBox"))
        if media is None:
            media = [0, 0, *A4]
            self._notes.add("mediabox-defaulted")
        if max(media[2] - media[0], media[3] - media[1]) > 14400:
            self._notes.add("page-oversized")
        new.MediaBox = Array([as_pdf_number(v) for v in media])
        crop = rect(inherited(src_page, "/CropBox"))
        if crop is not None:
            crop = [max(crop[0], media[0]), max(crop[1], media[1]), min(crop[2], media[2]), min(crop[3], media[3])]
            if crop != media and crop[2] - crop[0] >= 1 and crop[3] - crop[1] >= 1:
                new.CropBox = Array([as_pdf_number(v) for v in crop])
        rotate = number(inherited(src_page, "/Rotate"))
        if rotate is not None and rotate != 0:
            if rotate == int(rotate) and int(rotate) % 90 == 0:
                if int(rotate) % 360:
                    new.Rotate = int(rotate) % 360
            else:
                self._notes.add("rotate-ignored")
        user_unit = number(src_page.get("/UserUnit"))
        if user_unit is not None and 0 < user_unit <= _MAX_USER_UNIT and user_unit != 1:
            new.UserUnit = as_pdf_number(user_unit)

        resources = inherited(src_page, "/Resources")
        copied = self.copy(resources) if resources is not None else None
        new.Resources = copied if isinstance(copied, Dictionary) else Dictionary()
        group = src_page.get("/Group")
        if group is not None:
            copied_group = self.copy(group)
            if copied_group is not None:
                new.Group = copied_group

        contents = src_page.get("/Contents")
        streams = []
        if getattr(contents, "_type_code", None) == ObjectType.stream:
            streams = [contents]
        elif getattr(contents, "_type_code", None) == ObjectType.array:
            streams = [c for c in contents if getattr(c, "_type_code", None) == ObjectType.stream]
        copied_streams = [s for s in (self.copy(s, content=True) for s in streams) if s is not None]
        if len(copied_streams) == 1:
            new.Contents = copied_streams[0]
        elif copied_streams:
            new.Contents = Array(copied_streams)
        return self.out.make_indirect(new)

    # -- any object --------------------------------------------------------------------------
    def copy(self, obj: PdfValue, depth: int = 0, content: bool = False) -> PdfValue:
        code = getattr(obj, "_type_code", None)
        if code is None:  # pikepdf hands back int, Decimal and bool as Python values
            return obj
        if code in _SCALAR_CODES:
            return self._scalar(obj, code)
        if depth > _MAX_DEPTH:
            self._notes.add("dropped-deep-nesting")
            return None
        key = obj.objgen if obj.is_indirect else None
        if key is not None and key in self._memo:
            return self._memo[key]
        if code == ObjectType.array:
            array = Array()
            if key is not None:
                array = self.out.make_indirect(array)
                self._memo[key] = array
            for item in obj:
                array.append(self.copy(item, depth + 1))
            return array
        if code == ObjectType.dictionary:
            if self._hostile(obj):
                return None
            new = Dictionary()
            if key is not None:
                new = self.out.make_indirect(new)
                self._memo[key] = new
            self._copy_entries(obj, new, depth, skip=_DROP_KEYS)
            return new
        if code == ObjectType.stream:
            return self._stream(obj, key, depth, content)
        return None  # operators, inline images, anything qpdf made up while repairing

    def _scalar(self, obj: PdfValue, code: ObjectType) -> PdfValue:
        # Fresh objects: qpdf refuses foreign ones in some places (stream filters), and an
        # indirect scalar must become a direct value in the new file.
        if code == ObjectType.name_:
            try:
                return Name(str(obj))
            except UnicodeError:  # names need not be UTF-8
                try:
                    return pikepdf.Object.parse(obj.unparse())
                except pikepdf.PdfError:
                    return None
        if code == ObjectType.string:
            return pikepdf.String(bytes(obj))
        if code == ObjectType.boolean:
            return bool(obj)
        if code == ObjectType.integer:
            return int(obj)
        if code == ObjectType.real:
            return Decimal(str(float(obj)))
        return None

    def _hostile(self, obj: PdfValue) -> bool:
        for key, value in entries(obj):
            if getattr(value, "_type_code", None) != ObjectType.name_:
                continue
            name = value.unparse().decode("latin-1")
            if (
                name in FORBIDDEN
                or (key == "/Type" and name in _HOSTILE_TYPES)
                or (key == "/S" and name in _ACTION_TYPES)
            ):
                self._notes.add("dropped-active-object")
                return True
        return False

    def _copy_entries(self, src: PdfValue, dst: PdfValue, depth: int, skip: set[str] | frozenset[str]) -> None:
        for key, value in sorted(entries(src), key=lambda entry: entry[0]):
            if key in skip:
                if key in FORBIDDEN:
                    self._notes.add("dropped-active-object")
                continue
            if not key.isascii():  # no key a renderer reads is outside ASCII
                continue
            value = self.copy(value, depth + 1)
            if value is not None:
                dst[key] = value

    def _stream(self, obj: PdfValue, key: tuple[int, int] | None, depth: int, content: bool) -> PdfValue:
        if self._hostile(obj):
            return None
        subtype = obj.get("/Subtype")
        if subtype == _POSTSCRIPT or obj.get("/Subtype2") == _POSTSCRIPT or "/PS" in obj:
            self._notes.add("postscript-removed")
            if subtype == _POSTSCRIPT or obj.get("/Subtype2") == _POSTSCRIPT:
                return None  # a PostScript XObject draws nothing in a PDF viewer
        if subtype == Name.Image:
            self._check_image(obj)
        try:
            raw = obj.read_raw_bytes()
        except pikepdf.PdfError:
            raise Refusal("attach.damaged") from None
        filters = obj.get("/Filter")
        cleaned = None  # decoded content without its PS operators, when it had any
        if content or subtype == Name.Form:
            self._check_content_size(raw, filters)
            cleaned = self._without_postscript(obj)
        elif subtype == Name.Image and is_jpeg(obj):
            stripped = essential(raw)
            if stripped is not None and stripped != raw:
                raw = stripped  # same image data, without comments and metadata segments
                self._notes.add("jpeg-metadata-removed")
        new = pikepdf.Stream(self.out, b"")
        if key is not None:
            self._memo[key] = new
        filter_copy = self.copy(filters, depth + 1) if filters is not None else None
        parms = obj.get("/DecodeParms")
        parms_copy = self.copy(parms, depth + 1) if parms is not None else None
        try:
            if cleaned is not None:
                new.write(cleaned)
            else:
                new.write(raw, filter=filter_copy, decode_parms=parms_copy)
        except (TypeError, ValueError, pikepdf.PdfError):
            new.write(b"")  # a filter that is not a name or array: nothing can decode it
            self._notes.add("dropped-broken-stream")
        self._copy_entries(obj, new, depth, skip=_DROP_KEYS | _STREAM_DROP_KEYS)
        return new

    def _without_postscript(self, obj: PdfValue) -> bytes | None:
        """The decoded content without its PS operators, or None when it has none (then the
        raw bytes are copied as they are)."""
        if not has_postscript_operator(obj):
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kept = [
                    (instruction.operands, instruction.operator)
                    for instruction in pikepdf.parse_content_stream(obj)
                    if str(instruction.operator) != "PS"
                ]
            cleaned = pikepdf.unparse_content_stream(kept)
        except (pikepdf.PdfError, ValueError, TypeError):
            raise Refusal("attach.too_complex", page=self.page_no) from None
        self._notes.add("postscript-removed")
        return cleaned

    def _check_image(self, obj: PdfValue) -> None:
        width, height = number(obj.get("/Width")), number(obj.get("/Height"))
        if width is None or height is None:
            return
        if width * height > self.limits.max_pixels:
            raise Refusal("attach.image_bomb", megapixels=_mp(width * height), limit_mp=_mp(self.limits.max_pixels))

    def _check_content_size(self, raw: bytes, filters: PdfValue) -> None:
        # Only a lone FlateDecode is measured: it is what every producer (and every bomb) uses.
        if getattr(filters, "_type_code", None) == ObjectType.array and len(filters) == 1:
            filters = filters[0]
        if filters != Name.FlateDecode:
            return
        inflater = zlib.decompressobj()
        budget = self.limits.max_content_bytes
        chunk = raw
        try:
            while chunk:
                produced = inflater.decompress(chunk, 1 << 20)
                budget -= len(produced)
                if budget < 0:
                    raise Refusal("attach.too_complex", page=self.page_no)
                chunk = inflater.unconsumed_tail
        except zlib.error:
            return  # damaged data: a renderer stops where we stopped


def _mp(pixels: float) -> str:
    return f"{pixels / 1e6:.0f}" if pixels >= 1e6 else f"{pixels / 1e6:.2f}"
