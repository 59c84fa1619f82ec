"""The office's print queue: the page count and paper estimate before printing, and one sealed
print-set PDF per final application written beside (never over) the researchers' files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from forms.draft import Draft
from forms.office.print_queue import file_name, plan, write_sets
from forms.pack import DEFAULT_PACK, load_pack
from forms.samples import fill_sample
from forms.workflow.finalise import finalise


@pytest.fixture(scope="module")
def pack():
    return load_pack(DEFAULT_PACK)


def make_draft(path: Path, pack, category: str, project: str, *, final: bool) -> Path:
    with Draft.create(path, pack=pack.id, category=category) as draft:
        fill_sample(draft, category, pack)
        draft.set("project.name", project)
        if final:
            finalise(draft, pack)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory, pack) -> Path:
    root = tmp_path_factory.mktemp("office")
    make_draft(root / "a.cxy", pack, "tech_vp", "智能成型工艺研究", final=True)
    make_draft(root / "b.cxy", pack, "tech_trade", "新型传感器/检测系统:产业化", final=True)
    make_draft(root / "c.cxy", pack, "tech_vp", "尚未定稿的项目", final=False)
    (root / "d.json").write_text("{}", encoding="utf-8")
    return root


def pages_of(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_plan_counts_pages_and_paper_in_the_given_order(folder, pack):
    order = [folder / "b.cxy", folder / "c.cxy", folder / "a.cxy", folder / "d.json"]
    stamps = {p: os.stat(p).st_mtime_ns for p in order}
    steps: list[tuple[int, int]] = []
    queue = plan(order, pack, progress=lambda done, total: steps.append((done, total)))

    assert [e.path.name for e in queue.entries] == ["b.cxy", "a.cxy"]
    assert [p.name for p, _ in queue.skipped] == ["c.cxy", "d.json"]
    assert "定稿" in {p.name: r for p, r in queue.skipped}["c.cxy"]
    assert steps[-1] == (4, 4)
    copies = len(pack.copies)
    assert all(e.copies == copies and e.pages % copies == 0 for e in queue.entries)
    assert queue.pages() == sum(e.pages for e in queue.entries)
    assert queue.sheets() == queue.pages()
    # both sides: each copy on its own sheets, so never fewer than half the pages
    assert queue.pages() / 2 <= queue.sheets(duplex=True) < queue.pages()
    assert queue.summary() == f"共 2 份申请（{2 * copies} 套纸质材料，{queue.pages()} 页），约 {queue.sheets()} 张纸"
    assert "2 applications" in queue.summary("en")
    assert {p: os.stat(p).st_mtime_ns for p in order} == stamps  # nothing read was changed
    assert not list(folder.glob("*.~lock*")) and not list(folder.glob("*-wal"))


def test_one_print_set_per_application_named_by_project(folder, pack, tmp_path):
    queue = plan([folder / "a.cxy", folder / "b.cxy"], pack)
    out = tmp_path / "prints"
    written, notes = write_sets(queue, pack, out)

    assert [p.name for p in written] == ["01 智能成型工艺研究.pdf", "02 新型传感器 检测系统 产业化.pdf"]
    assert [pages_of(p) for p in written] == [e.pages for e in queue.entries]
    assert notes == []
    first = PdfReader(io.BytesIO(written[0].read_bytes()))
    text = first.pages[0].extract_text()
    assert "报送清单" in text  # each copy starts with its routing slip

    # a file of someone else's under that name is kept; ours goes beside it
    (out / "01 智能成型工艺研究.pdf").write_bytes(b"the office's own notes")
    again, notes = write_sets(queue, pack, out)
    assert (out / "01 智能成型工艺研究.pdf").read_bytes() == b"the office's own notes"
    assert again[0].name == "01 智能成型工艺研究-2.pdf" and len(notes) == 1
    assert again[1] == written[1]  # our own earlier file is replaced in place


def test_the_drafts_folder_itself_is_refused(folder, pack):
    from forms.errors import UserError

    queue = plan([folder / "a.cxy"], pack)
    with pytest.raises(UserError):
        write_sets(queue, pack, folder / "a.cxy")


def test_file_names_are_plain_and_short():
    assert file_name(3, 'a/b\\c:d*e?f"g<h>i|j\x00k') == "03 a b c d e f g h i j k.pdf"
    assert file_name(1, "  ...  ") == "01 申请.pdf"
    assert len(file_name(12, "国" * 200)) == len("12 ") + 60 + len(".pdf")
