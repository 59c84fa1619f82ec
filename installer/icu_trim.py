"""A smaller ``libicudata`` for the Linux bundle: ICU data for a Chinese/English Qt Widgets app.

PySide6's Qt on Linux links ``libicudata.so.73``: 30.6 MB of ICU data for every locale, legacy
code page, transliterator and spelled-out-number rule. ``nm -D libQt6Core.so.6`` shows what Qt
asks ICU for, and nothing else in the bundle links ICU:

- ``ucol_*``: QCollator, which sorts Qt's own file dialog (the GTK platform theme is left out)
  -> collation for root (UCA), ``zh*`` (pinyin, stroke…) and ``en*``;
- ``ucal_*``: time-zone ids and display names -> zoneinfo64, metaZones, zone names;
- ``u_strToUpper``/``u_strToLower``: QLocale case mapping -> the locale bundles;
- ``ucnv_*``: QStringConverter for encodings Qt lacks itself -> GB18030, GBK, GB2312, Big5,
  windows-1252 and the alias table.

Qt breaks lines and words with its own Unicode tables (no ``ubrk_*`` import); the break
iterators and their dictionaries stay all the same, as cheap insurance (3.2 MB).

Everything else that is not named below stays, so data that a newer ICU adds is kept rather than
lost. :func:`removable` is the policy. :func:`trim` applies it with ICU's own tools (``icupkg``
removes items and refuses to leave a dangling dependency; ``derb``/``genrb`` rewrite the
``res_index`` lists of installed locales) and links the package back into a shared library
with the same SONAME and data symbol, using only ``as`` and ``ld``. Debian 12:
``apt-get install binutils icu-devtools`` (ICU 72 tools read and write ICU 73 packages: the
package and resource formats did not change).

``python installer/icu_trim.py [LIB] [-o DIR]`` trims by hand and prints what it did; the spec
calls :func:`substitute` at build time. The wheel's own library is never modified.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TOOLS = ("nm", "objdump", "as", "ld", "icupkg", "derb", "genrb")
TOOL_TIMEOUT_S = 120

# trees of locale bundles; ``brkitr`` is absent on purpose: it is kept whole
LOCALE_TREES = {"", "coll", "curr", "lang", "region", "zone", "unit"}
DROPPED_TREES = {
    "translit",  # transliterators: Qt has no transliteration API (1.1 MB)
    "rbnf",  # rule-based number spell-out ("one hundred and two"): not a Qt API
}
KEEP_LOCALE = re.compile(r"^(root|zh|en)(_[A-Za-z0-9_]*)?\.res$")  # with scripts/regions: zh_Hans_CN
LOCALE_FILE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")  # coll has de_.res and de__PHONEBOOK.res
KEEP_CONVERTERS = {
    "gb18030.cnv",  # GB18030
    "windows-936-2000.cnv",  # GBK, CP936; an extension of
    "ibm-1386_P100-2001.cnv",
    "ibm-1383_P110-1999.cnv",  # GB2312, EUC-CN
    "windows-950-2000.cnv",  # Big5; an extension of
    "ibm-1373_P100-2002.cnv",
    "ibm-5348_P100-1997.cnv",  # windows-1252
}  # UTF-8/16/32, ASCII and ISO-8859-1 are built into ICU's code
DROPPED_FILES = {
    "unames.icu",  # Unicode character names (u_charName): Qt never asks
    "confusables.cfu",  # spoof detection (uspoof): Qt never asks
}


def removable(item: str) -> bool:
    """Whether the package item (``coll/de.res``, ``ibm-37_P100-1995.cnv``…) can go."""
    tree, _, name = item.rpartition("/")
    if tree in DROPPED_TREES:
        return True
    if tree == "":
        if name.endswith(".cnv"):
            return name not in KEEP_CONVERTERS
        if name.endswith(".spp") or name in DROPPED_FILES:  # stringprep: Qt does IDNA itself
            return True
    if tree in LOCALE_TREES and LOCALE_FILE.match(name) and name != "res_index.res":
        return not KEEP_LOCALE.match(name)
    return False  # pool.res, res_index.res, ucadata.icu, supplemental data, normalization, brkitr/*


class TrimFailed(Exception):
    pass


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def substitute(binaries: list, work: Path) -> list:
    """PyInstaller's binaries TOC with the trimmed ICU data library in place of the wheel's."""
    result = []
    for entry in binaries:
        dest, src, typecode = entry[:3]
        if re.fullmatch(r"libicudata\.so\.\d+", Path(dest).name):
            src = str(trim(Path(src), work))
        result.append((dest, src, typecode))
    return result


def trim(library: Path, work: Path, log=print) -> Path:
    """``work/<soname>``: ``library`` with the removable items gone. Reused while the input
    library and the policy are unchanged."""
    missing = missing_tools()
    if missing:
        raise TrimFailed(f"missing {', '.join(missing)}: apt-get install binutils icu-devtools")
    library = library.resolve()
    soname, symbol, blob = _read_library(library)
    stamp = hashlib.sha256(blob + Path(__file__).read_bytes()).hexdigest()
    output = work / soname
    stamp_file = work / f"{soname}.stamp"
    if output.is_file() and stamp_file.is_file() and stamp_file.read_text().strip() == stamp:
        return output
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="icu-", dir=work) as tmp:
        tmp = Path(tmp)
        prefix = _toc_prefix(blob)  # e.g. icudt73l: icupkg wants the package named like its items
        package = tmp / "in" / f"{prefix}.dat"
        package.parent.mkdir()
        package.write_bytes(blob)
        items = _list(package)
        remove = sorted(item for item in items if removable(item))
        kept = [item for item in items if item not in set(remove)]
        indexes = _rewrite_indexes(package, kept, tmp)
        (tmp / "remove.txt").write_text("\n".join(remove + indexes) + "\n", encoding="utf-8")
        (tmp / "add.txt").write_text("\n".join(indexes) + "\n", encoding="utf-8")
        trimmed = tmp / "out" / f"{prefix}.dat"
        trimmed.parent.mkdir()
        _tool(
            "icupkg",
            "-r",
            str(tmp / "remove.txt"),
            "-a",
            str(tmp / "add.txt"),
            "-s",
            str(tmp / "src"),
            str(package),
            str(trimmed),
        )
        if sorted(_list(trimmed)) != sorted(kept):
            raise TrimFailed("icupkg did not produce the expected items")
        built = _link(trimmed, symbol, soname, tmp)
        soname2, symbol2, blob2 = _read_library(built)
        if (soname2, symbol2, blob2) != (soname, symbol, trimmed.read_bytes()):
            raise TrimFailed(f"the rebuilt {soname} does not export {symbol} with the trimmed data")
        shutil.move(built, output)
    stamp_file.write_text(stamp + "\n")
    log(
        f"icu_trim: {soname} {library.stat().st_size / 2**20:.1f} -> {output.stat().st_size / 2**20:.1f} MiB, "
        f"{len(items)} -> {len(kept)} items"
    )
    return output


def _tool(*command: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, capture_output=True, timeout=TOOL_TIMEOUT_S, cwd=cwd, check=False)
    except subprocess.TimeoutExpired:
        raise TrimFailed(f"`{' '.join(command)}` did not finish within {TOOL_TIMEOUT_S} s") from None
    if done.returncode != 0:
        raise TrimFailed(
            f"`{' '.join(command)}` failed (exit {done.returncode}): "
            f"{(done.stdout + done.stderr).decode('utf-8', 'replace')[-2000:]}"
        )
    return done.stdout.decode("utf-8", "replace")


def _read_library(library: Path) -> tuple[str, str, bytes]:
    """(SONAME, data symbol, the ICU common data the symbol points to) of an ICU data library."""
    soname = re.search(r"^\s*SONAME\s+(\S+)", _tool("objdump", "-p", str(library)), re.M)
    symbols = [line.split() for line in _tool("nm", "-D", "-S", "--defined-only", str(library)).splitlines()]
    data = [fields for fields in symbols if len(fields) == 4 and re.fullmatch(r"icudt\d+_dat", fields[3])]
    if soname is None or len(data) != 1:
        raise TrimFailed(f"{library} is not an ICU data library (SONAME {soname}, symbols {data})")
    address, size, symbol = int(data[0][0], 16), int(data[0][1], 16), data[0][3]
    for line in _tool("objdump", "-h", "-w", str(library)).splitlines():
        fields = line.split()  # Idx Name Size VMA LMA File-off Algn Flags
        if len(fields) >= 7 and fields[0].isdigit():
            sec_size, vma, offset = int(fields[2], 16), int(fields[3], 16), int(fields[5], 16)
            if vma <= address and address + size <= vma + sec_size:
                with library.open("rb") as file:
                    file.seek(offset + address - vma)
                    blob = file.read(size)
                if len(blob) != size or blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
                    raise TrimFailed(f"{symbol} in {library} is not an ICU common data package")
                return soname.group(1), symbol, blob
    raise TrimFailed(f"no section of {library} holds {symbol}")


def _toc_prefix(blob: bytes) -> str:
    """The item prefix of the package's table of contents (``icudt73l``)."""
    header_size = int.from_bytes(blob[0:2], "little")
    name_offset = int.from_bytes(blob[header_size + 4 : header_size + 8], "little")
    name = blob[header_size + name_offset :].split(b"\0", 1)[0].decode("ascii")
    return name.split("/", 1)[0]


