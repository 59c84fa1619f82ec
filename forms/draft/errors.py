"""DraftError and the translation of SQLite and OS failures into sentences people can act on.

Every failure of the draft file reaches callers as one ``DraftError`` with a stable code; the
original exception stays attached as ``__cause__`` for logs.
"""

from __future__ import annotations

import errno
import sqlite3

from forms.errors import UserError
from forms.text import Text

CODES = (
    "draft.not_sqlite",
    "draft.truncated",
    "draft.wrong_app",
    "draft.newer_version",
    "draft.schema",
    "draft.corrupt",
    "draft.invalid_value",
    "draft.too_large",
    "draft.io",
    "draft.locked",
    "draft.readonly_media",
    "draft.readonly",
    "draft.needs_upgrade",
    "draft.hot_journal",
    "draft.not_regular",
    "draft.attachment_damaged",
    "draft.final",
)


class DraftError(UserError):
    """A draft file could not be created, opened, imported, changed or copied."""


_MESSAGES: dict[str, Text] = {
    "draft.not_sqlite": Text(
        "这不是申报助手的草稿文件（.cxy），无法打开。",
        "This is not a CXY Apply draft file (.cxy) and cannot be opened.",
    ),
    "draft.truncated": Text(
        "草稿文件不完整（可能在复制、下载或发送时被截断），无法打开。请让对方重新发送。",
        "The draft file is incomplete (it was probably cut off while copying, downloading or "
        "sending) and cannot be opened. Ask the sender to send it again.",
    ),
    "draft.wrong_app": Text(
        "这是一个数据库文件，但不是申报助手的草稿。",
        "This is a database file, but not a CXY Apply draft.",
    ),
    "draft.newer_version": Text(
        "此草稿由更新版本的申报助手创建，请升级后再打开。",
        "This draft was made by a newer version of CXY Apply; please update the app to open it.",
    ),
    "draft.schema": Text(
        "草稿文件的内部结构与申报助手的不一致（可能被其他程序改动过），为安全起见没有打开。",
        "The draft file's internal structure is not CXY Apply's (another program may have "
        "changed it); for safety it was not opened.",
    ),
    "draft.corrupt": Text(
        "草稿文件已损坏，无法打开。请让对方重新发送，或使用较早的副本。",
        "The draft file is damaged and cannot be opened. Ask the sender to send it again, or use an earlier copy.",
    ),
    "draft.invalid_value": Text(
        "草稿中有申报助手无法识别的内容",
        "The draft contains content CXY Apply does not recognise",
    ),
    "draft.too_large": Text(
        "草稿文件或其中的内容过大",
        "The draft file or something in it is too large",
    ),
    "draft.io": Text(
        "读写草稿文件时出错",
        "The draft file could not be read or written",
    ),
    "draft.locked": Text(
        "草稿正被另一个窗口或程序使用，请关闭它后重试。",
        "The draft is in use by another window or program; close it and try again.",
    ),
    "draft.readonly_media": Text(
        "草稿所在的位置是只读的，只能以只读方式打开。",
        "The draft is on read-only media; it can only be opened read-only.",
    ),
    "draft.readonly": Text(
        "草稿是以只读方式打开的，不能修改。",
        "The draft was opened read-only and cannot be changed.",
    ),
    "draft.needs_upgrade": Text(
        "此草稿由较早版本的申报助手创建，需要先以编辑方式打开一次以升级格式。",
        "This draft was made by an older version of CXY Apply; open it for editing once to upgrade it.",
    ),
    "draft.hot_journal": Text(
        "草稿的上一次保存没有完成（程序可能被中断），而文件所在的位置是只读的，无法恢复到最后保存的状态。"
        "请把草稿连同旁边的 -journal 文件复制到可写的文件夹后再打开。",
        "The draft's last save did not finish (the program was probably interrupted) and the draft is on "
        "read-only media, so it cannot be brought back to its last saved state. Copy it together with the "
        "-journal file beside it to a writable folder and open it there.",
    ),
    "draft.not_regular": Text(
        "这不是一个普通文件（可能是文件夹、设备或特殊文件），无法作为草稿打开。",
        "This is not a regular file (it may be a folder, a device or a special file) and cannot be opened as a draft.",
    ),
    "draft.final": Text(
        "申报书已定稿，不能修改；如需修改请先解除定稿",
        "The application is final and cannot be changed; reopen it for editing first",
    ),
    "draft.attachment_damaged": Text(
        "附件已损坏，无法读取。",
        "The attachment is damaged and cannot be read.",
    ),
}


def draft_error(code: str, detail: Text | None = None) -> DraftError:
    """The standard message for ``code``, optionally followed by a detail sentence (a language
    the detail lacks takes the other's)."""
    zh, en = _MESSAGES[code].zh, _MESSAGES[code].en
    if detail is not None and (detail.zh or detail.en):
        zh = f"{zh.rstrip('。')}：{detail.zh or detail.en}"
        en = f"{en.rstrip('.')}: {detail.en or detail.zh}"
    return DraftError(code, zh, en)


def invalid(detail: Text) -> DraftError:
    return draft_error("draft.invalid_value", detail)


def too_large(detail: Text) -> DraftError:
    return draft_error("draft.too_large", detail)


def io_error(message: Text) -> DraftError:
    return DraftError("draft.io", message)


