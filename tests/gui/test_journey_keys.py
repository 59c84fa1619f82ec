"""Alt keys along the journey: on every step, with the bars and banners a draft brings (the
offer to migrate, the missing pack, 已定稿), no two controls and no menu share one Alt key —
a shared key only moves the focus between them instead of pressing either."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from desktop import migrate_bar, workers
from forms import pack_registry
from forms.draft import Draft
from forms.pack import load_pack, load_pack_dir
from forms.samples import fill_sample
from forms.transfer import create_draft
from forms.workflow import finalise
from tests.pack_writer import PACK_2025

pytestmark = pytest.mark.gui
KEY = re.compile(r"&([^&\s])")


def shared_keys(window) -> dict[str, list[str]]:
    """Alt keys claimed twice in the window as it is shown: the menu bar's, the visible enabled
    buttons' and the labels' that lead to an enabled field."""
    claims: dict[str, list[str]] = defaultdict(list)
    for action in window.menuBar().actions():
        found = KEY.search(action.text().replace("&&", ""))
        if found:
            claims[found.group(1).lower()].append(f"menu {action.text()}")
    for control in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        target = control.buddy() if isinstance(control, QLabel) else control
        if target is None or not control.isVisibleTo(window) or not target.isEnabled():
            continue  # a disabled control's key does nothing, so it takes none away
        found = KEY.search(control.text().replace("&&", ""))
        if found:
            claims[found.group(1).lower()].append(control.objectName() or control.text())
    return {key: names for key, names in claims.items() if len(names) > 1}


def older_final_draft(tmp_path, monkeypatch):
    old, new = load_pack("jiangsu-cxy-2023"), load_pack_dir(PACK_2025)
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [old, new])
    path = tmp_path / "older.cxy"
    create_draft(path, pack=old.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", old))
    with Draft.open(path) as draft:
        finalise(draft, old)
    return path


def ready_draft(tmp_path, monkeypatch):
    """No errors and not yet final: 定稿 can be pressed."""
    pack = load_pack("jiangsu-cxy-2023")
    monkeypatch.setattr(migrate_bar, "candidates", lambda: [pack])
    path = tmp_path / "ready.cxy"
    create_draft(path, pack=pack.id, category="tech_vp", fill=lambda d: fill_sample(d, "tech_vp", pack))
    return path


def enterprise_copy(tmp_path, monkeypatch):
    """The enterprise's hand-off copy: its instructions, the others' fields read-only."""
    from forms.workflow import handoff

    path = tmp_path / "copy.cxy"
    handoff(ready_draft(tmp_path, monkeypatch), "enterprise", path)
    return path


def missing_pack_draft(tmp_path, monkeypatch):
    later = load_pack_dir(PACK_2025)
    path = tmp_path / "sent.cxy"
    with Draft.create(path, pack=later.id, category="tech_vp") as draft:
        fill_sample(draft, "tech_vp", later)
    monkeypatch.setattr(pack_registry, "_named", {})
    load_pack.cache_clear()
    return path


@pytest.mark.parametrize("draft", [ready_draft, enterprise_copy, older_final_draft, missing_pack_draft])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_alt_key_is_claimed_twice_on_any_step(qtbot, open_window, tmp_path, monkeypatch, lang, draft):
    window = open_window(draft(tmp_path, monkeypatch), lang)
    qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)
    assert window.migrate_bar.isVisible() == (draft in (older_final_draft, missing_pack_draft))
    shared = {}
    for key in window.view.keys():  # noqa: SIM118 - a WizardView, not a dict
        window.view.go_to_key(key)
        qtbot.waitUntil(lambda: not workers.busy(), timeout=60000)
        if shared_keys(window):
            shared[key] = shared_keys(window)
    load_pack.cache_clear()
    assert not shared
