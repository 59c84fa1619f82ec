"""What the slimmed bundle must still do with Qt text: ``cxy-apply --cxy-bundle-check RESULT``
inside the frozen program (``installer/launch.py`` routes the flag), or
``python installer/bundle_check.py RESULT`` from a source tree.

``installer/icu_trim.py`` removes ICU data that Qt does not use; these are the Qt features that
read ICU data (or that a Chinese user would miss first if text handling broke), each checked
against the answer a full ICU gives. ``desktop.selftest`` covers the app itself; this covers
what it does not reach: sorting Chinese file names in Qt's file dialog (pinyin collation,
numbers in names), time-zone names, GBK/GB18030/Big5 converters, case mapping, Chinese dates,
line breaking of Chinese text in widgets, Qt's own dialogs in Chinese (its translation catalogue
kept and found), the input-method plugins a fcitx or ibus user needs; and what the slimming
changed outside Qt: qpdf decoding a JPEG (its libjpeg is Pillow's in the Linux bundle), the
xz-compressed PDF fonts (with their first-use time; Python's liblzma is Pillow's too), the bold
face's fallback to the regular one, and reading a Word template and a spreadsheet with only
``lxml.etree`` left of lxml. Offscreen; the verdict is written
to RESULT as JSON (``ok``, ``checks``, ``failed``, ``icu_data``) and the exit status is 0 only when ok.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

NAMES = ["张三", "李四", "王五", "阿毛", "赵六"]
NAMES_BY_PINYIN = ["阿毛", "李四", "王五", "张三", "赵六"]  # a root-only ICU sorts by code point
FILES = ["申报书10.pdf", "申报书2.pdf", "附件1.pdf"]
FILES_SORTED = ["附件1.pdf", "申报书2.pdf", "申报书10.pdf"]  # fu < shen, 2 < 10 as in the file dialog
LONG_TEXT = "江苏省产学研合作项目申报书需由申报单位与合作高校共同盖章，" * 4
ENCODED = "申报单位（盖章）：南京某某科技有限公司"


def run(result_path: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    result: dict[str, Any] = {"ok": False, "checks": {}, "failed": []}
    try:
        from PySide6.QtWidgets import QApplication

        import desktop  # noqa: F401 - its import applies the PySide6 6.12 refcount workaround first

        app = QApplication.instance() or QApplication(["cxy-bundle-check"])
        for name, check in CHECKS.items():
            try:
                passed, detail = check()
            except Exception as exc:  # a crashing check is a failed check
                passed, detail = False, f"{type(exc).__name__}: {exc}"
            result["checks"][name] = {"ok": passed, "detail": detail}
            if not passed:
                result["failed"].append(name)
        result["icu_data"] = _loaded_icu_data()
        result["ok"] = not result["failed"]
        del app
    except BaseException as exc:  # the result file must say what broke
        result["reason"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc(limit=12)
    Path(result_path).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if result["ok"] else 1


def _collation_zh() -> tuple[bool, Any]:
    from PySide6.QtCore import QCollator, QLocale

    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    got = sorted(NAMES, key=collator.sortKey)
    return got == NAMES_BY_PINYIN, got


def _collation_file_dialog() -> tuple[bool, Any]:
    """QFileSystemModel sorts with a numeric, case-insensitive QCollator of the system locale."""
    from functools import cmp_to_key

    from PySide6.QtCore import QCollator, QLocale, Qt

    results = {}
    for name in ("zh_CN", "en_US", "de_DE"):  # de_DE: no tailoring left in the trimmed data -> root
        collator = QCollator(QLocale(name))
        collator.setNumericMode(True)
        collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        results[name] = sorted([*FILES, "b.txt", "A.txt"], key=cmp_to_key(collator.compare))
    ok = results["zh_CN"] == [*FILES_SORTED, "A.txt", "b.txt"]  # Chinese collation puts Han first
    for got in results.values():  # case-insensitive, and numbers by value, in every locale
        ok = ok and got.index("A.txt") < got.index("b.txt") and got.index("申报书2.pdf") < got.index("申报书10.pdf")
    return ok, results


def _time_zone_names() -> tuple[bool, Any]:
    from PySide6.QtCore import QLocale, QTimeZone

    zone = QTimeZone(b"Asia/Shanghai")
    zh = zone.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("zh_CN"))
    en = zone.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("en_US"))
    return zone.isValid() and "中国" in zh and "China" in en, [zh, en]


def _converters() -> tuple[bool, Any]:
    """Qt decodes HTML (pasted, dropped, QTextBrowser) in the charset it declares, through ICU."""
    from PySide6.QtCore import QMimeData, QStringDecoder

    results = {}
    for charset, python_codec, text in (
        ("gb18030", "gb18030", ENCODED + "𠀀"),
        ("gbk", "gbk", ENCODED),
        ("gb2312", "gb2312", ENCODED),
        ("big5", "big5", "申報單位（蓋章）"),
        ("windows-1252", "cp1252", "Café – “quoted”"),
    ):
        html = f'<html><head><meta charset="{charset}"></head><body>{text}</body></html>'
        mime = QMimeData()
        mime.setData("text/html", html.encode(python_codec))
        results[charset] = QStringDecoder(charset).isValid() and text in mime.html()
    return all(results.values()), results


def _case_mapping() -> tuple[bool, Any]:
    from PySide6.QtCore import QLocale

    upper = QLocale("de_DE").toUpper("straße")
    lower = QLocale("zh_CN").toLower("ABC申报书")
    turkish = QLocale("tr_TR").toUpper("i")
    return (upper, lower, turkish) == ("STRASSE", "abc申报书", "İ"), [upper, lower, turkish]


def _chinese_date() -> tuple[bool, Any]:
    from PySide6.QtCore import QDate, QLocale

    text = QLocale("zh_CN").toString(QDate(2023, 5, 1), QLocale.FormatType.LongFormat)
    return "2023" in text and "5月" in text and "1日" in text, text


def _line_breaks() -> tuple[bool, Any]:
    from PySide6.QtCore import QTextBoundaryFinder

    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, LONG_TEXT)
    breaks = 0
    while finder.toNextBoundary() != -1:
        breaks += 1
    return breaks > len(LONG_TEXT) // 2, breaks  # Chinese may break between almost any two characters


def _label_wraps() -> tuple[bool, Any]:
    from PySide6.QtWidgets import QLabel

    label = QLabel(LONG_TEXT)
    label.setWordWrap(True)
    line = label.fontMetrics().lineSpacing()
    height = label.heightForWidth(240)
    return height >= 3 * line, {"height": height, "line": line}


def _qpdf_jpeg() -> tuple[bool, Any]:
    """qpdf decodes a JPEG image itself (pikepdf.PdfImage falls back to it for unusual images);
    in the Linux bundle its libjpeg is a link to Pillow's."""
    import io

    import pikepdf
    from PIL import Image

    picture = Image.linear_gradient("L").resize((64, 48)).convert("RGB")
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", quality=95)
    pdf = pikepdf.Pdf.new()
    image = pikepdf.Stream(pdf, encoded.getvalue())
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 64, 48, 8
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.DCTDecode
    decoded = image.read_bytes(pikepdf.StreamDecodeLevel.all)
    expected = Image.open(io.BytesIO(encoded.getvalue())).tobytes()
    worst = max(abs(a - b) for a, b in zip(decoded, expected)) if len(decoded) == len(expected) else None
    return worst is not None and worst <= 8, {"bytes": len(decoded), "max_difference": worst}


