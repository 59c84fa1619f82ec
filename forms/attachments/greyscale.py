"""Grey a PDF in place: its drawn images re-encoded in grey, its plain colour operators turned grey.

The page fix ``grey`` (:mod:`forms.attachments.page_transform`) and the package's grey print set
(:mod:`forms.package.build`) both use it.
"""

from __future__ import annotations

import io
import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pikepdf

GREY_QUALITY = 80  # JPEG quality when a JPEG image is re-encoded in grey (the budget's first step)


def grey_document(pdf: pikepdf.Pdf) -> None:
    """Every drawn image and plain colour operator of an open pikepdf document to grey."""
    import pikepdf

    from forms.package.drawn import drawn_images

    for image, _, _ in drawn_images(pdf).values():
        _grey_image(image)
    for page in pdf.pages:
        _grey_content(pdf, page.obj)
        resources = page.obj.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if isinstance(xobjects, pikepdf.Dictionary):
            for xobject in xobjects.values():
                if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == pikepdf.Name.Form:
                    _grey_content(pdf, xobject)


_GREY_OPS = {"rg": "g", "RG": "G", "k": "g", "K": "G"}


def _grey_content(pdf: pikepdf.Pdf, owner: pikepdf.Object) -> None:
    """rg/RG and k/K become g/G of the same lightness; other colour (sc, scn) is left alone."""
    import pikepdf

    try:
        instructions = pikepdf.parse_content_stream(owner)
    except pikepdf.PdfError:
        return
    changed, out = False, list[tuple[Any, pikepdf.Operator]]()
    for instruction in instructions:
        operands, operator = instruction.operands, instruction.operator
        name = str(operator)
        if name in _GREY_OPS:
            try:
                values = [float(v) for v in operands]
            except (TypeError, ValueError):
                values = []
            if name in ("rg", "RG") and len(values) == 3:
                level = 0.299 * values[0] + 0.587 * values[1] + 0.114 * values[2]
            elif name in ("k", "K") and len(values) == 4:
                level = 1 - min(1.0, 0.3 * values[0] + 0.59 * values[1] + 0.11 * values[2] + values[3])
            else:
                out.append((operands, operator))
                continue
            out.append(([round(max(0.0, min(1.0, level)), 4)], pikepdf.Operator(_GREY_OPS[name])))
            changed = True
        else:
            out.append((operands, operator))
    if not changed:
        return
    data = pikepdf.unparse_content_stream(out)
    if isinstance(owner, pikepdf.Stream):
        owner.write(zlib.compress(data), filter=pikepdf.Name.FlateDecode)
    else:
        owner.Contents = pdf.make_stream(data)


def _grey_image(image: pikepdf.Stream) -> None:
    import pikepdf
    from PIL import Image

    from forms.package.downsample import MAX_DECODED_BYTES, SKIP_FILTERS, _decoded_bytes

    if image.get("/ImageMask", False) or image.get("/ColorSpace") == pikepdf.Name.DeviceGray:
        return
    filters = image.get("/Filter")
    names = {str(f) for f in filters} if isinstance(filters, pikepdf.Array) else {str(filters)}
    try:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        if names & SKIP_FILTERS or int(image.get("/BitsPerComponent", 8)) == 1:
            return
        plain_jpeg = (
            names == {"/DCTDecode"} and image.get("/ColorSpace") == pikepdf.Name.DeviceRGB and "/Decode" not in image
        )
        picture: Image.Image
        if plain_jpeg:
            picture = Image.open(io.BytesIO(image.read_raw_bytes()))
            picture.draft("L", picture.size)  # libjpeg decodes straight to grey
        elif _decoded_bytes(image, width, height) > MAX_DECODED_BYTES:
            return
        else:
            picture = pikepdf.PdfImage(image).as_pil_image()
        picture = picture.convert("L")
    except Exception:  # an image we cannot decode is left exactly as it was
        return
    if names == {"/DCTDecode"}:  # a photo stays a JPEG (also one with an ICC profile)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=GREY_QUALITY)
        image.write(buffer.getvalue(), filter=pikepdf.Name.DCTDecode)
    else:
        image.write(zlib.compress(picture.tobytes()), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace = pikepdf.Name.DeviceGray
    image.BitsPerComponent = 8
    image.Width, image.Height = picture.size
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    if isinstance(image.get("/Mask"), pikepdf.Array):
        del image["/Mask"]
