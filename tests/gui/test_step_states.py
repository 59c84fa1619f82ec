"""The step list tells a step's state at a glance: ✖ a step where something entered is wrong,
○ a step not started (or with only untouched fields still missing), ✓ only a complete one,
! warnings only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop import opening
from desktop.widgets.step_icons import STATES
from forms.pack import load_pack
from forms.samples import sample

from .helpers import set_value, widget

pytestmark = pytest.mark.gui
OUT = Path(__file__).resolve().parents[2] / "out"
STATE_ROLE = Qt.ItemDataRole.UserRole + 1


def open_draft(open_window, tmp_path, data):
    window = open_window()
    path = tmp_path / "steps.cxy"
    opening.create(path, window.pack, data["category"], data).close()
    window.open_path(path)
    assert window.session is not None
    return window


def shown_states(window) -> dict[str, str]:
    view = window.view
    return {page.key: view.step_list.item(row).data(STATE_ROLE) for row, page in enumerate(view.pages)}


def icon_centre(window, key: str) -> QColor:
    view = window.view
    item = view.step_list.item(view.keys().index(key))
    image = item.icon().pixmap(36, 36).toImage()
    return image.pixelColor(image.width() // 2, image.height() // 4)  # inside the disc, off the mark


def test_untouched_wrong_and_complete_steps(qtbot, open_window, tmp_path):
    data = sample("tech_vp")
    data.pop("contract")  # the contract step: never started
    data.pop("payments")
    data["university"]["uscc"] = data["university"]["uscc"][:17] + (
        "0" if data["university"]["uscc"][17] != "0" else "1"
    )
    window = open_draft(open_window, tmp_path, data)
    view = window.view

    assert view.step_state("contract") == "todo"
    assert view.step_state("parties") == "error"
    assert view.step_state("project") == "complete"
    assert view.step_state("declarations") == "complete"
    assert shown_states(window)["contract"] == "todo"
    assert shown_states(window)["parties"] == "error"
    assert shown_states(window)["project"] == "complete"
    # The icons: a red disc, a green disc, a grey ring with nothing inside.
    assert icon_centre(window, "parties").name() == STATES["error"][0]
    assert icon_centre(window, "project").name() == STATES["complete"][0]
    assert icon_centre(window, "contract").alpha() == 0
    tooltips = {
        key: view.step_list.item(view.keys().index(key)).toolTip() for key in ("contract", "parties", "project")
    }
    assert tooltips == {"contract": "待填写", "parties": "有错误", "project": "已完成"}
    OUT.mkdir(exist_ok=True)
    view.step_list.grab().save(str(OUT / "step-states.png"))

    # Starting the contract step with a wrong start date makes it ✖; an empty field nobody
    # touched yet (the contract type) does not.
    set_value(qtbot, window, "contract.start", "2020-01-01")
    qtbot.waitUntil(lambda: view.step_state("contract") == "error")
    set_value(qtbot, window, "contract.start", sample("tech_vp")["contract"]["start"])
    qtbot.waitUntil(lambda: view.step_state("contract") == "todo")


def test_a_new_application_shows_no_step_with_errors(qtbot, open_window, tmp_path):
    """Nothing entered is nothing wrong: every step to fill is ○, not ✖."""
    window = open_draft(open_window, tmp_path, {"pack": load_pack().id, "category": "conference"})
    states = shown_states(window)
    fill_steps = [key for key in window.view.step_map.fields if key != "letters"] + ["attachments"]
    assert {states[key] for key in fill_steps} == {"todo"}
    assert states["review"] == "error"  # the check step still lists what is missing


def test_an_untouched_drop_down_is_quiet_until_chosen_and_cleared(qtbot, open_window, tmp_path):
    """A new application's page shows no red line for a rule about a field nobody has entered;
    a drop-down chosen and cleared again asks to be chosen (请选择), and its step becomes ✖."""
    window = open_draft(open_window, tmp_path, {"pack": load_pack().id, "category": "tech_vp"})
    view = window.view
    view.go_to_key("contract")
    message = widget(window, "contract.type.message")
    payments = widget(window, "payments").message  # the table editor's own line
    assert not message.isVisible() and not payments.isVisible()
    combo = widget(window, "contract.type")
    combo.setFocus()
    combo.setCurrentIndex(1)
    combo.setCurrentIndex(0)  # back to （请选择）
    qtbot.waitUntil(message.isVisible)
    assert message.lines == ["请选择“五技合同类型”。"]
    assert view.step_state("contract") == "error"
    OUT.mkdir(exist_ok=True)
    window.grab().save(str(OUT / "drop-down-required.png"))
