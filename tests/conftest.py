"""Shared fixtures. GUI tests run offscreen; secrets never reach a real keyring."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "pdf"


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory):
    """No test reads or writes the real per-user data folder (drafts, the attachment ledger);
    subprocesses inherit it. Tests that need their own folder monkeypatch CXY_DATA_DIR."""
    previous = os.environ.get("CXY_DATA_DIR")
    os.environ["CXY_DATA_DIR"] = str(tmp_path_factory.mktemp("cxy-data"))
    yield
    if previous is None:
        os.environ.pop("CXY_DATA_DIR", None)
    else:
        os.environ["CXY_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def pack():
    from forms.pack import load_pack

    return load_pack()


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the hostile-PDF corpus is not here ({CORPUS}); it sits beside the checkout in CI")
    return CORPUS


# The quick loop (`pytest -m "not slow"`, README) leaves these out: the GUI and end-to-end tests
# (a Qt event loop, or a `cxy` process per test) and the modules that build whole packages, run
# the attachment worker many times or inject faults step by step — measured with --durations,
# each takes seconds. The full `pytest` (CI) runs everything; individual tests may still carry
# @pytest.mark.slow themselves.
SLOW_PATHS = (
    "gui/",
    "e2e/",
    "office/",
    "workflow/",
    "package/test_memory.py",
    "package/test_upload_fit.py",
    "package/test_seal.py",
    "package/test_package.py",
    "package/test_print_and_upload.py",
    "package/test_recheck.py",
    "attachments/test_duplicates.py",
    "attachments/test_quiet_failures.py",
    "attachments/test_preflight.py",
    "attachments/test_import_intake.py",
    "attachments/test_page_ops.py",
    "reliability/test_faults.py",
    "unit/test_portal.py",
    "unit/test_template_import.py",
    "test_installer.py",
)


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    for item in items:
        where = Path(str(item.path)).resolve()
        if where.is_relative_to(tests) and where.relative_to(tests).as_posix().startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)
