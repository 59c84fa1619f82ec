"""Write resources/fonts/*.charset: each face's characters as hex ranges (the regular GBK face,
the bold GB2312 one and the rare-character face), so that the typing-time check of unprintable
characters and the choice of face per run need no font parsing. Run it after
tools/build_font.py; tests/test_fonts.py fails when a file and its font disagree."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forms.paths import resource
from forms.render.fonts import CHARSET_FILES, charset_ranges, font_charset


def main() -> int:
    for name, filename in CHARSET_FILES.items():
        ranges = charset_ranges(font_charset(name))
        lines = [f"{lo:04X}" if lo == hi else f"{lo:04X}-{hi:04X}" for lo, hi in ranges]
        target = resource("fonts", filename)
        target.write_text("\n".join(lines) + "\n", encoding="ascii")
        print(f"{target}: {len(ranges)} ranges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
