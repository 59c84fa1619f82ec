"""Which of the six attachments a .docx is: by its "附件N" line and by its title (申报书 with the
category's subtitle, or 科研诚信承诺书 with the signer's role), both read from the top of the
document. When the two disagree, or neither speaks, the file is refused rather than guessed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from forms.errors import UserError
from forms.pack import Pack

from .docx_file import DocxContent

LEADING_PARAGRAPHS = 12  # the annex line and the title sit above the body
TITLE_LINES = 4  # annex line, title, subtitle: read together when no single line names it
_ANNEX = re.compile(r"附件([1-9])")


def norm(text: str) -> str:
    """Compared text: full-width forms folded (NFKC: （）→(), １→1), all white space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True)
class Target:
    kind: Literal["letter", "form"]
    key: str  # the letter's key in letters.toml, or the form's document key in documents.toml
    annex: int
    title: str  # the pack's title, for messages

    @property
    def id(self) -> str:
        return f"annex-{self.annex}"


def targets(pack: Pack) -> list[Target]:
    """The attachments of ``pack`` a template can be imported for."""
    found: list[Target] = []
    documents = (pack.documents or {}).get("documents", {})
    for doc_key, doc in documents.items():
        if not isinstance(doc, dict):
            continue
        if doc.get("kind") == "form":
            category = pack.category(doc.get("category"))
            if category is not None:
                found.append(
                    Target("form", doc_key, category.annex, f"附件{category.annex} 申报书（{category.subtitle.zh}）")
                )
        elif doc.get("kind") == "letter" and doc.get("letter") in pack.letters:
            letter = pack.letters[doc["letter"]]
            found.append(Target("letter", doc["letter"], letter.annex, f"附件{letter.annex} {letter.title.zh}"))
    return sorted(found, key=lambda t: t.annex)


def _leading_texts(content: DocxContent) -> list[str]:
    texts = [norm(p.text) for p in content.paragraphs if norm(p.text)][:LEADING_PARAGRAPHS]
    if content.tables and content.tables[0]:  # a title typed into the table's first row
        texts += [norm(cell) for cell in content.tables[0][0] if norm(cell)][:4]
    return texts


def _role(title: str) -> str:
    inside = re.search(r"\(([^()]+)\)", norm(title))
    return inside.group(1) if inside else ""


def _by_title(text: str, pack: Pack, options: list[Target]) -> set[Target]:
    hits: set[Target] = set()
    for target in options:
        if target.kind == "letter" and "承诺书" in text:
            role = _role(pack.letters[target.key].title.zh)
            if role and (role in text or role.removeprefix("项目") in text):
                hits.add(target)
        elif target.kind == "form" and "申报书" in text:
            category = pack.category(pack.documents["documents"][target.key]["category"])
            if category is not None and norm(category.subtitle.zh) in text:
                hits.add(target)
    return hits


def recognise(content: DocxContent, pack: Pack) -> Target:
    options = targets(pack)
    texts = _leading_texts(content)
    annex = None
    for text in texts:
        match = _ANNEX.search(text)
        if match:
            annex = int(match.group(1))
            break
    by_annex = next((t for t in options if t.annex == annex), None)
    by_title: set[Target] = set()
    for text in texts:
        by_title |= _by_title(text, pack, options)
    if not by_title:  # a title broken over lines: 申报书 / （科技副总实施的合作项目）
        by_title = _by_title("".join(texts[:TITLE_LINES]), pack, options)
    name = content.name
    if len(by_title) == 1:
        (target,) = by_title
        if annex is not None and target.annex != annex:
            raise UserError(
                "template.conflict",
                f"“{name}”标为附件{annex}，标题却是“{target.title}”，无法确定是哪一个附件，未导入",
                f"“{name}” says annex {annex} but its title is that of annex {target.annex}; nothing was imported",
            )
        return target
    if by_annex is not None and (not by_title or by_annex in by_title):
        return by_annex
    listing = "、".join(t.title for t in options)
    raise UserError(
        "template.unrecognised",
        f"无法识别“{name}”是哪一个附件（开头应有“附件N”或附件标题，可导入：{listing}），未导入",
        f"Cannot tell which attachment “{name}” is (its top should say 附件N or carry the attachment's title); "
        "nothing was imported",
    )
