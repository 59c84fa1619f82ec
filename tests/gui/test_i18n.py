"""Chinese by default, English complete: every translatable literal has English, and the English
window shows no Chinese outside user data."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget

from desktop.strings_en import EN

pytestmark = pytest.mark.gui
DESKTOP = Path(__file__).resolve().parents[2] / "desktop"
HAN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")


def source_strings() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(DESKTOP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name in ("tr", "N_") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, path.name)
    return found


def test_every_source_string_has_english():
    strings = source_strings()
    assert len(strings) > 100
    missing = {text: where for text, where in strings.items() if text not in EN}
    assert not missing
    stale = [text for text in EN if text not in strings]
    assert not stale


def test_placeholders_survive_translation():
    for source, english in EN.items():
        assert set(re.findall(r"\{\w+\}", source)) == set(re.findall(r"\{\w+\}", english)), source


def pack_names() -> set[str]:
    """Chinese proper names the pack's English keeps (专精特新, 技联在线, …)."""
    from forms.pack import load_pack

    names: set[str] = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key == "en":
            names.update(re.findall(r"[\u4e00-\u9fff]+", node))

    walk(load_pack().model_dump())
    return names


def chinese_in(texts: list[str], allowed: set[str]) -> list[str]:
    found = []
    for text in texts:
        for name in sorted(allowed, key=len, reverse=True):
            text = text.replace(name, "")
        if HAN.search(text):
            found.append(text)
    return found


def visible_texts(window) -> list[str]:
    texts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
    texts += [action.text() for action in window.menuBar().actions()]
    return texts


def test_english_window_has_no_chinese_outside_user_data(qtbot, open_window):
    window = open_window(lang="en")
    assert window.windowTitle() == "CXY Apply"
    names = pack_names()
    assert not chinese_in(visible_texts(window), names)
    window.open_sample("tech_vp")
    attachments = window.session.attachments()
    allowed = (
        names
        | {str(v) for v in _leaves(window.session.data())}
        | {a.title for a in attachments}
        | {a.original_name for a in attachments}
    )
    # 网上填报 shows the values as the (Chinese) portal takes them: choice labels, 是/否; the
    # upload folder's path, named after the draft file; in English each label also shows the
    # printed (Chinese) label by which the portal's box is found
    from forms.portal import portal_items

    portal = portal_items(window.session.data(), window.session.pack)
    allowed |= {i.value for i in portal} | {i.form_label for i in portal} | {window.session.path.stem}
    for key in window.view.keys():  # noqa: SIM118 - a WizardView, not a dict
        window.view.go_to_key(key)
        assert not chinese_in(visible_texts(window), allowed), key


def test_pack_labels_are_not_taken_for_mnemonics(qtbot, open_window):
    window = open_window(lang="en")
    window.open_sample("tech_vp")
    checked = 0
    for label in window.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and buddy.objectName() in window.session.fields:
            shown = label.text().replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix(" *")
            assert shown == buddy.accessibleName()
            checked += 1
    assert checked > 20
    assert "S&&T" in widget_text(window, "routing.local_bureau")


def widget_text(window, path: str) -> str:
    return next(
        label.text()
        for label in window.findChildren(QLabel)
        if label.buddy() is not None and label.buddy().objectName() == path
    )


def test_language_switch_keeps_the_draft_and_translates_messages(qtbot, window):
    window.open_sample("tech_vp")
    window.session.set("leader.email", "bad@")
    window.session.recheck()
    window.view.go_to_key("team")
    window.set_language("en")
    assert window.view.current_key() == "team"
    assert window.findChild(QWidget, "leader.email").text() == "bad@"
    message = window.findChild(QLabel, "leader.email.message")
    assert message.isVisible() and not HAN.search(message.text().replace("bad@", ""))
    assert window.menuBar().actions()[0].text() == "&File"
    window.set_language("zh")
    assert window.menuBar().actions()[0].text() == "文件(&F)"


def _leaves(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value)
    else:
        yield node


def test_the_category_shown_on_the_first_step_reads_as_in_the_pack(qtbot, open_window):
    window = open_window(lang="en")
    window.open_sample("tech_vp")
    label = window.findChild(QLabel, "category")
    assert "Science & Technology" in label.text() and "&&" not in label.text()
