"""Outputs are built from exactly what the draft file holds: an edit still waiting to be
committed is committed first, and a read-only view builds the writer's latest state, so the
saved PDF never differs from the saved draft (the issue's two-window case)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from desktop import opening
from forms.draft import Draft
from forms.errors import UserError
from forms.samples import sample

pytestmark = pytest.mark.gui


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def make_draft(path):
    with Draft.create(path, pack="jiangsu-cxy-2023", category="tech_vp") as draft:
        draft.replace_data(sample("tech_vp"))
    return path


def wait_idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)


def test_a_saved_package_holds_the_edit_just_typed_and_so_does_the_draft(qtbot, open_window, prompter, tmp_path):
    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    page = window.view.output_page
    window.view.go_to_key("output")
    wait_idle(qtbot, page)
    window.session.set("project.name", "Typed-Just-Now-5531")  # not committed yet
    assert window.session.save_state == "pending"
    target = tmp_path / "package.pdf"
    prompter.paths.append(target)
    page.save_package()
    wait_idle(qtbot, page)
    assert "Typed-Just-Now-5531" in pdf_text(target.read_bytes())
    with Draft.open(path, readonly=True) as draft:
        assert draft.get("project.name") == "Typed-Just-Now-5531"


def test_a_read_only_view_builds_the_writers_new_name(qtbot, open_window, prompter, tmp_path, monkeypatch):
    """Window A (read-only: another program edits) never builds the old name B replaced."""
    path = make_draft(tmp_path / "shared.cxy")
    real = opening._open

    def locked(p, readonly):
        if not readonly:
            raise UserError(opening.LOCKED, "草稿正被编辑。", "The draft is being edited.")
        return real(p, True)

    monkeypatch.setattr(opening, "_open", locked)
    window = open_window(path)
    assert window.session.readonly
    page = window.view.output_page
    window.view.go_to_key("output")
    wait_idle(qtbot, page)
    with Draft.open(path) as writer:
        writer.set("project.name", "Writer-Renamed-It-2210")
    target = tmp_path / "a.pdf"
    prompter.paths.append(target)
    page.save_package()  # at once: before the view's own poll has seen the commit
    wait_idle(qtbot, page)
    assert "Writer-Renamed-It-2210" in pdf_text(target.read_bytes())
    assert window.session.get("project.name") == "Writer-Renamed-It-2210"


def test_outputs_are_written_atomically_and_never_over_the_draft(qtbot, open_window, prompter, tmp_path):
    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    page = window.view.output_page
    window.view.go_to_key("output")
    wait_idle(qtbot, page)
    before = path.read_bytes()
    prompter.paths.append(path)
    page.save_package()
    wait_idle(qtbot, page)
    assert prompter.errors and path.name in prompter.errors[-1][1]
    assert path.read_bytes() == before  # the draft is still the draft, not a PDF
    target = tmp_path / "set.pdf"
    target.write_bytes(b"old")
    prompter.paths.append(target)
    page.save_print_set()
    wait_idle(qtbot, page)
    assert target.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob("*.tmp*"))


def test_upload_files_keep_a_file_of_the_users_and_say_so(qtbot, open_window, prompter, tmp_path):
    from .files import make_pdf

    path = make_draft(tmp_path / "mine.cxy")
    window = open_window(path)
    page = window.view.attachments_page
    window.view.go_to_key("attachments")
    contract = make_pdf(tmp_path / "c.pdf")
    page.import_files([contract], {contract: ("contract", "合同")})
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    folder = tmp_path / "docs"
    folder.mkdir()
    mine = folder / "contract.pdf"
    mine.write_bytes(b"the user's own file")
    out = window.view.output_page
    window.view.go_to_key("output")
    qtbot.waitUntil(lambda: out.job is None, timeout=60000)
    prompter.paths.append(folder)
    out.save_upload_files()
    qtbot.waitUntil(lambda: out.job is None, timeout=60000)
    assert mine.read_bytes() == b"the user's own file"
    assert "contract.pdf" in out.result_label.text() and len(out.result_label.text().splitlines()) >= 2
