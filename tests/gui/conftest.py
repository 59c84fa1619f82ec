"""GUI fixtures: every test gets its own settings and data folders, an in-memory keyring and a
scripted prompter, so nothing touches the user's files or blocks on a dialog."""

from __future__ import annotations

from pathlib import Path

import pytest

import desktop  # noqa: F401 - applies desktop.qt_fixes before any Qt call

from .fakes import FakePrompter, MemoryKeyring

HERE = Path(__file__).resolve().parent
# The offscreen platform cannot resize a window to its new size hints and says so on every
# layout change; the message is about the test platform, not the app.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"
OFFSCREEN_RAISE = "This plugin does not support raise"  # bringing a window forward, same reason


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, OFFSCREEN_RAISE))


@pytest.fixture(autouse=True)
def isolated(tmp_path):
    # Its own MonkeyPatch: a test's monkeypatch.undo() must not send the windows it leaves open
    # (closed after the test) to the user's real settings.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CXY_DATA_DIR", str(tmp_path / "data"))
        env.setenv("CXY_CONFIG_DIR", str(tmp_path / "config"))
        yield tmp_path


@pytest.fixture(autouse=True)
def memory_keyring():
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def prompter() -> FakePrompter:
    return FakePrompter()


@pytest.fixture
def open_window(qtbot, prompter):
    """``open_window(path=None, lang="zh")`` → a shown MainWindow; closed (and its background
    jobs finished) after the test."""
    from desktop import workers
    from desktop.factory import make_window
    from desktop.services import Services

    windows = []

    def make(path: Path | None = None, lang: str = "zh"):
        window = make_window(path, lang, Services(prompter=prompter))
        # pytest-qt closes the window after the test; background jobs finish first.
        qtbot.addWidget(window, before_close_func=lambda _w: qtbot.waitUntil(lambda: not workers.busy(), timeout=60000))
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    workers.wait_all()
    from desktop import i18n

    i18n.install("zh")


@pytest.fixture
def window(open_window):
    return open_window()


@pytest.fixture
def sent_draft(tmp_path, monkeypatch):
    """A 双高 draft made under the 2025 pack, which this program then does not know."""
    from forms import pack_registry
    from forms.draft import Draft
    from forms.pack import load_pack, load_pack_dir
    from forms.samples import fill_sample
    from tests.pack_writer import PACK_2025

    later = load_pack_dir(PACK_2025)
    path = tmp_path / "双高.cxy"
    with Draft.create(path, pack=later.id, category="dual_high") as draft:
        fill_sample(draft, "dual_high", later)
    monkeypatch.setattr(pack_registry, "_named", {})
    load_pack.cache_clear()
    yield path
    load_pack.cache_clear()