DISK_FULL = Text(
    "磁盘空间不足，文件没有保存。请清理磁盘空间后重试，原有文件未受影响。",
    "The disk is full; the file was not saved. Free some space and try again; the existing file is unchanged.",
)

_WINDOWS_SHARING = {5, 32, 33}
THE_FILE = Text("文件", "the file")


def from_os_error(exc: OSError, what: Text = THE_FILE) -> DraftError:
    """``OSError`` → ``DraftError(draft.io)`` with a message saying what to do about it;
    ``what`` names the file in it."""
    what_zh, what_en = what.zh, what.en
    code = exc.errno
    name = exc.filename or ""
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or getattr(exc, "winerror", None) in (39, 112):
        zh, en = DISK_FULL.zh, DISK_FULL.en
    elif getattr(exc, "winerror", None) in _WINDOWS_SHARING and not isinstance(exc, FileNotFoundError):
        zh = f"{what_zh}正被其他程序占用（例如杀毒软件、同步盘或另一个窗口），请稍后重试。{name}"
        en = f"{what_en} is in use by another program (antivirus, a sync folder or another window); try again shortly. {name}"
    elif isinstance(exc, FileExistsError):
        zh = f"{what_zh}已存在，不会覆盖：{name}"
        en = f"{what_en} already exists and will not be overwritten: {name}"
    elif isinstance(exc, FileNotFoundError):
        zh = f"找不到{what_zh}或其所在文件夹：{name}"
        en = f"{what_en} or its folder was not found: {name}"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS) or isinstance(exc, PermissionError):
        zh = f"没有权限写入或读取{what_zh}（文件夹可能是只读的，或文件被锁定）。请换一个位置。{name}"
        en = f"No permission to read or write {what_en} (the folder may be read-only or the file locked). Choose another location. {name}"
    elif code == errno.EIO:
        zh = f"磁盘读写错误（设备可能已拔出或损坏），{what_zh}没有保存。原有文件未受影响。"
        en = f"The disk reported an input/output error (the device may be removed or failing); {what_en} was not saved. The existing file is unchanged."
    elif code == errno.EFBIG:
        zh = f"{what_zh}超过了该磁盘允许的最大文件大小。"
        en = f"{what_en} is larger than this disk allows."
    else:
        zh = f"读写{what_zh}时出错：{exc.strerror or exc}"
        en = f"Could not read or write {what_en}: {exc.strerror or exc}"
    return io_error(Text(zh.strip(), en.strip()))


# Primary result codes (https://sqlite.org/rescode.html); Python ≥ 3.11 exposes them.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM, _SQLITE_READONLY = 3, 5, 6, 7, 8
_SQLITE_INTERRUPT, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 9, 10, 11, 13, 14
_SQLITE_TOOBIG, _SQLITE_NOTADB = 18, 26
_SQLITE_READONLY_ROLLBACK = 776  # a hot journal that a read-only file cannot be rolled back from


def from_sqlite_error(exc: sqlite3.Error, *, reading: bool) -> DraftError:
    """Map a SQLite failure. ``reading``: while opening/checking a file (damage is likely) as
    opposed to while writing our own file (the disk is the likely culprit)."""
    extended = getattr(exc, "sqlite_errorcode", None) or 0
    primary = extended & 0xFF
    if extended == _SQLITE_READONLY_ROLLBACK:
        return draft_error("draft.hot_journal")
    text = str(exc).lower()
    if "could not decode to utf-8" in text:  # Python's own check of TEXT read from the file
        return invalid(Text("草稿中有无法识别的文字编码", "the draft contains text that is not valid UTF-8"))
    if primary == _SQLITE_FULL or "disk is full" in text:
        return io_error(DISK_FULL)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text:
        return draft_error("draft.locked")
    if primary == _SQLITE_NOTADB or "not a database" in text:
        return draft_error("draft.not_sqlite")
    if primary == _SQLITE_TOOBIG or "too big" in text:
        return too_large(Text("某个值超过了允许的大小", "a value exceeds the allowed size"))
    if primary == _SQLITE_INTERRUPT or "interrupted" in text:
        return draft_error(
            "draft.corrupt",
            Text(
                "检查文件用时过长，已停止（文件可能被恶意构造）",
                "checking the file took too long and was stopped (it may have been crafted)",
            ),
        )
    if primary == _SQLITE_CORRUPT or "malformed" in text:
        return draft_error("draft.corrupt")
    if primary in (_SQLITE_READONLY, _SQLITE_PERM):
        return io_error(
            Text(
                "没有权限写入草稿文件（文件或文件夹是只读的）。",
                "No permission to write the draft file (the file or folder is read-only).",
            ),
        )
    if primary == _SQLITE_CANTOPEN:
        return io_error(
            Text(
                "无法打开或创建文件（文件夹可能不存在，或没有写入权限）。",
                "The file could not be opened or created (the folder may not exist, or there is no permission to write there).",
            ),
        )
    if primary == _SQLITE_IOERR:
        return io_error(
            Text(
                "读写草稿文件时磁盘出错（设备可能已拔出、已满或没有权限）。",
                "The disk failed while reading or writing the draft (the device may be removed, full or not writable).",
            ),
        )
    if primary == _SQLITE_NOMEM:
        return too_large(Text("处理时内存不足", "not enough memory to process it"))
    if reading:
        return draft_error("draft.corrupt")
    return io_error(Text(f"保存草稿时出错：{exc}", f"Could not save the draft: {exc}"))
