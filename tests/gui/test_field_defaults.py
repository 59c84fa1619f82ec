"""An optional field the output fills in when left empty shows that default as its placeholder,
as forms.derive computes it from what was typed elsewhere."""

from __future__ import annotations

import pytest

from .helpers import set_value, widget
from .test_fill import new_application

pytestmark = pytest.mark.gui


def test_the_routing_and_letter_defaults_follow_what_was_typed(qtbot, window, prompter, tmp_path):
    new_application(qtbot, window, prompter, tmp_path, "tech_vp")
    set_value(qtbot, window, "enterprise.county", "江阴市")
    set_value(qtbot, window, "university.name", "江南大学")
    local = widget(window, "routing.local_bureau")
    qtbot.waitUntil(lambda: local.placeholderText() == "留空则为：江阴市科技局")
    window.view.jump_to_field("letters.authority.name")
    authority, unit = widget(window, "letters.authority.name"), widget(window, "letters.unit.unit_name")
    qtbot.waitUntil(lambda: authority.placeholderText() == "留空则为：江阴市科技局")
    assert unit.placeholderText() == "留空则为：江南大学"
    set_value(qtbot, window, "routing.local_bureau", "无锡市江阴市科学技术局")  # typed: the letter follows it
    window.view.jump_to_field("letters.authority.name")
    qtbot.waitUntil(lambda: authority.placeholderText() == "留空则为：无锡市江阴市科学技术局")
