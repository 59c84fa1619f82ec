"""Issue 12 item 5 in the app: saving the upload files names a slot over its limit, with its size
and the fix; "应用修正并保存" writes that slot fixed (as ``cxy upload-files --fix``: the draft is
not changed), in the worker with progress and Cancel."""

from __future__ import annotations

import hashlib
import threading

import pytest
from PySide6.QtWidgets import QPushButton

from tests.attachments.scan_pdfs import scan_pdf

from .helpers import widget

pytestmark = pytest.mark.gui
MB = 1024 * 1024


def draft_pdfs(window) -> list[str]:
    draft = window.session.draft
    return [hashlib.sha256(draft.attachment_pdf(a.id)).hexdigest() for a in draft.attachments()]


def save_upload_files(qtbot, window, prompter, folder):
    output = window.view.output_page
    prompter.paths.append(folder)
    widget(window, "output.upload_files").click()
    qtbot.waitUntil(lambda: output.job is None, timeout=60000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_oversize_slot_is_named_and_the_fix_writes_it(qtbot, open_window, prompter, tmp_path, lang):
    window, limit = _oversize(qtbot, open_window(lang=lang), tmp_path)
    folder = tmp_path / "upload"
    fix = widget(window, "output.upload_fix")
    assert not fix.isVisible()
    save_upload_files(qtbot, window, prompter, folder)
    assert "contract.pdf" in widget(window, "output.result").text()
    said = widget(window, "output.upload_over").text()
    if lang == "zh":
        assert "“其他材料”（other.pdf）有 0." in said and "修正：转为灰度后为" in said and "应用修正并保存" in said
    else:
        assert "“other material” (other.pdf) is 0." in said and "Fix: in grey it is" in said
    assert "cxy" not in said and "--fix" not in said  # the app's words, not the command line's
    assert not (folder / "other.pdf").exists() and (folder / "contract.pdf").exists()
    assert fix.isVisible() and fix.isEnabled() and widget(window, "output.upload_over").isVisible()
    window.grab().save(str(tmp_path / f"output-oversize-{lang}.png"))

    before = draft_pdfs(window)
    fix.click()
    output = window.view.output_page
    assert output.job is not None and not fix.isEnabled()  # in the worker
    assert output.progress is not None and output.progress.minimumDuration() == 500
    qtbot.waitUntil(lambda: output.job is None, timeout=60000)
    assert (folder / "other.pdf").stat().st_size <= limit * MB
    said = widget(window, "output.result").text()
    assert ("已转为灰度" if lang == "zh" else "was converted to grey") in said
    assert not fix.isVisible() and not widget(window, "output.upload_over").isVisible() and output.progress is None
    assert draft_pdfs(window) == before  # the draft is not changed
    window.grab().save(str(tmp_path / f"output-fixed-{lang}.png"))


def _oversize(qtbot, window, tmp_path):
    """The sample plus a grainy scan as 'other', with an upload limit just under that scan's size
    (grey brings it under): the window on the output page, and the limit in MB."""
    window.open_sample("tech_vp")
    page = window.view.attachments_page
    grain = tmp_path / "grain.pdf"
    grain.write_bytes(scan_pdf(210, 297, 72, noise=60, quality=95))
    page.import_files([grain], {grain: ("other", "营业执照")})
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    size = window.session.attachments()[-1].size
    limit = size * 0.8 / MB
    pack = window.session.pack
    window.session.pack = pack.model_copy(update={"upload": pack.upload.model_copy(update={"max_file_mb": limit})})
    window.view.go_to_key("output")
    output = window.view.output_page
    qtbot.waitUntil(lambda: output.job is None and output.result is not None, timeout=60000)
    return window, limit


def test_cancel_writes_nothing(qtbot, window, prompter, tmp_path, monkeypatch):
    import forms.package.uploads as uploads

    window, _limit = _oversize(qtbot, window, tmp_path)
    folder = tmp_path / "upload"
    save_upload_files(qtbot, window, prompter, folder)
    written = {p.name: p.read_bytes() for p in folder.glob("*.pdf")}
    assert "other.pdf" not in written

    # the fix's work waits until the user has pressed Cancel (no race with a fast machine)
    pressed = threading.Event()
    real_fit = uploads.fit

    def fit_after_cancel(*args, **kwargs):
        assert pressed.wait(60)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(uploads, "fit", fit_after_cancel)
    widget(window, "output.upload_fix").click()
    output = window.view.output_page
    cancel = output.progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() in ("取消", "Cancel")
    cancel.click()
    pressed.set()
    qtbot.waitUntil(lambda: output.job is None, timeout=60000)
    assert {p.name: p.read_bytes() for p in folder.glob("*.pdf")} == written  # nothing written
    assert "已取消" in widget(window, "output.result").text()
    assert prompter.errors == []  # cancelling is no failure
    assert widget(window, "output.upload_fix").isVisible()  # still offered
