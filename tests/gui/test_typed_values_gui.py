"""Typing values as people write them: 2023年7月1日 and １２３４５６元 are shown and stored as the
contract holds them (2023-07-01, 12.3456 万元) with a note saying how; an impossible date is
refused with a clear note; an amount that looks typed in 元 gets a warning with a one-click fix;
the date picker opens in the category's contract window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from forms.pack import DEFAULT_PACK, load_pack
from forms.typed import opening_day

from .conftest import OFFSCREEN_NOISE, OFFSCREEN_RAISE
from .helpers import ime_commit, widget

pytestmark = pytest.mark.gui


def _clear(qtbot, edit) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)


def _key_events(target, text: str) -> None:
    """Characters a keyboard sends without an input method (a full-width layout sends １ as a
    key event carrying the text; QTest.keyClicks takes Latin-1 only)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def _note(window, path: str):
    return widget(window, f"{path}.note")


def _message(window, path: str) -> str:
    return " ".join(widget(window, f"{path}.message").lines)


def test_a_date_typed_in_chinese_is_stored_as_iso(qtbot, window):
    window.open_sample("conference")
    window.view.jump_to_field("contract.start")
    edit = widget(window, "contract.start")
    _clear(qtbot, edit)
    qtbot.keyClicks(edit, "2023")
    ime_commit(edit, "年")
    qtbot.keyClicks(edit, "7")
    ime_commit(edit, "月")
    qtbot.keyClicks(edit, "1")
    ime_commit(edit, "日")
    assert edit.text() == "2023年7月1日"  # not rewritten while typing
    assert window.session.get("contract.start") == "2023-07-01"
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "2023-07-01"
    assert window.session.flush()
    assert window.session.draft.get("contract.start") == "2023-07-01"


def test_an_amount_in_yuan_is_stored_in_wan_with_a_note(qtbot, window):
    window.open_sample("tech_vp")
    window.view.jump_to_field("contract.amount_wan")
    edit = widget(window, "contract.amount_wan")
    _clear(qtbot, edit)
    _key_events(edit, "１２３，４５６")  # full-width digits and comma, as a Chinese keyboard types them
    ime_commit(edit, "元")
    note = _note(window, "contract.amount_wan")
    assert note.isVisible() and "123456 元" in note.text() and "12.3456 万元" in note.text()
    assert window.session.get("contract.amount_wan") == "12.3456"
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "12.3456"
    assert note.isVisible()  # the note stays: the shown value is not what was typed
    assert window.session.flush()
    assert window.session.draft.get("contract.amount_wan") == "12.3456"
    window.grab().save("/tmp/typed/yuan_note.png")


def test_an_impossible_date_is_refused_with_a_clear_note(qtbot, window, prompter):
    window.open_sample("conference")
    window.view.jump_to_field("contract.end")
    edit = widget(window, "contract.end")
    _clear(qtbot, edit)
    qtbot.keyClicks(edit, "2025-2-30")
    note = _note(window, "contract.end")
    assert note.isVisible() and "2025年2月只有28天" in note.text()
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "2025-2-30"  # never moved to another day
    assert window.session.get("contract.end") == "2025-2-30"
    qtbot.waitUntil(lambda: any(i.field == "contract.end" and i.severity == "error" for i in window.session.issues))
    window.grab().save("/tmp/typed/impossible_date.png")


def test_an_amount_typed_in_yuan_as_wan_is_warned_and_fixed_in_one_click(qtbot, window):
    window.open_sample("tech_vp")
    window.view.jump_to_field("contract.amount_wan")
    edit = widget(window, "contract.amount_wan")
    _clear(qtbot, edit)
    qtbot.keyClicks(edit, "1234567")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "是否按元填写" in _message(window, "contract.amount_wan"))
    assert "123.4567 万元" in _message(window, "contract.amount_wan")
    fix = widget(window, "contract.amount_wan.fix")
    assert fix.isVisible() and "123.4567" in fix.text()
    window.grab().save("/tmp/typed/units_warning.png")
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert edit.text() == "123.4567"
    assert window.session.get("contract.amount_wan") == "123.4567"
    qtbot.waitUntil(lambda: "是否按元填写" not in _message(window, "contract.amount_wan"))
    assert not fix.isVisible()
    assert "1234567 元" in _note(window, "contract.amount_wan").text()
    assert window.session.flush()
    assert window.session.draft.get("contract.amount_wan") == "123.4567"


