"""导入官方模板: read a .docx, recognise the attachment, map its text onto the pack and store it
as the verified local override of that attachment (replacing an earlier import of it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.pack import Pack
from forms.text import Text

from .docx_file import read_docx
from .form_labels import map_form
from .letter_text import map_letter
from .recognise import Target, norm, recognise
from .store import LetterOverride, Override, Source, forget_loaded_packs, save_override


@dataclass
class ImportResult:
    override: Override
    target: Target
    path: Path  # where the override was stored
    replaced: bool  # an earlier import of this attachment was replaced
    unmatched: list[str] = field(default_factory=list)  # form labels the template did not have

    def summary(self, lang: str = "zh") -> str:
        """One line for the status bar and the CLI."""
        t = self.target
        if t.kind == "letter":
            n = len(self.override.letter.points) if self.override.letter else 0
            return Text(
                f"已导入{t.title}的官方文本（{n} 条承诺），打印时不再标注“文本待与官方模板核对”",
                f"Imported the official text of annex {t.annex} ({n} points); the letter now prints without "
                "the “to be checked” note",
            ).get(lang)
        matched = len(self.override.labels)
        changed = sum(1 for item in self.override.labels if norm(item.zh + (item.note or "")) != norm(item.was))
        missing = Text.listing(self.unmatched[:6])
        line = Text(
            f"已导入{t.title}的 {matched} 个官方栏目（{changed} 个与规则包不同）",
            f"Imported {matched} official labels of annex {t.annex} ({changed} differ from the pack)",
        )
        if self.unmatched:
            line = Text(
                f"{line.zh}；模板中未找到 {len(self.unmatched)} 个：{missing.zh}",
                f"{line.en}; {len(self.unmatched)} not found in the template: {missing.en}",
            )
        return line.get(lang)


def import_template(path: Path, pack: Pack, *, now: dt.datetime | None = None) -> ImportResult:
    """Import the official template ``path`` (only read) into the overrides of ``pack``."""
    content = read_docx(Path(path))
    target = recognise(content, pack)
    letter = None
    labels: list[Any] = []
    unmatched: list[str] = []
    if target.kind == "letter":
        text = map_letter(content, target, pack)
        letter = LetterOverride(title=text.title, intro=text.intro, points=text.points, sign=text.sign)
    else:
        mapped = map_form(content, target, pack)
        labels, unmatched = mapped.labels, mapped.unmatched
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    override = Override(
        pack=pack.id,
        id=target.id,
        annex=target.annex,
        kind=target.kind,
        target=target.key,
        title=target.title,
        source=Source(name=content.name[:255], sha256=content.sha256, imported=stamp),
        letter=letter,
        labels=labels,
        unmatched=[u[:300] for u in unmatched],
    )
    from .store import overrides_dir

    replaced = (overrides_dir(pack.id) / f"{target.id}.json").exists()
    stored = save_override(override)
    forget_loaded_packs()
    return ImportResult(override, target, stored, replaced, unmatched)
