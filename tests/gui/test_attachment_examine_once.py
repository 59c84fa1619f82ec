"""The attachments step examines each content once, and a stopped examination stays stopped.

Found by a slow teardown: a draft with 100 attachments of one content examined it 100 times, and
cancelling the examination only started it again from the beginning."""

from __future__ import annotations

import hashlib
import threading

from forms.attachments import intake_record
from forms.draft import Draft
from forms.samples import DEFAULT_PACK, sample

from .files import make_pdf


def _draft(tmp_path, copies: int, pdfs: list[bytes]):
    path = tmp_path / "同件.cxy"
    with Draft.create(path, pack=DEFAULT_PACK, category="tech_vp") as draft:
        draft.replace_data(sample("tech_vp"))
        for number in range(copies):
            pdf = pdfs[number % len(pdfs)]
            draft.add_attachment(
                kind="other",
                title=f"附件{number + 1}",
                original_name="页.pdf",
                source_format="pdf",
                pages=1,
                sha256=hashlib.sha256(pdf).hexdigest(),
                pdf=pdf,
            )
    return path


def test_the_same_content_is_examined_once(qtbot, open_window, tmp_path, monkeypatch):
    pdfs = [make_pdf(tmp_path / f"{n}.pdf", pages=n + 1).read_bytes() for n in range(2)]
    path = _draft(tmp_path, 6, pdfs)
    seen: list[str] = []
    real = intake_record.examine_stored

    def counting(pdf, title, **kwargs):
        seen.append(hashlib.sha256(pdf).hexdigest())
        return real(pdf, title, **kwargs)

    monkeypatch.setattr(intake_record, "examine_stored", counting)
    window = open_window(path)
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    qtbot.waitUntil(lambda: page.preflight_job is None and len(page.examinations) == 2, timeout=60000)
    assert sorted(seen) == sorted(hashlib.sha256(pdf).hexdigest() for pdf in pdfs)


def test_a_cancelled_examination_is_not_started_again(qtbot, open_window, tmp_path, monkeypatch):
    pdfs = [make_pdf(tmp_path / f"{n}.pdf", pages=1 + n % 3).read_bytes() + b"%" * n for n in range(8)]
    path = _draft(tmp_path, 8, pdfs)
    release = threading.Event()
    calls: list[str] = []
    real = intake_record.examine_stored

    def held(pdf, title, **kwargs):  # the first examination waits until the test has cancelled
        calls.append(title)
        release.wait(30)
        return real(pdf, title, **kwargs)

    monkeypatch.setattr(intake_record, "examine_stored", held)
    window = open_window(path)
    window.view.go_to_key("attachments")
    page = window.view.attachments_page
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=30000)
    job = page.preflight_job
    job.cancel()
    release.set()
    qtbot.waitUntil(lambda: page.preflight_job is None, timeout=30000)
    assert calls == ["附件1"]  # the other seven were not examined, then or by a restarted job
