"""The hostile-PDF corpus: every file is imported clean or refused with a message (never a hang:
the intake's worker has its own time limit)."""

from __future__ import annotations

import pytest

from .corpus import run_corpus

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def test_corpus_files_are_imported_clean_or_refused(corpus_dir):
    report = run_corpus(corpus_dir)
    print(report.line(), dict(report.refused))
    assert report.files > 200
    assert report.bugs == []
    assert report.active == []
    assert report.page_mismatch == []
    # how long each file took is a figure (`python -m tests.reliability corpus`), not asserted here
    assert report.imported > 0 and sum(report.refused.values()) > 0
