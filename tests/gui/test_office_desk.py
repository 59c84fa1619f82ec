"""The research office's desk: a folder of valid, invalid, duplicate-leader, non-final and
damaged applications shows one row each and the cross-application checks; it sorts, filters,
opens one for editing, and queues the final ones for printing — without changing any file it
did not open for editing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from desktop import workers
from desktop.office.desk import DeskWindow, open_desk
from desktop.services import Services
from forms.draft import Draft
from forms.pack import DEFAULT_PACK, load_pack
from forms.samples import fill_sample, uscc
from forms.workflow.finalise import finalise

GIVEN = "明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英"
PACK = load_pack(DEFAULT_PACK)


def make(
    path: Path,
    n: int,
    category: str = "tech_vp",
    *,
    leader: str | None = None,
    final: bool = False,
    amount: str | None = None,
    broken: bool = False,
) -> Path:
    """A sample application of its own (leader, enterprise and project differ by ``n``)."""
    with Draft.create(path, pack=PACK.id, category=category) as draft:
        fill_sample(draft, category, PACK)
        name = leader or ("王" + GIVEN[n % len(GIVEN)] + GIVEN[(n * 7 + 3) % len(GIVEN)])
        draft.set_many(
            {
                "leader.name": name,
                "letters.leader.signer": name,
                "enterprise.uscc": uscc(f"91321302MA1XY2{n:03d}"),
                "enterprise.name": f"江苏第{n}科技有限公司",
                "project.name": f"项目{n:02d} 智能制造关键技术研发",
            }
        )
        if amount:
            draft.set("contract.amount_wan", amount)
        if broken:
            draft.set("project.name", "")
        if final:
            finalise(draft, PACK)
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("office")
    make(root / "a-final.cxy", 1, final=True, leader="李镕喆", amount="85")
    make(root / "b-final.cxy", 2, "tech_trade", final=True, amount="300")
    make(root / "c-open.cxy", 3, "conference", amount="1000")
    make(root / "d-same-leader.cxy", 4, leader="李镕喆")
    make(root / "e-invalid.cxy", 5, broken=True)
    (root / "f-damaged.cxy").write_bytes((root / "a-final.cxy").read_bytes()[:3000])
    return root


@pytest.fixture
def folder(made, tmp_path) -> Path:
    """A fresh copy per test (a test may open one for editing)."""
    import shutil

    copy = tmp_path / "received"
    shutil.copytree(made, copy)
    return copy


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir())}


@pytest.fixture
def desk(qtbot, prompter, folder):
    def close(window):
        qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)

    window = open_desk(folder, Services(prompter=prompter))
    qtbot.addWidget(window, before_close_func=close)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.batch is not None and window.job is None, timeout=60000)
    yield window
    workers.wait_all()


def shown(desk: DeskWindow, key: str = "file") -> list[str]:
    from desktop.office.model import KEYS

    column = KEYS.index(key)
    return [desk.proxy.index(r, column).data() for r in range(desk.proxy.rowCount())]


def click_header(qtbot, desk: DeskWindow, key: str) -> None:
    from desktop.office.model import KEYS

    header = desk.table.horizontalHeader()
    section = KEYS.index(key)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_rows_and_cross_checks_without_changing_a_file(desk, folder):
    before = stamps(folder)
    rows = {row.file: row for row in desk.model.rows}
    assert sorted(rows) == [
        "a-final.cxy",
        "b-final.cxy",
        "c-open.cxy",
        "d-same-leader.cxy",
        "e-invalid.cxy",
        "f-damaged.cxy",
    ]
    assert shown(desk, "final")[:2] == ["✔ 已定稿", "✔ 已定稿"]
    assert shown(desk, "contract")[:3] == ["85.00", "300.00", "1,000.00"]
    damaged = shown(desk, "project")[5]
    assert damaged.startswith("无法读取：") and rows["f-damaged.cxy"].reason in damaged
    assert int(shown(desk, "errors")[4]) >= 1  # the invalid one
    # the panel: each application of the same leader, naming the other
    items = sorted(desk.cross.item(i).text() for i in range(desk.cross.count()))
    assert len(items) == 2 and all("李镕喆" in item for item in items)
    assert items[0].startswith("a-final.cxy：") and "d-same-leader.cxy" in items[0]
    assert items[1].startswith("d-same-leader.cxy：") and "a-final.cxy" in items[1]
    assert "共 6 个文件" in desk.summary.text() and "1 个无法读取" in desk.summary.text()
    assert stamps(folder) == before  # read, never written: no lock file, no journal, same mtimes


def test_sort_by_clicking_a_header(qtbot, desk):
    click_header(qtbot, desk, "contract")
    # as amounts, not text ("1,000.00" < "300.00" as text); the unreadable file last
    assert shown(desk, "contract")[:3] == ["80.00", "80.00", "85.00"]
    assert shown(desk, "contract")[4] == "1,000.00" and shown(desk)[-1] == "f-damaged.cxy"
    click_header(qtbot, desk, "contract")
    assert shown(desk, "contract")[:2] == ["1,000.00", "300.00"] and shown(desk)[-1] == "f-damaged.cxy"
    click_header(qtbot, desk, "leader")
    leaders = [x for x in shown(desk, "leader") if x]
    assert leaders == sorted(leaders, key=str.casefold)


def test_filter_by_text_and_state(qtbot, desk):
    QTest.keyClicks(desk.search, "final")
    assert shown(desk) == ["a-final.cxy", "b-final.cxy"]
    desk.search.clear()
    desk.state.setCurrentIndex(desk.state.findData("issues"))
    assert shown(desk) == ["a-final.cxy", "d-same-leader.cxy", "e-invalid.cxy", "f-damaged.cxy"]
    desk.state.setCurrentIndex(desk.state.findData("not_final"))
    assert shown(desk) == ["c-open.cxy", "d-same-leader.cxy", "e-invalid.cxy", "f-damaged.cxy"]
    QTest.keyClicks(desk.search, "open")
    assert shown(desk) == ["c-open.cxy"]
    desk.state.setCurrentIndex(desk.state.findData("final"))
    assert shown(desk) == []
    desk.state.setCurrentIndex(desk.state.findData("all"))
    desk.search.clear()
    assert desk.proxy.rowCount() == 6


def test_double_click_opens_it_for_editing(qtbot, desk, folder):
    from desktop.main_window import window_editing

    rows = shown(desk)
    row = rows.index("c-open.cxy")
    rect = desk.table.visualRect(desk.proxy.index(row, 2))
    QTest.mouseClick(
        desk.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )  # a double click starts with a click
    QTest.mouseDClick(desk.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window_editing(folder / "c-open.cxy") is not None)
    window = window_editing(folder / "c-open.cxy")
    qtbot.addWidget(window, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
    assert window.session is not None and Path(window.session.path).name == "c-open.cxy"
    assert desk.opened == [window] and window.isVisible()
    # its dialogs have their own parent: closing it leaves the desk's prompter with the desk
    assert window.services.prompter is not desk.services.prompter and desk.services.prompter.window is desk
    # a damaged file is not opened (Enter on its row): the status line says why
    desk.table.setFocus()
    desk.table.setCurrentIndex(desk.proxy.index(rows.index("f-damaged.cxy"), 0))
    QTest.keyClick(desk.table, Qt.Key.Key_Return)
    assert "f-damaged.cxy" in desk.statusBar().currentMessage()


def test_print_queue_estimate_pdfs_and_printing(qtbot, desk, prompter, tmp_path, folder):
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtPrintSupport import QPrinter

    from forms.office.print_queue import plan

    click_header(qtbot, desk, "contract")
    click_header(qtbot, desk, "contract")  # descending: b (300) before a (85)
    selection = desk.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for name in ("a-final.cxy", "b-final.cxy", "c-open.cxy"):  # c is not final: not queued
        selection.select(desk.proxy.index(shown(desk).index(name), 0), flags)
    before = stamps(folder)
    QTest.mouseClick(desk.print_button, Qt.MouseButton.LeftButton)
    dialog = desk.queue_dialog
    qtbot.addWidget(dialog, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.job is None, timeout=60000)
    assert [e.path.name for e in dialog.plan.entries] == ["b-final.cxy", "a-final.cxy"]  # the table's order
    expected = plan([folder / "b-final.cxy", folder / "a-final.cxy"], PACK)
    assert [e.pages for e in dialog.plan.entries] == [e.pages for e in expected.entries]
    assert dialog.estimate.text() == expected.summary()
    assert dialog.estimate.text().startswith("共 2 份申请（6 套纸质材料，")
    # a final draft can still share its leader with another: said before printing
    assert (
        dialog.flagged.isVisible() and "a-final.cxy" in dialog.flagged.text() and "b-final" not in dialog.flagged.text()
    )
    QTest.mouseClick(dialog.duplex, Qt.MouseButton.LeftButton)
    assert dialog.estimate.text() == expected.summary(duplex=True)

    out = tmp_path / "prints"
    prompter.paths.append(out)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job is None and bool(dialog.written), timeout=60000)
    assert [p.name for p in dialog.written] == [
        "01 项目02 智能制造关键技术研发.pdf",
        "02 项目01 智能制造关键技术研发.pdf",
    ]
    assert [len(PdfReader(io.BytesIO(p.read_bytes())).pages) for p in dialog.written] == [
        e.pages for e in expected.entries
    ]

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    prompter.printers.append(printer)
    QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert prompter.copies == [1]  # every set already holds its three copies
    qtbot.waitUntil(lambda: dialog.job is None and bool(dialog.sent), timeout=120000)
    assert dialog.sent == expected.pages() == len(PdfReader(printed).pages)
    assert stamps(folder) == before


def test_refresh_reads_the_folder_again(qtbot, desk, folder):
    make(folder / "g-new.cxy", 7)
    QTest.mouseClick(desk.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.job is None and desk.model.rowCount() == 7, timeout=60000)
    assert "g-new.cxy" in shown(desk)


def test_export_the_summary_table(qtbot, desk, prompter, folder, tmp_path):
    from openpyxl import load_workbook

    before = stamps(folder)
    prompter.paths.append(tmp_path / "汇总")  # no suffix: .xlsx is added
    QTest.mouseClick(desk.export_button, Qt.MouseButton.LeftButton)
    sheet = load_workbook(tmp_path / "汇总.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["序号", "项目名称", "类别"]
    assert sheet.max_row == 1 + 6  # every row, whatever the filter shows
    # a name that is a folder is refused in one line (forms' output checks), nothing written
    (tmp_path / "a folder.xlsx").mkdir()
    prompter.paths.append(tmp_path / "a folder.xlsx")
    QTest.mouseClick(desk.export_button, Qt.MouseButton.LeftButton)
    assert prompter.errors and prompter.errors[-1][0] == "无法导出汇总表"
    assert not any((tmp_path / "a folder.xlsx").iterdir())
    assert stamps(folder) == before


def test_nothing_final_selected_says_so(qtbot, desk, prompter):
    desk.table.selectRow(shown(desk).index("c-open.cxy"))
    QTest.mouseClick(desk.print_button, Qt.MouseButton.LeftButton)
    assert desk.queue_dialog is None and prompter.infos and "已定稿" in prompter.infos[-1][1]


def test_start_page_opens_the_desk_on_a_chosen_folder(qtbot, window, prompter, folder):
    from desktop.office import desk as desk_module

    prompter.paths.append(folder)
    QTest.mouseClick(window.start_page.office_button, Qt.MouseButton.LeftButton)
    opened = desk_module._desks[-1]
    qtbot.addWidget(opened, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
    assert prompter.asked[-1][0] == "choose_folder" and opened.folder == folder
    qtbot.waitUntil(lambda: opened.batch is not None and opened.job is None, timeout=60000)
    assert opened.model.rowCount() == 6


def test_office_option_opens_the_desk(qtbot, monkeypatch, folder, request):
    from desktop import app as app_module
    from desktop import i18n
    from desktop.office import desk as desk_module

    class NoLoop:  # main() returns at once instead of running the event loop
        def exec(self) -> int:
            return 0

    app_module.ensure_app()
    monkeypatch.setattr(app_module, "ensure_app", lambda argv=None: NoLoop())
    monkeypatch.setattr("desktop.failures.install", lambda: None)
    before = list(desk_module._desks)
    request.addfinalizer(lambda: i18n.install("zh"))  # the next test speaks the default again
    assert app_module.main(["--office", str(folder), "--lang", "en"]) == 0
    (opened,) = [d for d in desk_module._desks if d not in before]
    qtbot.addWidget(opened, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
    qtbot.waitUntil(lambda: opened.batch is not None and opened.job is None, timeout=60000)
    assert opened.folder == folder and opened.model.rowCount() == 6
    assert opened.model.headerData(2, Qt.Orientation.Horizontal) == "Project"
