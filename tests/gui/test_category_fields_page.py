"""The wizard builds a new category's own fields from the pack alone (issue 15 item 3): the
temp-folder pack with 双高协同 shows its two fields on the first step, typing them (Chinese
through the input method) stores them in the draft, and an empty one is the S1 error."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop.pages.field_page import FieldPage
from desktop.session import Session
from desktop.steps import StepMap
from forms.draft import Draft
from forms.pack import load_pack_dir
from tests.pack_writer import write_dual_high_pack

from .helpers import ime_commit

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, tmp_path):
    pack = load_pack_dir(write_dual_high_pack(tmp_path / "test-dual-high"))
    path = tmp_path / "dual.cxy"
    draft = Draft.create(path, pack=pack.id, category="dual_high")
    session = Session(draft, path, pack)
    shown = FieldPage(pack.steps[0], session, StepMap(pack, "dual_high"))
    qtbot.addWidget(shown)
    shown.show()
    yield shown, session, draft
    session.closed = True
    draft.close()


def test_the_new_fields_are_on_the_first_step_and_typed_into_the_draft(qtbot, page):
    shown, session, draft = page
    college = shown.findChild(QLineEdit, "dual_high.college")
    group = shown.findChild(QLineEdit, "dual_high.major_group")
    assert college is not None and group is not None
    assert college.accessibleName() == "双高计划建设单位" and group.accessibleName() == "专业群名称"
    assert shown.findChild(QLineEdit, "tech_vp.cohort_year") is None  # another category's field

    ime_commit(college, "无锡职业技术学院")
    qtbot.keyClick(college, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: session.flush() and draft.get("dual_high.college") == "无锡职业技术学院")
    session.recheck()
    assert [(i.field, i.code) for i in session.issues if i.field.startswith("dual_high.")] == [
        ("dual_high.major_group", "S1")
    ]
