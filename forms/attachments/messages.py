"""Every way an attachment can be refused, as one bilingual sentence (a Text) per code.

The worker process only sends a code and its parameters; the sentences live here so that both
processes (and the tests) agree on them.
"""

from __future__ import annotations

from forms.errors import UserError
from forms.text import Text

_REPRINT_ZH = "请用原软件重新导出，或用“打印为 PDF”重新生成后再导入。"
_REPRINT_EN = "Export it again from the original program, or use “Print to PDF”, and import the new file."

MESSAGES: dict[str, Text] = {
    "attach.unreadable": Text(
        "无法读取该文件：它可能已被移动、删除，或正被其他程序占用。请检查后重试。",
        "The file could not be read: it may have been moved or deleted, or another program is "
        "using it. Please check and try again.",
    ),
    "attach.empty": Text(
        "该文件是空的（0 字节），请检查是否选错了文件。",
        "This file is empty (0 bytes). Please check that you picked the right file.",
    ),
    "attach.unknown_format": Text(
        "无法识别该文件的格式。只能导入 PDF 文件或 JPEG、PNG、TIFF、BMP、WebP 图片。",
        "CXY Apply cannot recognise this file. Only PDF files and JPEG, PNG, TIFF, BMP or WebP images can be imported.",
    ),
    "attach.unsupported_format": Text(
        "该文件是{kind_zh}，不能直接导入。请先另存为 PDF 或导出为 JPEG/PNG 图片后再导入。",
        "This file is {kind_en}, which cannot be imported directly. Save it as a PDF or export "
        "it as a JPEG/PNG image first, then import that.",
    ),
    "attach.too_large": Text(
        "该文件有 {size_mb} MB，超过单个附件 {limit_mb} MB 的上限。请压缩或拆分后再导入。",
        "This file is {size_mb} MB, more than the {limit_mb} MB allowed per attachment. "
        "Please compress or split it, then import it again.",
    ),
    "attach.too_many_pages": Text(
        "该文件有 {pages} 页，超过单个附件 {limit} 页的上限。请拆分成几个文件后再导入。",
        "This file has {pages} pages, more than the {limit} allowed per attachment. "
        "Please split it into several files and import them one by one.",
    ),
    "attach.image_bomb": Text(
        "文件中的图片尺寸过大（{megapixels} 百万像素，上限为 {limit_mp} 百万像素），可能已损坏。请缩小图片后再导入。",
        "An image in this file is too large ({megapixels} megapixels; the limit is {limit_mp}) "
        "and may be damaged. Please scale it down and import it again.",
    ),
    "attach.encrypted": Text(
        "该 PDF 已加密，请先用原软件取消密码后再导入。",
        "This PDF is password-protected. Remove the password in the program that created it, then import it again.",
    ),
    "attach.zero_pages": Text(
        "该文件没有任何页面，请检查是否选错了文件。",
        "This file has no pages. Please check that you picked the right file.",
    ),
    "attach.damaged": Text(
        "该文件已损坏或不完整，无法读取。" + _REPRINT_ZH,
        "This file is damaged or incomplete and cannot be read. " + _REPRINT_EN,
    ),
    "attach.too_complex": Text(
        "该 PDF 第 {page} 页的内容异常庞大或结构异常，可能已损坏或被恶意构造。" + _REPRINT_ZH,
        "Page {page} of this PDF is abnormally large or malformed; the file may be damaged or crafted. " + _REPRINT_EN,
    ),
    "attach.unsafe": Text(
        "该 PDF 中的脚本或嵌入内容无法安全清除，已拒绝导入。" + _REPRINT_ZH,
        "Scripts or embedded content in this PDF could not be removed safely, so it was refused. " + _REPRINT_EN,
    ),
    "attach.timeout": Text(
        "处理该文件超过 {seconds} 秒仍未完成，已停止。文件可能已损坏或过于复杂。" + _REPRINT_ZH,
        "Processing this file took longer than {seconds} seconds and was stopped. The file may "
        "be damaged or too complex. " + _REPRINT_EN,
    ),
    "attach.memory": Text(
        "处理该文件需要的内存超过 {limit_mb} MB 的上限，已停止。请缩小图片或拆分文件后再导入。",
        "Processing this file needed more than the {limit_mb} MB of memory allowed and was "
        "stopped. Please scale the images down or split the file, then import it again.",
    ),
    "attach.cancelled": Text("已取消导入。", "Import cancelled."),
    "attach.no_file_handles": Text(
        "系统允许本程序打开的文件数已用尽（如 ulimit -n 设得过小），无法启动文件处理程序，附件未导入。"
        "请关闭其他程序或调高该限制后重试。",
        "The system allows CXY Apply no more open files (ulimit -n may be set too low), so the "
        "file-processing helper could not start and the attachment was not imported. Close other "
        "programs or raise the limit, then try again.",
    ),
    "attach.worker": Text(
        "无法启动文件处理程序，附件未导入。请重新启动本软件；如仍失败，请重新安装。",
        "The file-processing helper could not be started, so the attachment was not imported. "
        "Restart CXY Apply; if that does not help, reinstall it.",
    ),
}

# Formats people commonly pick by mistake, named so the message can say what the file really is.
UNSUPPORTED_KINDS: dict[str, Text] = {
    "gif": Text("GIF 动图", "a GIF image"),
    "heic": Text(
        "HEIC/HEIF 照片（苹果手机默认格式，可在相机设置中选择“兼容性最佳”）",
        "an HEIC/HEIF photo (the iPhone default; choose “Most Compatible” in the camera settings)",
    ),
    "zip": Text("压缩包或 Word/Excel/WPS 文档", "a ZIP archive or a Word/Excel/WPS document"),
    "ole": Text("旧版 Word/Excel/WPS 文档", "an old-style Word/Excel/WPS document"),
    "html": Text("网页（HTML）文件", "a web page (HTML)"),
    "ofd": Text("OFD 版式文件", "an OFD document"),
}


class Refusal(Exception):
    """Raised inside the worker: a code and its message parameters, sent to the parent as data."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def attach_error(code: str, **params: object) -> UserError:
    text = MESSAGES.get(code, MESSAGES["attach.damaged"])
    zh, en = text.zh, text.en
    if code not in MESSAGES:
        code = "attach.damaged"
    if code == "attach.unsupported_format":
        kind = str(params.get("kind", ""))
        named = UNSUPPORTED_KINDS.get(kind, Text("不支持的格式", "an unsupported format"))
        params.setdefault("kind_zh", named.zh)
        params.setdefault("kind_en", named.en)
    try:
        return UserError(code, zh.format(**params), en.format(**params))
    except (KeyError, IndexError, ValueError):  # a missing parameter must not hide the refusal
        return UserError(code, zh, en)