def _pdf_fonts() -> tuple[bool, Any]:
    """The PDF fonts load (xz-compressed in the bundle); the time is their first-use cost."""
    import time

    from reportlab.pdfbase import pdfmetrics

    from forms.paths import resource
    from forms.render.fonts import register_fonts, unprintable_chars

    started = time.perf_counter()
    names = register_fonts()
    seconds = round(time.perf_counter() - started, 3)
    faces = [pdfmetrics.getFont(name).face.name.decode("latin-1") for name in (names.regular, names.bold, names.rare)]
    files = sorted(path.name for path in resource("fonts").glob("*.ttf*"))
    # 䶮 𠮷 𬭎 𬬭: only the rare-character face (and its charset file) has them
    return unprintable_chars(LONG_TEXT + "䶮𠮷𬭎𬬭") == [], {"seconds": seconds, "faces": faces, "files": files}


def _bold_fallback() -> tuple[bool, Any]:
    """A bold title with a character the bold subset lacks (犇: GBK, not GB2312) sets that
    character in the regular face and the rest in bold, in a real PDF."""
    import io

    import pikepdf
    from reportlab.pdfgen import canvas

    from forms.render.fonts import register_fonts
    from forms.render.primitives import Styles

    names = register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    paragraph = Styles(names, 12, 18, 9).paragraph("报送单位：张犇研究所", size=20, bold=True)
    paragraph.wrapOn(pdf, 400, 100)
    paragraph.drawOn(pdf, 72, 700)
    pdf.showPage()
    pdf.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as document:
        faces = sorted(str(font.BaseFont).split("+")[-1] for font in document.pages[0].Resources.Font.values())
    runs = [(frag.fontName, frag.text) for frag in paragraph.frags]
    ok = (names.regular, "犇") in runs and {"FormSerifSC-Regular", "FormSerifSCBold-Regular"} <= set(faces)
    return ok, {"runs": runs, "faces": faces}


