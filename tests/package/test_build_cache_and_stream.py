"""Issue 14 item 2: `cxy build` streams the attachments out of the draft (never all of them, nor
the package, as bytes) and reuses rendered documents while nothing they depend on changed — but
never prints a stale one."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from package_helpers import scan_pdf
from pypdf import PdfReader

from forms.cli import main
from forms.draft import Draft, DraftError
from forms.package import build_package, write_package
from forms.render import cache as render_cache

pytestmark = pytest.mark.slow  # each test builds whole packages (about 20 s in all): not in the quick loop


@pytest.fixture
def draft(tmp_path) -> Path:
    path = tmp_path / "a.cxy"
    assert main(["sample", "--category", "conference", "-o", str(path)]) == 0
    (tmp_path / "contract.pdf").write_bytes(scan_pdf("contract"))
    assert main(["attach", str(path), "--kind", "contract", "--title", "合同", str(tmp_path / "contract.pdf")]) == 0
    return path


def _text(pdf: bytes | Path) -> str:
    reader = PdfReader(BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    return "".join(page.extract_text() for page in reader.pages)


def test_a_changed_field_prints_its_new_value_in_the_rebuilt_package(draft, tmp_path):
    package = tmp_path / "p.pdf"
    assert main(["build", str(draft), "-o", str(package)]) == 0
    with Draft.open(draft) as opened:
        old = opened.get("project.name")
        assert old and old in _text(package)
        opened.set("project.name", "流式构建缓存验证项目")
    render_cache.clear_memory()  # as a new process: only the disk entries are left
    assert main(["build", str(draft), "-o", str(package)]) == 0
    text = _text(package)
    assert "流式构建缓存验证项目" in text and old not in text


def test_a_second_build_with_no_change_reuses_every_rendering(draft, tmp_path, pack):
    with Draft.open(draft) as opened:
        data = opened.data()
        attachments = [(info, opened.attachment_pdf(info.id)) for info in opened.attachments()]
    first = build_package(data, attachments, pack)
    render_cache.clear_memory()
    hits, misses = render_cache.stats.hits, render_cache.stats.misses
    second = build_package(data, attachments, pack)
    assert render_cache.stats.misses == misses  # nothing rendered again
    assert render_cache.stats.hits - hits >= 3  # the documents, the cover and the footers came from the cache
    assert second.pdf == first.pdf


def test_a_different_pack_or_language_or_data_is_another_entry(pack):
    base = render_cache.key_of("document", pack, "zh", {"doc": "form", "data": {"a": 1}})
    assert render_cache.key_of("document", pack, "en", {"doc": "form", "data": {"a": 1}}) != base
    assert render_cache.key_of("document", pack, "zh", {"doc": "form", "data": {"a": 2}}) != base
    other = pack.model_copy(update={"period": pack.period + "（改）"})
    assert render_cache.key_of("document", other, "zh", {"doc": "form", "data": {"a": 1}}) != base


def test_an_altered_cache_entry_is_rendered_again(pack):
    made = []

    def make() -> bytes:
        made.append(1)
        return b"%PDF-1.4 rendered"

    inputs = {"probe": "altered"}
    assert render_cache.cached("probe", pack, "zh", inputs, make) == b"%PDF-1.4 rendered"
    entry = render_cache.folder() / f"{render_cache.key_of('probe', pack, 'zh', inputs)}.pdf"
    entry.write_bytes(entry.read_bytes()[:-3] + b"bad")
    render_cache.clear_memory()
    assert render_cache.cached("probe", pack, "zh", inputs, make) == b"%PDF-1.4 rendered"
    assert len(made) == 2


def test_cxy_build_reads_no_attachment_whole(draft, tmp_path, monkeypatch, pack):
    """The command copies each attachment out through incremental blob I/O; the whole-bytes
    reader is never called, and the file it writes is the package build_package makes."""
    with Draft.open(draft) as opened:
        data = opened.data()
        attachments = [(info, opened.attachment_pdf(info.id)) for info in opened.attachments()]
    expected = build_package(data, attachments, pack).pdf

    def whole(*_args, **_kwargs):
        raise AssertionError("an attachment was read whole")

    monkeypatch.setattr(Draft, "attachment_pdf", whole)
    package = tmp_path / "p.pdf"
    assert main(["build", str(draft), "-o", str(package)]) == 0
    assert package.read_bytes() == expected


def test_write_package_writes_the_same_file_as_build_package(draft, tmp_path, pack):
    with Draft.open(draft) as opened:
        data = opened.data()
        infos = opened.attachments()
        files = [(info, opened.attachment_file(info.id, tmp_path)) for info in infos]
        in_memory = [(info, opened.attachment_pdf(info.id)) for info in infos]
    out = tmp_path / "w.pdf"
    written = write_package(data, files, pack, out, final=True)
    assert written.pdf == b"" and written.path == out and written.size == out.stat().st_size
    assert out.read_bytes() == build_package(data, in_memory, pack, final=True).pdf


def test_a_damaged_attachment_is_named_when_copied_out(draft, tmp_path):
    import sqlite3

    with Draft.open(draft) as opened:
        info = opened.attachments()[-1]
    con = sqlite3.connect(draft)
    with con:
        con.execute("UPDATE attachments SET pdf = ? WHERE id = ?", (b"%PDF-1.4 not what was stored", info.id))
    con.close()
    with Draft.open(draft) as opened, pytest.raises(DraftError) as caught:
        opened.attachment_file(info.id, tmp_path)
    assert caught.value.code == "draft.attachment_damaged"
    assert not list(tmp_path.glob("attachment-*.pdf"))


def test_a_rebuild_from_the_render_cache_starts_neither_reportlab_nor_pillow(draft, tmp_path):
    """Issue 14 item 1/2: ``cxy build`` of an unchanged draft takes its documents, cover and
    footers from the cache, so it never pays for importing the drawing libraries."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from forms.cli import main\n"
        f"code = main(['build', {str(draft)!r}, '-o', {str(tmp_path / 'p.pdf')!r}])\n"
        "print(code, sorted(m for m in ('reportlab', 'PIL') if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    runs = [
        subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    last = [run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:] for run in runs]
    assert last[0].startswith("0 ")  # the first build drew what the cache lacked
    assert last[1] == "0 []"  # the second: everything drawn came from the cache
