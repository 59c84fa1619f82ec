"""``cxy verify`` and the app's 核验: is a final package (or print set, or upload file) as it
was built, and does it still match its draft? The pages are recomputed against the digests the
file keeps (:mod:`forms.package.seal`); the draft's content hash and per-field digests against
the ones recorded. A digest in the file proves nothing against a forger who rewrites both: it
tells a changed or swapped page, and paper that no longer matches the data, which is the job."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from forms.errors import UserError
from forms.text import Text

from .seal import SEAL_KEY, SEAL_VERSIONS, attachment_digests, field_digests, page_digests

MAX_SEAL_CHARS = 4 * 1024 * 1024  # the record of a 10 000-page file with every field: far below


@dataclass(frozen=True)
class Verdict:
    intact: bool
    changed_pages: list[int] = field(default_factory=list)  # 1-based
    matches_draft: bool | None = None  # None: no draft given
    differing: list[str] = field(default_factory=list)  # field paths; "attachments" for the files
    seal: str = ""
    pages: int = 0
    without_attachments: bool = False  # a print set of the forms only: the attachments were not compared

    @property
    def ok(self) -> bool:
        return self.intact and self.matches_draft is not False

    @property
    def text(self) -> Text:
        """What the verdict says, one line per finding."""
        lines: list[Text] = []
        if self.intact:
            lines.append(
                Text(
                    f"完好：{self.pages} 页均与封签 {self.seal} 一致",
                    f"Intact: all {self.pages} pages as sealed ({self.seal})",
                )
            )
        else:
            pages = ", ".join(str(n) for n in self.changed_pages)
            lines.append(
                Text(
                    f"已改动：第 {pages} 页与封签 {self.seal} 时不一致",
                    f"Changed: page(s) {pages} differ from the sealed file ({self.seal})",
                )
            )
        if self.matches_draft is True and self.without_attachments:
            lines.append(
                Text(
                    "与草稿一致（打印件不含附件，未比较附件）",
                    "Matches the draft (the print set holds no attachments; they were not compared)",
                )
            )
        elif self.matches_draft is True:
            lines.append(Text("与草稿一致", "Matches the draft"))
        elif self.matches_draft is False:
            if self.differing:
                shown = ", ".join(self.differing[:10]) + (" …" if len(self.differing) > 10 else "")
                lines.append(Text(f"与草稿不一致：{shown}", f"Does not match the draft: {shown}"))
            else:
                lines.append(Text("与草稿不一致：数据不同", "Does not match the draft: the data differs"))
        return Text("\n".join(line.zh for line in lines), "\n".join(line.en for line in lines))

    def message(self, lang: str = "zh") -> str:
        return self.text.get(lang)


def _unusable(code: str, zh: str, en: str) -> UserError:
    return UserError(f"verify.{code}", zh, en)


def read_seal(pdf: pikepdf.Pdf) -> dict[str, Any]:
    raw = pdf.docinfo.get(SEAL_KEY) if pdf.trailer.get("/Info") is not None else None
    if raw is None:
        raise _unusable(
            "no_seal",
            "该PDF没有封签（只有定稿后生成的材料带封签）",
            "This PDF carries no seal (only outputs of a finalised draft are sealed)",
        )
    text = str(raw)
    try:
        if len(text) > MAX_SEAL_CHARS:
            raise ValueError("too long")
        entry = json.loads(text)
        if not isinstance(entry, dict) or entry.get("v") not in SEAL_VERSIONS:
            raise ValueError("version")
        pages, fields = entry["pages"], entry["fields"]
        if not (
            isinstance(pages, list)
            and all(isinstance(p, str) for p in pages)
            and isinstance(fields, dict)
            and all(isinstance(v, str) for v in fields.values())
            and isinstance(entry.get("hash"), str)
            and isinstance(entry.get("seal"), str)
            and isinstance(entry.get("attachments", []), list)
        ):
            raise ValueError("shape")
    except (ValueError, KeyError, TypeError) as exc:
        raise _unusable(
            "bad_seal",
            "该PDF的封签记录已损坏，无法核验",
            "The seal record of this PDF is damaged; it cannot be verified",
        ) from exc
    return entry


def verify(pdf: Path, draft: Path | None = None) -> Verdict:
    """Recompute every page's digest and compare with the seal record; with ``draft``, compare
    the draft's content hash (data + attachments) too and name the fields that differ."""
    try:
        opened = pikepdf.Pdf.open(Path(pdf))
    except FileNotFoundError as exc:
        raise _unusable("not_found", f"找不到文件：{pdf}", f"File not found: {pdf}") from exc
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, OSError) as exc:
        raise _unusable("not_pdf", f"无法作为PDF读取：{pdf}", f"Not a readable PDF: {pdf}") from exc
    with opened:
        entry = read_seal(opened)
        try:
            actual = page_digests(opened, entry["v"])
        except pikepdf.PdfError as exc:
            raise _unusable("not_pdf", f"无法作为PDF读取：{pdf}", f"Not a readable PDF: {pdf}") from exc
    recorded = entry["pages"]
    changed = [
        n
        for n in range(1, max(len(actual), len(recorded)) + 1)
        if n > len(actual) or n > len(recorded) or actual[n - 1] != recorded[n - 1]
    ]
    matches: bool | None = None
    differing: list[str] = []
    if draft is not None:
        matches, differing = _compare_draft(entry, Path(draft))
    return Verdict(
        intact=not changed,
        changed_pages=changed,
        matches_draft=matches,
        differing=differing,
        seal=entry["seal"],
        pages=len(actual),
        without_attachments=entry.get("without_attachments") is True,
    )


def _compare_draft(entry: dict[str, Any], path: Path) -> tuple[bool, list[str]]:
    from forms.cli_common import opened

    from .parts import content_hash

    with opened(path) as draft:
        infos = [] if entry.get("without_attachments") is True else draft.attachments()
        data = draft.data()
        attachments = [(info, draft.attachment_pdf(info.id)) for info in infos]
    if content_hash(data, attachments) == entry["hash"]:
        return True, []
    ours, theirs = field_digests(data), entry["fields"]
    differing = sorted(path for path in set(ours) | set(theirs) if ours.get(path) != theirs.get(path))
    if attachment_digests(attachments) != entry.get("attachments", []):
        differing.append("attachments")
    return False, differing