def _list(package: Path) -> list[str]:
    return [line.strip() for line in _tool("icupkg", "-l", str(package)).splitlines() if line.strip()]


def _rewrite_indexes(package: Path, kept: list[str], tmp: Path) -> list[str]:
    """New ``res_index.res`` for every tree that has one: the original lists of installed and
    alias locales (as derb prints them), less the locales removed. Returns the items to replace."""
    names = [item for item in kept if item.rsplit("/", 1)[-1] == "res_index.res"]
    extracted = tmp / "orig"
    for tree in {item.rpartition("/")[0] for item in names}:
        (extracted / tree).mkdir(parents=True, exist_ok=True)  # icupkg makes no parent folders
    (tmp / "list.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    _tool("icupkg", "-x", str(tmp / "list.txt"), "-d", str(extracted), str(package))
    kept_set = set(kept)
    for item in names:
        tree = item.rpartition("/")[0]
        # derb reads a path relative to -s only: given an absolute one it prints an error, exit 0
        dumped = _tool("derb", "-s", str((extracted / item).parent), "-c", "res_index.res")
        lines = [f"res_index:table(nofallback) {{  // {tree or 'root'} tree, trimmed by installer/icu_trim.py"]
        for table in ("AliasLocales", "InstalledLocales"):
            block = re.search(rf"^\s*{table}\s*\{{(.*?)^\s*\}}", dumped, re.M | re.S)
            if block is None:
                raise TrimFailed(f"derb printed no {table} for {item}: {dumped[-500:]}")
            locales = re.findall(r'^\s*([A-Za-z0-9_]+)\s*\{\s*""\s*\}', block.group(1), re.M)
            present = [loc for loc in locales if f"{tree}/{loc}.res".lstrip("/") in kept_set]
            if table == "InstalledLocales" and not {"en", "zh"} <= set(present):
                raise TrimFailed(f"{item} would not list en and zh: {present}")
            lines += [f"    {table} {{", *[f'        {loc} {{ "" }}' for loc in present], "    }"]
        lines.append("}")
        source = tmp / "txt" / tree / "res_index.txt"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out_dir = tmp / "src" / tree
        out_dir.mkdir(parents=True, exist_ok=True)
        _tool("genrb", "-q", "-e", "UTF-8", "-d", str(out_dir), str(source))
    return names


def _link(package: Path, symbol: str, soname: str, tmp: Path) -> Path:
    """A shared library whose only export ``symbol`` is the package, 16-byte aligned as ICU wants."""
    assembly = tmp / "icudata.S"
    quoted = str(package.resolve()).replace("\\", "\\\\").replace('"', '\\"')
    assembly.write_text(
        '\t.section .rodata,"a",@progbits\n'
        f"\t.globl {symbol}\n\t.type {symbol},@object\n\t.balign 16\n"
        f'{symbol}:\n\t.incbin "{quoted}"\n\t.size {symbol},.-{symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="utf-8",
    )
    _tool("as", "-o", str(tmp / "icudata.o"), str(assembly))
    output = tmp / soname
    _tool(
        "ld", "-shared", "-soname", soname, "-z", "noexecstack", "--build-id", "-o", str(output), str(tmp / "icudata.o")
    )
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", nargs="?", type=Path, help="default: PySide6's libicudata in this venv")
    parser.add_argument("-o", "--out", type=Path, default=Path("build/icu"), help="output folder (build/icu)")
    args = parser.parse_args(argv)
    library = args.library
    if library is None:
        import PySide6

        found = sorted(Path(PySide6.__file__).parent.glob("Qt/lib/libicudata.so.*"))
        if not found:
            print("PySide6 ships no libicudata here (not Linux?)", file=sys.stderr)
            return 1
        library = found[0]
    try:
        print(trim(library, args.out))
    except TrimFailed as exc:
        print(f"icu_trim: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
