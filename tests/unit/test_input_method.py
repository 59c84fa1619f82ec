"""fcitx users on Linux (UOS, Kylin, Deepin) can type Chinese: when fcitx is asked for and the
bundled Qt has no fcitx plugin, the app asks for ibus through the IBus portal, which fcitx5's
ibus frontend serves. (Checked by hand under Xvfb with fcitx5 + rime: "nihao" + space commits
你好 into a QLineEdit of the bundled Qt 6.12 this way; with QT_IM_MODULE=fcitx left as is, or
ibus without the portal on a system without ibus-daemon, the line edit gets "nihao ".)"""

from __future__ import annotations

import pytest

from desktop.input_method import decide, plugin_keys

BUNDLED = {"ibus", "compose"}


@pytest.mark.parametrize("asked", ["fcitx", "fcitx5"])
def test_fcitx_without_its_plugin_switches_to_ibus(asked):
    decision = decide({"QT_IM_MODULE": asked}, BUNDLED)
    # through the IBus portal: the address-file route needs the ibus-daemon program installed
    assert decision.changes == {"QT_IM_MODULE": "ibus", "IBUS_USE_PORTAL": "1"}
    assert "ibus" in decision.reason


def test_a_portal_setting_of_the_user_is_kept():
    assert decide({"QT_IM_MODULE": "fcitx", "IBUS_USE_PORTAL": "0"}, BUNDLED).changes == {"QT_IM_MODULE": "ibus"}


def test_the_qt6_list_form_is_rewritten_in_order():
    env = {"QT_IM_MODULES": "wayland;fcitx;fcitx5;ibus", "QT_IM_MODULE": "fcitx"}
    assert decide(env, BUNDLED).changes == {
        "QT_IM_MODULES": "wayland;ibus",
        "QT_IM_MODULE": "ibus",
        "IBUS_USE_PORTAL": "1",
    }


@pytest.mark.parametrize(
    "env", [{}, {"QT_IM_MODULE": "ibus"}, {"QT_IM_MODULE": "compose"}, {"QT_IM_MODULES": "wayland;ibus"}]
)
def test_other_choices_are_left_alone(env):
    assert decide(env, BUNDLED).changes == {}


def test_a_bundled_fcitx_plugin_is_used():
    assert decide({"QT_IM_MODULE": "fcitx"}, BUNDLED | {"fcitx5", "fcitx"}).changes == {}


def test_without_the_ibus_plugin_nothing_is_changed():
    decision = decide({"QT_IM_MODULE": "fcitx"}, {"compose"})
    assert decision.changes == {} and "ibus" in decision.reason


def test_plugin_files_name_their_modules(tmp_path):
    folder = tmp_path / "platforminputcontexts"
    folder.mkdir()
    for name in (
        "libibusplatforminputcontextplugin.so",
        "libcomposeplatforminputcontextplugin.so",
        "libqtvirtualkeyboardplugin.so",
        "libfcitx5platforminputcontextplugin.so",
        "README",
    ):
        (folder / name).write_bytes(b"")
    assert plugin_keys([folder, tmp_path / "missing"]) == {"ibus", "compose", "fcitx5", "fcitx"}
