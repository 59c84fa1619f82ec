"""Where a command may write: an ``-o`` never names one of the command's inputs, a folder where a
file is expected, a device, pipe or socket, or a symlink. (Folders of outputs shared with the
user: :mod:`forms.owned_outputs`.)"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from .errors import UserError
from .text import Text


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(
            "output.unreadable",
            f"无法检查输出位置 {path}：{exc.strerror or exc}",
            f"Cannot check the output location {path}: {exc.strerror or exc}",
        ) from None


def _io_error(exc: OSError, what: Text) -> UserError:
    from .draft.errors import from_os_error

    return from_os_error(exc, what)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_output(dest: Path, inputs: Sequence[Path], *, directory: bool = False) -> None:
    """Refuse (``UserError`` code ``output.*``) an output location that writing would destroy.

    ``directory``: ``dest`` is a folder the command writes into (it may not exist yet). Inputs
    are compared by device and inode, so another path or a hard link to an input is caught."""
    dest = Path(dest)
    st = _lstat(dest)
    if st is None:
        return
    if stat.S_ISLNK(st.st_mode):
        raise UserError(
            "output.symlink",
            f"输出位置 {dest} 是一个符号链接，为安全起见不写入。请指定一个普通的{'文件夹' if directory else '文件'}。",
            f"The output {dest} is a symbolic link; for safety nothing is written through it. Name a plain {'folder' if directory else 'file'}.",
        )
    if directory:
        if not stat.S_ISDIR(st.st_mode):
            raise UserError(
                "output.not_directory",
                f"输出位置 {dest} 已存在且不是文件夹，未做任何改动。请指定一个文件夹。",
                f"The output {dest} exists and is not a folder; nothing was changed. Name a folder.",
            )
        return
    if stat.S_ISDIR(st.st_mode):
        raise UserError(
            "output.directory",
            f"输出位置 {dest} 是一个文件夹，这里需要一个文件名，未做任何改动。",
            f"The output {dest} is a folder, but a file name is needed here; nothing was changed.",
        )
    if not stat.S_ISREG(st.st_mode):
        raise UserError(
            "output.not_regular",
            f"输出位置 {dest} 不是普通文件（设备、管道或套接字），未做任何改动。",
            f"The output {dest} is not a regular file (a device, pipe or socket); nothing was changed.",
        )
    for source in inputs:
        try:
            other = os.stat(source)
        except OSError:
            continue  # an input that cannot be found cannot be overwritten either
        if _same_file(st, other):
            raise UserError(
                "output.is_input",
                f"输出文件 {dest} 就是输入文件 {source}，不会覆盖它。请另选一个输出文件名。",
                f"The output {dest} is the input {source}; it will not be overwritten. Choose another output name.",
            )
