"""The portal password goes only to the system password store (an in-memory one here)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail, null

from desktop.secrets import PORTAL_PASSWORD, SERVICE, SecretStore, SecretsUnavailable

from .helpers import widget

pytestmark = pytest.mark.gui


def output_page(window):
    """The password box sits on the 网上填报 step (it was on the output step before issue 13)."""
    window.open_sample("tech_vp")
    window.view.go_to_key("portal")
    return window.view.portal_page


def test_remember_and_read_back(qtbot, open_window, memory_keyring):
    window = open_window()
    page = output_page(window)
    edit = widget(window, "secrets.portal_password")
    edit.setFocus()
    qtbot.keyClicks(edit, "s3cret-Pass")
    widget(window, "secrets.remember").click()
    assert memory_keyring.store[(SERVICE, PORTAL_PASSWORD)] == "s3cret-Pass"
    assert "已保存" in widget(window, "secrets.message").text()
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)

    again = open_window()
    output_page(again)
    assert widget(again, "secrets.portal_password").text() == "s3cret-Pass"
    widget(again, "secrets.forget").click()
    assert (SERVICE, PORTAL_PASSWORD) not in memory_keyring.store


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring])
def test_no_keyring_says_so(qtbot, window, backend):
    keyring.set_keyring(backend())
    output_page(window)
    message = widget(window, "secrets.message")
    assert "系统密码库不可用" in message.text()  # said on arrival, before anyone types
    edit = widget(window, "secrets.portal_password")
    edit.setFocus()
    qtbot.keyClicks(edit, "pw")
    widget(window, "secrets.remember").click()
    assert "系统密码库不可用" in message.text()


def test_plain_text_file_keyrings_count_as_unavailable():
    class PlaintextLike(keyring.backend.KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):
            raise AssertionError("must not be used")

        def delete_password(self, service, username):
            pass

    PlaintextLike.__module__ = "keyrings.alt.file"
    keyring.set_keyring(PlaintextLike())
    store = SecretStore()
    assert not store.available()
    with pytest.raises(SecretsUnavailable):
        store.set(PORTAL_PASSWORD, "x")
