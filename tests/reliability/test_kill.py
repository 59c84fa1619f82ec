"""kill -9 during autosave: no acknowledged edit is ever lost, no draft is ever left unreadable."""

from __future__ import annotations

import pytest

from .common import setting
from .kill import run_kills

pytestmark = pytest.mark.slow


def test_kill9_at_random_moments_loses_no_acknowledged_edit(tmp_path):
    kills = setting("CXY_KILLS")
    report = run_kills(kills, tmp_path, seed=setting("CXY_SEED"), lanes=setting("CXY_KILL_LANES"))
    print(report.line())
    assert report.kills == kills
    # the children really were editing when they died (all but the ~10% killed at random in start-up)
    assert report.editing_kills >= kills * 0.8, report.line()
    assert report.problems == []
    assert (report.lost, report.unreadable) == (0, 0)


@pytest.mark.parametrize(("planted", "what"), [("ack-first", "lost"), ("in-place", "unreadable")])
def test_harness_notices_a_planted_bug(tmp_path, planted, what):
    # The harness is only worth its zeros if it reports the bugs it exists to catch.
    report = run_kills(16, tmp_path, seed=setting("CXY_SEED"), lanes=2, planted=planted)
    assert getattr(report, what) > 0, report.line()
