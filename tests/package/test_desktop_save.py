"""The app saves the package as ``cxy build`` writes it: the attachments are streamed out of the
draft into files (never read whole), and the package goes straight to the chosen file."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace

import pytest
from package_helpers import scan_pdf

from forms.cli import main
from forms.draft import Draft
from forms.package import build_package

pytest.importorskip("PySide6", reason="the desktop's output jobs need PySide6")
pytestmark = pytest.mark.slow  # whole packages


@pytest.fixture
def draft(tmp_path) -> Path:
    path = tmp_path / "a.cxy"
    assert main(["sample", "--category", "conference", "-o", str(path)]) == 0
    (tmp_path / "contract.pdf").write_bytes(scan_pdf("contract"))
    assert main(["attach", str(path), "--kind", "contract", "--title", "合同", str(tmp_path / "contract.pdf")]) == 0
    return path


def test_the_app_saves_the_package_cxy_build_writes_without_reading_attachments_whole(
    draft, tmp_path, pack, monkeypatch
):
    from desktop.output_jobs import build_inputs, save_package_job

    def whole(*args, **kwargs):
        raise AssertionError("an attachment was read whole")

    with Draft.open(draft, readonly=True) as opened:
        monkeypatch.setattr(Draft, "attachment_pdf", whole)
        session = SimpleNamespace(flush=lambda: None, readonly=False, draft=opened, pack=pack, final=False)
        inputs = build_inputs(session)
        monkeypatch.undo()
        data, attachments, _, final = inputs
        (info, held) = attachments[0]
        assert held.path.is_file() and held.sha256 == info.sha256
        dest = tmp_path / "out" / "package.pdf"
        dest.parent.mkdir()
        result = save_package_job(*inputs, dest, [draft])(lambda done, total: None, lambda: False)
    cli = tmp_path / "cli.pdf"
    assert main(["build", str(draft), "-o", str(cli)]) == 0
    assert dest.read_bytes() == cli.read_bytes() == result.pdf  # the same file as cxy build's
    assert result.pages > 1 and sorted(p.name for p in dest.parent.iterdir()) == ["package.pdf"]
    assert build_package(data, attachments, pack, final=final).pdf == result.pdf  # and as the preview's
    folder = held.path.parent
    del inputs, attachments, held, session
    gc.collect()
    assert not folder.exists()  # the copied-out attachments go with the last reference to them
