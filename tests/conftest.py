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