# A popup grabs the keyboard; the offscreen test platform cannot and says so.
@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, OFFSCREEN_RAISE, "This plugin does not support grabbing the keyboard")
@pytest.mark.parametrize(("category", "field"), [("conference", "start"), ("conference", "end"), ("tech_vp", "start")])
def test_the_date_picker_opens_in_the_contract_window(qtbot, window, category, field):
    window.open_sample(category)
    path = f"contract.{field}"
    window.view.jump_to_field(path)
    edit = widget(window, path)
    _clear(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.mouseClick(widget(window, f"{path}.calendar"), Qt.MouseButton.LeftButton)
    calendar = _open_calendar(window, path)
    rule = getattr(load_pack(DEFAULT_PACK).category(category), field)
    day = opening_day(rule)
    assert (calendar.yearShown(), calendar.monthShown()) == (day.year, day.month)
    if (category, field) == ("conference", "start"):
        assert (calendar.yearShown(), calendar.monthShown()) == (2023, 6)  # D6: from 2023-06-01
        calendar.grab().save("/tmp/typed/conference_start_calendar.png")
    calendar.close()


def _open_calendar(window, path: str):
    from PySide6.QtWidgets import QCalendarWidget

    shown = [c for c in window.findChildren(QCalendarWidget) if c.isVisible()]
    assert len(shown) == 1, f"{path}: {len(shown)} calendars shown"
    return shown[0]


def test_a_payment_row_reads_typed_values_too(qtbot, window):
    window.open_sample("tech_trade")
    window.view.jump_to_field("payments.0.amount_wan")
    amount = widget(window, "payments.0.amount_wan")
    _clear(qtbot, amount)
    _key_events(amount, "５００００")
    ime_commit(amount, "元")
    qtbot.keyClick(amount, Qt.Key.Key_Tab)
    date = widget(window, "payments.0.date")
    _clear(qtbot, date)
    _key_events(date, "２０２３")
    ime_commit(date, "年")
    qtbot.keyClicks(date, "8")
    ime_commit(date, "月")
    qtbot.keyClicks(date, "1")
    ime_commit(date, "日")
    qtbot.keyClick(date, Qt.Key.Key_Tab)
    assert (amount.text(), date.text()) == ("5", "2023-08-01")
    assert "50000 元" in _note(window, "payments.0.amount_wan").text()
    assert window.session.flush()
    draft = window.session.draft
    assert (draft.get("payments.0.amount_wan"), draft.get("payments.0.date")) == ("5", "2023-08-01")
    window.grab().save("/tmp/typed/payment_row.png")


def test_the_note_and_the_fix_speak_english(qtbot, open_window):
    window = open_window(lang="en")
    window.open_sample("tech_vp")
    window.view.jump_to_field("contract.amount_wan")
    edit = widget(window, "contract.amount_wan")
    _clear(qtbot, edit)
    qtbot.keyClicks(edit, "300000")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    fix = widget(window, "contract.amount_wan.fix")
    qtbot.waitUntil(fix.isVisible)
    assert fix.text() == "Typed in CNY: make it 30 × 10k CNY"
    qtbot.waitUntil(lambda: "Was it typed in CNY?" in _message(window, "contract.amount_wan"))
    window.grab().save("/tmp/typed/units_warning_en.png")
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert edit.text() == "30"
    assert _note(window, "contract.amount_wan").text() == "converted 300000 CNY to 30 × 10k CNY"


def test_importing_json_in_the_app_reads_typed_values_and_says_what_it_converted(qtbot, window, prompter, tmp_path):
    import json

    from forms.samples import sample

    data = sample("conference")
    data["contract"].update(start="2023年7月1日", amount_wan="８００，０００元")
    source = tmp_path / "typed.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    prompter.paths.append(tmp_path / "typed.cxy")
    window.import_json(source)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60000)
    assert window.session.get("contract.start") == "2023-07-01"
    assert window.session.get("contract.amount_wan") == "80"
    assert "已按 800000 元换算为 80 万元" in window.banner.text()
    window.grab().save("/tmp/typed/import_banner.png")