def _word_template() -> tuple[bool, Any]:
    """导入官方模板 reads a .docx through python-docx and lxml.etree (the rest of lxml is left
    out): one written here with python-docx, a numbered list and a table included."""
    import tempfile

    import docx

    from forms.template.docx_file import read_docx

    document = docx.Document()
    document.add_paragraph("附件4")
    document.add_paragraph("合作协议承诺书")
    document.add_paragraph("遵守国家法律法规。", style="List Number")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目名称", "申报单位（盖章）"
    with tempfile.TemporaryDirectory(prefix="cxy-bundle-check-") as tmp:
        path = Path(tmp, "模板.docx")
        document.save(path)
        content = read_docx(path)
    texts = [(p.text, p.numbered) for p in content.paragraphs]
    ok = texts[:3] == [("附件4", False), ("合作协议承诺书", False), ("遵守国家法律法规。", True)]
    ok = ok and content.tables == [[["项目名称", "申报单位（盖章）"]]]
    return ok, {"paragraphs": texts, "tables": content.tables}


def _spreadsheet() -> tuple[bool, Any]:
    """openpyxl (issue 13's spreadsheet import) writes and reads an .xlsx with lxml.etree, when
    the bundle has it."""
    import importlib.util
    import io

    if importlib.util.find_spec("openpyxl") is None:
        return True, "openpyxl is not in this bundle"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "经费（万元）"])
    book.active.append(["王堃", 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active.values)
    return rows == [("姓名", "经费（万元）"), ("王堃", 12.5)], [list(row) for row in rows]


def _qt_dialogs_zh() -> tuple[bool, Any]:
    """Qt's own dialogs are Chinese in the Chinese UI (qtbase_zh_CN.qm is in the bundle and is
    found), English after switching; the file dialog's labels and buttons are what a user reads."""
    from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

    from desktop import i18n
    from desktop.qt_catalogue import CATALOGUE, translation_dirs

    def texts() -> list[str]:
        dialog = QFileDialog(None, "x")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        found = [w.text().replace("&", "") for w in dialog.findChildren(QLabel) + dialog.findChildren(QPushButton)]
        dialog.deleteLater()
        return [t for t in found if t]

    try:
        i18n.install("zh")
        zh = texts()
        i18n.install("en")
        en = texts()
    finally:
        i18n.install("zh")
    where = [str(d) for d in translation_dirs() if (d / f"{CATALOGUE}.qm").is_file()]
    ok = all(any(word in t for t in zh) for word in ("查找范围", "文件名称", "文件类型", "取消"))
    ok = ok and "Cancel" in en and any(t.startswith("File name") for t in en)
    return ok, {"zh": zh, "en": en, "catalogue": where}


def _input_methods() -> tuple[bool, Any]:
    """Linux: the ibus plugin is bundled, and a fcitx user (QT_IM_MODULE=fcitx) is switched to
    it when no fcitx plugin for this Qt is bundled (fcitx5 serves IBus clients)."""
    if not sys.platform.startswith("linux"):
        return True, "not Linux: Qt's platform plugin talks to the system input method"
    from desktop.input_method import bundled_plugin_dirs, decide, plugin_keys

    keys = plugin_keys(bundled_plugin_dirs())
    decision = decide({"QT_IM_MODULE": "fcitx"}, keys)
    serves_fcitx = "fcitx" in keys or decision.changes.get("QT_IM_MODULE") == "ibus"
    return "ibus" in keys and serves_fcitx, {"plugins": sorted(keys), "fcitx_user": decision.changes or "fcitx plugin"}


CHECKS: dict[str, Callable[[], tuple[bool, Any]]] = {
    "collation_zh_pinyin": _collation_zh,
    "collation_file_dialog": _collation_file_dialog,
    "time_zone_names": _time_zone_names,
    "converters": _converters,
    "case_mapping": _case_mapping,
    "chinese_date": _chinese_date,
    "line_breaks_zh": _line_breaks,
    "label_wraps_zh": _label_wraps,
    "qpdf_jpeg": _qpdf_jpeg,
    "pdf_fonts": _pdf_fonts,
    "bold_fallback": _bold_fallback,
    "word_template": _word_template,
    "spreadsheet": _spreadsheet,
    "qt_dialogs_zh": _qt_dialogs_zh,
    "input_methods": _input_methods,
}


def _loaded_icu_data() -> dict[str, Any] | None:
    """Which ``libicudata`` this process loaded (Linux), so a caller can tell the trimmed one."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in maps.splitlines():
        path = line.split(maxsplit=5)[-1]
        if "/libicudata.so" in path:
            return {"path": path, "bytes": os.path.getsize(path) if os.path.exists(path) else None}
    return None


if __name__ == "__main__":
    if not getattr(sys, "frozen", False):
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # desktop, from a source tree
    if len(sys.argv) != 2:
        print("usage: bundle_check.py RESULT.json", file=sys.stderr)
        sys.exit(2)
    sys.exit(run(Path(sys.argv[1])))
