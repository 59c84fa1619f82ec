"""The merge view and the history view on their own: what forms' diff and history hand them
is shown row by row, and the merge choices come back keyed the way forms' merge reads them."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop import i18n
from desktop.pages.merge_dialog import CONFLICT_BACKGROUND, MergeDialog
from desktop.widgets.history_view import HistoryDialog

pytestmark = pytest.mark.gui


def info(sha: str, kind: str, title: str, pages: int = 2):
    return NS(sha256=sha, kind=kind, title=title, pages=pages)


def a_diff():
    fields = [
        NS(
            path="enterprise.contact.name",
            label="企业联系人",
            ours="王堃",
            theirs="王立新",
            base="王堃",
            conflict=False,
        ),
        NS(path="project.name", label="项目名称", ours="新名称", theirs="旧名称", base="旧名称", conflict=False),
        NS(path="enterprise.name", label="合作企业", ours="甲公司", theirs="乙公司", base="丙公司", conflict=True),
    ]
    attachments = [
        NS(change="added", ours=None, theirs=info("a" * 64, "payment_proof", "到账凭证"), conflict=False),
        NS(change="removed", ours=info("b" * 64, "other", "旧说明"), theirs=None, conflict=False),
        NS(
            change="changed",
            ours=info("c" * 64, "contract", "合同"),
            theirs=info("d" * 64, "contract", "合同", 3),
            conflict=True,
        ),
    ]
    return NS(fields=fields, attachments=attachments, same=False)


def test_every_difference_is_a_row_conflicts_first_and_highlighted(qtbot):
    dialog = MergeDialog(a_diff(), "返回.cxy")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 6
    assert dialog.keys[0] == "enterprise.name"  # the conflict leads
    assert dialog.conflicts == ["enterprise.name", "attachment:" + "d" * 64]
    row = dialog.row_of("enterprise.name")
    assert dialog.table.item(row, 1).text() == "合作企业（冲突）"
    assert (dialog.table.item(row, 2).text(), dialog.table.item(row, 3).text()) == ("甲公司", "乙公司")
    assert "丙公司" in dialog.table.item(row, 3).toolTip()  # the value at the hand-off
    assert dialog.table.item(row, 0).background().color().name() == CONFLICT_BACKGROUND
    other = dialog.row_of("enterprise.contact.name")
    assert dialog.table.item(other, 0).background().color().name() != CONFLICT_BACKGROUND
    added = dialog.row_of("attachment:" + "a" * 64)
    assert dialog.table.item(added, 1).text() == "附件（对方新增）"
    assert dialog.table.item(added, 2).text() == "（无）" and "到账凭证" in dialog.table.item(added, 3).text()
    assert "attachment:" + "b" * 64 in dialog.keys  # a removed file is keyed by the file it was


def test_defaults_take_their_changes_keep_ours_and_leave_conflicts_to_the_user(qtbot):
    dialog = MergeDialog(a_diff(), "返回.cxy")
    qtbot.addWidget(dialog)
    choices = dialog.choices()
    assert choices["enterprise.contact.name"] == "theirs"  # changed only on their side
    assert choices["project.name"] == "ours"  # changed only on ours: taking theirs would undo it
    assert choices["enterprise.name"] == "ours"
    assert choices["attachment:" + "d" * 64] == "ours"
    merged = []
    dialog.merge_requested.connect(merged.append)
    dialog.show()
    qtbot.mouseClick(dialog.all_theirs, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert merged == [dict.fromkeys(dialog.keys, "theirs")] and not dialog.isVisible()


def test_cancel_merges_nothing(qtbot):
    dialog = MergeDialog(a_diff(), "返回.cxy")
    qtbot.addWidget(dialog)
    merged = []
    dialog.merge_requested.connect(merged.append)
    dialog.show()
    dialog.findChild(type(dialog.merge_button), "merge.cancel").click()
    assert merged == [] and not dialog.isVisible()


def test_the_views_speak_english(qtbot, window):
    i18n.install("en")
    dialog = MergeDialog(a_diff(), "back.cxy", label_of={"enterprise.name": "Partner enterprise"}.get)
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 1).text() == "Partner enterprise (conflict)"
    assert dialog.table.horizontalHeaderItem(3).text() == "Theirs"
    added = dialog.row_of("attachment:" + "a" * 64)
    assert dialog.table.item(added, 1).text() == "Attachment (added by them)"
    assert dialog.all_theirs.text() == "Take all &theirs"
    window.open_sample()
    history = HistoryDialog(window.session, [], window)
    qtbot.addWidget(history)
    assert history.windowTitle() == "Change record"
    assert "No changes recorded yet" in history.findChild(QLabel, "history.empty").text()


def test_history_rows_name_the_field_the_role_and_old_to_new_newest_first(qtbot, window):
    window.open_sample()
    entries = [
        NS(at="2026-12-01T10:00:00+00:00", role=None, action="handoff", path=None, old=None, new=None, note=""),
        NS(
            at="2026-12-02T09:30:00+00:00",
            role="nobody-known",
            action="merge",
            path="enterprise.name",
            old="甲公司",
            new="乙公司",
            note="采用对方",
        ),
    ]
    history = HistoryDialog(window.session, entries, window)
    qtbot.addWidget(history)
    table = history.table
    assert table.rowCount() == 2
    newest = [table.item(0, c).text() for c in range(5)]
    assert newest[0].startswith("2026-12-02") and newest[1] == "nobody-known"
    assert newest[2] == window.session.spec("enterprise.name").label("zh")
    assert newest[3] == "甲公司 → 乙公司" and newest[4] == "采用对方"
    oldest = [table.item(1, c).text() for c in range(5)]
    assert oldest[2] == "交出填写" and oldest[3] == ""
