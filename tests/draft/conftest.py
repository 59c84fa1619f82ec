from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from draft_helpers import make_draft


@pytest.fixture(scope="session")
def valid_draft_file(tmp_path_factory) -> Path:
    """A finished draft with data and two small attachments (never modified: copy it)."""
    return make_draft(tmp_path_factory.mktemp("valid") / "valid.cxy", pdfs=2)


@pytest.fixture
def valid_copy(valid_draft_file, tmp_path) -> Path:
    dest = tmp_path / "src" / "received.cxy"
    dest.parent.mkdir()
    shutil.copyfile(valid_draft_file, dest)
    return dest
