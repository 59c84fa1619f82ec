"""Item 8 in the app: one flipped bit in one attachment marks that attachment, not the draft. The
draft opens, validates, shows the attachment as damaged (zh/en), and it can be removed or
replaced (kind, title and place kept); nothing is built from the damaged bytes."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from pathlib import Path

import pytest

from desktop import opening
from forms.attachments import normalise
from forms.draft import Draft
from forms.draft.attachments import AttachmentInfo
from forms.errors import UserError
from forms.samples import sample

from .files import make_pdf

pytestmark = pytest.mark.gui
REAL_API = "damaged" in {f.name for f in dataclasses.fields(AttachmentInfo)}


def draft_with_a_flipped_bit(folder: Path) -> Path:
    """Two attachments written through the forms API; then one bit of the first blob flipped
    behind its back (its stored SHA-256 kept), as a bad sector or a bad copy would."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "flipped.cxy"
    with Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp") as draft:
        draft.replace_data(sample("tech_vp"))
        for number, (kind, title) in enumerate((("contract", "技术开发合同"), ("payment_proof", "到账凭证"))):
            result = normalise(make_pdf(folder / f"source{number}.pdf", pages=number + 1), f"source{number}.pdf")
            draft.add_attachment(
                kind=kind,
                title=title,
                original_name=result.original_name,
                source_format=result.source_format,
                pages=result.pages,
                sha256=hashlib.sha256(result.pdf).hexdigest(),
                pdf=result.pdf,
            )
    with sqlite3.connect(path) as con:
        att_id, blob = con.execute("SELECT id, pdf FROM attachments ORDER BY position LIMIT 1").fetchone()
        blob = bytearray(blob)
        blob[len(blob) // 2] ^= 0x04
        con.execute("UPDATE attachments SET pdf = ? WHERE id = ?", (bytes(blob), att_id))
    con.close()
    return path


class Checked:
    """Stands in for the forms draft API of branch wt-draft until it is merged: an attachment
    whose bytes no longer match their SHA-256 is ``damaged`` and its PDF is refused."""

    def __init__(self, draft) -> None:
        self._draft = draft

    def __getattr__(self, name):
        return getattr(self._draft, name)

    def _bad(self, info) -> bool:
        return hashlib.sha256(self._draft.attachment_pdf(info.id)).hexdigest() != info.sha256

    def attachments(self):
        return [
            dataclasses.replace(info) if REAL_API else _Marked(info, self._bad(info))
            for info in self._draft.attachments()
        ]

    def attachment_pdf(self, att_id):
        info = next(a for a in self._draft.attachments() if a.id == att_id)
        if self._bad(info):
            raise UserError(
                "draft.attachment_damaged", f"附件“{info.title}”已损坏。", f"The attachment “{info.title}” is damaged."
            )
        return self._draft.attachment_pdf(att_id)


class _Marked:
    def __init__(self, info, damaged: bool) -> None:
        self.__dict__.update(dataclasses.asdict(info), damaged=damaged)


@pytest.fixture
def opened(qtbot, open_window, monkeypatch, tmp_path):
    path = draft_with_a_flipped_bit(tmp_path / "Documents")
    if not REAL_API:
        real = opening._open
        monkeypatch.setattr(opening, "_open", lambda p, readonly: Checked(real(p, readonly)))
    window = open_window(path)
    window.view.go_to_key("attachments")
    return window, path


def labels(page) -> list[str]:
    return [page.list.item(row).text() for row in range(page.list.count())]


@pytest.mark.parametrize(("lang", "word"), [("zh", "已损坏"), ("en", "damaged")])
def test_the_draft_opens_and_only_that_attachment_is_marked(
    qtbot, open_window, monkeypatch, tmp_path, prompter, lang, word
):
    path = draft_with_a_flipped_bit(tmp_path / "Documents")
    if not REAL_API:
        real = opening._open
        monkeypatch.setattr(opening, "_open", lambda p, readonly: Checked(real(p, readonly)))
    window = open_window(path, lang=lang)
    assert window.session is not None and not prompter.errors
    page = window.view.attachments_page
    window.view.go_to_key("attachments")
    first, second = labels(page)
    assert word in first.lower() and word not in second.lower()
    assert page.list.item(0).data(257) is True
    page.list.setCurrentRow(0)
    assert page.replace_button.isEnabled() and page.remove_button.isEnabled()
    window.view.go_to_key("review")  # the rest of the app works
    assert window.session.issues is not None
    out = window.view.output_page
    window.view.go_to_key("output")
    qtbot.waitUntil(lambda: out.job is None, timeout=60000)
    target = tmp_path / "package.pdf"
    prompter.paths.append(target)
    out.save_package()
    qtbot.waitUntil(lambda: out.job is None, timeout=60000)
    assert not target.exists()  # nothing is built from damaged bytes
    assert prompter.errors and "\n" not in prompter.errors[-1][1] and word in prompter.errors[-1][1].lower()


def test_a_damaged_attachment_is_replaced_in_its_place(qtbot, opened, prompter, tmp_path):
    window, _path = opened
    page = window.view.attachments_page
    page.list.setCurrentRow(0)
    prompter.paths.append(make_pdf(tmp_path / "rescanned.pdf", pages=3))
    page.replace_button.click()
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    infos = window.session.attachments()
    assert [(a.kind, a.title) for a in infos] == [("contract", "技术开发合同"), ("payment_proof", "到账凭证")]
    assert infos[0].pages == 3 and infos[0].original_name == "rescanned.pdf"
    assert not any(getattr(a, "damaged", False) for a in infos)
    out = window.view.output_page
    window.view.go_to_key("output")
    qtbot.waitUntil(lambda: out.job is None, timeout=60000)
    target = tmp_path / "package.pdf"
    prompter.paths.append(target)
    out.save_package()
    qtbot.waitUntil(lambda: out.job is None, timeout=60000)
    assert target.read_bytes().startswith(b"%PDF")


def test_a_damaged_attachment_is_removed(qtbot, opened, prompter):
    window, path = opened
    page = window.view.attachments_page
    page.list.setCurrentRow(0)
    prompter.confirms.append(True)
    page.remove_button.click()
    assert [a.title for a in window.session.attachments()] == ["到账凭证"]
    window.close()
    with Draft.open(path) as draft:
        assert [a.title for a in draft.attachments()] == ["到账凭证"]
