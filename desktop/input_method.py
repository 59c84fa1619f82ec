"""Which Qt input-method module to ask for on Linux, decided before the QApplication exists.

UOS, Kylin and Deepin default to fcitx (``QT_IM_MODULE=fcitx``). The bundle carries Qt's own
ibus plugin but no fcitx plugin: a distribution's fcitx5 Qt 6 plugin is built against that
distribution's Qt and does not load into the bundled Qt (it needs private Qt symbols whose
signatures changed, e.g. ``QWindowSystemInterface::handleExtendedKeyEvent``), and no fcitx5
plugin built for the bundled Qt is published. Asking for fcitx then gives no input method at
all: no Chinese can be typed. fcitx5 serves IBus clients too (its ibus frontend, on by default,
owns the IBus portal name on the session bus), so the ibus plugin, told to use the portal,
reaches fcitx5; we ask for it instead. fcitx 4 has no ibus frontend and is not served.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("cxy-apply")
FCITX_NAMES = ("fcitx", "fcitx5")
IBUS = "ibus"
FOLDER = "platforminputcontexts"


@dataclass(frozen=True)
class Decision:
    """What to set in the environment (empty: leave it) and why, for the log."""

    changes: dict[str, str] = field(default_factory=dict)
    reason: str = ""


def plugin_keys(folders: Iterable[Path]) -> set[str]:
    """The input-method modules whose plugin files are in ``folders`` (by Qt's file naming:
    ``libibusplatforminputcontextplugin.so`` serves "ibus", ``libfcitx5…`` "fcitx5" and "fcitx")."""
    keys: set[str] = set()
    for folder in folders:
        try:
            names = [p.name for p in folder.iterdir()]
        except OSError:
            continue
        for name in names:
            stem = name.removeprefix("lib").split("platforminputcontextplugin")[0]
            if not stem or stem == name.removeprefix("lib"):
                continue
            keys.add(stem)
            if stem == "fcitx5":
                keys.add("fcitx")  # the fcitx5 plugin answers to both names
    return keys


def decide(env: MutableMapping[str, str] | dict[str, str], bundled: set[str]) -> Decision:
    """The module to ask for, given the environment and the modules ``bundled`` with our Qt
    (only those are built for it: a plugin from elsewhere is not trusted to load)."""
    asked_list = [m.strip() for m in env.get("QT_IM_MODULES", "").split(";") if m.strip()]
    asked = env.get("QT_IM_MODULE", "").strip()
    wants_fcitx = asked in FCITX_NAMES or any(m in FCITX_NAMES for m in asked_list)
    if not wants_fcitx:
        return Decision(reason=f"input method as asked: QT_IM_MODULE={asked or '-'}")
    if any(name in bundled for name in FCITX_NAMES):
        return Decision(reason="fcitx asked for and a fcitx plugin is bundled: kept")
    if IBUS not in bundled:
        return Decision(reason="fcitx asked for, but neither a fcitx nor the ibus plugin is bundled: left as is")
    # Qt's ibus plugin reaches IBus through its address file only when the ibus-daemon program
    # is installed, which a fcitx-only system lacks; through the IBus portal on the session bus
    # it needs nothing more, and fcitx5's ibus frontend owns that portal name.
    changes: dict[str, str] = {} if env.get("IBUS_USE_PORTAL") else {"IBUS_USE_PORTAL": "1"}
    if asked in FCITX_NAMES:
        changes["QT_IM_MODULE"] = IBUS
    if asked_list:
        replaced: list[str] = []
        for module in asked_list:
            module = IBUS if module in FCITX_NAMES else module
            if module not in replaced:
                replaced.append(module)
        changes["QT_IM_MODULES"] = ";".join(replaced)
    return Decision(
        changes,
        "fcitx asked for, no fcitx plugin for this Qt is bundled: using ibus through "
        "the IBus portal (fcitx5 serves IBus clients through its ibus frontend)",
    )


def bundled_plugin_dirs() -> list[Path]:
    """The platforminputcontexts folders of the Qt this program runs on."""
    from PySide6 import QtCore

    package = Path(QtCore.__file__).resolve().parent
    folders = [
        Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.PluginsPath)) / FOLDER,
        package / "Qt" / "plugins" / FOLDER,
        package / "plugins" / FOLDER,
    ]
    return list(dict.fromkeys(folders))


def prefer_working_module(env: MutableMapping[str, str] | None = None) -> Decision:
    """Apply :func:`decide` to ``env`` (``os.environ``) on Linux; log the decision."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return Decision(reason="not Linux: Qt's own input method support")
    decision = decide(env, plugin_keys(bundled_plugin_dirs()))
    env.update(decision.changes)
    log.info(
        "input method: %s%s",
        decision.reason,
        f" ({', '.join(f'{k}={v}' for k, v in decision.changes.items())})" if decision.changes else "",
    )
    return decision
